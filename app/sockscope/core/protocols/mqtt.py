"""MQTT 3.1.1 and 5 over WebSocket: packets reassembled across binary frames and named.

On open the layer sends CONNECT and then PINGREQ every keepalive (a broker drops a client
silent for 1.5 keepalives); it acknowledges the broker's QoS 1/2 PUBLISHes as a client must.
Packets pair by packet id: SUBSCRIBE↔SUBACK, UNSUBSCRIBE↔UNSUBACK, PUBLISH QoS 1↔PUBACK
(QoS 2: PUBREC continues, PUBCOMP ends). Each direction has its own reassembly buffer,
since a frame may hold several packets or part of one.
"""

from __future__ import annotations

import secrets
from collections.abc import Mapping, Sequence
from typing import Any

from sockscope.core.events import CommandFailed, Opened
from sockscope.core.protocols import mqtt_packets as mp
from sockscope.core.protocols import mqtt_replay
from sockscope.core.protocols.base import (
    ComposeMode,
    Field,
    FieldKind,
    ProtocolError,
    ProtocolLayer,
)
from sockscope.core.protocols.message import Direction, Message, MessageKind, Pairing
from sockscope.core.protocols.summary import compact
from sockscope.core.store.frames import Opcode
from sockscope.core.wire.commands import Command, SendBytes
from sockscope.core.wire.plugin import Link

_QOS = ("0", "1")
_SUBSCRIBE = ComposeMode(
    "subscribe",
    "subscribe",
    (Field("topic", "topic filter"), Field("qos", "QoS", FieldKind.CHOICE, "0", _QOS)),
)
_UNSUBSCRIBE = ComposeMode("unsubscribe", "unsubscribe", (Field("topic", "topic filter"),))
_PUBLISH = ComposeMode(
    "publish",
    "publish",
    (
        Field("topic", "topic"),
        Field("payload", "payload", FieldKind.TEXT),
        Field("qos", "QoS", FieldKind.CHOICE, "0", _QOS),
        Field("retain", "retain", FieldKind.FLAG, "no"),
    ),
)
DEFAULT_KEEPALIVE = 60
#: What the client sends on its own besides PINGREQ: CONNECT on open, and the
#: acknowledgements of the broker's QoS 1/2 deliveries.
_OWN = frozenset({"CONNECT", "PUBACK", "PUBREC", "PUBCOMP"})
_VERSIONS = {"4": 4, "3.1.1": 4, "5": 5, "5.0": 5}
_KINDS = {
    "CONNECT": MessageKind.CONTROL,
    "CONNACK": MessageKind.CONTROL,
    "PUBLISH": MessageKind.EVENT,
    "SUBSCRIBE": MessageKind.CALL,
    "UNSUBSCRIBE": MessageKind.CALL,
    "PINGREQ": MessageKind.KEEPALIVE,
    "PINGRESP": MessageKind.KEEPALIVE,
    "DISCONNECT": MessageKind.CONTROL,
    "AUTH": MessageKind.CONTROL,
}
_PAIRING = {
    "SUBSCRIBE": Pairing.OPENS,
    "UNSUBSCRIBE": Pairing.OPENS,
    "SUBACK": Pairing.ANSWERS,
    "UNSUBACK": Pairing.ANSWERS,
    "PUBACK": Pairing.ANSWERS,
    "PUBREC": Pairing.CONTINUES,
    "PUBCOMP": Pairing.ANSWERS,
}


