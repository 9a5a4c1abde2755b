"""Turning untrusted bytes into safe, readable text.

Everything a server sends is data, never markup or terminal control: control
characters become visible symbols (``\\x1b`` -> ``␛``), bidirectional overrides
are shown as escapes, and nothing here returns Rich markup.
"""

from __future__ import annotations

import base64
import binascii
import math
import re
import string
from collections.abc import Iterator, Mapping
from datetime import datetime
from typing import Any

from sockscope.core.store.frames import Kind

# C0 controls map to the Unicode "control pictures" block (U+2400 + code).
_C0 = {code: chr(0x2400 + code) for code in range(0x20)}
_SPECIAL = {
    0x7F: "␡",
    # Bidirectional controls can reorder what follows them on screen: show them.
    **{code: f"\\u{code:04x}" for code in (*range(0x202A, 0x202F), *range(0x2066, 0x206A))},
    0x200E: "\\u200e",
    0x200F: "\\u200f",
    0x061C: "\\u061c",
    0xFEFF: "\\ufeff",
}
# C1 controls (0x80-0x9f) include CSI (0x9b) and OSC (0x9d): show them as escapes.
_C1 = {code: f"\\x{code:02x}" for code in range(0x80, 0xA0)}

#: Table for one-line text: newlines and tabs are shown as symbols too.
LINE_TABLE: dict[int, str] = {**_C0, **_C1, **_SPECIAL}
#: Table for multi-line text: keeps newline and tab, shows everything else.
BLOCK_TABLE: dict[int, str] = {k: v for k, v in LINE_TABLE.items() if k not in (0x0A, 0x09)}


def safe_line(text: str) -> str:
    """One line of text with every control character made visible."""
    return text.translate(LINE_TABLE)


def safe_block(text: str) -> str:
    """Multi-line text: newlines and tabs kept, other controls made visible."""
    return text.translate(BLOCK_TABLE)


def decode_text(payload: bytes) -> str | None:
    """The payload as UTF-8 text, or None when it is not valid UTF-8."""
    try:
        return payload.decode("utf-8")
    except UnicodeDecodeError:
        return None


