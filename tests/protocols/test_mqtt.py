"""MQTT over WebSocket against npm's aedes broker: CONNECT, PINGREQ, pairing by packet id."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from node_servers import node_server
from sockscope.core.events import ProtocolChosen, ReadyState
from sockscope.core.protocols import mqtt_packets as mp
from sockscope.core.protocols.base import ProtocolError
from sockscope.core.protocols.message import Direction, Message, MessageKind, Pairing
from sockscope.core.protocols.mqtt import MqttLayer
from sockscope.core.settings import ConnectionSettings
from sockscope.core.store.frames import Kind, Opcode

from .speaking import Speaking, speaking


@pytest.fixture(scope="module")
def broker_port() -> Iterator[int]:
    with node_server("mqtt_broker.mjs") as port:
        yield port


def _settings(port: int, **options: str) -> ConnectionSettings:
    return ConnectionSettings(
        f"ws://127.0.0.1:{port}/",
        protocol="auto",
        subprotocols=("mqtt",),
        protocol_options=tuple(options.items()),
    )


def _rows(s: Speaking, parts: bool = False) -> list[tuple[int, Direction, Message]]:
    """Every decoded message with its row and direction, oldest first (parts of packets
    cut across frames left out unless asked for)."""
    view = s.plugin.view
    assert view is not None
    store, found = s.session.store, []
    for index in range(len(store)):
        kind = store.kind(index)
        if not kind.is_frame:
            continue
        direction = Direction.SENT if kind is Kind.SEND else Direction.RECEIVED
        row = index + store.dropped
        found += [(row, direction, m) for m in view.messages(row) if parts or m.name != "part"]
    return found


def _names(s: Speaking) -> list[str]:
    return [f"{d.value[0]}:{m.name}" for _, d, m in _rows(s)]


async def test_stays_connected_past_the_keepalive_with_pingreqs(broker_port: int) -> None:
    async with speaking(_settings(broker_port, keepalive="1", **{"client-id": "alive"})) as s:
        # aedes drops a client silent for 1.5 keepalives: three PINGRESPs is 3 s in.
        await s.until(lambda: _names(s).count("r:PINGRESP") >= 3 or s.driver.outcome, 15)
        assert s.driver.state is ReadyState.OPEN
    names = _names(s)
    assert names[:2] == ["s:CONNECT", "r:CONNACK"]
    assert ProtocolChosen("mqtt", "MQTT", "subprotocol mqtt") in s.events
    rows = _rows(s)
    assert rows[0][2].summary == "alive keepalive 1s level 4"
    assert rows[1][2].summary == "accepted"
    assert all(m.kind is MessageKind.KEEPALIVE for _, _, m in rows[2:])
    # aedes (through ws's stream adapter) writes its CONNACK a few bytes a frame.
    parts = [m.summary for _, _, m in _rows(s, parts=True) if m.name == "part"]
    assert parts and all(p.startswith("of CONNACK: ") for p in parts)


async def test_subscribe_and_publish_to_itself_pair_by_packet_id(broker_port: int) -> None:
    async with speaking(_settings(broker_port)) as s:
        await s.until(lambda: "r:CONNACK" in _names(s))
        layer = s.plugin.layer
        assert layer is not None
        for mode, values in (
            ("subscribe", {"topic": "room/+", "qos": "1"}),
            ("publish", {"topic": "room/1", "payload": "hello", "qos": "1"}),
        ):
            for command in layer.encode(mode, values):
                s.driver.submit(command)
        # The broker's own QoS 1 delivery is acknowledged by the layer (the last s:PUBACK).
        await s.until(lambda: "s:PUBACK" in _names(s))
    view = s.plugin.view
    assert view is not None and view.pairs.in_flight == 0
    by_name = {f"{d.value[0]}:{m.name}": (row, m) for row, d, m in _rows(s)}
    (sub_row, sub), (suback_row, suback) = by_name["s:SUBSCRIBE"], by_name["r:SUBACK"]
    assert (sub.summary, suback.summary) == ("#1 room/+ qos1", "#1 qos1")
    assert view.pairs.partner(sub_row) == suback_row
    (pub_row, pub), (puback_row, _) = by_name["s:PUBLISH"], by_name["r:PUBACK"]
    assert pub.summary == "room/1 qos1 #2 hello" and pub.pairing is Pairing.OPENS
    assert view.pairs.partner(pub_row) == puback_row
    latency = view.pairs.latency(puback_row)
    assert latency is not None and latency >= 0
    label = view.label(puback_row)
    assert label is not None and label.startswith("PUBACK #2") and "ms)" in label
    delivered_row, delivered = by_name["r:PUBLISH"]
    assert delivered.payload["payload"] == "hello" and delivered.payload["qos"] == 1
    assert view.pairs.partner(delivered_row) == by_name["s:PUBACK"][0]


async def test_the_broker_stream_decodes_the_same_however_it_is_cut(broker_port: int) -> None:
    async with speaking(_settings(broker_port)) as s:
        await s.until(lambda: "r:CONNACK" in _names(s))
        layer = s.plugin.layer
        assert layer is not None
        for command in [
            *layer.encode("subscribe", {"topic": "cut", "qos": "0"}),
            *layer.encode("publish", {"topic": "cut", "payload": "é" * 300}),
        ]:
            s.driver.submit(command)
        await s.until(lambda: "r:PUBLISH" in _names(s))
        for command in layer.encode("unsubscribe", {"topic": "cut"}):
            s.driver.submit(command)
        await s.until(lambda: "r:UNSUBACK" in _names(s))
    store = s.session.store
    received = b"".join(
        store.payload(i)
        for i in range(len(store))
        if store.kind(i) is Kind.RECV and store.opcode(i) is Opcode.BINARY
    )
    expected = [m.name for _, d, m in _rows(s) if d is Direction.RECEIVED]
    assert expected == ["CONNACK", "SUBACK", "PUBLISH", "UNSUBACK"]
    # Captured bytes fed again: all in one frame, and in frames of every size from 1 byte.
    for size in (len(received), *range(1, 12)):
        fresh = MqttLayer()
        cut = [received[i : i + size] for i in range(0, len(received), size)]
        decoded = [fresh.decode(Direction.RECEIVED, Opcode.BINARY, c) for c in cut]
        names = [m.name for ms in decoded for m in ms if m.name != "part"]
        assert names == expected, size
    publish = next(m for _, _, m in _rows(s) if m.name == "PUBLISH")
    assert publish.summary.startswith("cut qos0 éé") and len(publish.payload["payload"]) == 300


async def test_a_version_5_connect_is_refused_by_a_3_1_1_broker_in_its_terms(
    broker_port: int,
) -> None:
    async with speaking(_settings(broker_port, version="5")) as s:
        await s.until(lambda: "r:CONNACK" in _names(s))
    connack = next(m for _, _, m in _rows(s) if m.name == "CONNACK")
    assert connack.kind is MessageKind.ERROR
    assert connack.summary == "unacceptable protocol version"


def test_mqtt_5_properties_are_skipped_by_their_length() -> None:
    layer = MqttLayer({"version": "5"})
    connect = mp.connect("c5", 30, 5, "ann", "secret")
    (sent,) = layer.decode(Direction.SENT, Opcode.BINARY, connect)
    assert sent.summary == "c5 keepalive 30s level 5 user ann"
    assert sent.payload["password"] == "******"
    # CONNACK: session present, success, properties (receive maximum 20, topic alias max 10).
    connack = mp.packet(0x20, b"\x01\x00" + b"\x06" + b"\x21\x00\x14\x22\x00\x0a")
    # PUBLISH QoS 1 id 7 with a content type property, then the payload.
    props = b"\x03" + mp.utf8("text/plain")
    body = mp.utf8("a/b") + b"\x00\x07" + mp.varint(len(props)) + props + b"hi"
    publish = mp.packet(0x32, body)
    # SUBACK id 3: no properties, granted QoS 1 and a refusal.
    suback = mp.packet(0x90, b"\x00\x03\x00\x01\x87")
    # DISCONNECT with reason "server shutting down" and no properties.
    disconnect = mp.packet(0xE0, b"\x8b\x00")
    stream = connack + publish + suback + disconnect
    (part,) = layer.decode(Direction.RECEIVED, Opcode.BINARY, stream[:5])
    assert (part.name, part.summary) == ("part", "of CONNACK: 5 bytes of 11")
    got = layer.decode(Direction.RECEIVED, Opcode.BINARY, stream[5:])
    assert [(m.name, m.summary) for m in got] == [
        ("CONNACK", "success (session present)"),
        ("PUBLISH", "a/b qos1 #7 hi"),
        ("SUBACK", "#3 qos1, not authorized"),
        ("DISCONNECT", "server shutting down"),
    ]
    assert got[0].payload["properties"] == "21001422000a"
    assert [m.kind for m in got] == [
        MessageKind.CONTROL,
        MessageKind.EVENT,
        MessageKind.ERROR,
        MessageKind.ERROR,
    ]


def test_bad_input_says_why_and_options_are_checked() -> None:
    layer = MqttLayer()
    (text,) = layer.decode(Direction.RECEIVED, Opcode.TEXT, b"hello")
    assert text.kind is MessageKind.ERROR and "binary" in text.summary
    (broken,) = layer.decode(Direction.RECEIVED, Opcode.BINARY, b"\x30\xff\xff\xff\xff\x01")
    assert broken.summary == "the remaining length runs past four bytes; buffer dropped"
    (short,) = layer.decode(Direction.RECEIVED, Opcode.BINARY, b"\x30\x02\x00\x05")
    assert short.kind is MessageKind.ERROR and "ends 5 bytes early" in short.summary
    # The buffer was dropped and the short packet consumed: the stream reads on.
    (ping,) = layer.decode(Direction.RECEIVED, Opcode.BINARY, b"\xd0\x00")
    assert ping.name == "PINGRESP" and ping.is_keepalive
    with pytest.raises(ProtocolError, match="keepalive"):
        MqttLayer({"keepalive": "soon"}).keepalive()
    with pytest.raises(ProtocolError, match="QoS"):
        layer.encode("publish", {"topic": "t", "qos": "2"})
    with pytest.raises(ProtocolError, match="topic"):
        layer.encode("subscribe", {"topic": ""})
