"""One row in full, as plain strings: what the inspector shows and what its copy takes.

A payload is shown as pretty JSON, text, a hex dump, base64 or decoded by one of the
payload decoders (:class:`Mode`; :mod:`sockscope.core.payloads`); an event
row as label/value fields and header lists. Every string is made safe here (control
characters visible, secrets masked), so any front end may show it as it is; huge
payloads are shown a part (``CHUNK``) at a time, with the size of the rest given.
"""

from __future__ import annotations

from enum import Enum
from typing import Any, NamedTuple

from sockscope.core.formats.redact import is_secret_header, redact_url
from sockscope.core.payloads.tree import Decoded, Result
from sockscope.core.store.frames import Kind, Opcode, Row
from sockscope.core.text.display import (
    decode_text,
    describe_close,
    hexdump,
    human_size,
    mask_secret,
    safe_block,
    safe_line,
    to_base64,
)
from sockscope.core.text.labels import (
    describe_close_payload,
    direction_mark,
    format_time,
    opcode_label,
)

#: Bytes of a payload (characters of pretty JSON) shown at once; each "more" shows as
#: many again and the copy action takes all of it. Textual lays out a Static's lines at
#: ~0.25 ms each here, so 64 KiB of hex (4,096 lines) took ~1.5 s: 8 KiB is 512 lines.
CHUNK = 8 * 1024
#: Payloads larger than this are not parsed as JSON: 2 MB took 0.25 s to pretty-print
#: on the UI thread, 256 KiB ~35 ms.
JSON_LIMIT = 256 * 1024


class Mode(Enum):
    """How a payload is shown; the value is its label (the inspector's mode bar)."""

    JSON = "JSON"
    TEXT = "text"
    HEX = "hex"
    BASE64 = "base64"
    DECODED = "decoded"
    """By a payload decoder (MessagePack, CBOR, zlib…): shown as pretty JSON."""


MODE_KEYS = {Mode.JSON: "j", Mode.TEXT: "r", Mode.HEX: "x", Mode.BASE64: "b", Mode.DECODED: "e"}
#: Modes whose text is a JSON document (highlighted, cut at line ends).
JSON_MODES = (Mode.JSON, Mode.DECODED)


def pretty_json(payload: bytes) -> str | None:
    """The payload re-indented when it is a JSON object or array, else None."""
    if len(payload) > JSON_LIMIT or payload.lstrip()[:1] not in (b"{", b"["):
        return None
    import json  # on first use, not with the app (startup: docs/performance.md)

    try:
        return json.dumps(json.loads(payload), indent=2, ensure_ascii=False)
    except (ValueError, RecursionError):
        return None


def decoded_json(result: Result) -> str | None:
    """A decoder's tree as pretty JSON, or None when the payload was not in its format."""
    if not isinstance(result, Decoded):
        return None
    import json

    try:
        return json.dumps(result.value, indent=2, ensure_ascii=False)
    except (ValueError, RecursionError):  # a tree deeper than Python prints: shown raw
        return None


def decoded_note(result: Result, fits: list[str], at: int) -> str:
    """The line above a decoded payload: which decoder, what it says, what else fits."""
    from sockscope.core.payloads.catalog import DECODERS  # with the first decoded row

    title = DECODERS[result.decoder].title if result.decoder in DECODERS else result.decoder
    line = f"Decoded as {title}" if isinstance(result, Decoded) else result.reason
    if isinstance(result, Decoded) and result.note:
        line += f": {result.note}"
    if len(fits) > 1:
        line += f" ({at + 1} of {len(fits)} decoders that fit: press e for the next)"
    return line


def _reads_as_text(text: str) -> bool:
    return not any(ord(c) < 0x20 and c not in "\t\n\r" for c in text[:4096])


def default_mode(opcode: Opcode, payload: bytes, pretty: str | None) -> Mode:
    """JSON if it parses, text if it reads as text, hex otherwise (and for CLOSE frames)."""
    if opcode is Opcode.CLOSE:
        return Mode.HEX
    if pretty is not None:
        return Mode.JSON
    text = decode_text(payload)
    if text is not None and (opcode is Opcode.TEXT or _reads_as_text(text)):
        return Mode.TEXT
    return Mode.HEX


def mode_text(
    mode: Mode,
    payload: bytes,
    pretty: str | None,
    limit: int | None = None,
    hex_width: int = 16,
) -> str:
    """The payload in ``mode`` as raw text (JSON falls back to text when ``pretty`` is None).

    ``limit`` cuts the payload (or the pretty JSON) first, so huge frames stay cheap.
    """
    if mode in JSON_MODES and pretty is not None:
        return pretty if limit is None else pretty[:limit]
    part = payload if limit is None else payload[:limit]
    if mode in (*JSON_MODES, Mode.TEXT):
        return part.decode("utf-8", "replace")
    if mode is Mode.HEX:
        return "\n".join(hexdump(part, hex_width))
    return to_base64(part if limit is None else part[: limit - limit % 3])


