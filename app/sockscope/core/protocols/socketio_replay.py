"""What a replay and a mock treat specially in Socket.IO frames: session ids and ack ids.

The server picks a new ``sid`` for every connection (in the Engine.IO open packet
``0{…}`` and in the namespace's CONNECT answer ``40{…}``), so a check compares them
with the sid blanked; everything else in them (pingInterval, pingTimeout…) is compared.
Ack ids are the client's: a live client may number its acks differently from the
recorded one, so a mock maps them (:meth:`ProtocolLayer.chosen_id`).
"""

from __future__ import annotations

import json

from sockscope.core.protocols import engineio
from sockscope.core.protocols import socketio_packets as sio
from sockscope.core.protocols.message import Direction
from sockscope.core.protocols.socketio_packets import PacketError, PacketType

SID = "<sid>"
"""What a check sees in place of a session id."""

_ASKS = (PacketType.EVENT, PacketType.BINARY_EVENT)
_ANSWERS = (PacketType.ACK, PacketType.BINARY_ACK)


def _text(payload: bytes) -> str | None:
    try:
        return payload.decode("utf-8")
    except UnicodeDecodeError:
        return None


def without_sid(payload: bytes) -> bytes:
    """The frame with its session id blanked, if it is an open packet or a CONNECT answer."""
    text = _text(payload)
    if text is None:
        return payload
    if text.startswith(engineio.OPEN):
        value = engineio.handshake(text[1:])
        if value is None or "sid" not in value:
            return payload
        value["sid"] = SID
        return (engineio.OPEN + json.dumps(value, ensure_ascii=False)).encode()
    if not text.startswith(engineio.MESSAGE + str(int(PacketType.CONNECT))):
        return payload
    try:
        packet = sio.parse(text[1:])
    except (PacketError, RecursionError):
        return payload
    if not isinstance(packet.data, dict) or "sid" not in packet.data:
        return payload
    data = {**packet.data, "sid": SID}
    return sio.encode(PacketType.CONNECT, packet.namespace, data=data).encode()


def ack_id(direction: Direction, payload: bytes) -> str | None:
    """The ack id of a client's emit asking for one (sent) or of the server's ack (received)."""
    text = _text(payload)
    if text is None or not text.startswith(engineio.MESSAGE):
        return None
    try:
        packet = sio.parse(text[1:])
    except (PacketError, RecursionError):
        return None
    wanted = _ASKS if direction is Direction.SENT else _ANSWERS
    return str(packet.ack) if packet.type in wanted and packet.ack is not None else None


def with_ack_id(payload: bytes, new_id: str) -> bytes:
    """The frame (one :func:`ack_id` read an id from) with that id replaced."""
    text = payload.decode("utf-8")
    return (engineio.MESSAGE + sio.with_ack(text[1:], int(new_id))).encode()
