"""One row of the native log format: its JSON record, both ways.

A frame record is ``{"t", "kind", "opcode", "text" | "base64", "size"}``; an
event record is ``{"t", "kind"}`` plus the fields of the row's info dict. The
format is described in docs/log-format.md. :func:`parse_record` is the one
authority on what a valid record is; readers may take faster paths for common
records but fall back to it for anything else.
"""

from __future__ import annotations

import math
from binascii import a2b_base64, b2a_base64
from collections.abc import Callable, Iterator
from typing import Any, TypeVar

import orjson

from sockscope.core.formats.deep_json import dumps
from sockscope.core.formats.model import FORMAT_VERSION, LogHeader, epoch_time, iso_time
from sockscope.core.formats.redact import redact_info, redact_url
from sockscope.core.store.frames import FrameStore, Kind, Opcode
from sockscope.core.wording import plural

KIND_NAMES: dict[Kind, str] = {kind: kind.name.lower() for kind in Kind}
KINDS: dict[str, Kind] = {name: kind for kind, name in KIND_NAMES.items()}
OPCODE_NAMES: dict[Opcode, str] = {op: op.name.lower() for op in Opcode if op is not Opcode.NONE}
OPCODES: dict[str, Opcode] = {name: op for op, name in OPCODE_NAMES.items()}
#: The store's flag byte of a frame record, by its ``(kind, opcode)`` names.
FRAME_FLAGS: dict[tuple[str, str], int] = {
    (KIND_NAMES[kind], name): FrameStore.pack_flags(kind, opcode)
    for kind in (Kind.SEND, Kind.RECV)
    for opcode, name in OPCODE_NAMES.items()
}

#: A decoded row: time, kind, opcode, payload, and the info dict (None for frames).
ParsedRow = tuple[float, Kind, Opcode, bytes, dict[str, Any] | None]

_RESERVED = ("t", "kind")
_HEADER_KEYS = ("sockscope", "url", "created", "tool")
_dumps = orjson.dumps
T = TypeVar("T")


class RecordError(ValueError):
    """A record is not valid; the message says what is wrong, for a line-numbered error."""


# -- encoding --------------------------------------------------------------------


def header_record(header: LogHeader, redact: bool) -> dict[str, Any]:
    """The header as its record: ``{"sockscope": 1, "url", "created", "tool", ...extra}``."""
    extra = {k: v for k, v in header.extra.items() if k not in _HEADER_KEYS}
    return {
        "sockscope": FORMAT_VERSION,
        "url": redact_url(header.url) if redact else header.url,
        "created": header.created,
        "tool": header.tool,
        **extra,
    }


def _frame_prefix(kind: Kind, opcode: Opcode) -> tuple[bytes, bool]:
    """The constant middle of a frame line, and whether the payload may be stored as text.

    Text frames are stored as text when they are valid UTF-8, and so are control
    frames (a ping's payload is usually readable); binary frames always as base64
    so that reading them back can never turn them into text.
    """
    prefix = f',"kind":"{KIND_NAMES[kind]}","opcode":"{OPCODE_NAMES[opcode]}",'.encode()
    return prefix, opcode is not Opcode.BINARY


_FRAMES = {(k, op): _frame_prefix(k, op) for k in (Kind.SEND, Kind.RECV) for op in OPCODE_NAMES}


def by_flag(value: Callable[[Kind, Opcode], T | None]) -> dict[int, T]:
    """A table keyed by the store's flag byte, for writers that walk its raw columns."""
    table = {}
    for flag in range(256):
        try:
            kind, opcode = FrameStore.unpack_flags(flag)
        except ValueError:
            continue
        item = value(kind, opcode)
        if item is not None:
            table[flag] = item
    return table


#: Frame prefixes by the store's flag byte, for whole-store writers.
FRAMES_BY_FLAG = by_flag(lambda kind, opcode: _FRAMES.get((kind, opcode)))


def frame_line(t: bytes, prefix: bytes, texty: bool, payload: bytes | bytearray) -> bytes:
    """One frame record as a JSON line (without the newline); ``t`` is the time as JSON.

    Built by formatting rather than ``orjson.dumps`` of a dict: the same bytes,
    several times faster when a million lines are kept for a write.
    """
    if texty:
        try:
            text = _dumps(payload.decode())
        except UnicodeDecodeError:
            pass
        else:
            return b'{"t":%s%s"text":%s,"size":%d}' % (t, prefix, text, len(payload))
    data = b2a_base64(payload, newline=False)
    return b'{"t":%s%s"base64":"%s","size":%d}' % (t, prefix, data, len(payload))


def frame_lines(t: float, flags: bytes, payloads: list[bytes]) -> list[bytes]:
    """Frames that share one time as JSON lines (a read's worth from the frame splitter)."""
    when = _dumps(t)
    return [
        frame_line(when, *FRAMES_BY_FLAG[flag], payload)
        for flag, payload in zip(flags, payloads, strict=True)
    ]


