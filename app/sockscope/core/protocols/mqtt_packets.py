"""A small MQTT 3.1.1 / 5.0 packet codec: the encoders a client needs, a decoder for every
packet type, and a reassembler for a byte stream cut anywhere.

No maintained Python library offers a sans-I/O decoder for both versions (paho-mqtt's codec
is private to its client; ``mqtt-codec`` stopped at 3.1.1 in 2019; ``mqttproto`` speaks 5
only), and the format is small: a fixed header with a variable-length "remaining length",
then per-type fields. MQTT 5 adds a length-prefixed property block, which is skipped by its
length (its content is shown raw, never interpreted).
"""

from __future__ import annotations

import struct
from dataclasses import dataclass, field
from typing import Any

_PACKET_TEXT = (
    "CONNECT CONNACK PUBLISH PUBACK PUBREC PUBREL PUBCOMP SUBSCRIBE SUBACK UNSUBSCRIBE"
    " UNSUBACK PINGREQ PINGRESP DISCONNECT AUTH"
)
PACKET_NAMES = dict(enumerate(_PACKET_TEXT.split(), start=1))
PINGREQ = b"\xc0\x00"
MAX_REMAINING = 268_435_455
"""The largest remaining length four varint bytes can say (256 MB)."""

CONNACK_3 = {
    0: "accepted",
    1: "unacceptable protocol version",
    2: "identifier rejected",
    3: "server unavailable",
    4: "bad user name or password",
    5: "not authorized",
}
_REASON_TEXT = (
    "00 success; 04 disconnect with will; 10 no matching subscribers; 11 no subscription"
    " existed; 80 unspecified error; 81 malformed packet; 82 protocol error; 83 implementation"
    " specific error; 84 unsupported protocol version; 85 client identifier not valid; 86 bad"
    " user name or password; 87 not authorized; 88 server unavailable; 89 server busy; 8a"
    " banned; 8b server shutting down; 8c bad authentication method; 8d keep alive timeout; 8e"
    " session taken over; 8f topic filter invalid; 90 topic name invalid; 91 packet identifier"
    " in use; 93 receive maximum exceeded; 97 quota exceeded; 99 payload format invalid; 9a"
    " retain not supported; 9b QoS not supported; 9c use another server; 9d server moved; 9e"
    " shared subscriptions not supported; 9f connection rate exceeded; a2 wildcard"
    " subscriptions not supported"
)
REASONS_5 = {int(item[:2], 16): item[3:] for item in _REASON_TEXT.split("; ")}
"""MQTT 5's reason codes (spec 2.4), by value."""


class MalformedPacket(ValueError):
    """The bytes do not follow the MQTT format; the message says where."""


# -- encoding ----------------------------------------------------------------------------------


def varint(value: int) -> bytes:
    """MQTT's variable byte integer (7 bits a byte, low first)."""
    out = bytearray()
    while True:
        value, byte = divmod(value, 128)
        out.append(byte | (0x80 if value else 0))
        if not value:
            return bytes(out)


def utf8(text: str) -> bytes:
    data = text.encode()
    if len(data) > 0xFFFF:
        raise ValueError(f"{text[:20]!r}… is longer than MQTT's 65535-byte strings.")
    return struct.pack("!H", len(data)) + data


def packet(first_byte: int, body: bytes) -> bytes:
    return bytes([first_byte]) + varint(len(body)) + body


def connect(
    client_id: str,
    keepalive: int,
    version: int,
    username: str | None = None,
    password: str | None = None,
) -> bytes:
    flags = 0x02  # clean session: a debugger starts afresh
    tail = utf8(client_id)
    if username is not None:
        flags |= 0x80
        tail += utf8(username)
    if password is not None:
        flags |= 0x40
        tail += utf8(password)
    head = utf8("MQTT") + bytes([version, flags]) + struct.pack("!H", keepalive)
    return packet(0x10, head + _no_properties(version) + tail)


def subscribe(packet_id: int, topic_filter: str, qos: int, version: int) -> bytes:
    body = struct.pack("!H", packet_id) + _no_properties(version)
    return packet(0x82, body + utf8(topic_filter) + bytes([qos]))


