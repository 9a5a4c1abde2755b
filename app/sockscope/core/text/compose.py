"""Turning what the user typed in the composer into a message to send."""

from __future__ import annotations

from enum import Enum
from pathlib import Path
from typing import NamedTuple

from sockscope.core.text.display import from_base64, from_hex

MAX_PING_PAYLOAD = 125


class ComposeMode(Enum):
    TEXT = "text"
    JSON = "json"
    HEX = "hex"
    BASE64 = "base64"
    FILE = "file"
    PING = "ping"


class ComposeError(ValueError):
    """What the user typed cannot be sent; the message says where and why."""


class Outgoing(NamedTuple):
    """A message ready for the socket worker."""

    text: str | None = None
    data: bytes | None = None
    ping: bool = False

    @property
    def size(self) -> int:
        return len(self.text.encode()) if self.text is not None else len(self.data or b"")


def compose(mode: ComposeMode, typed: str, minify: bool = False) -> Outgoing:
    """Build the outgoing message for ``mode`` from the composer's text."""
    if mode is ComposeMode.TEXT:
        return Outgoing(text=typed)
    if mode is ComposeMode.JSON:
        return _json(typed, minify)
    if mode is ComposeMode.HEX:
        try:
            return Outgoing(data=from_hex(typed))
        except ValueError as exc:
            raise ComposeError(f"{exc}.") from exc
    if mode is ComposeMode.BASE64:
        try:
            return Outgoing(data=from_base64(typed))
        except ValueError as exc:
            raise ComposeError(f"Binary (base64): {exc}.") from exc
    if mode is ComposeMode.FILE:
        path = Path(typed.strip()).expanduser()
        try:
            return Outgoing(data=path.read_bytes())
        except OSError as exc:
            raise ComposeError(f"Cannot read {str(path)!r}: {exc.strerror or exc}.") from exc
    payload = typed.encode()
    if len(payload) > MAX_PING_PAYLOAD:
        raise ComposeError(
            f"A ping payload is at most {MAX_PING_PAYLOAD} bytes; this one is {len(payload)}."
        )
    return Outgoing(data=payload, ping=True)


def _json(typed: str, minify: bool) -> Outgoing:
    """``typed`` if it is valid JSON, minified when asked."""
    import json  # here, not with the app (startup: docs/performance.md)

    try:
        value = json.loads(typed)
    except json.JSONDecodeError as exc:
        message = f"Invalid JSON at line {exc.lineno}, column {exc.colno}: {exc.msg}."
        raise ComposeError(message) from exc
    if minify:
        return Outgoing(text=json.dumps(value, separators=(",", ":"), ensure_ascii=False))
    return Outgoing(text=typed)


def check_close(code: int, reason: str) -> None:
    """Raise ComposeError unless a client may send this close code and reason."""
    if not (code in (1000, 1001, 1002, 1003) or 1007 <= code <= 1014 or 3000 <= code <= 4999):
        raise ComposeError(
            f"Close code {code} cannot be sent: use 1000-1003, 1007-1014 or 3000-4999."
        )
    if len(reason.encode()) > 123:
        raise ComposeError("A close reason is at most 123 bytes of UTF-8.")
