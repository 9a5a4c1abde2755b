"""SignalR's JSON hub protocol: records ended by 0x1E, invocations paired with completions.

On open the layer sends the handshake ``{"protocol":"json","version":1}`` and then a ping
(type 6) every 15 s, as the official clients do (a server drops a client silent for 30 s);
a ping from the server is answered with one. Invocations (type 1) and stream invocations
(type 4) carrying an ``invocationId`` pair with their completion (type 3); stream items
(type 2) continue the pair.

Before each connection it makes the HTTP negotiate request (``POST …/negotiate?
negotiateVersion=1`` → ``connectionToken``, :mod:`signalr_negotiate`) and connects with the
token as ``?id=``, as the official clients do; ``--protocol-option negotiate=no`` skips it
(the clients' ``skipNegotiation``), as does a URL already carrying ``id=``.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from itertools import count
from typing import Any
from urllib.parse import parse_qs, urlsplit

from sockscope.core.events import Opened
from sockscope.core.protocols.base import (
    ComposeMode,
    Field,
    FieldKind,
    ProtocolError,
    ProtocolLayer,
)
from sockscope.core.protocols.json_field import json_field
from sockscope.core.protocols.message import Direction, Message, MessageKind, Pairing
from sockscope.core.protocols.summary import compact
from sockscope.core.settings import ConnectionSettings
from sockscope.core.store.frames import Opcode
from sockscope.core.wire.commands import Command, SendText
from sockscope.core.wire.plugin import Link

RS = "\x1e"
HANDSHAKE = '{"protocol":"json","version":1}' + RS
PING = '{"type":6}' + RS
PING_EVERY = 15.0
_INVOKE = ComposeMode(
    "invoke",
    "invoke",
    (
        Field("target", "hub method"),
        Field("arguments", "arguments (JSON array)", FieldKind.JSON, "[]"),
        Field("result", "expect a result (invocationId)", FieldKind.FLAG, "yes"),
    ),
)


class SignalRLayer(ProtocolLayer):
    name = "signalr"
    title = "SignalR (JSON hub protocol)"
    compose_modes = (_INVOKE,)
    options = {"negotiate": "no: connect without the negotiate request (skipNegotiation)"}
    greets = True

    def __init__(self, options: Mapping[str, str] | None = None) -> None:
        super().__init__(options)
        self._ids = count()

    async def negotiate(self, settings: ConnectionSettings) -> ConnectionSettings:
        if self.option("negotiate", "yes") == "no" or "id" in parse_qs(
            urlsplit(settings.url).query
        ):
            return settings
        from sockscope.core.protocols.signalr_negotiate import negotiate

        return await negotiate(settings)

    @classmethod
    def detects_url(cls, url: str) -> bool:
        """A hub path with the negotiate token (``/chathub?id=…``)."""
        parts = urlsplit(url)
        return "hub" in parts.path.lower() and "id" in parse_qs(parts.query)

    @classmethod
    def detects_first_frame(cls, opcode: Opcode, payload: bytes) -> bool:
        """The handshake (sent) or its answer: JSON records ended by 0x1E."""
        if opcode is not Opcode.TEXT or not payload.endswith(b"\x1e"):
            return False
        try:
            first = json.loads(payload.split(b"\x1e", 1)[0])
        except ValueError:
            return False
        return isinstance(first, dict) and (first == {} or "protocol" in first or "type" in first)

    def opened(self, link: Link, event: Opened) -> None:
        link.submit(SendText(HANDSHAKE))
        link.every(PING_EVERY, SendText(PING))

    def sends_by_itself(self, message: Message) -> bool:
        return message.is_keepalive or message.name == "handshake"

    def greeted(self, message: Message) -> bool:
        return message.name in ("handshake ok", "handshake refused")

    def answer(self, link: Link, message: Message) -> None:
        if message.name == "ping":
            link.submit(SendText(PING))

    def decode(self, direction: Direction, opcode: Opcode, payload: bytes) -> Sequence[Message]:
        if opcode is not Opcode.TEXT:
            return (
                () if opcode is not Opcode.BINARY else (_error("binary", "not the JSON protocol"),)
            )
        text = payload.decode(errors="replace")
        records = text.split(RS)
        if records[-1]:
            return (_error("unended record", "a record must end with 0x1E"),)
        return tuple(_record(record) for record in records[:-1])

    def encode(self, mode: str, values: Mapping[str, str]) -> list[Command]:
        if mode != _INVOKE.name:
            return super().encode(mode, values)
        target = values.get("target", "").strip()
        if not target:
            raise ProtocolError("An invocation needs a hub method.")
        arguments = json_field(values.get("arguments") or "[]", "arguments", list, are=True)
        record: dict[str, Any] = {"type": 1, "target": target, "arguments": arguments}
        if values.get("result", "yes") == "yes":
            record["invocationId"] = str(next(self._ids))
        return [SendText(json.dumps(record, ensure_ascii=False, separators=(",", ":")) + RS)]


def _error(name: str, why: str, payload: Any = None) -> Message:
    return Message(MessageKind.ERROR, name, payload, summary=why)


def _record(text: str) -> Message:
    try:
        value = json.loads(text)
    except ValueError:
        return _error("not JSON", "a record is not JSON", text)
    if not isinstance(value, dict):
        return _error("not a message", "a record is not a JSON object", value)
    kind = value.get("type")
    raw_id = value.get("invocationId")
    message_id = None if raw_id is None else str(raw_id)
    error = value.get("error")
    match kind:
        case None if "protocol" in value:
            summary = f"{value['protocol']} v{value.get('version')}"
            return Message(MessageKind.CONTROL, "handshake", value, summary=summary)
        case None if error:
            return Message(MessageKind.ERROR, "handshake refused", value, summary=str(error))
        case None:
            return Message(MessageKind.CONTROL, "handshake ok", value)
        case 1 | 4:
            target = str(value.get("target", ""))
            summary = compact(value.get("arguments"))
            if kind == 4:
                summary = f"stream {summary}"
            if message_id is None:
                return Message(MessageKind.EVENT, target, value, summary=summary)
            return Message(MessageKind.CALL, target, value, message_id, Pairing.OPENS, summary)
        case 2:
            item = compact(value.get("item"))
            return Message(MessageKind.ANSWER, "item", value, message_id, Pairing.CONTINUES, item)
        case 3 if error:
            return Message(
                MessageKind.ERROR, "completion", value, message_id, Pairing.ANSWERS, str(error)
            )
        case 3:
            result = compact(value.get("result"))
            return Message(
                MessageKind.ANSWER, "completion", value, message_id, Pairing.ANSWERS, result
            )
        case 5:
            return Message(MessageKind.CONTROL, "cancel", value, message_id)
        case 6:
            return Message(MessageKind.KEEPALIVE, "ping", value)
        case 7:
            kind_ = MessageKind.ERROR if error else MessageKind.CONTROL
            return Message(kind_, "close", value, summary=str(error or ""))
        case 8 | 9:
            return Message(MessageKind.CONTROL, "ack" if kind == 8 else "sequence", value)
    return _error(f"type {kind}", "not a hub message type", value)