def unsubscribe(packet_id: int, topic_filter: str, version: int) -> bytes:
    body = struct.pack("!H", packet_id) + _no_properties(version)
    return packet(0xA2, body + utf8(topic_filter))


def publish(
    topic: str, payload: bytes, qos: int, retain: bool, packet_id: int, version: int
) -> bytes:
    body = utf8(topic) + (struct.pack("!H", packet_id) if qos else b"")
    return packet(0x30 | qos << 1 | int(retain), body + _no_properties(version) + payload)


def acknowledge(kind: int, packet_id: int) -> bytes:
    """PUBACK (4), PUBREC (5), PUBREL (6) or PUBCOMP (7): success, for either version."""
    return packet(kind << 4 | (0x02 if kind == 6 else 0), struct.pack("!H", packet_id))


def _no_properties(version: int) -> bytes:
    return b"\x00" if version == 5 else b""


# -- reassembly --------------------------------------------------------------------------------


def split(buffer: bytearray) -> list[bytes]:
    """Take every whole packet off the front of ``buffer``, leaving a partial one in it.

    Raises :class:`MalformedPacket` when the fixed header cannot be read (the caller drops
    the buffer: nothing after a broken length can be found again).
    """
    packets = []
    while (end := packet_end(buffer)) is not None and len(buffer) >= end:
        packets.append(bytes(buffer[:end]))
        del buffer[:end]
    return packets


def packet_end(buffer: bytes | bytearray) -> int | None:
    """Where the packet at the front of ``buffer`` ends (None: its length is not all there)."""
    remaining, multiplier = 0, 1
    for offset in range(1, 5):
        if offset >= len(buffer):
            return None
        byte = buffer[offset]
        remaining += (byte & 0x7F) * multiplier
        if not byte & 0x80:
            return offset + 1 + remaining
        multiplier *= 128
    raise MalformedPacket("the remaining length runs past four bytes")


# -- decoding ----------------------------------------------------------------------------------


@dataclass
class Decoded:
    """One packet's fields; ``fields`` is what the inspector shows."""

    kind: int
    name: str
    flags: int
    packet_id: int | None = None
    fields: dict[str, Any] = field(default_factory=dict)


class _Reader:
    def __init__(self, data: bytes, start: int) -> None:
        self.data, self.at = data, start

    def take(self, n: int) -> bytes:
        if self.at + n > len(self.data):
            raise MalformedPacket(f"it ends {self.at + n - len(self.data)} bytes early")
        chunk = self.data[self.at : self.at + n]
        self.at += n
        return chunk

    def byte(self) -> int:
        return self.take(1)[0]

    def u16(self) -> int:
        value: int = struct.unpack("!H", self.take(2))[0]
        return value

    def text(self) -> str:
        return self.take(self.u16()).decode(errors="replace")

    def varint(self) -> int:
        value, multiplier = 0, 1
        for _ in range(4):
            byte = self.byte()
            value += (byte & 0x7F) * multiplier
            if not byte & 0x80:
                return value
            multiplier *= 128
        raise MalformedPacket("a variable byte integer runs past four bytes")

    def properties(self, version: int) -> str | None:
        """Skip an MQTT 5 property block by its length; its bytes as hex (None on 3.1.1)."""
        if version != 5:
            return None
        return self.take(self.varint()).hex()

    def rest(self) -> bytes:
        chunk = self.data[self.at :]
        self.at = len(self.data)
        return chunk

    @property
    def left(self) -> int:
        return len(self.data) - self.at


def decode(data: bytes, version: int) -> Decoded:
    """One whole packet (as :func:`split` returns it); raises :class:`MalformedPacket`."""
    first = data[0]
    kind, flags = first >> 4, first & 0x0F
    if kind not in PACKET_NAMES:
        raise MalformedPacket(f"packet type {kind} does not exist")
    reader = _Reader(data, 1)
    reader.varint()
    out = Decoded(kind, PACKET_NAMES[kind], flags)
    _BODIES.get(kind, _empty)(reader, out, version)
    return out


def _empty(reader: _Reader, out: Decoded, version: int) -> None:
    if reader.left:
        out.fields["extra"] = reader.rest().hex()


