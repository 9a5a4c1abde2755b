"""Socket.IO v5 packets (https://socket.io/docs/v4/socket-io-protocol/), read and written.

A Socket.IO packet travels inside an Engine.IO message (``4``) as text:
``<type>[<attachments>-][<namespace>,][<ack id>][<JSON data>]``; a binary event or ack
names its attachments with ``{"_placeholder": true, "num": i}`` and they follow as the
next binary frames.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from enum import IntEnum
from typing import Any

from sockscope.core.protocols.summary import LIMIT
from sockscope.core.text.display import human_size

DEFAULT_NAMESPACE = "/"
#: Event names the Socket.IO server refuses (it drops the connection on them).
RESERVED_EVENTS = frozenset(
    {"connect", "connect_error", "disconnect", "disconnecting", "newListener", "removeListener"}
)
_DIGITS = frozenset("0123456789")


class PacketType(IntEnum):
    CONNECT = 0
    DISCONNECT = 1
    EVENT = 2
    ACK = 3
    CONNECT_ERROR = 4
    BINARY_EVENT = 5
    BINARY_ACK = 6


class PacketError(ValueError):
    """A packet that is not Socket.IO: the message says why, in one sentence."""


@dataclass(frozen=True)
class Packet:
    type: PacketType
    namespace: str = DEFAULT_NAMESPACE
    ack: int | None = None
    attachments: int = 0
    data: Any = None


def parse(text: str) -> Packet:
    """The Socket.IO packet in ``text`` (what follows the Engine.IO ``4``)."""
    if not text or text[0] not in "0123456":
        raise PacketError(f"{text[:1]!r} is not a Socket.IO packet type (0-6).")
    kind = PacketType(int(text[0]))
    attachments, namespace, at, digits = _head(kind, text)
    ack = int(text[at:digits]) if digits > at else None
    rest = text[digits:]
    try:
        data = json.loads(rest) if rest else None
    except ValueError as exc:
        raise PacketError(f"its data is not JSON ({exc}).") from exc
    _check(kind, data)
    return Packet(kind, namespace, ack, attachments, data)


def _head(kind: PacketType, text: str) -> tuple[int, str, int, int]:
    """The attachment count, the namespace, and where the ack id's digits start and end."""
    at = 1
    attachments = 0
    if kind in (PacketType.BINARY_EVENT, PacketType.BINARY_ACK):
        dash = text.find("-", at)
        if dash <= at or not set(text[at:dash]) <= _DIGITS:
            raise PacketError("a binary packet must start with its attachment count and '-'.")
        attachments, at = int(text[at:dash]), dash + 1
    namespace = DEFAULT_NAMESPACE
    if text.startswith("/", at):
        comma = text.find(",", at)
        end = len(text) if comma < 0 else comma
        namespace, at = text[at:end], min(end + 1, len(text))
    digits = at
    while digits < len(text) and text[digits] in _DIGITS:
        digits += 1
    return attachments, namespace, at, digits


def with_ack(text: str, ack: int) -> str:
    """A packet's text (valid for :func:`parse`) with its ack id replaced by ``ack``."""
    _, _, at, digits = _head(PacketType(int(text[0])), text)
    return f"{text[:at]}{ack}{text[digits:]}"


def _check(kind: PacketType, data: Any) -> None:
    """The shapes the Socket.IO parser accepts for each packet type."""
    if kind in (PacketType.EVENT, PacketType.BINARY_EVENT):
        if not (isinstance(data, list) and data and isinstance(data[0], str | int)):
            raise PacketError("an event must be a JSON array starting with its name.")
    elif kind in (PacketType.ACK, PacketType.BINARY_ACK):
        if not isinstance(data, list):
            raise PacketError("an ack must carry a JSON array of arguments.")
    elif kind is PacketType.CONNECT and data is not None and not isinstance(data, dict):
        raise PacketError("a connect packet carries a JSON object or nothing.")


def encode(
    kind: PacketType, namespace: str = DEFAULT_NAMESPACE, ack: int | None = None, data: Any = None
) -> str:
    """The Engine.IO message (``4…``) carrying this Socket.IO packet (no attachments)."""
    where = "" if namespace == DEFAULT_NAMESPACE else f"{namespace},"
    body = "" if data is None else json.dumps(data, ensure_ascii=False)
    return f"4{int(kind)}{where}{'' if ack is None else ack}{body}"


def fill(value: Any, attachments: list[bytes]) -> Any:
    """``value`` with each ``{"_placeholder": true, "num": i}`` replaced by attachment i."""
    if isinstance(value, list):
        return [fill(item, attachments) for item in value]
    if isinstance(value, dict):
        if value.get("_placeholder") is True and isinstance(value.get("num"), int):
            num = value["num"]
            if not 0 <= num < len(attachments):
                raise PacketError(f"placeholder {num} has no attachment ({len(attachments)} came).")
            return attachments[num]
        return {key: fill(item, attachments) for key, item in value.items()}
    return value


def jsonable(value: Any) -> Any:
    """``value`` with attachments as ``{"binary": size, "hex": …}`` (for the inspector)."""
    if isinstance(value, bytes):
        return {"binary": len(value), "hex": value.hex()}
    if isinstance(value, list):
        return [jsonable(item) for item in value]
    if isinstance(value, dict):
        return {key: jsonable(item) for key, item in value.items()}
    return value


def show(value: Any, limit: int = LIMIT) -> str:
    """Compact JSON with attachments shown as ``<binary 12 B>``, cut to ``limit``."""
    text = _show(value)
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _show(value: Any) -> str:
    if isinstance(value, bytes):
        return f"<binary {human_size(len(value))}>"
    if isinstance(value, list):
        return "[" + ",".join(_show(item) for item in value) + "]"
    if isinstance(value, dict):
        return (
            "{"
            + ",".join(
                f"{json.dumps(key, ensure_ascii=False)}:{_show(item)}"
                for key, item in value.items()
            )
            + "}"
        )
    return json.dumps(value, ensure_ascii=False)