def preview(payload: bytes, is_text: bool, width: int = 200) -> str:
    """A one-line preview of a payload, safe to show, at most ``width`` characters.

    Binary payloads that are not valid UTF-8 are shown as spaced hex bytes.
    """
    head = payload[: width * 4]
    text = head.decode("utf-8", "replace") if is_text else decode_text(head)
    if text is None or (not is_text and _mostly_binary(head)):
        shown = head[: (width + 2) // 3].hex(" ")
        return shown[:width]
    return safe_line(text[:width])


def _mostly_binary(data: bytes) -> bool:
    if not data:
        return False
    controls = sum(1 for b in data[:256] if b < 0x20 and b not in (9, 10, 13))
    return controls * 10 > min(len(data), 256)


def hexdump(data: bytes, width: int = 16, limit: int | None = None, base: int = 0) -> list[str]:
    """Classic hex dump lines: offset, hex bytes in two groups, ASCII column.

    ``base`` is added to the offsets shown (for a part of a payload dumped on its own).
    """
    lines = []
    end = len(data) if limit is None else min(len(data), limit)
    half = width // 2
    for offset in range(0, end, width):
        chunk = data[offset : min(offset + width, end)]
        left = chunk[:half].hex(" ")
        right = chunk[half:].hex(" ")
        hex_part = f"{left:<{half * 3 - 1}}  {right:<{half * 3 - 1}}"
        ascii_part = "".join(chr(b) if 0x20 <= b < 0x7F else "." for b in chunk)
        lines.append(f"{base + offset:08x}  {hex_part}  {ascii_part}")
    return lines


def to_base64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


def from_base64(text: str) -> bytes:
    """Decode base64 strictly; raise ValueError with a readable message."""
    try:
        return base64.b64decode("".join(text.split()), validate=True)
    except (binascii.Error, ValueError) as exc:
        raise ValueError(f"not valid base64 ({exc})") from exc


def from_hex(text: str) -> bytes:
    """Decode hex bytes, allowing spaces, colons and 0x prefixes (``"0x00 ff:7f"``).

    A bad character raises ValueError naming it with its column (and line, past the
    first), as typed; an odd digit count says how many there are.
    """
    digits: list[str] = []
    for number, line in enumerate(text.split("\n"), 1):
        for start, token in _hex_tokens(line):
            body = token[2:] if token[:2] in ("0x", "0X") and len(token) > 2 else token
            for offset, char in enumerate(body, len(token) - len(body)):  # in the token
                if char not in string.hexdigits:
                    where = f"line {number}, column" if "\n" in text else "column"
                    bad = token[offset:]
                    shown = bad if len(bad) <= 12 else bad[:12] + "…"
                    raise ValueError(f"Not hex at {where} {start + offset + 1}: {shown!r}")
            digits.append(body)
    joined = "".join(digits)
    if len(joined) % 2:
        raise ValueError(f"Odd number of hex digits ({len(joined):,})")
    return bytes.fromhex(joined)


def _hex_tokens(line: str) -> Iterator[tuple[int, str]]:
    """The runs between spaces and colons, each with its start (from 0)."""
    for match in re.finditer(r"[^\s:]+", line):
        yield match.start(), match.group()


_CLOSE_NAMES = {
    1000: "normal closure",
    1001: "going away",
    1002: "protocol error",
    1003: "unsupported data",
    1005: "no status received",
    1006: "abnormal closure",
    1007: "invalid frame payload data",
    1008: "policy violation",
    1009: "message too big",
    1010: "mandatory extension",
    1011: "internal error",
    1012: "service restart",
    1013: "try again later",
    1014: "bad gateway",
    1015: "TLS handshake failure",
}


def close_code_name(code: int | None) -> str:
    """A short human name for a close code, as RFC 6455 and IANA name them."""
    if code is None:
        return "no status"
    if code in _CLOSE_NAMES:
        return _CLOSE_NAMES[code]
    from websockets.frames import CLOSE_CODE_EXPLANATIONS  # on demand: a slow import

    if code in CLOSE_CODE_EXPLANATIONS:
        return CLOSE_CODE_EXPLANATIONS[code]
    if 3000 <= code < 4000:
        return "registered application code"
    if 4000 <= code < 5000:
        return "application code"
    return "unknown code"


def describe_close(code: int | None, reason: str, was_clean: bool) -> str:
    """One line for a close: ``4001 application code "unauthorized" · clean``."""
    parts = [f"{code if code is not None else '—'} {close_code_name(code)}"]
    if reason:
        parts.append(f'"{safe_line(reason)}"')
    parts.append("· clean" if was_clean else "· not clean")
    return " ".join(parts)


#: Shown for a time no clock can show (a log may hold 1e308 or -1e308 as a time).
INVALID_TIME = "invalid time"
#: Elapsed times this long or longer are shown as invalid (they would not fit a column).
_LONGEST_ELAPSED = 1e9


def clock_time(t: float) -> str:
    """``12:34:56.789`` (local time) of epoch seconds, or :data:`INVALID_TIME`."""
    try:
        return datetime.fromtimestamp(t).strftime("%H:%M:%S.%f")[:-3]
    except (OverflowError, ValueError, OSError):  # beyond the calendar or the platform
        return INVALID_TIME


def elapsed_time(t: float, origin: float) -> str:
    """``+1.234s`` from ``origin`` to ``t``, or :data:`INVALID_TIME`."""
    seconds = t - origin
    if not math.isfinite(seconds) or abs(seconds) >= _LONGEST_ELAPSED:
        return INVALID_TIME
    return f"+{seconds:.3f}s"


def human_size(size: int) -> str:
    if size < 1024:
        return f"{size} B"
    if size < 1024 * 1024:
        return f"{size / 1024:.1f} KiB"
    if size < 1024**3:
        return f"{size / 1024 / 1024:.1f} MiB"
    return f"{size / 1024**3:.2f} GiB"


def mask_secret(value: str) -> str:
    """Show that a secret is there without showing it: ``Bearer ••••••`` (scheme kept)."""
    scheme, space, rest = value.partition(" ")
    if space and rest and scheme.isalpha() and len(scheme) < 16:
        return f"{scheme} ••••••"
    return "••••••" if value else ""


def event_summary(kind: Kind, info: Mapping[str, Any]) -> str:
    """One safe line describing an event row: what the log shows and a filter searches."""
    parts: list[str]
    if kind is Kind.OPEN:
        parts = [f"{info.get('status', '')} {info.get('reason', '')}".strip()]
        parts.append(str(info.get("url", "")))
        if subprotocol := info.get("subprotocol"):
            parts.append(f"subprotocol {subprotocol}")
        if extensions := info.get("extensions"):
            parts.append(", ".join(map(str, extensions)))
    elif kind is Kind.CLOSE:
        code = info.get("code")
        reason = str(info.get("reason", ""))
        parts = [describe_close(code, reason, bool(info.get("was_clean")))]
        if by := info.get("by"):
            parts.append(f"closed by {by}")
        if detail := info.get("detail"):
            parts.append(str(detail))
    else:
        parts = [str(info.get("message", ""))]
    return safe_line(" · ".join(part for part in parts if part))
