"""The connection reports every frame both ways, and how the connection ended."""

from __future__ import annotations

import asyncio
import ssl
from collections.abc import AsyncIterator
from http import HTTPStatus
from pathlib import Path

import pytest
import trustme
from websockets.asyncio.server import Server, ServerConnection, serve
from websockets.frames import Frame
from websockets.frames import Opcode as WireOpcode
from websockets.http11 import Request, Response

from sockscope.core.events import Closed, Failed, Opened, ReadyState
from sockscope.core.session.session import Session
from sockscope.core.settings import ConnectionSettings
from sockscope.core.store.frames import Kind, Opcode
from sockscope.core.wire.connection import Connection, NotOpenError
from sockscope.core.wire.read_size import FRAMES_PER_READ, READ_SIZE, fast_path_enabled
from sockscope.core.wire.stream import WireStream

#: Both ways frames come in: websockets parses each (the test server compresses every message
#: once deflate is agreed), or the frame splitter takes them (no compression).
BOTH_PATHS = pytest.mark.parametrize("compression", [True, False], ids=["deflate", "plain"])

FLOOD = [b"%099d" % n for n in range(3000)]
"""Payloads of 99 bytes, ~9 reads of READ_SIZE in all, each different."""


def wire_frame(payload: bytes) -> bytes:
    return Frame(WireOpcode.TEXT, payload).serialize(mask=False, extensions=[])


async def handler(ws: ServerConnection) -> None:
    path = ws.request.path if ws.request else "/"
    if path == "/bye":
        await ws.close(4001, "unauthorized")
        return
    if path == "/bad-utf8":
        # A text frame that is not UTF-8, written raw: websockets' send() would refuse it.
        ws.transport.write(
            Frame(WireOpcode.TEXT, b"ok \xff\xfe").serialize(mask=False, extensions=[])
        )
        await ws.wait_closed()
        return
    if path == "/flood":
        # Written at once, pre-encoded: many reads' worth arrives faster than it is parsed.
        ws.transport.write(b"".join(wire_frame(payload) for payload in FLOOD))
        await ws.close()
        return
    if path == "/burst":
        for n in range(50):
            await ws.send(f"burst {n}")
    if path == "/fragments":
        await ws.send(["hel", "lo"])
        await ws.ping(b"srv")
    async for message in ws:
        await ws.send(message)


def reject(ws: ServerConnection, request: Request) -> Response | None:
    if request.path == "/forbidden":
        return ws.respond(HTTPStatus.FORBIDDEN, "invalid token\n")
    return None


@pytest.fixture
async def server() -> AsyncIterator[Server]:
    async with serve(handler, "127.0.0.1", 0, process_request=reject) as srv:
        yield srv


@pytest.fixture
async def tls_server(tmp_path: Path) -> AsyncIterator[tuple[Server, str]]:
    """The same server behind TLS, and the file of the CA that signed its certificate."""
    ca = trustme.CA()
    ca_file = tmp_path / "ca.pem"
    ca.cert_pem.write_to_path(str(ca_file))
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    ca.issue_cert("127.0.0.1").configure_cert(context)
    async with serve(handler, "127.0.0.1", 0, process_request=reject, ssl=context) as srv:
        yield srv, str(ca_file)


def url(server: Server, path: str, scheme: str = "ws") -> str:
    port = next(iter(server.sockets)).getsockname()[1]
    return f"{scheme}://127.0.0.1:{port}{path}"


def start(
    session: Session, address: str, compression: bool
) -> tuple[Connection, asyncio.Task[Closed | Failed]]:
    """A connection recording into ``session``, running in a task."""
    connection = Connection(ConnectionSettings(address, compression=compression), session)
    return connection, asyncio.create_task(connection.run())


def frames(session: Session) -> list[tuple[Kind, Opcode, bytes]]:
    store = session.store
    return [
        (store.kind(i), store.opcode(i), store.payload(i))
        for i in range(len(store))
        if store.kind(i).is_frame
    ]


