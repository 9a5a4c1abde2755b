"""Socket.IO v5 over Engine.IO v4 (the npm ``socket.io`` 3.x/4.x servers).

What it does on its own: adds the Engine.IO path and query to a base URL, answers every
ping ``2`` with ``3`` (in Engine.IO v4 the server pings and drops a client that does not
answer within its ping timeout), and joins the default namespace (``40``, with the
``auth`` option) as soon as the server's open packet ``0{…}`` arrives. Emits asking for
an ack pair with their ``43`` by namespace and ack id; a binary event's attachments
(the binary frames after ``45<n>-…``) are joined to it.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from itertools import count
from typing import Any

from sockscope.core.events import CommandFailed
from sockscope.core.protocols import engineio, socketio_replay
from sockscope.core.protocols import socketio_packets as sio
from sockscope.core.protocols.base import (
    ComposeMode,
    Field,
    FieldKind,
    ProtocolError,
    ProtocolLayer,
)
from sockscope.core.protocols.json_field import json_field
from sockscope.core.protocols.message import Direction, Message, MessageKind, Pairing
from sockscope.core.protocols.socketio_packets import Packet, PacketError, PacketType
from sockscope.core.protocols.summary import compact
from sockscope.core.settings import ConnectionSettings
from sockscope.core.store.frames import Opcode
from sockscope.core.text.display import human_size
from sockscope.core.wire.commands import Command, SendText
from sockscope.core.wire.plugin import Link
from sockscope.core.wording import plural

_NAMESPACE = Field("namespace", "namespace", default=sio.DEFAULT_NAMESPACE)
_EMIT = ComposeMode(
    "emit",
    "emit",
    (
        Field("event", "event name"),
        Field("args", "arguments (a JSON array of them, or one value)", FieldKind.JSON, "[]"),
        _NAMESPACE,
        Field("ack", "ask for an ack", FieldKind.FLAG, "no"),
    ),
)
_JOIN = ComposeMode(
    "join", "join a namespace", (_NAMESPACE, Field("auth", "auth (JSON object)", FieldKind.JSON))
)


@dataclass
class _Binary:
    """A binary event or ack waiting for its attachments."""

    packet: Packet
    parts: list[bytes] = field(default_factory=list)


class SocketIoLayer(ProtocolLayer):
    name = "socket.io"
    title = "Socket.IO"
    options = {
        "path": f"the server's Engine.IO path (default {engineio.DEFAULT_PATH})",
        "auth": "the auth object (JSON) sent when joining the namespace on open",
        "namespace": "the namespace joined on open (default /)",
    }
    compose_modes = (_EMIT, _JOIN)
    greets = True

    def __init__(self, options: Mapping[str, str] | None = None) -> None:
        super().__init__(options)
        self._acks = count()
        self._pending: dict[Direction, _Binary] = {}
        self._joined: set[str] = set()
        """Namespaces the server confirmed: it drops a client emitting to any other."""

    @classmethod
    def detects_url(cls, url: str) -> bool:
        return engineio.is_engineio_url(url)

    @classmethod
    def detects_first_frame(cls, opcode: Opcode, payload: bytes) -> bool:
        return opcode is Opcode.TEXT and engineio.is_open_packet(payload)

    def prepare(self, settings: ConnectionSettings) -> ConnectionSettings:
        return settings._replace(url=engineio.engineio_url(settings.url, self.option("path")))

    def reset(self) -> None:
        self._pending.clear()
        self._joined.clear()

    # -- duties -------------------------------------------------------------------------

    def answer(self, link: Link, message: Message) -> None:
        if message.kind is MessageKind.KEEPALIVE and message.name == "ping":
            # "2probe" (an upgrade's probe) is answered "3probe"; plain "2" with "3".
            link.submit(SendText("3" + (message.payload or "")))
        elif message.kind is MessageKind.CONTROL and message.name == "open":
            auth: Any = None
            text = self.option("auth")
            if text:
                try:
                    auth = _auth(text)
                except ProtocolError as exc:
                    link.report(CommandFailed(f"{exc} Joined without it."))
            namespace = self.option("namespace") or sio.DEFAULT_NAMESPACE
            link.submit(SendText(sio.encode(PacketType.CONNECT, namespace, data=auth)))

    def _joins_on_open(self, message: Message) -> bool:
        """Whether a CONNECT (sent or answered) is for the namespace joined on open."""
        namespace = self.option("namespace") or sio.DEFAULT_NAMESPACE
        return isinstance(message.payload, dict) and message.payload["namespace"] == namespace

    def sends_by_itself(self, message: Message) -> bool:
        if message.kind is MessageKind.CONTROL and message.name == "connect":
            return self._joins_on_open(message)
        return message.is_keepalive

    def greeted(self, message: Message) -> bool:
        return message.name in ("connected", "connect_error") and self._joins_on_open(message)

    # -- replay and mock ----------------------------------------------------------------

    def normalize(self, opcode: Opcode, payload: bytes) -> bytes:
        return socketio_replay.without_sid(payload) if opcode is Opcode.TEXT else payload

    def chosen_id(self, direction: Direction, opcode: Opcode, payload: bytes) -> str | None:
        return socketio_replay.ack_id(direction, payload) if opcode is Opcode.TEXT else None

    def with_id(self, opcode: Opcode, payload: bytes, new_id: str) -> bytes:
        return socketio_replay.with_ack_id(payload, new_id)

    def server_keepalive(self, message: Message) -> tuple[float, str] | None:
        """Engine.IO v4's server pings ``2`` on the open packet's pingInterval."""
        if message.name != "open" or not isinstance(message.payload, dict):
            return None
        interval = message.payload.get("pingInterval")
        if not isinstance(interval, int | float) or interval <= 0:
            return None
        return interval / 1000, engineio.PING

    # -- decoding -----------------------------------------------------------------------

    def decode(self, direction: Direction, opcode: Opcode, payload: bytes) -> Sequence[Message]:
        try:
            if opcode is Opcode.BINARY:
                return (self._attachment(direction, payload),)
            found = []
            waiting = self._pending.pop(direction, None)
            if waiting is not None:
                found.append(_broken(waiting, "a text frame came before all its attachments"))
            found.append(self._engineio(direction, payload.decode("utf-8")))
            return tuple(found)
        except UnicodeDecodeError:
            return (_error("not UTF-8", "an Engine.IO text packet must be UTF-8"),)
        except RecursionError:
            return (_error("too deep", "the JSON is nested too deeply to read"),)

    def _engineio(self, direction: Direction, text: str) -> Message:
        kind, rest = text[:1], text[1:]
        if kind == engineio.MESSAGE:
            return self._socketio(direction, rest)
        if kind == engineio.OPEN:
            return engineio.open_message(rest)
        if kind in engineio.SIMPLE:
            what, name = engineio.SIMPLE[kind]
            return Message(what, name, rest or None, summary=rest)
        if not kind:
            return _error("empty", "an empty frame is not an Engine.IO packet")
        return _error("not Engine.IO", f"{kind!r} is not an Engine.IO packet type (0-6)")

    def _socketio(self, direction: Direction, text: str) -> Message:
        try:
            packet = sio.parse(text)
        except PacketError as exc:
            return _error("not Socket.IO", f"not a Socket.IO packet: {exc}")
        if packet.attachments:
            self._pending[direction] = _Binary(packet)
            name = _name(packet)
            return Message(
                MessageKind.CONTROL,
                name,
                sio.jsonable(packet.data),
                summary=f"({plural(packet.attachments, 'binary attachment')} to follow)",
            )
        self._follow(packet, direction)
        return _message(packet, direction, packet.data)

    def _follow(self, packet: Packet, direction: Direction) -> None:
        if packet.type is PacketType.CONNECT and direction is Direction.RECEIVED:
            self._joined.add(packet.namespace)
        elif packet.type is PacketType.DISCONNECT:
            self._joined.discard(packet.namespace)

    def _attachment(self, direction: Direction, data: bytes) -> Message:
        binary = self._pending.get(direction)
        if binary is None:  # a plain Engine.IO binary message
            return Message(
                MessageKind.EVENT,
                "binary",
                sio.jsonable(data),
                summary=f"<binary {human_size(len(data))}>",
            )
        binary.parts.append(data)
        packet = binary.packet
        if len(binary.parts) < packet.attachments:
            return Message(
                MessageKind.CONTROL,
                _name(packet),
                summary=f"attachment {len(binary.parts)} of {packet.attachments}",
            )
        del self._pending[direction]
        try:
            filled = sio.fill(packet.data, binary.parts)
        except PacketError as exc:
            return _broken(binary, str(exc))
        return _message(packet, direction, filled)

    # -- composing ----------------------------------------------------------------------

    def encode(self, mode: str, values: Mapping[str, str]) -> list[Command]:
        namespace = _namespace(values.get("namespace", ""))
        if mode == _JOIN.name:
            auth = _auth(values["auth"]) if values.get("auth", "").strip() else None
            return [SendText(sio.encode(PacketType.CONNECT, namespace, data=auth))]
        if mode != _EMIT.name:
            return super().encode(mode, values)
        if namespace not in self._joined:
            raise ProtocolError(
                f"Join {namespace} first: the server drops a client that emits to a namespace"
                " it has not joined."
            )
        event = values.get("event", "").strip()
        if not event:
            raise ProtocolError("An emit needs an event name.")
        if event in sio.RESERVED_EVENTS:
            raise ProtocolError(f"{event!r} is reserved by Socket.IO: the server would drop us.")
        args = json_field(values.get("args") or "[]", "arguments", are=True)
        args = args if isinstance(args, list) else [args]
        ack = next(self._acks) if values.get("ack", "no") == "yes" else None
        return [SendText(sio.encode(PacketType.EVENT, namespace, ack, [event, *args]))]


def _message(packet: Packet, direction: Direction, data: Any) -> Message:
    """A complete packet (attachments filled in) as the message the log shows."""
    where = "" if packet.namespace == sio.DEFAULT_NAMESPACE else f"{packet.namespace} "
    ack_id = None
    if packet.ack is not None:
        ack_id = f"{where.strip()},{packet.ack}" if where else str(packet.ack)
    binary = packet.attachments > 0
    payload = {"namespace": packet.namespace, "data": sio.jsonable(data) if binary else data}
    match packet.type:
        case PacketType.EVENT | PacketType.BINARY_EVENT:
            summary = where + _shown(data[1:], binary)
            if ack_id is None:
                return Message(MessageKind.EVENT, _name(packet), payload, summary=summary)
            return Message(MessageKind.CALL, _name(packet), payload, ack_id, Pairing.OPENS, summary)
        case PacketType.ACK | PacketType.BINARY_ACK:
            summary = where + _shown(data, binary)
            return Message(MessageKind.ANSWER, "ack", payload, ack_id, Pairing.ANSWERS, summary)
        case PacketType.CONNECT:
            name = "connected" if direction is Direction.RECEIVED else "connect"
            return Message(
                MessageKind.CONTROL,
                name,
                payload,
                summary=f"{packet.namespace} {compact(data)}".rstrip(),
            )
        case PacketType.DISCONNECT:
            return Message(MessageKind.CONTROL, "disconnect", payload, summary=packet.namespace)
        case _:
            text = data.get("message") if isinstance(data, dict) else data
            summary = f"{packet.namespace}: {compact(text) or 'no message'}"
            return Message(MessageKind.ERROR, "connect_error", payload, summary=summary)


def _name(packet: Packet) -> str:
    if packet.type in (PacketType.ACK, PacketType.BINARY_ACK):
        return "ack"
    return str(packet.data[0])


def _shown(args: Any, binary: bool) -> str:
    return sio.show(args) if binary else compact(args)


def _broken(binary: _Binary, why: str) -> Message:
    return _error(f"{_name(binary.packet)} incomplete", f"binary {_name(binary.packet)}: {why}")


def _error(name: str, why: str) -> Message:
    return Message(MessageKind.ERROR, name, summary=why)


def _namespace(text: str) -> str:
    namespace = text.strip() or sio.DEFAULT_NAMESPACE
    if not namespace.startswith("/") or "," in namespace:
        raise ProtocolError(f"The namespace {namespace!r} must start with / and have no comma.")
    return namespace


def _auth(text: str) -> Any:
    return json_field(text, "auth", dict)
