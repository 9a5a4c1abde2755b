"""Each layer's replay hooks on frames the real servers and clients send: what it sends
by itself, what a check blanks, which ids a mock maps."""

from __future__ import annotations

import pytest

from sockscope.core.protocols import mqtt_packets as mp
from sockscope.core.protocols.base import ProtocolLayer
from sockscope.core.protocols.graphql_ws import GraphQLTransportWsLayer, GraphQLWsLayer
from sockscope.core.protocols.message import Direction
from sockscope.core.protocols.mqtt import MqttLayer
from sockscope.core.protocols.signalr import SignalRLayer
from sockscope.core.protocols.socketio import SocketIoLayer
from sockscope.core.protocols.stomp import StompLayer
from sockscope.core.store.frames import Opcode

SENT, RECEIVED = Direction.SENT, Direction.RECEIVED


def _own(layer: ProtocolLayer, payload: bytes, opcode: Opcode = Opcode.TEXT) -> bool:
    messages = layer.decode(SENT, opcode, payload)
    return bool(messages) and all(layer.sends_by_itself(m) for m in messages)


@pytest.mark.parametrize(
    ("layer", "payload", "own"),
    [
        (SocketIoLayer(), b"40", True),
        (SocketIoLayer(), b"3", True),
        (SocketIoLayer(), b"40/chat,", False),  # joined by the user, replayed
        (SocketIoLayer({"namespace": "/chat"}), b"40/chat,", True),
        (SocketIoLayer(), b'42["echo","hi"]', False),
        (GraphQLTransportWsLayer(), b'{"type":"connection_init"}', True),
        (GraphQLTransportWsLayer(), b'{"type":"pong"}', True),
        (GraphQLWsLayer(), b'{"type":"connection_init","payload":{}}', True),
        (GraphQLTransportWsLayer(), b'{"id":"1","type":"subscribe","payload":{}}', False),
        (StompLayer(), b"CONNECT\naccept-version:1.2\nhost:h\n\n\0", True),
        (StompLayer(), b"\n", True),
        (StompLayer(), b"SEND\ndestination:/q\n\nhi\0", False),
        (SignalRLayer(), b'{"protocol":"json","version":1}\x1e', True),
        (SignalRLayer(), b'{"type":6}\x1e', True),
        (SignalRLayer(), b'{"type":1,"target":"x","arguments":[]}\x1e', False),
    ],
)
def test_what_each_layer_sends_by_itself(layer: ProtocolLayer, payload: bytes, own: bool) -> None:
    assert _own(layer, payload) is own


def test_mqtt_sends_connect_pings_and_acknowledgements_by_itself() -> None:
    layer = MqttLayer()
    assert _own(layer, mp.connect("c", 60, 4, None, None), Opcode.BINARY)
    assert _own(layer, mp.PINGREQ, Opcode.BINARY)
    assert _own(layer, mp.acknowledge(4, 9), Opcode.BINARY)  # PUBACK
    assert not _own(layer, mp.publish("t", b"x", 1, False, 3, 4), Opcode.BINARY)


def test_socket_io_blanks_the_session_ids_only() -> None:
    layer = SocketIoLayer()
    opened = b'0{"sid":"Zk3","upgrades":[],"pingInterval":300,"pingTimeout":200}'
    assert layer.normalize(Opcode.TEXT, opened) == (
        b'0{"sid": "<sid>", "upgrades": [], "pingInterval": 300, "pingTimeout": 200}'
    )
    assert layer.normalize(Opcode.TEXT, b'40{"sid":"a1"}') == b'40{"sid": "<sid>"}'
    assert layer.normalize(Opcode.TEXT, b'40/chat,{"sid":"a1"}') == b'40/chat,{"sid": "<sid>"}'
    for kept in (b'42["welcome",{"sid":"x"}]', b"0{broken", b"\xff\xfe", b"2"):
        assert layer.normalize(Opcode.TEXT, kept) == kept


def test_socket_io_ack_ids_are_the_clients() -> None:
    layer = SocketIoLayer()
    emit = b'427["echo","acked"]'
    assert layer.chosen_id(SENT, Opcode.TEXT, emit) == "7"
    assert layer.with_id(Opcode.TEXT, emit, "0") == b'420["echo","acked"]'
    assert layer.chosen_id(RECEIVED, Opcode.TEXT, b'437["acked"]') == "7"
    assert layer.with_id(Opcode.TEXT, b'43/chat,7["ok"]', "12") == b'43/chat,12["ok"]'
    assert layer.chosen_id(RECEIVED, Opcode.TEXT, b'421["ask"]') is None  # the server's id
    assert layer.chosen_id(SENT, Opcode.TEXT, b'42["echo"]') is None


def test_graphql_operation_ids_are_the_clients() -> None:
    layer = GraphQLTransportWsLayer()
    result = b'{"id":"1","type":"next","payload":{"data":{"ticks":1}}}'
    assert layer.chosen_id(RECEIVED, Opcode.TEXT, result) == "1"
    assert layer.with_id(Opcode.TEXT, result, "9f2c").startswith(b'{"id": "9f2c"')
    assert layer.chosen_id(RECEIVED, Opcode.TEXT, b'{"type":"connection_ack"}') is None
    assert layer.normalize(Opcode.TEXT, result) == result


def test_stomp_blanks_connected_session_and_server() -> None:
    layer = StompLayer()
    connected = (
        b"CONNECTED\nsession:id48298\nserver:STOMP-JS/1.3.0\nheart-beat:0,10000\nversion:1.1\n\n\0"
    )
    blanked = (
        b"CONNECTED\nsession:<volatile>\nserver:<volatile>\nheart-beat:0,10000\nversion:1.1\n\n\0"
    )
    assert layer.normalize(Opcode.TEXT, connected) == blanked
    framed = b'a["CONNECTED\\nsession:s1\\nversion:1.2\\n\\n\\u0000"]'
    assert b"session:<volatile>" in layer.normalize(Opcode.TEXT, framed)
    message = b"MESSAGE\nsubscription:sub-1\nmessage-id:m1\n\nhi\0"
    assert layer.normalize(Opcode.TEXT, message) == message


def test_mqtt_blanks_the_brokers_delivery_ids_across_frames() -> None:
    publish = mp.publish("t/1", b"hi", 1, False, 0xB76E, 4)
    # As aedes writes it: fixed header, length, then the rest, in three frames.
    frames = [publish[:1], publish[1:2], publish[2:]]
    layer = MqttLayer()
    blanked = b"".join(layer.normalize(Opcode.BINARY, f) for f in frames)
    assert blanked == mp.publish("t/1", b"hi", 1, False, 0, 4)
    suback = b"\x90\x03\x00\x01\x01"  # the client's own id 1, echoed: compared
    assert MqttLayer().normalize(Opcode.BINARY, suback) == suback
