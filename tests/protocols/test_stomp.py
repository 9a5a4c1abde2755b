"""STOMP against npm's stomp-broker-js, bare and inside SockJS framing."""

from __future__ import annotations

import asyncio

import pytest

from node_servers import node_server
from sockscope.core.events import Closed, ProtocolChosen
from sockscope.core.protocols.base import ProtocolError
from sockscope.core.protocols.message import Direction, MessageKind, Pairing
from sockscope.core.protocols.stomp import StompLayer
from sockscope.core.protocols.stomp_frames import parse, serialize
from sockscope.core.settings import ConnectionSettings
from sockscope.core.store.frames import Opcode
from sockscope.core.wire.commands import SendText

from .speaking import speaking
from .test_graphql import rows_named, send, still_open

BEATS = (("heart-beat", "200,200"),)
# Frames captured from tests/node/stomp_server.js (stomp-broker-js 1.3.0).
CONNECTED = (
    b"CONNECTED\nsession:id736454458411002800000\nserver:STOMP-JS/1.3.0\n"
    b"heart-beat:0,200\nversion:1.1\n\n\x00"
)
MESSAGE = b"MESSAGE\ndestination:/topic/echo\ncontent-length:5\nsubscription:sub-1\n\nhello\x00"
ERROR = b"ERROR\nmessage:UNSUBSCRIBE ERROR\ncontent-type:text/plain\ncontent-length:4\n\nnope\x00"
SOCKJS_MESSAGE = (
    b'a["MESSAGE\\ndestination:/topic/echo\\ncontent-length:5\\nsubscription:sub-1\\n\\n'
    b'hello\\u0000"]'
)


@pytest.fixture(scope="module")
def broker_port() -> object:
    with node_server("stomp_server.js") as port:
        yield port


async def test_heart_beats_keep_the_session_past_the_broker_timeout(broker_port: int) -> None:
    url = f"ws://127.0.0.1:{broker_port}/stomp"
    settings = ConnectionSettings(url, subprotocols=("v12.stomp",), protocol_options=BEATS)
    async with speaking(settings) as s:
        await s.until(lambda: s.plugin.view is not None)
        view = s.plugin.view
        assert view is not None
        await s.until(lambda: rows_named(s, view, "CONNECTED"))
        # The broker closes a client silent for a few hundred ms: wait well past it.
        await asyncio.sleep(1.5)
        assert still_open(s)
        beats = rows_named(s, view, "heart-beat")
    layer = s.plugin.layer
    assert isinstance(layer, StompLayer) and layer.beat_every == 0.2
    assert len(beats) >= 3 and all(view.is_keepalive(r) for r in beats)
    (connect,) = rows_named(s, view, "CONNECT")
    assert view.label(connect) == "CONNECT host 127.0.0.1 heart-beat 200,200"
    assert ProtocolChosen("stomp", "STOMP", "subprotocol v12.stomp") in s.events


async def test_without_heart_beats_the_broker_drops_the_session(broker_port: int) -> None:
    """The control: the broker's timeout the test above outlives is real."""
    url = f"ws://127.0.0.1:{broker_port}/stomp"
    async with speaking(ConnectionSettings(url, protocol="raw")) as s:
        s.driver.submit(SendText(serialize("CONNECT", [("heart-beat", "200,200")])))
        await s.until(lambda: any(isinstance(e, Closed) for e in s.events))


async def test_subscription_messages_and_receipts_pair(broker_port: int) -> None:
    url = f"ws://127.0.0.1:{broker_port}/stomp"
    settings = ConnectionSettings(url, protocol="stomp", protocol_options=BEATS)
    async with speaking(settings) as s:
        view = s.plugin.view
        assert view is not None
        await s.until(lambda: rows_named(s, view, "CONNECTED"))
        send(s, "stomp", command="SUBSCRIBE", headers="destination:/topic/echo")
        send(s, "stomp", command="SEND", headers="destination:/queue/echo", body="hello")
        send(s, "stomp", command="UNSUBSCRIBE", headers="id:nope")
        await s.until(lambda: rows_named(s, view, "MESSAGE") and rows_named(s, view, "ERROR"))
        # stomp-broker-js answers a receipt on DISCONNECT only.
        send(s, "stomp", command="DISCONNECT", receipt="yes")
        await s.until(lambda: rows_named(s, view, "RECEIPT"))
    (subscribe,) = rows_named(s, view, "SUBSCRIBE")
    (message,) = rows_named(s, view, "MESSAGE")
    assert view.pairs.partner(subscribe) == message
    assert view.label(subscribe) == "SUBSCRIBE /topic/echo id=sub-1"
    label = view.label(message)
    assert label is not None and label.startswith("MESSAGE /topic/echo hello  (")
    (disconnect,) = rows_named(s, view, "DISCONNECT")
    (receipt,) = rows_named(s, view, "RECEIPT")
    assert view.pairs.partner(disconnect) == receipt
    assert view.messages(receipt)[0].id == "receipt:receipt-1"
    (error,) = rows_named(s, view, "ERROR")
    assert view.kind(error) is MessageKind.ERROR
    assert view.label(error) == "ERROR UNSUBSCRIBE ERROR nope"


