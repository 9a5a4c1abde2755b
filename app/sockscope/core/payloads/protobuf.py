"""Protocol Buffers' wire format read without a schema.

https://protobuf.dev/programming-guides/encoding/: a message is a run of (tag, value)
records, the tag a varint holding the field number and the wire type. Without the
.proto file the meaning of each value is a guess: a length-delimited value is shown as
text when it reads as text, as a nested message when it parses as one, else as bytes;
fixed-width values are shown both as integers and as floats.

Groups (wire types 3 and 4, deprecated) are not read: a payload using them, or ending
inside a record, or with field number 0, does not fit.
"""

from __future__ import annotations

import math
import struct
from typing import Any

from sockscope.core.payloads.tree import Decoded, NotThisFormat, Result, show_bytes

MAX_FIELD = (1 << 29) - 1
MAX_NESTING = 32


class _Malformed(Exception):
    pass


def _varint(data: bytes, pos: int) -> tuple[int, int]:
    value = 0
    for shift in range(0, 70, 7):
        if pos >= len(data):
            raise _Malformed("a varint runs past the end")
        byte = data[pos]
        pos += 1
        value |= (byte & 0x7F) << shift
        if not byte & 0x80:
            return value, pos
    raise _Malformed("a varint is longer than 10 bytes")


def _reads_as_text(data: bytes) -> str | None:
    try:
        text = data.decode()
    except UnicodeDecodeError:
        return None
    return text if all(c >= " " or c in "\t\n\r" for c in text) else None


def _length_delimited(data: bytes, depth: int) -> tuple[str, Any]:
    text = _reads_as_text(data)
    if text is not None:
        return "string", text
    if depth < MAX_NESTING:
        try:
            return "message", _message(data, depth + 1)
        except _Malformed:
            pass
    return "bytes", show_bytes(data)


def _fixed(data: bytes, pos: int, size: int) -> tuple[dict[str, Any], int]:
    end = pos + size
    if end > len(data):
        raise _Malformed(f"a {size * 8}-bit value runs past the end")
    chunk = data[pos:end]
    number = int.from_bytes(chunk, "little")
    (real,) = struct.unpack("<d" if size == 8 else "<f", chunk)
    return {"int": number, "float": real if math.isfinite(real) else str(real)}, end


def _message(data: bytes, depth: int = 0) -> dict[str, Any]:
    """The records of ``data`` as ``{"<field> <type>": value}`` (repeated fields as lists)."""
    if not data:
        raise _Malformed("it is empty")
    fields: dict[str, Any] = {}
    pos = 0
    while pos < len(data):
        key, pos = _varint(data, pos)
        number, wire = key >> 3, key & 7
        if not 1 <= number <= MAX_FIELD:
            raise _Malformed(f"field number {number} is out of range")
        value: Any
        if wire == 0:
            kind = "varint"
            value, pos = _varint(data, pos)
        elif wire == 1:
            kind = "fixed64"
            value, pos = _fixed(data, pos, 8)
        elif wire == 5:
            kind = "fixed32"
            value, pos = _fixed(data, pos, 4)
        elif wire == 2:
            length, pos = _varint(data, pos)
            if pos + length > len(data):
                raise _Malformed("a length-delimited value runs past the end")
            kind, value = _length_delimited(data[pos : pos + length], depth)
            pos += length
        else:
            raise _Malformed(f"wire type {wire} is a group or unknown")
        name = f"{number} {kind}"
        if name in fields:
            earlier = fields[name]
            fields[name] = [*earlier, value] if isinstance(earlier, list) else [earlier, value]
        else:
            fields[name] = value
    return fields


def decode_protobuf(payload: bytes) -> Result:
    if _reads_as_text(payload) is not None:
        return NotThisFormat("protobuf", "Not protobuf: it reads as text.")
    try:
        fields = _message(payload)
    except _Malformed as exc:
        return NotThisFormat("protobuf", f"Not protobuf: {exc}.")
    return Decoded("protobuf", fields, "Field types are guesses: no schema.")