@BOTH_PATHS
async def test_echo_records_both_directions_and_a_clean_close(
    server: Server, compression: bool
) -> None:
    session = Session()
    connection, task = start(session, url(server, "/echo"), compression)
    while connection.state is not ReadyState.OPEN:
        await asyncio.sleep(0.01)
    await connection.send_text("héllo")
    await connection.send_bytes(b"\x00\xff")
    latency = await connection.ping(b"p1")
    assert latency >= 0
    while session.store.frames_in < 3:
        await asyncio.sleep(0.01)
    await connection.close(4000, "done")
    result = await task
    assert isinstance(result, Closed)
    assert (result.code, result.reason, result.was_clean, result.by) == (
        4000,
        "done",
        True,
        "client",
    )
    seen = frames(session)
    assert (Kind.SEND, Opcode.TEXT, "héllo".encode()) in seen
    assert (Kind.RECV, Opcode.TEXT, "héllo".encode()) in seen
    assert (Kind.RECV, Opcode.BINARY, b"\x00\xff") in seen
    assert (Kind.SEND, Opcode.PING, b"p1") in seen
    assert (Kind.RECV, Opcode.PONG, b"p1") in seen
    assert seen[-2][:2] == (Kind.SEND, Opcode.CLOSE)
    assert seen[-1][:2] == (Kind.RECV, Opcode.CLOSE)
    assert session.store.kind(0) is Kind.OPEN
    assert session.store.info(0)["status"] == 101
    assert session.store.kind(len(session.store) - 1) is Kind.CLOSE


@BOTH_PATHS
async def test_fragments_are_reassembled_and_server_pings_answered(
    server: Server, compression: bool
) -> None:
    session = Session()
    connection, task = start(session, url(server, "/fragments"), compression)
    while session.store.frames_out < 1:  # our automatic pong
        await asyncio.sleep(0.01)
    await connection.close()
    await task
    seen = frames(session)
    assert (Kind.RECV, Opcode.TEXT, b"hello") in seen
    assert (Kind.RECV, Opcode.PING, b"srv") in seen
    assert (Kind.SEND, Opcode.PONG, b"srv") in seen


async def test_server_close_with_application_code(server: Server) -> None:
    session = Session()
    result = await Connection(ConnectionSettings(url(server, "/bye")), session).run()
    assert isinstance(result, Closed)
    assert (result.code, result.reason, result.was_clean, result.by) == (
        4001,
        "unauthorized",
        True,
        "server",
    )


async def test_handshake_refused_reports_status_and_body(server: Server) -> None:
    session = Session()
    result = await Connection(ConnectionSettings(url(server, "/forbidden")), session).run()
    assert isinstance(result, Failed)
    assert result.status == 403
    assert "403 Forbidden — invalid token" in result.message
    assert session.store.kind(0) is Kind.ERROR


async def test_refused_port_is_one_sentence() -> None:
    result = await Connection(ConnectionSettings("ws://127.0.0.1:9/"), Session()).run()
    assert isinstance(result, Failed)
    assert result.message.startswith("Connection refused by 127.0.0.1:9")


async def test_send_before_open_is_a_clear_error() -> None:
    connection = Connection(ConnectionSettings("ws://127.0.0.1:9/"), Session())
    with pytest.raises(NotOpenError, match="Not connected"):
        await connection.send_text("x")


async def test_opened_event_has_handshake(server: Server) -> None:
    session = Session()
    connection = Connection(ConnectionSettings(url(server, "/echo")), session)
    task = asyncio.create_task(connection.run())
    while connection.state is not ReadyState.OPEN:
        await asyncio.sleep(0.01)
    opened = session.opened
    assert isinstance(opened, Opened)
    assert opened.extensions == ["permessage-deflate"]
    assert any(name.lower() == "sec-websocket-key" for name, _ in opened.request_headers)
    await connection.close()
    await task


@BOTH_PATHS
async def test_server_close_is_recorded_before_our_reply(server: Server, compression: bool) -> None:
    session = Session()
    await Connection(
        ConnectionSettings(url(server, "/bye"), compression=compression), session
    ).run()
    closes = [(kind, payload[2:]) for kind, op, payload in frames(session) if op is Opcode.CLOSE]
    assert closes == [(Kind.RECV, b"unauthorized"), (Kind.SEND, b"unauthorized")]


@BOTH_PATHS
async def test_invalid_utf8_text_is_recorded_then_closes_1007(
    server: Server, compression: bool
) -> None:
    session = Session()
    result = await Connection(
        ConnectionSettings(url(server, "/bad-utf8"), compression=compression), session
    ).run()
    assert (Kind.RECV, Opcode.TEXT, b"ok \xff\xfe") in frames(session)
    assert isinstance(result, Closed)
    # As in browsers, failing the connection reports 1006 (not clean); the detail says why.
    assert (result.code, result.was_clean) == (1006, False)
    assert result.detail == "sockscope closed with 1007 invalid start byte at position 3"