async def test_stomp_inside_sockjs_is_detected_by_its_open_frame() -> None:
    with node_server("stomp_server.js", "sockjs") as port:
        url = f"ws://127.0.0.1:{port}/stomp/123/abcdef/websocket"
        async with speaking(ConnectionSettings(url, protocol_options=BEATS)) as s:
            await s.until(lambda: s.plugin.view is not None)
            view = s.plugin.view
            assert view is not None
            await s.until(lambda: rows_named(s, view, "CONNECTED"))
            send(s, "stomp", command="SUBSCRIBE", headers="destination:/topic/echo")
            send(s, "stomp", command="SEND", headers="destination:/queue/echo", body="hi")
            await s.until(lambda: rows_named(s, view, "MESSAGE"))
            await asyncio.sleep(1.5)  # past the broker's heart-beat timeout
            assert still_open(s)
    assert ProtocolChosen("stomp", "STOMP", "the first message") in s.events
    (subscribe,) = rows_named(s, view, "SUBSCRIBE")
    assert view.pairs.partner(subscribe) == rows_named(s, view, "MESSAGE")[0]
    (beat, *_) = rows_named(s, view, "heart-beat")
    assert s.session.store.payload(beat - s.session.store.dropped) == b'["\\n"]'


def test_captured_frames_decode_by_command() -> None:
    layer = StompLayer()
    (connected,) = layer.decode(Direction.RECEIVED, Opcode.TEXT, CONNECTED)
    assert (connected.kind, connected.summary) == (
        MessageKind.CONTROL,
        "version 1.1 heart-beat 0,200",
    )
    # Several frames in one WebSocket message, and a heart-beat on its own.
    message, error = layer.decode(Direction.RECEIVED, Opcode.BINARY, MESSAGE + b"\n" + ERROR)
    assert (message.id, message.pairing, message.payload["body"]) == (
        "sub:sub-1",
        Pairing.CONTINUES,
        "hello",
    )
    assert error.kind is MessageKind.ERROR
    (beat,) = layer.decode(Direction.RECEIVED, Opcode.TEXT, b"\n")
    assert beat.is_keepalive
    (wrapped,) = layer.decode(Direction.RECEIVED, Opcode.TEXT, SOCKJS_MESSAGE)
    assert wrapped == message


def test_headers_escape_and_bodies_follow_content_length() -> None:
    frame = serialize("SEND", [("destination", "/a:b\nc")], "x\x00y")
    (parsed,) = parse(frame.encode())
    assert parsed.header("destination") == "/a:b\nc" and parsed.body == b"x\x00y"
    (truncated,) = parse(b"SEND\ndestination:/q\n\nno nul")
    assert truncated.problem == "not ended by a NUL"


def test_bad_composer_input_says_why() -> None:
    layer = StompLayer()
    with pytest.raises(ProtocolError, match="SEND needs a destination header"):
        layer.encode("stomp", {"command": "SEND", "body": "x"})
    with pytest.raises(ProtocolError, match="is not name:value"):
        layer.encode("stomp", {"command": "SEND", "headers": "destination"})
    with pytest.raises(ProtocolError, match="Only a SEND frame carries a body"):
        layer.encode("stomp", {"command": "BEGIN", "headers": "transaction:t", "body": "x"})
    with pytest.raises(ProtocolError, match="heart-beat"):
        StompLayer({"heart-beat": "fast"}).prepare(ConnectionSettings("ws://h/"))