def _times_json(times: list[float]) -> list[bytes]:
    """Many times as JSON numbers at once (one ``orjson`` call; a float's repr is slow)."""
    return _dumps(times)[1:-1].split(b",") if times else []


def scan(store: FrameStore, batch: int = 4096) -> Iterator[tuple[int, bytes, int, bytearray]]:
    """Every row as (index, time as JSON, flag byte, payload), fast, for whole-store writers."""
    buffer, ends, flags, times = store.buffer, store.ends, store.flags, store.times
    start = 0
    for first in range(0, len(store), batch):
        stop = min(len(store), first + batch)
        json_times = _times_json(times[first:stop].tolist())
        rows = zip(range(first, stop), json_times, ends[first:stop], flags[first:stop], strict=True)
        for index, t, end, flag in rows:
            yield index, t, flag, buffer[start:end]
            start = end


def json_lines(store: FrameStore, redact: bool, batch: int = 4096) -> Iterator[list[bytes]]:
    """Every row as its JSON line (without the newline), a batch of lines at a time.

    The hot loop of saving a whole store: the same walk as :func:`scan`, without
    a generator step and a tuple per row (~15% of a million-row save).
    """
    buffer, ends, flags, times = store.buffer, store.ends, store.flags, store.times
    frames = FRAMES_BY_FLAG
    start = 0
    for first in range(0, len(store), batch):
        stop = min(len(store), first + batch)
        json_times = _times_json(times[first:stop].tolist())
        rows = zip(range(first, stop), json_times, ends[first:stop], flags[first:stop], strict=True)
        lines = []
        for index, t, end, flag in rows:
            frame = frames.get(flag)
            if frame is not None:
                lines.append(frame_line(t, frame[0], frame[1], buffer[start:end]))
            else:
                info = store.info(index)
                lines.append(dumps(event_record(times[index], store.kind(index), info, redact)))
            start = end
        yield lines


def event_record(t: float, kind: Kind, info: dict[str, Any], redact: bool) -> dict[str, Any]:
    """An event row as a record: time and kind, then the info fields."""
    record: dict[str, Any] = {"t": t, "kind": KIND_NAMES[kind]}
    fields = redact_info(kind, info) if redact else info
    record.update((k, v) for k, v in fields.items() if k not in _RESERVED)
    return record


def encode_row(
    t: float, kind: Kind, opcode: Opcode, payload: bytes, info: dict[str, Any], redact: bool
) -> bytes:
    """Any row as one JSON line (without the newline)."""
    frame = _FRAMES.get((kind, opcode))
    if frame is not None:
        return frame_line(_dumps(t), frame[0], frame[1], payload)
    return dumps(event_record(t, kind, info, redact))


def placed_record(
    t: float,
    kind: Kind,
    opcode: Opcode,
    payload: bytes,
    info: dict[str, Any],
    redact: bool,
    at: int,
) -> orjson.Fragment:
    """Any row as its record plus an ``"at": N`` key, already encoded (for embedding in HAR).

    A fragment is written as it is: a record nested deeper than orjson writes still fits.
    """
    line = encode_row(t, kind, opcode, payload, info, redact)
    return orjson.Fragment(b'%s,"at":%d}' % (line[:-1], at))


# -- decoding --------------------------------------------------------------------


def show(value: object) -> str:
    """A short rendering of a JSON value for an error message."""
    text = dumps(value).decode()
    return text if len(text) <= 40 else text[:37] + "..."


def parse_time(value: object, key: str = "t") -> float:
    if isinstance(value, int | float) and not isinstance(value, bool):
        try:
            t = float(value)
        except OverflowError:
            t = math.inf
        if math.isfinite(t):
            return t
    raise RecordError(f"{key!r} must be a time in epoch seconds, found {show(value)}")


def append_row(store: FrameStore, row: ParsedRow) -> None:
    t, kind, opcode, payload, info = row
    if info is None:
        store.append(t, kind, opcode, payload)
    else:
        store.append_event(t, kind, info)


def parse_header(record: object) -> LogHeader:
    """Decode a header record; raise :class:`RecordError` naming what is wrong."""
    if not isinstance(record, dict) or "sockscope" not in record:
        raise RecordError(
            'not a sockscope log (the first line should be a {"sockscope": 1, ...} header)'
        )
    version = record["sockscope"]
    if version != FORMAT_VERSION or isinstance(version, bool):
        newer = isinstance(version, int) and version > FORMAT_VERSION
        raise RecordError(
            f"log format version {show(version)} "
            + ("is newer than this sockscope reads" if newer else "is not one sockscope knows")
            + f" (it reads version {FORMAT_VERSION})"
        )
    url, tool = record.get("url", ""), record.get("tool", "")
    if not isinstance(url, str) or not isinstance(tool, str):
        raise RecordError("'url' and 'tool' in the header must be strings")
    created = record.get("created", "")
    if created != "":
        epoch = epoch_time(created)
        if epoch is None:
            raise RecordError(
                f"'created' must be an ISO 8601 time or epoch seconds, not {show(created)}"
            )
        if not isinstance(created, str):
            created = iso_time(epoch)
    extra = {k: v for k, v in record.items() if k not in _HEADER_KEYS}
    return LogHeader(url=url, created=created, tool=tool, extra=extra)


