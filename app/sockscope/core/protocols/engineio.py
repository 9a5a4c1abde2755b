"""Engine.IO v4 (https://socket.io/docs/v4/engine-io-protocol/): the transport under Socket.IO.

Over WebSocket each text frame is one packet, its type the first character: ``0`` open
(the handshake, JSON), ``1`` close, ``2`` ping, ``3`` pong, ``4`` message (a Socket.IO
packet), ``5`` upgrade, ``6`` noop; a binary frame is a binary message. In v4 the server
pings and drops a client whose pong does not come within its ping timeout.
"""

from __future__ import annotations

import json
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from sockscope.core.protocols.message import Message, MessageKind
from sockscope.core.settings import SettingsError, normalize_url

DEFAULT_PATH = "/socket.io/"
OPEN, PING, MESSAGE = "0", "2", "4"
#: The packets that need no more reading than their type.
SIMPLE = {
    "1": (MessageKind.CONTROL, "close"),
    PING: (MessageKind.KEEPALIVE, "ping"),
    "3": (MessageKind.KEEPALIVE, "pong"),
    "5": (MessageKind.CONTROL, "upgrade"),
    "6": (MessageKind.KEEPALIVE, "noop"),
}


def engineio_url(url: str, path: str = "") -> str:
    """``url`` with the Engine.IO path (``path``, else the URL's own unless it is ``/``,
    else ``/socket.io/``) and ``EIO=4&transport=websocket`` added to the user's query."""
    try:
        url = normalize_url(url).url
    except SettingsError:
        return url  # the settings' validation says what is wrong with it
    parts = urlsplit(url)
    if path:
        path = ("" if path.startswith("/") else "/") + path
        path = path if path.endswith("/") else path + "/"  # as the official client sends it
    else:
        path = parts.path if parts.path not in ("", "/") else DEFAULT_PATH
    query = parse_qsl(parts.query, keep_blank_values=True)
    given = {name for name, _ in query}
    query += [(k, v) for k, v in (("EIO", "4"), ("transport", "websocket")) if k not in given]
    return urlunsplit((parts.scheme, parts.netloc, path, urlencode(query), ""))


def is_engineio_url(url: str) -> bool:
    """The usual path with an ``EIO=`` query (a custom path is known by the open packet)."""
    parts = urlsplit(url)
    query = {name for name, _ in parse_qsl(parts.query, keep_blank_values=True)}
    return "/socket.io/" in parts.path and "EIO" in query


def handshake(text: str) -> dict[str, object] | None:
    """The open packet's JSON object (``text`` without the ``0``), if it is one."""
    try:
        value = json.loads(text)
    except ValueError:
        return None
    return value if isinstance(value, dict) else None


def is_open_packet(payload: bytes) -> bool:
    if not payload.startswith(b"0{"):
        return False
    value = handshake(payload[1:].decode("utf-8", "replace"))
    return value is not None and {"sid", "pingInterval"} <= value.keys()


def open_message(text: str) -> Message:
    value = handshake(text)
    if value is None:
        return Message(
            MessageKind.ERROR, "bad open", summary="the Engine.IO open packet is not a JSON object"
        )
    summary = (
        f"sid {value.get('sid')}, ping every {value.get('pingInterval')} ms,"
        f" timeout {value.get('pingTimeout')} ms"
    )
    return Message(MessageKind.CONTROL, "open", value, summary=summary)
