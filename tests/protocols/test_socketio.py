"""Socket.IO v5 / Engine.IO v4 against npm's real socket.io server (tests/node/socketio_server.js).

The server pings every 300 ms and drops a client whose pong does not come within 200 ms,
so a session that lives through several pings was kept alive by the layer alone.
"""

from __future__ import annotations

import subprocess
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest

from node_servers import node_server
from sockscope.core.events import CommandFailed, ProtocolChosen, ReadyState
from sockscope.core.formats.jsonl import read_jsonl
from sockscope.core.protocols.base import ProtocolError
from sockscope.core.protocols.message import Message, MessageKind
from sockscope.core.protocols.view import ProtocolView
from sockscope.core.settings import ConnectionSettings
from sockscope.core.store.frames import Kind, Opcode
from sockscope.core.wire.commands import Close

from .speaking import Speaking, speaking

#: Pings the server sends in ~1.5 s; without pongs it closes before its second one.
PINGS = 5


@pytest.fixture(scope="module")
def sio_port() -> Iterator[int]:
    with node_server("socketio_server.js") as port:
        yield port


@pytest.fixture(scope="module")
def custom_port() -> Iterator[int]:
    with node_server("socketio_server.js", "/custom/") as port:
        yield port


def rows_of(view: ProtocolView, rows: int) -> list[tuple[int, Message]]:
    return [(row, m) for row in range(rows) for m in view.messages(row)]


def received(s: Speaking, name: str, kind: MessageKind | None = None) -> Message | None:
    """The last message called ``name`` (of this kind) the server sent."""
    view = s.plugin.view
    if view is None:
        return None
    store = s.session.store
    found = None
    for row, message in rows_of(view, store.dropped + len(store)):
        if (
            message.name == name
            and kind in (None, message.kind)
            and store.kind(row - store.dropped) is Kind.RECV
        ):
            found = message
    return found


def pings_answered(s: Speaking) -> int:
    store = s.session.store
    return sum(
        1 for i in range(len(store)) if store.kind(i) is Kind.SEND and store.payload(i) == b"3"
    )


async def test_a_base_url_gets_the_path_joins_and_stays_open_past_the_ping_timeout(
    sio_port: int,
) -> None:
    settings = ConnectionSettings(
        f"http://127.0.0.1:{sio_port}",
        protocol="socket.io",
        protocol_options=(("auth", '{"token": "abc"}'),),
    )
    async with speaking(settings) as s:
        await s.until(lambda: pings_answered(s) >= PINGS)
        assert s.driver.state is ReadyState.OPEN  # never closed: one connection all along
        welcome = received(s, "welcome")
    opened = s.session.opened
    assert opened is not None
    assert opened.url == f"ws://127.0.0.1:{sio_port}/socket.io/?EIO=4&transport=websocket"
    # The server emits `welcome` with the auth it saw in the automatic `40{...}`.
    assert welcome is not None and welcome.summary == '[{"token":"abc"}]'
    assert ProtocolChosen("socket.io", "Socket.IO", "chosen") in s.events
    view, store = s.plugin.view, s.session.store
    pings = [i for i in range(len(store)) if store.payload(i) in (b"2", b"3")]
    assert view is not None and all(view.is_keepalive(i + store.dropped) for i in pings)


