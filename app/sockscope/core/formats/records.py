"""One row of the native log format: its JSON record, both ways.

A frame record is ``{"t", "kind", "opcode", "text" | "base64", "size"}``; an
event record is ``{"t", "kind"}`` plus the fields of the row's info dict. The
format is described in docs/log-format.md. :mod:`.record_parsing` reads
them back.
"""

from __future__ import annotations

from binascii import b2a_base64
from collections.abc import Callable, Iterator
from typing import Any, TypeVar

import orjson

from sockscope.core.formats.deep_json import dumps
from sockscope.core.formats.model import FORMAT_VERSION, LogHeader
from sockscope.core.formats.redact import redact_info, redact_url
from sockscope.core.store.frames import FrameStore, Kind, Opcode

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

RESERVED_KEYS = ("t", "kind")
HEADER_KEYS = ("sockscope", "url", "created", "tool")
_dumps = orjson.dumps
T = TypeVar("T")


class RecordError(ValueError):
    """A record is not valid; the message says what is wrong, for a line-numbered error."""


# -- encoding --------------------------------------------------------------------


def header_record(header: LogHeader, redact: bool) -> dict[str, Any]:
    """The header as its record: ``{"sockscope": 1, "url", "created", "tool", ...extra}``."""
    extra = {k: v for k, v in header.extra.items() if k not in HEADER_KEYS}
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


def row_lines(store: FrameStore, first: int, stop: int, redact: bool) -> list[bytes]:
    """Rows ``first`` to ``stop`` (excluded) as JSON lines (without the newline).

    The hot loop of saving a store and of the journal: it walks the store's columns
    directly, with no generator step and no tuple per row (~15% of a million-row save).
    """
    buffer, ends, flags, times = store.buffer, store.ends, store.flags, store.times
    frames = FRAMES_BY_FLAG
    start = store.start(first)
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
    return lines


def json_lines(store: FrameStore, redact: bool, batch: int = 4096) -> Iterator[list[bytes]]:
    """Every row as its JSON line (without the newline), a batch of lines at a time."""
    for first in range(0, len(store), batch):
        yield row_lines(store, first, min(len(store), first + batch), redact)


def event_record(t: float, kind: Kind, info: dict[str, Any], redact: bool) -> dict[str, Any]:
    """An event row as a record: time and kind, then the info fields."""
    record: dict[str, Any] = {"t": t, "kind": KIND_NAMES[kind]}
    fields = redact_info(kind, info) if redact else info
    record.update((k, v) for k, v in fields.items() if k not in RESERVED_KEYS)
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
