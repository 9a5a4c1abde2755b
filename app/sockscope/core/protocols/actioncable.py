"""Action Cable (Rails), ``actioncable-v1-json``: channel messages with their identifiers.

A channel's ``identifier`` (and an outgoing message's ``data``) is JSON inside a JSON
string; the layer shows both decoded. The server's ``ping`` every 3 s is a keepalive the
client need not answer (hidden with the other keepalives). ``subscribe`` pairs with
``confirm_subscription`` or ``reject_subscription`` by its identifier.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from typing import Any

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

_SUBSCRIBE = ComposeMode(
    "subscribe",
    "subscribe",
    (
        Field("channel", "channel class (ChatChannel)"),
        Field("params", "params (JSON object)", FieldKind.JSON, "{}"),
    ),
)
_PERFORM = ComposeMode(
    "perform",
    "perform",
    (
        Field("channel", "channel class or identifier JSON"),
        Field("action", "action"),
        Field("data", "data (JSON object)", FieldKind.JSON, "{}"),
    ),
)
_TYPES = {
    "welcome": (MessageKind.CONTROL, Pairing.NONE),
    "ping": (MessageKind.KEEPALIVE, Pairing.NONE),
    "confirm_subscription": (MessageKind.ANSWER, Pairing.ANSWERS),
    "reject_subscription": (MessageKind.ERROR, Pairing.ANSWERS),
}


def _dump(value: object) -> str:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))


def _object(text: str, what: str) -> dict[str, Any]:
    value: dict[str, Any] = json_field(text or "{}", what, dict)
    return value


def _inner(text: Any) -> Any:
    """A double-encoded value decoded (as given when it is not JSON text)."""
    if not isinstance(text, str):
        return text
    try:
        return json.loads(text)
    except ValueError:
        return text


class ActionCableLayer(ProtocolLayer):
    name = "actioncable"
    title = "Action Cable"
    subprotocols = ("actioncable-v1-json",)
    compose_modes = (_SUBSCRIBE, _PERFORM)

    @classmethod
    def detects_first_frame(cls, opcode: Opcode, payload: bytes) -> bool:
        return opcode is Opcode.TEXT and payload.replace(b" ", b"") == b'{"type":"welcome"}'

    def decode(self, direction: Direction, opcode: Opcode, payload: bytes) -> Sequence[Message]:
        value, instead = frame_json(opcode, payload, "not an Action Cable message")
        if instead is not None:
            return instead
        if not isinstance(value, dict):
            return (Message(MessageKind.ERROR, "not Action Cable", value, summary="not an object"),)
        return (_message(value),)

    def encode(self, mode: str, values: Mapping[str, str]) -> list[Command]:
        if mode not in ("subscribe", "perform"):
            return super().encode(mode, values)
        channel = values.get("channel", "").strip()
        if not channel:
            raise ProtocolError(f"To {mode}, give a channel.")
        if mode == "subscribe":
            params = _object(values.get("params", ""), "params")
            identifier = _dump({"channel": channel, **params})
            return [SendText(_dump({"command": "subscribe", "identifier": identifier}))]
        if channel.startswith("{"):
            identifier = _dump(_object(channel, "identifier"))
        else:
            identifier = _dump({"channel": channel})
        action = values.get("action", "").strip()
        if not action:
            raise ProtocolError("To perform, give an action.")
        data = _dump({**_object(values.get("data", ""), "data"), "action": action})
        command = {"command": "message", "identifier": identifier, "data": data}
        return [SendText(_dump(command))]


def _message(value: dict[str, Any]) -> Message:
    identifier = value.get("identifier")
    channel_id = _inner(identifier)
    shown = dict(value)
    if identifier is not None:
        shown["identifier"] = channel_id
    channel = str(channel_id.get("channel", "")) if isinstance(channel_id, dict) else ""
    message_id = identifier if isinstance(identifier, str) else None
    if "command" in value:
        command = str(value["command"])
        if "data" in value:
            shown["data"] = _inner(value["data"])
        if command == "subscribe":
            return Message(
                MessageKind.CALL, command, shown, message_id, Pairing.OPENS, compact(channel_id)
            )
        if command == "message":
            data = shown.get("data")
            action = data.get("action") if isinstance(data, dict) else None
            name = f"perform {action}" if action else "message"
            return Message(MessageKind.EVENT, name, shown, summary=f"{channel} {compact(data)}")
        return Message(MessageKind.CONTROL, command, shown, summary=compact(channel_id))
    kind_name = value.get("type")
    if kind_name in _TYPES:
        kind, pairing = _TYPES[str(kind_name)]
        summary = compact(channel_id if identifier is not None else value.get("message"))
        return Message(kind, str(kind_name), shown, message_id, pairing, summary)
    if kind_name == "disconnect":
        reconnect = " (will reconnect)" if value.get("reconnect") else ""
        summary = f"{value.get('reason', '')}{reconnect}"
        return Message(MessageKind.CONTROL, "disconnect", shown, summary=summary)
    if "message" in value:
        return Message(
            MessageKind.EVENT, channel or "message", shown, summary=compact(value["message"])
        )
    return Message(MessageKind.ERROR, str(kind_name or "unknown"), shown, summary=compact(value))
