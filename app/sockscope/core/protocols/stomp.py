"""STOMP 1.0–1.2 over WebSocket, bare or inside SockJS framing.

On open the layer sends CONNECT (host, login/passcode, heart-beat); CONNECTED's heart-beat
header sets the interval the client must beat at (the larger of ours and the server's
wish), and a timer sends a bare EOL at it: brokers drop a client that stays silent
longer. SUBSCRIBE pairs with the MESSAGEs of its subscription id, and any frame asking a
``receipt`` with the RECEIPT (or ERROR) naming it.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping, Sequence
from itertools import count
from typing import Any
from urllib.parse import urlsplit

from sockscope.core.events import Opened
from sockscope.core.protocols.base import (
    ComposeMode,
    Field,
    FieldKind,
    ProtocolError,
    ProtocolLayer,
)
from sockscope.core.protocols.message import Direction, Message, MessageKind, Pairing
from sockscope.core.protocols.stomp_frames import (
    Frame,
    HeartBeat,
    parse,
    serialize,
    sockjs,
    volatile_blanked,
    wrap,
)
from sockscope.core.protocols.summary import compact
from sockscope.core.settings import ConnectionSettings
from sockscope.core.store.frames import Opcode
from sockscope.core.wire.commands import Command, SendText
from sockscope.core.wire.plugin import Link, Timer

COMMANDS = (
    "SEND",
    "SUBSCRIBE",
    "UNSUBSCRIBE",
    "ACK",
    "NACK",
    "BEGIN",
    "COMMIT",
    "ABORT",
    "DISCONNECT",
)
_COMPOSE = ComposeMode(
    "stomp",
    "STOMP frame",
    (
        Field("command", "command", FieldKind.CHOICE, "SEND", COMMANDS),
        Field("headers", "headers (one name:value per line)", FieldKind.TEXT),
        Field("body", "body (SEND only)", FieldKind.TEXT),
        Field("receipt", "ask for a receipt", FieldKind.FLAG, "no"),
    ),
)
#: Headers a command cannot go without (one of them, for ACK/NACK's 1.1 and 1.2 names).
_REQUIRED = {
    "SEND": ("destination",),
    "SUBSCRIBE": ("destination",),
    "UNSUBSCRIBE": ("id",),
    "BEGIN": ("transaction",),
    "COMMIT": ("transaction",),
    "ABORT": ("transaction",),
    "ACK": ("id", "message-id"),
    "NACK": ("id", "message-id"),
}
#: SockJS's framed WebSocket endpoint: <prefix>/<server>/<session>/websocket.
_SOCKJS_PATH = re.compile(r"/[^/.]+/[^/.]+/websocket/?$")
SOCKJS_OPEN = "SockJS open"


def _heart_beat(text: str) -> tuple[int, int]:
    parts = text.split(",")
    if len(parts) != 2 or not all(p.strip().isdigit() for p in parts):
        raise ProtocolError(f"The heart-beat {text!r} is not two numbers of milliseconds (x,y).")
    return int(parts[0]), int(parts[1])


class StompLayer(ProtocolLayer):
    name = "stomp"
    title = "STOMP"
    subprotocols = ("v12.stomp", "v11.stomp", "v10.stomp")
    options = {
        "host": "CONNECT's host header (default: the URL's host)",
        "login": "CONNECT's login header",
        "passcode": "CONNECT's passcode header",
        "heart-beat": "the heart-beats offered, x,y in ms (default 10000,10000)",
        "sockjs": "yes: wrap frames in SockJS framing (found by the URL or an 'o' otherwise)",
    }
    compose_modes = (_COMPOSE,)
    greets = True

    def __init__(self, options: Mapping[str, str] | None = None) -> None:
        super().__init__(options)
        # Not reset per connection: ids stay unique across reconnects, so groups never mix.
        self._subscriptions = count(1)
        self._receipts = count(1)
        self.reset()

    @classmethod
    def detects_first_frame(cls, opcode: Opcode, payload: bytes) -> bool:
        return opcode is Opcode.TEXT and payload == b"o"

    def prepare(self, settings: ConnectionSettings) -> ConnectionSettings:
        _heart_beat(self.option("heart-beat", "10000,10000"))
        return super().prepare(settings)

    def reset(self) -> None:
        self._url = ""
        self._sockjs = False
        self._connect_sent = False
        self._version = "1.2"
        self._beating: Timer | None = None
        self.beat_every: float | None = None
        """The negotiated client heart-beat interval in seconds (None: no beats)."""

    def opened(self, link: Link, event: Opened) -> None:
        self._url = event.url
        self._sockjs = self.option("sockjs") == "yes" or bool(
            _SOCKJS_PATH.search(urlsplit(event.url).path)
        )
        if not self._sockjs:  # a SockJS server speaks first: CONNECT follows its "o"
            self._connect(link)

    def _connect(self, link: Link) -> None:
        headers = [
            ("accept-version", "1.0,1.1,1.2"),
            ("host", self.option("host") or urlsplit(self._url).hostname or ""),
        ]
        headers += [(k, self.option(k)) for k in ("login", "passcode") if self.option(k)]
        headers.append(("heart-beat", self.option("heart-beat", "10000,10000")))
        link.submit(self._text(serialize("CONNECT", headers)))
        self._connect_sent = True

    def _text(self, text: str) -> SendText:
        return SendText(wrap(text) if self._sockjs else text)

    def decode(self, direction: Direction, opcode: Opcode, payload: bytes) -> Sequence[Message]:
        framed = sockjs(payload)
        if framed is None:
            return _decode_stomp(direction, payload)
        if framed.letter == "o":
            return (Message(MessageKind.CONTROL, SOCKJS_OPEN),)
        if framed.letter == "h":
            return (Message(MessageKind.KEEPALIVE, "SockJS heartbeat"),)
        if framed.letter == "c":
            return (
                Message(
                    MessageKind.CONTROL,
                    "SockJS close",
                    framed.items,
                    summary=" ".join(framed.items),
                ),
            )
        return tuple(m for item in framed.items for m in _decode_stomp(direction, item.encode()))

    def answer(self, link: Link, message: Message) -> None:
        if message.name == SOCKJS_OPEN and not self._connect_sent:
            self._sockjs = True
            self._connect(link)
        elif message.name == "CONNECTED" and isinstance(message.payload, dict):
            self._connected(link, message.payload["headers"])

    def _connected(self, link: Link, headers: Mapping[str, str]) -> None:
        self._version = headers.get("version", "1.0")
        ours, _ = _heart_beat(self.option("heart-beat", "10000,10000"))
        try:
            _, wanted = _heart_beat(headers.get("heart-beat", "0,0"))
        except ProtocolError:
            wanted = 0
        if self._beating is not None:
            self._beating.cancel()
            self._beating = None
        self.beat_every = max(ours, wanted) / 1000 if ours and wanted else None
        if self.beat_every is not None:
            self._beating = link.every(self.beat_every, self._text("\n"))

    def sends_by_itself(self, message: Message) -> bool:
        return message.is_keepalive or message.name in ("CONNECT", "STOMP")

    def greeted(self, message: Message) -> bool:
        return message.name in ("CONNECTED", "ERROR")

    def normalize(self, opcode: Opcode, payload: bytes) -> bytes:
        """CONNECTED with its ``session`` and ``server`` headers blanked (new each time)."""
        return volatile_blanked(payload) if opcode is Opcode.TEXT else payload

    def encode(self, mode: str, values: Mapping[str, str]) -> list[Command]:
        if mode != _COMPOSE.name:
            return super().encode(mode, values)
        command = values.get("command", "SEND").strip().upper()
        if command not in COMMANDS:
            raise ProtocolError(
                f"{command!r} is not a client command: use one of {', '.join(COMMANDS)}."
            )
        headers = _headers(values.get("headers", ""))
        names = {name for name, _ in headers}
        if command == "SUBSCRIBE" and "id" not in names:
            headers.append(("id", f"sub-{next(self._subscriptions)}"))
            names.add("id")
        needed = _REQUIRED.get(command, ())
        if needed and not names.intersection(needed):
            raise ProtocolError(f"{command} needs a {' or '.join(needed)} header.")
        if values.get("receipt", "no") == "yes" and "receipt" not in names:
            headers.append(("receipt", f"receipt-{next(self._receipts)}"))
        body = values.get("body", "")
        if body and command != "SEND":
            raise ProtocolError("Only a SEND frame carries a body.")
        frame = serialize(command, headers, body, escape=self._version != "1.0")
        return [self._text(frame)]


def _headers(text: str) -> list[tuple[str, str]]:
    headers = []
    for line in text.splitlines():
        if not line.strip():
            continue
        name, sep, value = line.partition(":")
        if not sep or not name.strip():
            raise ProtocolError(f"The header line {line.strip()!r} is not name:value.")
        headers.append((name.strip(), value.strip()))
    return headers


def _decode_stomp(direction: Direction, data: bytes) -> tuple[Message, ...]:
    if not data:
        return (Message(MessageKind.ERROR, "empty", summary="an empty message is not STOMP"),)
    return tuple(m for item in parse(data) for m in _messages(direction, item))


def _messages(direction: Direction, item: Frame | HeartBeat) -> tuple[Message, ...]:
    if isinstance(item, HeartBeat):
        return (Message(MessageKind.KEEPALIVE, "heart-beat"),)
    headers = dict(reversed(item.headers))  # the first of a repeated header wins
    payload = {"command": item.command, "headers": headers, "body": _body(item, headers)}
    if item.problem:
        return (Message(MessageKind.ERROR, item.command, payload, summary=item.problem),)
    command = item.command
    receipt = headers.get("receipt")
    summary = _summary(command, headers, payload["body"])
    if direction is Direction.RECEIVED:
        if command == "MESSAGE" and "subscription" in headers:
            sub = f"sub:{headers['subscription']}"
            return (Message(MessageKind.EVENT, command, payload, sub, Pairing.CONTINUES, summary),)
        if command in ("RECEIPT", "ERROR") and "receipt-id" in headers:
            kind = MessageKind.ANSWER if command == "RECEIPT" else MessageKind.ERROR
            answered = f"receipt:{headers['receipt-id']}"
            return (Message(kind, command, payload, answered, Pairing.ANSWERS, summary),)
        kind = {"MESSAGE": MessageKind.EVENT, "ERROR": MessageKind.ERROR}.get(
            command, MessageKind.CONTROL
        )
        return (Message(kind, command, payload, summary=summary),)
    if command in ("SUBSCRIBE", "UNSUBSCRIBE") and "id" in headers:
        opens = command == "SUBSCRIBE"
        kind, pairing = (
            (MessageKind.CALL, Pairing.OPENS) if opens else (MessageKind.CONTROL, Pairing.ANSWERS)
        )
        first = Message(kind, command, payload, f"sub:{headers['id']}", pairing, summary)
        if receipt is None:
            return (first,)
        asked = Message(
            MessageKind.CALL, "receipt", None, f"receipt:{receipt}", Pairing.OPENS, receipt
        )
        return (first, asked)
    if receipt is not None:
        return (
            Message(
                MessageKind.CALL, command, payload, f"receipt:{receipt}", Pairing.OPENS, summary
            ),
        )
    kind = MessageKind.EVENT if command == "SEND" else MessageKind.CONTROL
    return (Message(kind, command, payload, summary=summary),)


def _body(frame: Frame, headers: Mapping[str, str]) -> Any:
    """The body for the inspector: JSON when it says so, text, or hex when not UTF-8."""
    try:
        text = frame.body.decode("utf-8")
    except UnicodeDecodeError:
        return {"hex": frame.body.hex()}
    if "json" in headers.get("content-type", ""):
        try:
            return json.loads(text)
        except ValueError:
            return text
    return text


def _summary(command: str, headers: Mapping[str, str], body: Any) -> str:
    if command in ("CONNECT", "STOMP"):
        return f"host {headers.get('host', '')} heart-beat {headers.get('heart-beat', '0,0')}"
    if command == "CONNECTED":
        return (
            f"version {headers.get('version', '1.0')} heart-beat {headers.get('heart-beat', '0,0')}"
        )
    if command == "ERROR":
        return compact(f"{headers.get('message', '')} {compact(body)}".strip())
    if command == "RECEIPT":
        return headers.get("receipt-id", "")
    if command == "SUBSCRIBE":
        return f"{headers.get('destination', '')} id={headers.get('id', '')}"
    if command in ("SEND", "MESSAGE"):
        return compact(f"{headers.get('destination', '')} {compact(body)}".strip())
    return compact(headers)