class PayloadView(NamedTuple):
    """One part of a payload as shown: up to ``CHUNK`` of it from ``start``, made safe."""

    mode: Mode
    """The mode shown (TEXT when JSON was asked for and the payload is not JSON, or
    decoded and no decoder read it)."""
    text: str
    not_json: bool
    """JSON was asked for and the payload is not JSON (or too big to parse): say so."""
    end: int
    """Where the next part starts, in bytes (characters for JSON): pass it as ``start``."""
    rest: int
    """How many more characters (JSON) or bytes (otherwise) come after this part."""
    note: str | None = None
    """Why JSON was not shown, when it was asked for."""

    @property
    def more(self) -> str | None:
        """The note under a cut payload, or None when all of it is shown."""
        if self.rest <= 0:
            return None
        unit = "characters" if self.mode in JSON_MODES else "bytes"
        return f"… {self.rest:,} more {unit}: press m for more"


def _part_end(mode: Mode, source: bytes | str, start: int) -> int:
    """Where the part from ``start`` ends: whole lines of pretty JSON (so each part is
    highlighted alone), whole UTF-8 characters of text, whole 3-byte groups of base64."""
    end = start + CHUNK
    if end >= len(source):
        return len(source)
    if isinstance(source, str):
        newline = source.rfind("\n", start, end)
        return newline + 1 if newline >= start else end
    if mode is Mode.BASE64:
        return end - CHUNK % 3
    if mode is Mode.TEXT:  # cut before a character, not inside one (at most 3 back)
        first = end
        while end > first - 3 and source[end] & 0xC0 == 0x80:
            end -= 1
    return end


def payload_view(
    mode: Mode,
    payload: bytes,
    pretty: str | None,
    hex_width: int,
    start: int = 0,
    decoded_note: str | None = None,
) -> PayloadView:
    """The part of ``payload`` in ``mode`` from ``start``.

    ``pretty`` is the JSON to show: the payload's own, or (DECODED) the decoder's tree,
    with ``decoded_note`` above it (or, when it did not decode, why not).
    """
    not_json = mode is Mode.JSON and pretty is None
    note = decoded_note if mode is Mode.DECODED else None
    if mode is Mode.DECODED and pretty is None:
        mode = Mode.TEXT
    elif not_json:
        mode = Mode.TEXT
        too_big = len(payload) > JSON_LIMIT and payload.lstrip()[:1] in (b"{", b"[")
        note = (
            f"Over {human_size(JSON_LIMIT)}: not parsed as JSON, shown as text."
            if too_big
            else "Not JSON: shown as text."
        )
    source: bytes | str = pretty if mode in JSON_MODES and pretty is not None else payload
    end = _part_end(mode, source, start)
    part = source[start:end]
    if isinstance(part, str):  # the newline it was cut after separates the parts anyway
        shown = safe_block(part.removesuffix("\n"))
    elif mode is Mode.HEX:
        shown = "\n".join(hexdump(part, hex_width, base=start))
    elif mode is Mode.BASE64:
        shown = to_base64(part)
    else:
        shown = safe_block(part.decode("utf-8", "replace"))
    return PayloadView(mode, shown, not_json, end, len(source) - end, note)


def row_header(row: Row, origin: float) -> str:
    """One line naming the row: direction, opcode, size, time (and since ``origin``)."""
    kind_word = {Kind.SEND: " sent", Kind.RECV: " received"}.get(row.kind, "")
    parts = [f"{direction_mark(row.kind)}{kind_word} {opcode_label(row.kind, row.opcode)}"]
    if row.kind.is_frame:
        size = human_size(row.size)
        parts.append(size if row.size < 1024 else f"{size} ({row.size:,} B)")
    parts.append(f"{format_time(row.time)} ({format_time(row.time, origin)})")
    if row.opcode is Opcode.CLOSE:
        parts.append(describe_close_payload(row.payload))
    return " · ".join(parts)


Fields = list[tuple[str, str]]


def event_details(kind: Kind, info: dict[str, Any]) -> tuple[Fields, list[tuple[str, Fields]]]:
    """An event row as label/value fields plus titled header lists, every value made safe."""
    fields: Fields = []
    sections: list[tuple[str, Fields]] = []
    if kind is Kind.OPEN:
        fields.append(("status", f"{info.get('status', '')} {info.get('reason', '')}"))
        fields.append(("url", redact_url(str(info.get("url", "")))))
        fields.append(("subprotocol", str(info.get("subprotocol") or "none")))
        fields.append(("extensions", ", ".join(map(str, info.get("extensions") or [])) or "none"))
        for key in ("request_headers", "response_headers"):
            headers = [
                (
                    safe_line(str(n)),
                    safe_line(mask_secret(str(v)) if is_secret_header(str(n)) else str(v)),
                )
                for n, v in info.get(key) or []
            ]
            sections.append((key.replace("_", " "), headers))
    elif kind is Kind.CLOSE:
        code = info.get("code")
        reason = str(info.get("reason", ""))
        fields.append(("close", describe_close(code, reason, bool(info.get("was_clean")))))
        fields.append(("closed by", str(info.get("by", "unknown"))))
        if info.get("detail"):
            fields.append(("detail", str(info["detail"])))
    else:
        fields.append(("message", str(info.get("message", ""))))
        for key in ("cause", "status", "body"):
            if info.get(key) not in (None, ""):
                fields.append((key, str(info[key])))
    return [(label, safe_block(value)) for label, value in fields], sections


def event_text(kind: Kind, info: dict[str, Any]) -> str:
    """An event row as plain lines (what the copy action takes)."""
    fields, sections = event_details(kind, info)
    lines = [f"{label}: {value}" for label, value in fields]
    for title, headers in sections:
        lines.append(f"{title}:")
        lines.extend(f"  {name}: {value}" for name, value in headers)
    return "\n".join(lines)
