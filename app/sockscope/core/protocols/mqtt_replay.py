"""The broker-chosen packet ids in MQTT's server stream, blanked for ``replay --check``.

A broker numbers its own QoS 1/2 deliveries (PUBLISH) and their PUBREL as it likes (npm
aedes starts each client at a random id), so they differ on every connection by design;
the ids of the client's own packets, echoed in SUBACK, PUBACK…, are compared. Packets
cross frames (a broker may write one in several frames), so the blanker follows the
stream in order.
"""

from __future__ import annotations

from sockscope.core.protocols import mqtt_packets as mp

_PUBLISH, _PUBREL = 3, 6


def _id_span(data: bytes, start: int) -> tuple[int, int] | None:
    """Where the packet id of the broker-numbered packet at ``start`` is (None: it has none,
    or not enough of the packet is there yet to tell)."""
    kind, flags = data[start] >> 4, data[start] & 0x0F
    body = start + 2
    while body - start <= 5 and body - 1 < len(data) and data[body - 1] & 0x80:
        body += 1  # past the remaining length's continuation bytes
    if kind == _PUBREL:
        return body, body + 2
    if kind != _PUBLISH or not flags & 0x06:  # QoS 0 carries no id
        return None
    if body + 2 > len(data):
        return None
    topic_end = body + 2 + int.from_bytes(data[body : body + 2], "big")
    return topic_end, topic_end + 2


class IdBlanker:
    """Zeroes broker-chosen packet ids in the broker's frames, fed in order."""

    def __init__(self) -> None:
        self._held = b""
        """The start of a packet whose rest is in later frames."""

    def blank(self, frame: bytes) -> bytes:
        data = self._held + frame
        offset = len(self._held)
        out = bytearray(frame)
        position = 0
        try:
            while position < len(data):
                span = _id_span(data, position)
                for index in range(*span) if span is not None else ():
                    if offset <= index < len(data):
                        out[index - offset] = 0
                end = mp.packet_end(data[position:])
                if end is None or position + end > len(data):
                    break
                position += end
        except mp.MalformedPacket:
            self._held = b""
            return frame
        self._held = data[position:]
        return bytes(out)