def parse_record(record: object) -> ParsedRow:
    """Decode one record; raise :class:`RecordError` naming what is wrong."""
    if not isinstance(record, dict):
        raise RecordError(f"expected a JSON object, found {show(record)}")
    if "t" not in record:
        raise RecordError("missing 't' (the time in epoch seconds)")
    t = parse_time(record["t"])
    name = record.get("kind")
    kind = KINDS.get(name) if isinstance(name, str) else None
    if kind is None:
        raise RecordError(
            f"unknown kind {show(name)} (expected one of {', '.join(KINDS)})"
            if "kind" in record
            else "missing 'kind'"
        )
    if kind.is_frame:
        opcode, payload = _parse_frame(record)
        return t, kind, opcode, payload, None
    return t, kind, Opcode.NONE, b"", _parse_info(kind, record)


def _parse_frame(record: dict[str, Any]) -> tuple[Opcode, bytes]:
    name = record.get("opcode")
    opcode = OPCODES.get(name) if isinstance(name, str) else None
    if opcode is None:
        if "opcode" not in record:
            raise RecordError("a frame needs an 'opcode'")
        raise RecordError(f"unknown opcode {show(name)} (expected one of {', '.join(OPCODES)})")
    text = record.get("text")
    if text is not None:
        if not isinstance(text, str):
            raise RecordError(f"'text' must be a string, found {show(text)}")
        try:
            payload = text.encode("utf-8")
        except UnicodeEncodeError:
            raise RecordError("'text' is not valid Unicode (it has a lone surrogate)") from None
    elif record.get("base64") is not None:
        payload = decode_base64(record["base64"], "base64")
    else:
        raise RecordError("a frame needs its payload in 'text' or 'base64'")
    size = record.get("size")
    if size is not None and size != len(payload):
        raise RecordError(
            f"'size' says {show(size)} but the payload has {plural(len(payload), 'byte')}"
        )
    return opcode, payload


def decode_base64(value: object, key: str) -> bytes:
    if isinstance(value, str):
        try:
            return a2b_base64(value, strict_mode=True)
        except ValueError:
            pass
    raise RecordError(f"bad base64 in {key!r}")


def _is_str(value: object) -> bool:
    return isinstance(value, str)


def _is_int(value: object) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _is_optional_str(value: object) -> bool:
    return value is None or isinstance(value, str)


def _is_optional_int(value: object) -> bool:
    return value is None or _is_int(value)


def _is_bool(value: object) -> bool:
    return isinstance(value, bool)


def _is_headers(value: object) -> bool:
    return isinstance(value, list) and all(
        isinstance(pair, list) and len(pair) == 2 and all(isinstance(p, str) for p in pair)
        for pair in value
    )


def _is_strings(value: object) -> bool:
    return isinstance(value, list) and all(isinstance(item, str) for item in value)


def _is_closer(value: object) -> bool:
    return value in ("client", "server", "network")


_ABSENT = object()
_Field = tuple[str, Callable[[object], bool], str, Any]

#: Per event kind: (key, check, what it must be, default when missing; _ABSENT = optional).
_FIELDS: dict[Kind, tuple[_Field, ...]] = {
    Kind.OPEN: (
        ("url", _is_str, "a string", ""),
        ("status", _is_int, "an integer", 101),
        ("reason", _is_str, "a string", ""),
        ("request_headers", _is_headers, "a list of [name, value] pairs", []),
        ("response_headers", _is_headers, "a list of [name, value] pairs", []),
        ("subprotocol", _is_optional_str, "a string or null", None),
        ("extensions", _is_strings, "a list of strings", []),
    ),
    Kind.CLOSE: (
        ("code", _is_optional_int, "an integer or null", None),
        ("reason", _is_str, "a string", ""),
        ("was_clean", _is_bool, "true or false", False),
        ("by", _is_closer, '"client", "server" or "network"', "network"),
        ("detail", _is_str, "a string", _ABSENT),
    ),
    Kind.ERROR: (
        ("message", _is_str, "a string", ""),
        ("cause", _is_str, "a string", ""),
        ("status", _is_int, "an integer", _ABSENT),
        ("body", _is_str, "a string", _ABSENT),
    ),
    Kind.NOTE: (("message", _is_str, "a string", ""),),
}


def _parse_info(kind: Kind, record: dict[str, Any]) -> dict[str, Any]:
    """The info dict of an event record: known fields checked, missing ones defaulted."""
    info = {k: v for k, v in record.items() if k not in _RESERVED}
    for key, check, what, default in _FIELDS[kind]:
        if key not in info:
            if default is not _ABSENT:
                info[key] = list(default) if isinstance(default, list) else default
        elif not check(info[key]):
            raise RecordError(f"{key!r} of a {KIND_NAMES[kind]} row must be {what}")
    return info