class MqttLayer(ProtocolLayer):
    name = "mqtt"
    title = "MQTT"
    subprotocols = ("mqtt", "mqttv3.1")
    options = {
        "client-id": "the client identifier (default sockscope-<random>)",
        "keepalive": f"seconds between PINGREQs, sent in CONNECT (default {DEFAULT_KEEPALIVE})",
        "username": "the user name sent in CONNECT",
        "password": "the password sent in CONNECT",
        "version": "the protocol level: 4 (MQTT 3.1.1, the default) or 5",
    }
    compose_modes = (_SUBSCRIBE, _PUBLISH, _UNSUBSCRIBE)
    greets = True

    def __init__(self, options: Mapping[str, str] | None = None) -> None:
        super().__init__(options)
        # One id for the session, so a reconnect is the same client to the broker.
        self.client_id = self.option("client-id") or f"sockscope-{secrets.token_hex(4)}"
        self._next_id = 0
        self.reset()

    def reset(self) -> None:
        self._buffers = {Direction.SENT: bytearray(), Direction.RECEIVED: bytearray()}
        self._ids = mqtt_replay.IdBlanker()
        self.version = _VERSIONS.get(self.option("version", "4"), 4)

    # -- options ---------------------------------------------------------------------------

    def keepalive(self) -> int:
        text = self.option("keepalive", str(DEFAULT_KEEPALIVE))
        if not text.isdigit() or int(text) > 0xFFFF:
            raise ProtocolError(f"The keepalive must be 0 to 65535 seconds, not {text!r}.")
        return int(text)

    def _version_option(self) -> int:
        text = self.option("version", "4")
        if text not in _VERSIONS:
            raise ProtocolError(f"The MQTT version must be 4 (3.1.1) or 5, not {text!r}.")
        return _VERSIONS[text]

    def _fresh_id(self) -> int:
        self._next_id = self._next_id % 0xFFFF + 1
        return self._next_id

    # -- duties ----------------------------------------------------------------------------

    def opened(self, link: Link, event: Opened) -> None:
        try:
            keepalive, version = self.keepalive(), self._version_option()
        except ProtocolError as exc:
            link.report(CommandFailed(f"{exc} Using the defaults."))
            keepalive, version = DEFAULT_KEEPALIVE, 4
        username = self.option_values.get("username")
        password = self.option_values.get("password")
        link.submit(SendBytes(mp.connect(self.client_id, keepalive, version, username, password)))
        if keepalive:
            link.every(keepalive, SendBytes(mp.PINGREQ))

    def answer(self, link: Link, message: Message) -> None:
        """Acknowledge the broker's QoS 1 and 2 deliveries, as every MQTT client must."""
        if message.id is None:
            return
        packet_id = int(message.id)
        if message.name == "PUBLISH" and isinstance(message.payload, dict):
            qos = message.payload.get("qos")
            if qos in (1, 2):
                link.submit(SendBytes(mp.acknowledge(4 if qos == 1 else 5, packet_id)))
        elif message.name == "PUBREL":
            link.submit(SendBytes(mp.acknowledge(7, packet_id)))

    def sends_by_itself(self, message: Message) -> bool:
        """CONNECT, PINGREQ and the acknowledgements :meth:`answer` sends."""
        return message.is_keepalive or message.name in _OWN

    def normalize(self, opcode: Opcode, payload: bytes) -> bytes:
        """The broker's frame with the ids it chose for its deliveries blanked."""
        return self._ids.blank(payload) if opcode is Opcode.BINARY else payload

    def greeted(self, message: Message) -> bool:
        return message.name == "CONNACK"

    def encode(self, mode: str, values: Mapping[str, str]) -> list[Command]:
        if mode not in ("subscribe", "publish", "unsubscribe"):
            return super().encode(mode, values)
        topic = values.get("topic", "")
        if not topic:
            raise ProtocolError(f"To {mode}, give a topic.")
        qos_text = values.get("qos") or "0"
        if qos_text not in _QOS:
            raise ProtocolError(f"The QoS must be 0 or 1, not {qos_text!r}.")
        qos = int(qos_text)
        try:
            if mode == "subscribe":
                data = mp.subscribe(self._fresh_id(), topic, qos, self.version)
            elif mode == "unsubscribe":
                data = mp.unsubscribe(self._fresh_id(), topic, self.version)
            else:
                retain = values.get("retain", "no") == "yes"
                body = values.get("payload", "").encode()
                packet_id = self._fresh_id() if qos else 0
                data = mp.publish(topic, body, qos, retain, packet_id, self.version)
        except ValueError as exc:
            raise ProtocolError(str(exc)) from exc
        return [SendBytes(data)]

    # -- messages --------------------------------------------------------------------------

    def decode(self, direction: Direction, opcode: Opcode, payload: bytes) -> Sequence[Message]:
        if opcode is not Opcode.BINARY:
            if opcode is not Opcode.TEXT:
                return ()
            return (
                Message(
                    MessageKind.ERROR, "not MQTT", summary="MQTT packets come in binary frames"
                ),
            )
        buffer = self._buffers[direction]
        buffer += payload
        try:
            packets = mp.split(buffer)
        except mp.MalformedPacket as exc:
            buffer.clear()
            return (Message(MessageKind.ERROR, "malformed", summary=f"{exc}; buffer dropped"),)
        messages = [self._message(direction, data) for data in packets]
        if buffer:
            messages.append(_part(buffer))
        return tuple(messages)

    def _message(self, direction: Direction, data: bytes) -> Message:
        try:
            packet = mp.decode(data, self.version)
        except mp.MalformedPacket as exc:
            name = mp.PACKET_NAMES.get(data[0] >> 4, "packet")
            return Message(MessageKind.ERROR, name, data.hex(), summary=f"malformed: {exc}")
        fields: dict[str, Any] = {"type": packet.name, **packet.fields}
        if packet.packet_id is not None:
            fields["packet_id"] = packet.packet_id
        if packet.name == "CONNECT" and direction is Direction.SENT:
            self.version = 5 if fields["level"] == 5 else 4
        kind = _KINDS.get(packet.name, MessageKind.ANSWER)
        pairing = _PAIRING.get(packet.name, Pairing.NONE)
        if packet.name == "PUBLISH" and packet.fields["qos"]:
            pairing = Pairing.OPENS
        if _failed(packet):
            kind = MessageKind.ERROR
        message_id = None if packet.packet_id is None else str(packet.packet_id)
        return Message(kind, packet.name, fields, message_id, pairing, _summary(packet))


