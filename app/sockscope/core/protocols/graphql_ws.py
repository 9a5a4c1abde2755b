"""GraphQL over WebSocket, both protocols servers speak.

- ``graphql-transport-ws``: the modern protocol of npm ``graphql-ws``
  (https://github.com/enisdenjo/graphql-ws/blob/master/PROTOCOL.md). The server closes with
  4408 unless ``connection_init`` arrives soon after the open, and a ``ping`` must be
  answered with a ``pong``.
- ``graphql-ws``: the legacy protocol of ``subscriptions-transport-ws`` (``start``,
  ``data``, ``stop``, the server's ``ka`` keepalives).

Both are JSON objects with a ``type`` and, for operations, an ``id``: an operation opens
with ``subscribe``/``start``, its results continue it and ``error``/``complete`` end it, so
pairing groups an operation's rows and times its first answer.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from itertools import count
from typing import Any, ClassVar

from sockscope.core.events import CommandFailed, Opened
from sockscope.core.protocols.base import (
    ComposeMode,
    Field,
    FieldKind,
    ProtocolError,
    ProtocolLayer,
)
from sockscope.core.protocols.json_field import json_field
from sockscope.core.protocols.json_frame import frame_json
from sockscope.core.protocols.message import Direction, Message, MessageKind, Pairing
from sockscope.core.protocols.summary import compact
from sockscope.core.store.frames import Opcode
from sockscope.core.wire.commands import Command, SendText
from sockscope.core.wire.plugin import Link

_OPERATION = ComposeMode(
    "graphql",
    "GraphQL operation",
    (
        Field("query", "document (query, mutation or subscription)", FieldKind.TEXT),
        Field("variables", "variables (JSON object)", FieldKind.JSON),
        Field("operationName", "operation name (optional)"),
    ),
)
_STOP = ComposeMode("stop", "stop an operation", (Field("id", "operation id"),))


@dataclass(frozen=True)
class _Type:
    """What one message ``type`` of the protocol is to the user."""

    kind: MessageKind
    pairing: Pairing = Pairing.NONE


_CONTROL = _Type(MessageKind.CONTROL)
_KEEPALIVE = _Type(MessageKind.KEEPALIVE)
_OPENS = _Type(MessageKind.CALL, Pairing.OPENS)
_RESULT = _Type(MessageKind.ANSWER, Pairing.CONTINUES)
_FAILS = _Type(MessageKind.ERROR, Pairing.ANSWERS)
_ENDS = _Type(MessageKind.ANSWER, Pairing.ANSWERS)
_STOPS = _Type(MessageKind.CONTROL, Pairing.ANSWERS)


class _GraphQLLayer(ProtocolLayer):
    """What both protocols share; subclasses name their message types."""

    options = {"init-payload": "the connection_init payload (a JSON object)"}
    compose_modes = (_OPERATION, _STOP)
    greets = True
    types: ClassVar[Mapping[str, _Type]]
    start: ClassVar[str]
    """The type that starts an operation (``subscribe``, ``start``)."""
    stop: ClassVar[str]
    """The type the client sends to stop one (``complete``, ``stop``)."""

    def __init__(self, options: Mapping[str, str] | None = None) -> None:
        super().__init__(options)
        # Not reset per connection: ids stay unique across reconnects, so groups never mix.
        self._ids = count(1)

    def _init_payload(self) -> dict[str, Any] | None:
        text = self.option("init-payload").strip()
        if not text:
            return None
        value: dict[str, Any] = json_field(text, "init payload", dict)
        return value

    def opened(self, link: Link, event: Opened) -> None:
        init: dict[str, Any] = {"type": "connection_init"}
        try:
            payload = self._init_payload()
        except ProtocolError as exc:
            link.report(CommandFailed(f"{exc} connection_init was sent without it."))
            payload = None
        if payload is not None:
            init["payload"] = payload
        link.submit(SendText(json.dumps(init, ensure_ascii=False)))

    def sends_by_itself(self, message: Message) -> bool:
        return message.is_keepalive or message.name == "connection_init"

    def greeted(self, message: Message) -> bool:
        return message.name in ("connection_ack", "connection_error")

    # Operation ids are the client's: a replay sends the recorded ones and the server
    # answers with them, so nothing needs normalizing; a live client picks its own, which
    # a mock maps onto the recorded ones.

    def chosen_id(self, direction: Direction, opcode: Opcode, payload: bytes) -> str | None:
        value = _object(payload)
        operation_id = value.get("id") if value is not None else None
        return operation_id if isinstance(operation_id, str) else None

    def with_id(self, opcode: Opcode, payload: bytes, new_id: str) -> bytes:
        value = _object(payload)
        if value is None:
            return payload
        return json.dumps({**value, "id": new_id}, ensure_ascii=False).encode()

    def decode(self, direction: Direction, opcode: Opcode, payload: bytes) -> Sequence[Message]:
        value, instead = frame_json(opcode, payload, f"not a {self.title} message", text_only=False)
        if instead is not None:
            return instead
        if not isinstance(value, dict) or not isinstance(value.get("type"), str):
            return (Message(MessageKind.ERROR, "no type", value, summary=compact(value)),)
        return (self._message(value),)

    def _message(self, value: dict[str, Any]) -> Message:
        name: str = value["type"]
        known = self.types.get(name)
        body = value.get("payload")
        raw_id = value.get("id")
        message_id = None if raw_id is None else str(raw_id)
        if known is None:
            return Message(MessageKind.ERROR, name, value, message_id, summary="unknown type")
        text = _summary(name, known, body)
        if message_id is not None and known.pairing is not Pairing.NONE:
            text = f"#{message_id} {text}".rstrip()
        pairing = known.pairing if message_id is not None else Pairing.NONE
        kind = known.kind
        if (
            known is _RESULT
            and isinstance(body, dict)
            and body.get("errors")
            and not body.get("data")
        ):
            kind = MessageKind.ERROR  # a result that is only errors (legacy validation errors)
        return Message(kind, name, value, message_id, pairing, text)

    def stop_commands(self, message: Message) -> list[Command]:
        if message.id is None or message.pairing not in (Pairing.OPENS, Pairing.CONTINUES):
            return []
        return self.encode(_STOP.name, {"id": message.id})

    def encode(self, mode: str, values: Mapping[str, str]) -> list[Command]:
        if mode == _STOP.name:
            operation_id = values.get("id", "").strip()
            if not operation_id:
                raise ProtocolError("Stopping an operation needs its id.")
            return [SendText(json.dumps({"type": self.stop, "id": operation_id}))]
        if mode != _OPERATION.name:
            return super().encode(mode, values)
        query = values.get("query", "").strip()
        if not query:
            raise ProtocolError("A GraphQL operation needs a document (query, mutation…).")
        operation: dict[str, Any] = {"query": query}
        variables_text = values.get("variables", "").strip()
        if variables_text:
            operation["variables"] = json_field(variables_text, "variables", dict, are=True)
        name = values.get("operationName", "").strip()
        if name:
            operation["operationName"] = name
        message = {"type": self.start, "id": str(next(self._ids)), "payload": operation}
        return [SendText(json.dumps(message, ensure_ascii=False))]


def _object(payload: bytes) -> dict[str, Any] | None:
    try:
        value = json.loads(payload)
    except (ValueError, RecursionError):
        return None
    return value if isinstance(value, dict) else None


def _summary(name: str, known: _Type, body: Any) -> str:
    """The log's text: the operation's name, its data, the errors' messages."""
    if known.pairing is Pairing.OPENS and isinstance(body, dict):
        return _operation_title(body)
    if known.kind is MessageKind.ERROR:
        return _error_text(body)
    if known.pairing is Pairing.CONTINUES and isinstance(body, dict):
        if body.get("errors"):
            return _error_text(body["errors"])
        return compact(body.get("data"))
    return compact(body)