async def test_an_emit_with_ack_pairs_with_its_ack_and_shows_the_latency(sio_port: int) -> None:
    settings = ConnectionSettings(f"ws://127.0.0.1:{sio_port}", protocol="socket.io")
    async with speaking(settings) as s:
        await s.until(lambda: received(s, "welcome") is not None)
        layer, view = s.plugin.layer, s.plugin.view
        assert layer is not None and view is not None
        for values in (
            {"event": "echo", "args": '["hi", {"n": 1}]', "ack": "yes"},
            {"event": "echo", "args": '"no ack"'},
        ):
            for command in layer.encode("emit", values):
                s.driver.submit(command)
        await s.until(lambda: received(s, "ack") is not None and received(s, "echo") is not None)
        rows = len(s.session.store)
    found = {m.kind: (row, m) for row, m in rows_of(view, rows) if m.kind in _PAIRED}
    (call_row, call), (ack_row, ack) = found[MessageKind.CALL], found[MessageKind.ANSWER]
    assert (call.name, call.id, ack.id) == ("echo", "0", "0")
    assert view.pairs.partner(call_row) == ack_row and view.pairs.in_flight == 0
    latency = view.pairs.latency(ack_row)
    assert latency is not None and latency >= 0
    label = view.label(ack_row)
    assert label is not None and label.startswith('ack ["hi",{"n":1}]') and " ms)" in label
    echo = received(s, "echo")
    assert echo is not None and echo.kind is MessageKind.EVENT and echo.summary == '["no ack"]'


_PAIRED = (MessageKind.CALL, MessageKind.ANSWER)


async def test_a_binary_event_is_joined_with_its_attachment(sio_port: int) -> None:
    settings = ConnectionSettings(f"ws://127.0.0.1:{sio_port}", protocol="socket.io")
    async with speaking(settings) as s:
        await s.until(lambda: received(s, "welcome") is not None)
        layer = s.plugin.layer
        assert layer is not None
        for command in layer.encode("emit", {"event": "bytes", "args": '"hello bytes"'}):
            s.driver.submit(command)
        # The header row says an attachment follows; the attachment's row is the event.
        await s.until(lambda: received(s, "file", MessageKind.EVENT) is not None)
    file = received(s, "file", MessageKind.EVENT)
    assert file is not None
    assert file.summary == '[{"name":"f"},<binary 11 B>]'
    assert file.payload["data"][2] == {"binary": 11, "hex": b"hello bytes".hex()}


async def test_namespaces_join_on_demand_and_connect_error_is_an_error(sio_port: int) -> None:
    settings = ConnectionSettings(f"ws://127.0.0.1:{sio_port}", protocol="socket.io")
    async with speaking(settings) as s:
        await s.until(lambda: received(s, "welcome") is not None)
        layer, view = s.plugin.layer, s.plugin.view
        assert layer is not None and view is not None
        with pytest.raises(ProtocolError, match="Join /chat first"):
            layer.encode("emit", {"event": "msg", "namespace": "/chat"})
        for namespace in ("/admin", "/chat"):
            for command in layer.encode("join", {"namespace": namespace}):
                s.driver.submit(command)
        await s.until(
            lambda: received(s, "connect_error") and "/chat" in str(received(s, "connected"))
        )
        values = {"event": "msg", "args": '"yo"', "namespace": "/chat", "ack": "yes"}
        for command in layer.encode("emit", values):
            s.driver.submit(command)
        await s.until(lambda: received(s, "ack") is not None)
    error = received(s, "connect_error")
    assert error is not None and error.kind is MessageKind.ERROR
    assert error.summary == "/admin: not authorized"
    ack = received(s, "ack")
    assert ack is not None and (ack.id, ack.summary) == ("/chat,0", '/chat ["got yo"]')
    assert view.pairs.in_flight == 0


async def test_auto_detects_socket_io_by_its_url(sio_port: int) -> None:
    url = f"ws://127.0.0.1:{sio_port}/socket.io/?EIO=4&transport=websocket"
    async with speaking(ConnectionSettings(url)) as s:
        await s.until(lambda: pings_answered(s) >= 2 and received(s, "welcome") is not None)
    assert ProtocolChosen("socket.io", "Socket.IO", "the URL") in s.events


async def test_auto_detects_a_custom_path_by_the_open_packet(custom_port: int) -> None:
    url = f"ws://127.0.0.1:{custom_port}/custom/?EIO=4&transport=websocket"
    async with speaking(ConnectionSettings(url)) as s:
        await s.until(lambda: pings_answered(s) >= 2 and received(s, "welcome") is not None)
    assert ProtocolChosen("socket.io", "Socket.IO", "the first message") in s.events


