"""Reading one record of the native log format back into a row (docs/log-format.md).

:func:`parse_record` is the one authority on what a valid record is; readers may take
faster paths for common records but fall back to it for anything else. Writing a record
is :mod:`.records`' job.
"""

from __future__ import annotations

import math
from binascii import a2b_base64
from collections.abc import Callable
from typing import Any

from sockscope.core.formats.deep_json import dumps
from sockscope.core.formats.model import FORMAT_VERSION, LogHeader, epoch_time, iso_time
from sockscope.core.formats.records import (
    HEADER_KEYS,
    KIND_NAMES,
    KINDS,
    OPCODES,
    RESERVED_KEYS,
    ParsedRow,
    RecordError,
)
from sockscope.core.store.frames import FrameStore, Kind, Opcode
from sockscope.core.wording import plural


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
    extra = {k: v for k, v in record.items() if k not in HEADER_KEYS}
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
        ("response_headers", _is_headers, "a list of [name, value] pairs", _ABSENT),
    ),
    Kind.NOTE: (("message", _is_str, "a string", ""),),
}


def _parse_info(kind: Kind, record: dict[str, Any]) -> dict[str, Any]:
    """The info dict of an event record: known fields checked, missing ones defaulted."""
    info = {k: v for k, v in record.items() if k not in RESERVED_KEYS}
    for key, check, what, default in _FIELDS[kind]:
        if key not in info:
            if default is not _ABSENT:
                info[key] = list(default) if isinstance(default, list) else default
        elif not check(info[key]):
            raise RecordError(f"{key!r} of a {KIND_NAMES[kind]} row must be {what}")
    return info