def _part(buffer: bytearray) -> Message:
    """The start of a packet whose rest is in later frames (so the row still says what)."""
    name = mp.PACKET_NAMES.get(buffer[0] >> 4, "a packet")
    end = mp.packet_end(buffer)
    have = f"{len(buffer)} byte{'s' if len(buffer) > 1 else ''}"
    size = f"{have} of {end}" if end is not None else f"{have} so far"
    kind = _KINDS.get(name, MessageKind.ANSWER)
    return Message(kind, "part", summary=f"of {name}: {size}")


def _failed(packet: mp.Decoded) -> bool:
    if packet.name == "CONNACK":
        return bool(packet.fields["code"])
    if packet.name in ("SUBACK", "UNSUBACK"):
        return any(code >= 0x80 for code in packet.fields["codes"])
    return int(packet.fields.get("code", 0)) >= 0x80


def _summary(packet: mp.Decoded) -> str:
    f = packet.fields
    pid = f"#{packet.packet_id} " if packet.packet_id is not None else ""
    match packet.name:
        case "CONNECT":
            who = f" user {f['username']}" if "username" in f else ""
            return f"{f['client_id']} keepalive {f['keepalive']}s level {f['level']}{who}"
        case "CONNACK":
            return f"{f['reason']}{' (session present)' if f['session_present'] else ''}"
        case "PUBLISH":
            retain = " retain" if f["retain"] else ""
            return f"{f['topic']} qos{f['qos']}{retain} {pid}{compact(f['payload'], 120)}".rstrip()
        case "SUBSCRIBE":
            topics = ", ".join(f"{s['filter']} qos{s['qos']}" for s in f["filters"])
            return f"{pid}{topics}"
        case "UNSUBSCRIBE":
            return pid + ", ".join(f["filters"])
        case "SUBACK" | "UNSUBACK":
            return pid + ", ".join(_code(code) for code in f["codes"])
    return f"{pid}{f.get('reason', '')}".strip()


def _code(code: int) -> str:
    return f"qos{code}" if code < 3 else mp.REASONS_5.get(code, f"code {code}")