def _operation_title(operation: Mapping[str, Any]) -> str:
    name = operation.get("operationName")
    if isinstance(name, str) and name:
        return name
    query = operation.get("query")
    if isinstance(query, str):
        for line in query.splitlines():
            if line.strip():
                return compact(line.strip())
    return compact(operation)


def _error_text(errors: Any) -> str:
    """GraphQL errors (a list, or the legacy protocol's one object) as their messages."""
    items = errors if isinstance(errors, list) else [errors]
    messages = [e["message"] for e in items if isinstance(e, dict) and "message" in e]
    return compact("; ".join(str(m) for m in messages)) if messages else compact(errors)


class GraphQLTransportWsLayer(_GraphQLLayer):
    name = "graphql-transport-ws"
    title = "GraphQL over WebSocket (graphql-transport-ws)"
    subprotocols = ("graphql-transport-ws",)
    types = {
        "connection_init": _CONTROL,
        "connection_ack": _CONTROL,
        "ping": _KEEPALIVE,
        "pong": _KEEPALIVE,
        "subscribe": _OPENS,
        "next": _RESULT,
        "error": _FAILS,
        "complete": _ENDS,
    }
    start = "subscribe"
    stop = "complete"

    def answer(self, link: Link, message: Message) -> None:
        if message.name == "ping":
            link.submit(SendText('{"type":"pong"}'))


class GraphQLWsLayer(_GraphQLLayer):
    name = "graphql-ws"
    title = "GraphQL over WebSocket (legacy graphql-ws)"
    subprotocols = ("graphql-ws",)
    types = {
        "connection_init": _CONTROL,
        "connection_ack": _CONTROL,
        "connection_error": _Type(MessageKind.ERROR),
        "connection_terminate": _CONTROL,
        "ka": _KEEPALIVE,
        "start": _OPENS,
        "data": _RESULT,
        "error": _FAILS,
        "complete": _ENDS,
        "stop": _STOPS,
    }
    start = "start"
    stop = "stop"
