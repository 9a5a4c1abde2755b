"""Decoded values as JSON-like trees the inspector can print, whatever a decoder returned.

MessagePack and CBOR decode to Python values JSON has no word for (bytes, integer map
keys, tags, sets, dates, integers too long to print); :func:`tree` turns each into
something ``json.dumps`` takes, and bounds the depth so a hostile payload of ten
thousand nested arrays prints as a short line rather than a stack overflow.
"""

from __future__ import annotations

import math
from typing import Any, NamedTuple

MAX_DEPTH = 64
#: Bytes shown in hex inside a tree; the rest is counted.
BYTES_SHOWN = 1024
#: Integers wider than this are shown in hex (Python will not print a decimal integer
#: of over 4,300 digits, and nobody reads one).
INT_BITS = 1024


class Decoded(NamedTuple):
    """A payload in a format: ``value`` is a JSON-like tree, ``note`` a line about it."""

    decoder: str
    value: Any
    note: str = ""


class NotThisFormat(NamedTuple):
    """The payload is not in this decoder's format; ``reason`` says why in one sentence."""

    decoder: str
    reason: str


Result = Decoded | NotThisFormat


class Tagged(NamedTuple):
    """A value a format marks with a number (a CBOR tag, a MessagePack extension type):
    shown as ``{label: value}``. Hashable, so it may be a map key as well."""

    label: str
    value: Any


def show_bytes(data: bytes) -> str:
    """Bytes as a string in a tree: their hex, cut after :data:`BYTES_SHOWN`."""
    shown = data[:BYTES_SHOWN].hex(" ")
    if len(data) > BYTES_SHOWN:
        shown += f" … ({len(data):,} bytes)"
    return f"bytes: {shown}" if data else "bytes: (none)"


def _key(key: Any) -> str:
    if isinstance(key, str):
        return key
    value = tree(key, MAX_DEPTH - 1)
    return value if isinstance(value, str) else repr(value)


def tree(value: Any, depth: int = 0) -> Any:
    """``value`` with everything JSON cannot hold made into strings, lists or dicts."""
    if depth >= MAX_DEPTH:
        return "… (nested too deep to show)"
    if value is None or isinstance(value, bool | str):
        return value
    if isinstance(value, int):
        return value if value.bit_length() <= INT_BITS else hex(value)
    if isinstance(value, float):
        return value if math.isfinite(value) else str(value)
    if isinstance(value, bytes | bytearray | memoryview):
        return show_bytes(bytes(value))
    if isinstance(value, Tagged):
        return {value.label: tree(value.value, depth + 1)}
    if isinstance(value, dict):
        return {_key(key): tree(item, depth + 1) for key, item in value.items()}
    if isinstance(value, list | tuple | set | frozenset):
        return [tree(item, depth + 1) for item in value]
    return str(value)  # dates, UUIDs, CBOR simple values, MessagePack timestamps…