@BOTH_PATHS
async def test_frames_sent_at_once_come_after_the_open_row(
    server: Server, compression: bool
) -> None:
    session = SinkCalls()
    connection, task = start(session, url(server, "/burst"), compression)
    while session.store.frames_in < 50:
        await asyncio.sleep(0.01)
    await connection.close()
    await task
    store = session.store
    assert store.kind(0) is Kind.OPEN
    received = [p for k, op, p in frames(session) if k is Kind.RECV and op is Opcode.TEXT]
    assert received == [f"burst {n}".encode() for n in range(50)]
    # The server compresses every message once deflate is agreed: websockets inflates them;
    # uncompressed, the splitter takes them (when the fast path is on).
    split = fast_path_enabled() and not compression
    assert (session.batched, session.one_by_one) == ((50, 0) if split else (0, 50))


class ReadSizes:
    """The size of every read the connection's stream is handed, and its transport's knob."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch) -> None:
        self.sizes: list[int] = []
        self.knobs: list[object] = []
        data_received = WireStream.data_received

        def noting(stream: WireStream, data: bytes) -> None:
            self.sizes.append(len(data))
            self.knobs.append(getattr(stream.transport, "max_size", None))
            data_received(stream, data)

        monkeypatch.setattr(WireStream, "data_received", noting)


async def read_flood(
    monkeypatch: pytest.MonkeyPatch, session: Session, settings: ConnectionSettings
) -> ReadSizes:
    """Take the flood in through a connection noting its reads, until the server closes."""
    reads = ReadSizes(monkeypatch)
    result = await Connection(settings, session).run()
    assert isinstance(result, Closed) and result.was_clean
    return reads


def received_text(session: Session) -> list[bytes]:
    return [p for k, op, p in frames(session) if k is Kind.RECV and op is Opcode.TEXT]


FAST = pytest.mark.skipif(not fast_path_enabled(), reason="the fast path is switched off")


@FAST
async def test_socket_reads_are_capped_and_every_frame_still_arrives(
    server: Server, monkeypatch: pytest.MonkeyPatch
) -> None:
    session = Session()
    reads = await read_flood(monkeypatch, session, ConnectionSettings(url(server, "/flood")))
    assert reads.knobs[0] == READ_SIZE
    assert max(reads.sizes) <= READ_SIZE < 4 * READ_SIZE < sum(reads.sizes)
    assert received_text(session) == FLOOD


async def test_tls_has_no_read_size_to_cap_and_works_as_before(
    tls_server: tuple[Server, str], monkeypatch: pytest.MonkeyPatch
) -> None:
    server, ca_file = tls_server
    session = Session()
    settings = ConnectionSettings(url(server, "/flood", "wss"), ca_file=ca_file)
    reads = await read_flood(monkeypatch, session, settings)
    # asyncio's TLS transport decrypts whole reads of its own: no size to set (see
    # core/wire/read_size.py); the guard leaves it alone.
    assert set(reads.knobs) == {None}
    assert received_text(session) == FLOOD


class SinkCalls(Session):
    """A session noting how received data frames reached it: one by one, or in batches."""

    def __init__(self) -> None:
        super().__init__()
        self.one_by_one = 0
        self.batched = 0

    def on_frame(self, t: float, kind: Kind, opcode: Opcode, payload: bytes) -> None:
        super().on_frame(t, kind, opcode, payload)
        if kind is Kind.RECV and opcode is Opcode.TEXT:
            self.one_by_one += 1

    def on_frames(self, t: float, flags: bytes, payloads: list[bytes]) -> None:
        super().on_frames(t, flags, payloads)
        self.batched += len(payloads)


@BOTH_PATHS
async def test_uncompressed_frames_take_the_splitter_with_or_without_deflate(
    server: Server, compression: bool
) -> None:
    session = SinkCalls()
    settings = ConnectionSettings(url(server, "/flood"), compression=compression)
    result = await Connection(settings, session).run()
    assert isinstance(result, Closed) and result.was_clean
    assert received_text(session) == FLOOD  # written raw: no RSV1, even with deflate
    split = fast_path_enabled()
    assert (session.batched, session.one_by_one) == ((len(FLOOD), 0) if split else (0, len(FLOOD)))


@FAST
async def test_the_splitter_sizes_reads_to_a_number_of_frames(
    server: Server, monkeypatch: pytest.MonkeyPatch
) -> None:
    session = Session()
    settings = ConnectionSettings(url(server, "/flood"), compression=False)
    reads = await read_flood(monkeypatch, session, settings)
    assert received_text(session) == FLOOD
    # The rest of the handshake's read (READ_SIZE), then each read holds about
    # FRAMES_PER_READ frames of 101 bytes (header included), well under READ_SIZE.
    assert reads.knobs[0] == READ_SIZE
    later = reads.sizes[1:-1]
    assert later and max(later) <= 2 * FRAMES_PER_READ * 101 < READ_SIZE
