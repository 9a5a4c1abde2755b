"""Phoenix channels, V2 JSON serializer: ``[join_ref, ref, topic, event, payload]`` arrays.

The layer sends a heartbeat (``[null, ref, "phoenix", "heartbeat", {}]``) every 30 s, as the
official client does (the server drops a socket silent for 60 s). Pushes carrying a ``ref``
(``phx_join``, ``phx_leave``, the user's events, heartbeats) pair with the ``phx_reply`` of
the same ref; a reply with ``"status": "error"`` is shown as an error, and so is
``phx_error``. Naming the protocol adds the client's ``/websocket`` and ``vsn=2.0.0``.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from itertools import count
from typing import Any
from urllib.parse import parse_qs, urlsplit, urlunsplit

from sockscope.core.events import Opened
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
from sockscope.core.settings import ConnectionSettings
from sockscope.core.store.frames import Opcode
from sockscope.core.wire.commands import Command, SendText
from sockscope.core.wire.plugin import Link

HEARTBEAT_EVERY = 30.0
_PAYLOAD = Field("payload", "payload (JSON object)", FieldKind.JSON, "{}")
_JOIN = ComposeMode("join", "join", (Field("topic", "topic"), _PAYLOAD))
_PUSH = ComposeMode("push", "push", (Field("topic", "topic"), Field("event", "event"), _PAYLOAD))
_LEAVE = ComposeMode("leave", "leave", (Field("topic", "topic"),))
_OPENS = {"phx_join": MessageKind.CONTROL, "phx_leave": MessageKind.CONTROL}


def _dump(value: object) -> str:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))


class PhoenixLayer(ProtocolLayer):
    name = "phoenix"
    title = "Phoenix channels"
    options = {"heartbeat": f"seconds between heartbeats (default {HEARTBEAT_EVERY:.0f})"}
    compose_modes = (_JOIN, _PUSH, _LEAVE)

    def __init__(self, options: Mapping[str, str] | None = None) -> None:
        super().__init__(options)
        self._refs = count(1)
        self._joined: dict[str, str] = {}
        """topic -> its join_ref, which every later push on the topic carries."""

    @classmethod
    def detects_url(cls, url: str) -> bool:
        parts = urlsplit(url)
        versions = parse_qs(parts.query).get("vsn", [])
        return parts.path.endswith("/websocket") and any(v.startswith("2.") for v in versions)

    def prepare(self, settings: ConnectionSettings) -> ConnectionSettings:
        parts = urlsplit(settings.url)
        if "vsn" in parse_qs(parts.query):
            return settings
        path = parts.path.rstrip("/")
        path = path if path.endswith("/websocket") else f"{path}/websocket"
        query = f"{parts.query}&vsn=2.0.0" if parts.query else "vsn=2.0.0"
        return settings._replace(url=urlunsplit(parts._replace(path=path, query=query)))

    def reset(self) -> None:
        self._joined.clear()

    def _ref(self) -> str:
        return str(next(self._refs))

    def heartbeat(self) -> Command:
        return SendText(_dump([None, self._ref(), "phoenix", "heartbeat", {}]))

    def opened(self, link: Link, event: Opened) -> None:
        try:
            seconds = float(self.option("heartbeat", str(HEARTBEAT_EVERY)))
        except ValueError:
            seconds = HEARTBEAT_EVERY
        link.every(seconds if seconds > 0 else HEARTBEAT_EVERY, self.heartbeat)

    def decode(self, direction: Direction, opcode: Opcode, payload: bytes) -> Sequence[Message]:
        value, instead = frame_json(opcode, payload, "not a Phoenix message")
        if instead is not None:
            return instead
        if not (isinstance(value, list) and len(value) == 5):
            why = "not a [join_ref, ref, topic, event, payload] array"
            return (Message(MessageKind.ERROR, "not Phoenix V2", value, summary=why),)
        join_ref, ref, topic, event, body = value
        if event == "phx_join" and join_ref is not None:
            self._joined[str(topic)] = str(join_ref)
        return (_message(direction, join_ref, ref, str(topic), str(event), body),)

    def encode(self, mode: str, values: Mapping[str, str]) -> list[Command]:
        if mode not in ("join", "push", "leave"):
            return super().encode(mode, values)
        topic = values.get("topic", "").strip()
        if not topic:
            raise ProtocolError(f"To {mode}, give a topic.")
        body: Any = {}
        if mode != "leave":
            body = json_field(values.get("payload") or "{}", "payload", dict)
        ref = self._ref()
        if mode == "join":
            # The decode of the sent frame remembers the topic's join_ref.
            return [SendText(_dump([ref, ref, topic, "phx_join", body]))]
        event = "phx_leave" if mode == "leave" else values.get("event", "").strip()
        if not event:
            raise ProtocolError("A push needs an event name.")
        return [SendText(_dump([self._joined.get(topic), ref, topic, event, body]))]


def _message(
    direction: Direction, join_ref: Any, ref: Any, topic: str, event: str, body: Any
) -> Message:
    payload = {"join_ref": join_ref, "ref": ref, "topic": topic, "event": event, "payload": body}
    message_id = None if ref is None else str(ref)
    summary = f"{topic} {compact(body)}"
    if event == "heartbeat":
        return Message(MessageKind.KEEPALIVE, event, payload, message_id, Pairing.OPENS)
    if event == "phx_reply":
        status = body.get("status") if isinstance(body, dict) else None
        response = body.get("response") if isinstance(body, dict) else body
        summary = f"{topic} {status} {compact(response)}".rstrip()
        kind = MessageKind.ERROR if status == "error" else MessageKind.ANSWER
        if topic == "phoenix":
            kind = MessageKind.KEEPALIVE
        return Message(kind, event, payload, message_id, Pairing.ANSWERS, summary)
    if event == "phx_error":
        return Message(MessageKind.ERROR, event, payload, summary=f"{topic} crashed")
    if event == "phx_close":
        return Message(MessageKind.CONTROL, event, payload, summary=topic)
    if message_id is None or direction is Direction.RECEIVED:
        return Message(MessageKind.EVENT, event, payload, summary=summary)
    kind = _OPENS.get(event, MessageKind.CALL)
    return Message(kind, event, payload, message_id, Pairing.OPENS, summary)
