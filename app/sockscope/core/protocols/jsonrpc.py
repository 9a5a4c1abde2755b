"""JSON-RPC 2.0 (https://www.jsonrpc.org/specification): calls paired with responses by id.

Either side may call. A batch (a JSON array) decodes to one message per member. The
composer's *call* mode sends a request with a fresh id (or a notification, without one).
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from itertools import count
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

_CALL = ComposeMode(
    "call",
    "call",
    (
        Field("method", "method"),
        Field("params", "params (JSON array or object)", FieldKind.JSON, "[]"),
        Field("notify", "notification (no id, no answer)", FieldKind.FLAG, "no"),
    ),
)


def _is_json_rpc(value: object) -> bool:
    return isinstance(value, dict) and value.get("jsonrpc") == "2.0"


class JsonRpcLayer(ProtocolLayer):
    name = "json-rpc"
    title = "JSON-RPC 2.0"
    compose_modes = (_CALL,)

    def __init__(self, options: Mapping[str, str] | None = None) -> None:
        super().__init__(options)
        self._ids = count(1)

    @classmethod
    def detects_first_frame(cls, opcode: Opcode, payload: bytes) -> bool:
        if opcode is not Opcode.TEXT or payload.lstrip()[:1] not in (b"{", b"["):
            return False
        try:
            value = json.loads(payload)
        except (ValueError, RecursionError):  # RecursionError: JSON nested too deep
            return False
        members = value if isinstance(value, list) else [value]
        return bool(members) and all(_is_json_rpc(member) for member in members)

    def decode(self, direction: Direction, opcode: Opcode, payload: bytes) -> Sequence[Message]:
        value, instead = frame_json(opcode, payload, "not a JSON-RPC message", text_only=False)
        if instead is not None:
            return instead
        members = value if isinstance(value, list) else [value]
        if not members:
            return (Message(MessageKind.ERROR, "empty batch", payload=value),)
        return tuple(_member(member) for member in members)

    def encode(self, mode: str, values: Mapping[str, str]) -> list[Command]:
        if mode != _CALL.name:
            return super().encode(mode, values)
        method = values.get("method", "").strip()
        if not method:
            raise ProtocolError("A call needs a method name.")
        params = json_field(values.get("params") or "[]", "params", (list, dict), are=True)
        request: dict[str, Any] = {"jsonrpc": "2.0", "method": method, "params": params}
        if values.get("notify", "no") != "yes":
            request["id"] = next(self._ids)
        return [SendText(json.dumps(request, ensure_ascii=False))]


def _member(value: Any) -> Message:
    if not _is_json_rpc(value):
        return Message(MessageKind.ERROR, "not JSON-RPC", value, summary=compact(value))
    raw_id = value.get("id")
    message_id = None if raw_id is None else json.dumps(raw_id)
    if "method" in value:
        method = str(value["method"])
        params = value.get("params")
        if message_id is None:
            return Message(MessageKind.EVENT, method, value, summary=compact(params))
        return Message(MessageKind.CALL, method, value, message_id, Pairing.OPENS, compact(params))
    if "error" in value:
        error = value["error"]
        text = (
            f"{error.get('code')} {error.get('message', '')}".strip()
            if isinstance(error, dict)
            else compact(error)
        )
        return Message(MessageKind.ERROR, "error", value, message_id, Pairing.ANSWERS, text)
    if "result" in value:
        return Message(
            MessageKind.ANSWER,
            "result",
            value,
            message_id,
            Pairing.ANSWERS,
            compact(value["result"]),
        )
    return Message(MessageKind.ERROR, "not JSON-RPC", value, summary="no method, result or error")
