"""The Socket.IO layer's decoding, pairing and composing, from frames captured off npm's server.

tests/fixtures/protocols/socketio_frames.json holds a session with npm socket.io 4.8.4
(tests/node/socketio_server.js): the open packet, a join with auth, events with and
without acks, a binary event and its attachment, a namespace joined, an ack on it, a
CONNECT_ERROR, a ping and its pong, disconnects.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from sockscope.core.protocols.base import ProtocolError
from sockscope.core.protocols.engineio import engineio_url, is_engineio_url
from sockscope.core.protocols.message import Direction, Message, MessageKind, Pairing
from sockscope.core.protocols.pairing import Pairs
from sockscope.core.protocols.registry import names
from sockscope.core.protocols.socketio import SocketIoLayer
from sockscope.core.settings import ConnectionSettings
from sockscope.core.store.frames import Opcode
from sockscope.core.wire.commands import SendText

FIXTURE = Path(__file__).resolve().parents[1] / "fixtures" / "protocols" / "socketio_frames.json"


def captured() -> list[tuple[Direction, Opcode, bytes]]:
    frames = json.loads(FIXTURE.read_text())["frames"]
    return [
        (Direction(f["direction"]), Opcode.TEXT, f["text"].encode())
        if "text" in f
        else (Direction(f["direction"]), Opcode.BINARY, bytes.fromhex(f["hex"]))
        for f in frames
    ]


def decoded() -> list[tuple[Direction, Message]]:
    layer = SocketIoLayer()
    return [
        (direction, message)
        for direction, opcode, payload in captured()
        for message in layer.decode(direction, opcode, payload)
    ]


def test_every_captured_frame_decodes_by_name_and_kind() -> None:
    shown = [(m.kind, m.name, m.summary) for _, m in decoded()]
    control, event, keepalive = MessageKind.CONTROL, MessageKind.EVENT, MessageKind.KEEPALIVE
    assert shown[0][:2] == (control, "open") and "ping every 300 ms" in shown[0][2]
    assert shown[1] == (control, "connect", '/ {"token":"abc"}')
    assert shown[2][:2] == (control, "connected")
    assert shown[3] == (event, "welcome", '[{"token":"abc"}]')
    assert shown[5] == (MessageKind.CALL, "echo", '["hi",{"n":1}]')
    assert shown[7] == (MessageKind.ANSWER, "ack", '["hi",{"n":1}]')
    assert shown[9] == (control, "file", "(1 binary attachment to follow)")
    assert shown[10] == (event, "file", '[{"name":"f"},<binary 11 B>]')
    assert shown[13] == (MessageKind.CALL, "msg", '/chat ["yo"]')
    assert shown[14] == (MessageKind.ANSWER, "ack", '/chat ["got yo"]')
    assert shown[16] == (MessageKind.ERROR, "connect_error", "/admin: not authorized")
    assert [s[:2] for s in shown[17:]] == [
        (keepalive, "ping"),
        (keepalive, "pong"),
        (control, "disconnect"),
        (control, "disconnect"),
    ]


def test_acks_pair_with_their_emit_by_namespace_and_id() -> None:
    pairs = Pairs()
    for row, (direction, message) in enumerate(decoded()):
        pairs.note(row, row / 10, direction, message)
    assert pairs.partner(5) == 7 and pairs.partner(13) == 14  # 420[…] ↔ 430[…]; /chat,17
    assert pairs.latency(14) == pytest.approx(0.1) and pairs.in_flight == 0
    ids = {m.id for _, m in decoded() if m.pairing is not Pairing.NONE}
    assert ids == {"0", "/chat,17"}


def test_unreadable_frames_become_errors_saying_why() -> None:
    bad = {
        b"": "an empty frame is not an Engine.IO packet",
        b"9": "'9' is not an Engine.IO packet type (0-6)",
        b"47": "not a Socket.IO packet: '7' is not a Socket.IO packet type (0-6).",
        b"42{}": "not a Socket.IO packet: an event must be a JSON array starting with its name.",
        b"43": "not a Socket.IO packet: an ack must carry a JSON array of arguments.",
        b'42["a",': "not a Socket.IO packet: its data is not JSON",
        b'45["a"]': "attachment count",
        b"0nope": "the Engine.IO open packet is not a JSON object",
        b"\xff": "an Engine.IO text packet must be UTF-8",
        b"42" + b"[" * 100_000: "the JSON is nested too deeply to read",
    }
    (refused,) = SocketIoLayer().decode(Direction.RECEIVED, Opcode.TEXT, b"44/x,")
    assert (refused.kind, refused.summary) == (MessageKind.ERROR, "/x: no message")
    for payload, why in bad.items():
        (message,) = SocketIoLayer().decode(Direction.RECEIVED, Opcode.TEXT, payload)
        assert message.kind is MessageKind.ERROR and why in message.summary, payload[:20]


def test_a_binary_event_cut_short_or_with_a_bad_placeholder_is_an_error() -> None:
    layer = SocketIoLayer()
    header = b'452-["two",{"_placeholder":true,"num":0},{"_placeholder":true,"num":5}]'
    layer.decode(Direction.RECEIVED, Opcode.TEXT, header)
    (first,) = layer.decode(Direction.RECEIVED, Opcode.BINARY, b"a")
    assert (first.kind, first.summary) == (MessageKind.CONTROL, "attachment 1 of 2")
    (bad,) = layer.decode(Direction.RECEIVED, Opcode.BINARY, b"b")
    assert bad.kind is MessageKind.ERROR and "placeholder 5 has no attachment" in bad.summary
    layer.decode(Direction.RECEIVED, Opcode.TEXT, b'451-["cut",{"_placeholder":true,"num":0}]')
    cut, after = layer.decode(Direction.RECEIVED, Opcode.TEXT, b"2")
    assert cut.kind is MessageKind.ERROR and "before all its attachments" in cut.summary
    assert after.name == "ping"
    # A binary frame with no event waiting is an Engine.IO binary message.
    (plain,) = layer.decode(Direction.RECEIVED, Opcode.BINARY, b"\x00\x01")
    assert (plain.name, plain.summary) == ("binary", "<binary 2 B>")


def test_emit_and_join_compose_socket_io_packets() -> None:
    layer = SocketIoLayer()
    for direction, opcode, payload in captured()[:3]:  # open, join, connected
        layer.decode(direction, opcode, payload)
    assert layer.encode("emit", {"event": "echo", "args": '[1, "two"]'}) == [
        SendText('42["echo", 1, "two"]')
    ]
    assert layer.encode("emit", {"event": "echo", "args": '{"a": 1}', "ack": "yes"}) == [
        SendText('420["echo", {"a": 1}]')
    ]
    assert layer.encode("emit", {"event": "echo", "ack": "yes"}) == [SendText('421["echo"]')]
    assert layer.encode("join", {"namespace": "/chat", "auth": '{"t": 1}'}) == [
        SendText('40/chat,{"t": 1}')
    ]
    for values, why in (
        ({"event": " "}, "needs an event name"),
        ({"event": "connect"}, "reserved by Socket.IO"),
        ({"event": "e", "args": "[1,"}, "not JSON"),
        ({"event": "e", "namespace": "chat"}, "must start with /"),
        ({"event": "e", "namespace": "/chat"}, "Join /chat first"),
    ):
        with pytest.raises(ProtocolError, match=why):
            layer.encode("emit", values)
    with pytest.raises(ProtocolError, match="must be a JSON object"):
        layer.encode("join", {"auth": "[1]"})


def test_the_url_gets_the_engine_io_path_and_query_keeping_the_users() -> None:
    assert engineio_url("http://h:3000") == "ws://h:3000/socket.io/?EIO=4&transport=websocket"
    assert (
        engineio_url("wss://h/app?token=a%20b", "/custom")
        == "wss://h/custom/?token=a+b&EIO=4&transport=websocket"
    )
    assert engineio_url("ws://h/x/?EIO=4&transport=websocket") == (
        "ws://h/x/?EIO=4&transport=websocket"
    )
    layer = SocketIoLayer({"path": "io"})
    assert layer.prepare(ConnectionSettings("ws://h:1")).url == (
        "ws://h:1/io/?EIO=4&transport=websocket"
    )
    assert is_engineio_url("ws://h/socket.io/?EIO=4&transport=websocket")
    assert not is_engineio_url("ws://h/socket.io/") and not is_engineio_url("ws://h/?EIO=4")


def test_socket_io_is_detected_before_json_rpc_by_its_open_packet() -> None:
    assert names().index("socket.io") < names().index("json-rpc")
    open_packet = captured()[0][2]
    assert SocketIoLayer.detects_first_frame(Opcode.TEXT, open_packet)
    assert not SocketIoLayer.detects_first_frame(Opcode.TEXT, b'0{"x":1}')
    assert not SocketIoLayer.detects_first_frame(Opcode.BINARY, open_packet)
