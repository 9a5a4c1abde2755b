"""Server messages as values to compare: JSON-aware, with paths to ignore.

Text messages that hold a JSON object or array are compared as parsed values (key
order and spacing do not matter; ``1`` equals ``1.0``); other text and all binary
messages are compared byte for byte, and so is JSON nested deeper than
:data:`JSON_DEPTH` (walking it would exhaust Python's recursion, and orjson
writes only 254 levels). ``ignore`` takes JSONPath-like paths
(:mod:`~sockscope.core.replay.json_paths`: ``$.ts``, ``$..id``, ``$.items[*].id``) for
fields that change on every run.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, NamedTuple

import orjson

from sockscope.core.replay.json_paths import (
    Pattern,
    Step,
    format_path,
    ignored,
)
from sockscope.core.store.frames import Opcode
from sockscope.core.text.display import preview, safe_line

SHOW_WIDTH = 80
TEXT_MESSAGES = 100
TEXT_DIFFERENCES = 10


class Message(NamedTuple):
    """One data message: its opcode (TEXT or BINARY) and its payload."""

    opcode: Opcode
    payload: bytes


# -- comparing two messages ------------------------------------------------------

_MISSING = object()
_PLACEHOLDER = "\x00ignored"
#: JSON nested deeper than this is compared as bytes, not walked as a value.
JSON_DEPTH = 200
_EXACT = 2.0**53
"""Floats up to this size are exact integers: 2.0 and 2 compare equal, and dump alike."""


class Difference(NamedTuple):
    """Where two messages differ: a path (``$.ts``, or ``opcode``) and both values, shown."""

    path: str
    recorded: str
    new: str

    def __str__(self) -> str:
        return f"{self.path}: {self.recorded} != {self.new}"


def _json(message: Message) -> Any:
    """The parsed JSON object or array of a text message, or ``_MISSING`` if it holds none."""
    if message.opcode is not Opcode.TEXT or message.payload.lstrip()[:1] not in (b"{", b"["):
        return _MISSING
    try:
        value = orjson.loads(message.payload)
    except orjson.JSONDecodeError:
        return _MISSING
    return value if _within_depth(value, JSON_DEPTH) else _MISSING


def _within_depth(value: Any, limit: int) -> bool:
    """Whether no container in ``value`` is nested more than ``limit`` deep (no recursion)."""
    stack = [(value, 1)] if isinstance(value, dict | list) else []
    while stack:
        item, depth = stack.pop()
        if depth > limit:
            return False
        children = item.values() if isinstance(item, dict) else item
        stack += [(child, depth + 1) for child in children if isinstance(child, dict | list)]
    return True


def _show_value(value: Any) -> str:
    if value is _MISSING:
        return "(missing)"
    return _shorten(orjson.dumps(value).decode())


def _shorten(text: str) -> str:
    text = safe_line(text)
    return text if len(text) <= SHOW_WIDTH else text[: SHOW_WIDTH - 1] + "…"


def show_message(message: Message) -> str:
    """A one-line, terminal-safe preview of a message."""
    if message.opcode is Opcode.TEXT:
        return _shorten(preview(message.payload, True, SHOW_WIDTH + 1))
    head = preview(message.payload, False, SHOW_WIDTH)
    return _shorten(f"binary {len(message.payload)} B: {head}")


def _same_scalar(a: Any, b: Any) -> bool:
    """Equal JSON scalars: same type and value, except that 1 equals 1.0 (never true)."""
    if type(a) is type(b):
        return bool(a == b)
    if isinstance(a, bool) or isinstance(b, bool):
        return False
    return isinstance(a, int | float) and isinstance(b, int | float) and a == b


def _walk(
    a: Any, b: Any, path: tuple[Step, ...], patterns: Sequence[Pattern], out: list[Difference]
) -> None:
    if patterns and ignored(path, patterns):
        return
    if isinstance(a, dict) and isinstance(b, dict):
        for key in [*a, *(k for k in b if k not in a)]:
            _walk(a.get(key, _MISSING), b.get(key, _MISSING), (*path, key), patterns, out)
    elif isinstance(a, list) and isinstance(b, list):
        for i in range(max(len(a), len(b))):
            left = a[i] if i < len(a) else _MISSING
            right = b[i] if i < len(b) else _MISSING
            _walk(left, right, (*path, i), patterns, out)
    elif not _same_scalar(a, b):
        out.append(Difference(safe_line(format_path(path)), _show_value(a), _show_value(b)))


def _canonical_value(value: Any, path: tuple[Step, ...], patterns: Sequence[Pattern]) -> Any:
    """The value without ignored parts, numbers normalized: equal values dump alike."""
    if isinstance(value, dict):
        return {
            key: _canonical_value(item, (*path, key), patterns)
            for key, item in value.items()
            if not ignored((*path, key), patterns)
        }
    if isinstance(value, list):
        return [
            _PLACEHOLDER
            if ignored((*path, i), patterns)
            else _canonical_value(item, (*path, i), patterns)
            for i, item in enumerate(value)
        ]
    if isinstance(value, float) and value.is_integer() and abs(value) <= _EXACT:
        return int(value)
    return value


def canonical(message: Message, patterns: Sequence[Pattern] = ()) -> Message:
    """A form of the message in which messages that compare equal are byte-equal.

    JSON is re-dumped with sorted keys and without the ignored paths; anything
    else is returned as it is.
    """
    value = _json(message)
    if value is _MISSING:
        return message
    if patterns and ignored((), patterns):
        return Message(Opcode.TEXT, b"")
    value = _canonical_value(value, (), patterns)
    return Message(Opcode.TEXT, orjson.dumps(value, option=orjson.OPT_SORT_KEYS))


def differences(
    recorded: Message, new: Message, patterns: Sequence[Pattern] = ()
) -> list[Difference]:
    """Every path at which two messages differ (empty when they match)."""
    if recorded == new:
        return []
    if recorded.opcode is not new.opcode:
        return [Difference("opcode", recorded.opcode.name.lower(), new.opcode.name.lower())]
    a, b = _json(recorded), _json(new)
    if a is _MISSING or b is _MISSING:
        return [Difference("$", show_message(recorded), show_message(new))]
    found: list[Difference] = []
    _walk(a, b, (), patterns, found)
    if not found and canonical(recorded, patterns) != canonical(new, patterns):
        found.append(Difference("$", show_message(recorded), show_message(new)))
    return found


def same(recorded: Message, new: Message, patterns: Sequence[Pattern] = ()) -> bool:
    """Whether two messages match (the rule :func:`compare` uses)."""
    return recorded == new or canonical(recorded, patterns) == canonical(new, patterns)


# -- comparing two lists of messages -------------------------------------------
