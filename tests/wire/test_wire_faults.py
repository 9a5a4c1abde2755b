"""Servers that used to break the wire: many fragments, a ping flood; and the client vanishing.

Each against a real server: websockets' own for a fragmented message, a raw asyncio
server (tests/faults/servers.py) for frames websockets would not send.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator, Iterator

import pytest
from websockets.asyncio.server import Server, ServerConnection, serve
from websockets.exceptions import ConnectionClosed

from faults.servers import PING, TEXT, FaultServer, Peer
from sockscope.core.events import Closed, Failed, ReadyState
from sockscope.core.session.session import Session
from sockscope.core.settings import ConnectionSettings
from sockscope.core.store.frames import Kind, Opcode
from sockscope.core.wire.connection import ABORTED, Connection
from sockscope.core.wire.stream import REPLY_LIMIT, WRITE_LIMIT, WireStream

#: Long enough for any of these to end on a loaded machine; they hang on the old wire.
ENDS_WITHIN = 20.0
PARTS = [f"part {n:02d};" for n in range(40)]
CONT = 0x0


def frame(opcode: int, payload: bytes, fin: bool = True) -> bytes:
    """One unmasked frame of under 126 bytes, final or not."""
    return bytes([(0x80 if fin else 0) | opcode, len(payload)]) + payload


def received(session: Session) -> list[tuple[Kind, Opcode, bytes]]:
    store = session.store
    return [
        (store.kind(i), store.opcode(i), store.payload(i))
        for i in range(len(store))
        if store.kind(i) is Kind.RECV
    ]


async def handler(ws: ServerConnection) -> None:
    if ws.request is not None and ws.request.path == "/fragments":
        await ws.send(PARTS)  # one message in 40 frames
        await ws.send("after")
        return  # websockets closes with 1000
    with contextlib.suppress(ConnectionClosed):
        async for message in ws:
            await ws.send(message)
    SEEN.append(ws.close_code)


SEEN: list[int | None] = []
"""How each connection ended, seen from the server (its close code)."""


@pytest.fixture
async def server() -> AsyncIterator[Server]:
    async with serve(handler, "127.0.0.1", 0) as srv:
        yield srv


def url(server: Server, path: str) -> str:
    return f"ws://127.0.0.1:{next(iter(server.sockets)).getsockname()[1]}{path}"


async def run(connection: Connection) -> Closed | Failed:
    return await asyncio.wait_for(connection.run(), ENDS_WITHIN)


@pytest.mark.parametrize("compression", [True, False], ids=["deflate", "plain"])
async def test_a_message_in_40_fragments_then_the_next_and_a_clean_close(
    server: Server, compression: bool
) -> None:
    session = Session()
    settings = ConnectionSettings(url(server, "/fragments"), compression=compression)
    result = await run(Connection(settings, session))
    assert received(session) == [
        (Kind.RECV, Opcode.TEXT, "".join(PARTS).encode()),
        (Kind.RECV, Opcode.TEXT, b"after"),
        (Kind.RECV, Opcode.CLOSE, b"\x03\xe8"),
    ]
    assert result == Closed(1000, "", True, "server")


async def endless_fragments(peer: Peer) -> None:
    """A text message whose fragments never end (100 bytes each), then wait for the close."""
    await peer.accept(await peer.read_head())
    peer.writer.write(frame(TEXT, b"x" * 100, fin=False))
    for _ in range(300):
        peer.writer.write(frame(CONT, b"y" * 100, fin=False))
    await peer.writer.drain()
    await peer.read_until_close()


async def test_fragments_that_never_end_reach_the_size_limit() -> None:
    server = await FaultServer(endless_fragments).start()
    try:
        session = Session()
        settings = ConnectionSettings(server.url(), max_size=10_000)
        result = await run(Connection(settings, session))
    finally:
        await server.close()
    assert isinstance(result, Closed)
    assert (result.code, result.was_clean, result.by) == (1006, False, "client")
    assert result.detail.startswith("sockscope closed with 1009 ")
    assert "exceeds limit of 10000 bytes" in result.detail
    assert not [row for row in received(session) if row[1] is Opcode.TEXT]


#: Pings of 125 bytes, 64 KiB of them at a time.
PINGS = frame(PING, b"p" * 125) * (64 * 1024 // 127)
#: What a flooding server writes at most (an unbounded client would hold ~all its pongs).
FLOOD_BYTES = 64 * 1024 * 1024


class Flood:
    """A server that floods pings and never reads; it notes how much it managed to write."""

    def __init__(self) -> None:
        self.written = 0

    async def __call__(self, peer: Peer) -> None:
        await peer.accept(await peer.read_head())
        while self.written < FLOOD_BYTES:
            peer.writer.write(PINGS)
            self.written += len(PINGS)
            await peer.writer.drain()
        await peer.reader.read()  # the client's end (never reading anything else)


@pytest.fixture
def streams(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[WireStream]]:
    """Every WireStream built while the test runs."""
    built: list[WireStream] = []
    init = WireStream.__init__

    def noting(stream: WireStream, *args: object, **kwargs: object) -> None:
        init(stream, *args, **kwargs)  # type: ignore[arg-type]
        built.append(stream)

    monkeypatch.setattr(WireStream, "__init__", noting)
    yield built


async def test_a_ping_flood_that_never_reads_our_pongs_stays_bounded(
    streams: list[WireStream],
) -> None:
    flood = Flood()
    server = await FaultServer(flood).start()
    try:
        session = Session()
        connection = Connection(ConnectionSettings(server.url(), ping_interval=0), session)
        task = asyncio.create_task(connection.run())
        # Either the client stops reading (the server can no longer write), or the server
        # got all of its flood out: then every pong is piled up in the client.
        while not connection.reading_paused and flood.written < FLOOD_BYTES:
            await asyncio.sleep(0.01)
        (stream,) = streams
        backlog = stream.transport.get_write_buffer_size()
        assert connection.reading_paused
        # At most the limit, the pongs let pile past it, and those of the read that crossed
        # that (256 KiB at most).
        assert backlog <= WRITE_LIMIT + REPLY_LIMIT + 300 * 1024
        assert flood.written < FLOOD_BYTES
        connection.abort()
        result = await asyncio.wait_for(task, ENDS_WITHIN)
    finally:
        await server.close()
    assert result == Closed(1006, "", False, "client", ABORTED)


async def test_abort_drops_the_connection_without_a_close_frame(server: Server) -> None:
    session = Session()
    connection = Connection(ConnectionSettings(url(server, "/echo")), session)
    task = asyncio.create_task(connection.run())
    while connection.state is not ReadyState.OPEN:
        await asyncio.sleep(0.01)
    SEEN.clear()
    await connection.send_text("still there?")
    while session.store.frames_in < 1:
        await asyncio.sleep(0.01)
    connection.abort()
    result = await asyncio.wait_for(task, ENDS_WITHIN)
    assert result == Closed(1006, "", False, "client", ABORTED)
    assert connection.user_closed
    assert not [row for row in received(session) if row[1] is Opcode.CLOSE]
    assert session.store.info(len(session.store) - 1)["detail"] == ABORTED
    while not SEEN:  # the server saw a connection closed without a close frame
        await asyncio.sleep(0.01)
    assert SEEN == [1006]