async def test_the_path_option_reaches_a_custom_path_and_bad_auth_is_one_sentence(
    custom_port: int,
) -> None:
    settings = ConnectionSettings(
        f"ws://127.0.0.1:{custom_port}/",
        protocol="socket.io",
        protocol_options=(("path", "/custom"), ("auth", "[1]")),
    )
    async with speaking(settings) as s:
        await s.until(lambda: received(s, "welcome") is not None)
    assert CommandFailed("The auth must be a JSON object. Joined without it.") in s.events
    welcome = received(s, "welcome")
    assert welcome is not None and welcome.summary == "[{}]"


def test_record_stays_connected_past_the_ping_timeout_and_writes_the_events(
    sio_port: int,
) -> None:
    """`record` with a base URL: a real run for 2 s, four times ping interval + timeout."""
    with tempfile.TemporaryDirectory() as folder:
        out = Path(folder, "out.jsonl")
        done = subprocess.run(
            [sys.executable, "-m", "sockscope", "record", f"http://127.0.0.1:{sio_port}",
             "-o", str(out), "--protocol", "socket.io", "--auth", '{"token": "rec"}',
             "--duration", "2"],
            capture_output=True, text=True, timeout=60,
        )  # fmt: skip
        assert done.returncode == 0, done.stderr
        store = read_jsonl(out).store
    assert "speaking Socket.IO (chosen)" in done.stderr
    frames = [
        (store.kind(i), store.payload(i))
        for i in range(len(store))
        if store.opcode(i) in (Opcode.TEXT, Opcode.BINARY)
    ]
    assert (Kind.SEND, b'40{"token": "rec"}') in frames
    assert (Kind.RECV, b'42["welcome",{"token":"rec"}]') in frames
    assert sum(1 for frame in frames if frame == (Kind.SEND, b"3")) >= 3
    first_close = next(i for i in range(len(store)) if store.opcode(i) is Opcode.CLOSE)
    assert store.kind(first_close) is Kind.SEND  # we closed after --duration; the server never did


async def test_the_namespace_option_joins_that_namespace_on_open(sio_port: int) -> None:
    settings = ConnectionSettings(
        f"ws://127.0.0.1:{sio_port}",
        protocol="socket.io",
        protocol_options=(("namespace", "/chat"),),
    )
    async with speaking(settings) as s:
        await s.until(lambda: received(s, "connected") is not None)
        layer = s.plugin.layer
        assert layer is not None
        for command in layer.encode(
            "emit", {"event": "msg", "args": '"hi"', "namespace": "/chat", "ack": "yes"}
        ):
            s.driver.submit(command)
        await s.until(lambda: received(s, "ack") is not None)
    connected, ack = received(s, "connected"), received(s, "ack")
    assert connected is not None and connected.summary.startswith("/chat {")
    assert ack is not None and ack.summary == '/chat ["got hi"]'
    assert received(s, "welcome") is None  # the default namespace was never joined


async def test_a_close_frame_is_the_websockets_own_not_a_packet(sio_port: int) -> None:
    """A close frame's payload was decoded as an Engine.IO packet ("not UTF-8 …")."""
    settings = ConnectionSettings(f"ws://127.0.0.1:{sio_port}", protocol="socket.io")
    async with speaking(settings) as s:
        await s.until(lambda: received(s, "welcome") is not None)
        s.driver.submit(Close(1001, "going away"))
        await s.until(lambda: s.driver.outcome is not None)
    store, view = s.session.store, s.plugin.view
    assert view is not None
    closes = [i for i in range(len(store)) if store.opcode(i) is Opcode.CLOSE]
    assert len(closes) == 2  # ours and the server's answer
    assert all(view.messages(i + store.dropped) == () for i in closes)
    assert all(view.label(i + store.dropped) is None for i in closes)