def _connect(reader: _Reader, out: Decoded, version: int) -> None:
    f = out.fields
    f["protocol"] = reader.text()
    f["level"] = level = reader.byte()
    flags = reader.byte()
    f["clean"] = bool(flags & 0x02)
    f["keepalive"] = reader.u16()
    _put_properties(f, reader.properties(level))
    f["client_id"] = reader.text()
    if flags & 0x04:
        _put_properties(f, reader.properties(level), "will_properties")
        f["will_topic"] = reader.text()
        f["will_payload"] = payload_text(reader.take(reader.u16()))
    if flags & 0x80:
        f["username"] = reader.text()
    if flags & 0x40:
        f["password"] = "*" * len(reader.take(reader.u16()))


def _connack(reader: _Reader, out: Decoded, version: int) -> None:
    out.fields["session_present"] = bool(reader.byte() & 0x01)
    code = reader.byte()
    out.fields["code"] = code
    # A 3.1.1 broker answers a version-5 CONNECT in 3.1.1 terms (code 1), so small codes
    # read as 3.1.1's whatever was asked.
    table = CONNACK_3 if version != 5 or (code in CONNACK_3 and code) else REASONS_5
    out.fields["reason"] = table.get(code, f"code {code}")
    _put_properties(out.fields, reader.properties(version) if reader.left else None)


def _publish(reader: _Reader, out: Decoded, version: int) -> None:
    qos = (out.flags >> 1) & 0x03
    out.fields.update(topic=reader.text(), qos=qos, retain=bool(out.flags & 1))
    out.fields["dup"] = bool(out.flags & 0x08)
    if qos:
        out.packet_id = reader.u16()
    _put_properties(out.fields, reader.properties(version))
    out.fields["payload"] = payload_text(reader.rest())


def _acknowledgement(reader: _Reader, out: Decoded, version: int) -> None:
    out.packet_id = reader.u16()
    if reader.left:  # MQTT 5: an optional reason code, then optional properties
        code = reader.byte()
        out.fields.update(code=code, reason=REASONS_5.get(code, f"code {code}"))
        _put_properties(out.fields, reader.properties(version) if reader.left else None)


def _subscribe(reader: _Reader, out: Decoded, version: int) -> None:
    out.packet_id = reader.u16()
    _put_properties(out.fields, reader.properties(version))
    filters = []
    while reader.left:
        topic = reader.text()
        filters.append({"filter": topic, "qos": reader.byte() & 0x03})
    out.fields["filters"] = filters


def _unsubscribe(reader: _Reader, out: Decoded, version: int) -> None:
    out.packet_id = reader.u16()
    _put_properties(out.fields, reader.properties(version))
    filters = []
    while reader.left:
        filters.append(reader.text())
    out.fields["filters"] = filters


def _codes(reader: _Reader, out: Decoded, version: int) -> None:
    """SUBACK, and UNSUBACK (which has codes on MQTT 5 only)."""
    out.packet_id = reader.u16()
    _put_properties(out.fields, reader.properties(version))
    out.fields["codes"] = list(reader.rest())


def _disconnect(reader: _Reader, out: Decoded, version: int) -> None:
    if reader.left:  # MQTT 5 (a 3.1.1 DISCONNECT is empty)
        code = reader.byte()
        out.fields.update(code=code, reason=REASONS_5.get(code, f"code {code}"))
        _put_properties(out.fields, reader.properties(5) if reader.left else None)


def _put_properties(fields: dict[str, Any], raw: str | None, key: str = "properties") -> None:
    if raw:
        fields[key] = raw


_BODIES = {
    1: _connect,
    2: _connack,
    3: _publish,
    4: _acknowledgement,
    5: _acknowledgement,
    6: _acknowledgement,
    7: _acknowledgement,
    8: _subscribe,
    9: _codes,
    10: _unsubscribe,
    11: _codes,
    14: _disconnect,
    15: _disconnect,
}


def payload_text(data: bytes) -> str:
    """A payload as the user reads it: UTF-8 text when it is, else hex."""
    try:
        return data.decode()
    except UnicodeDecodeError:
        return f"0x{data.hex()} ({len(data)} bytes)"
