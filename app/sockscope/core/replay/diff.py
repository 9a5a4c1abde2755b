"""Comparing recorded server messages with new ones: JSON-aware, with paths to ignore.

Text messages that hold a JSON object or array are compared as parsed values (key
order and spacing do not matter; ``1`` equals ``1.0``); other text and all binary
messages are compared byte for byte, and so is JSON nested deeper than
:data:`JSON_DEPTH` (walking it would exhaust Python's recursion, and orjson
writes only 254 levels). ``ignore`` takes JSONPath-like paths
(:mod:`~sockscope.core.replay.json_paths`: ``$.ts``, ``$..id``, ``$.items[*].id``) for
fields that change on every run.

A :class:`DiffReport` keeps every pair (position, recorded, new, differing paths)
as data for a side-by-side view, and renders as text or JSON for the command line.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from typing import Any, Literal, NamedTuple

import orjson

from sockscope.core.replay.json_paths import (
    Pattern,
    Step,
    format_path,
    ignored,
    parse_ignore,
)
from sockscope.core.store.frames import Opcode
from sockscope.core.text.display import preview, safe_line, to_base64

Status = Literal["same", "different", "missing", "extra"]

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


class Pair(NamedTuple):
    """A recorded message and the new one it is compared with (None when there is none).

    ``recorded_index`` and ``new_index`` count from 0 in their lists; ``number``
    (from 1) is how reports name the pair.
    """

    recorded_index: int | None
    new_index: int | None
    recorded: Message | None
    new: Message | None
    differences: tuple[Difference, ...] = ()

    @property
    def status(self) -> Status:
        if self.new is None:
            return "missing"
        if self.recorded is None:
            return "extra"
        return "different" if self.differences else "same"

    @property
    def number(self) -> int:
        index = self.recorded_index if self.recorded_index is not None else self.new_index
        assert index is not None
        return index + 1

    def lines(self) -> list[str]:
        """What differs, one readable line each (none for a match)."""
        head = f"message {self.number}"
        if self.new_index is not None and self.recorded_index not in (None, self.new_index):
            head += f" (new message {self.new_index + 1})"
        if self.new is None:
            assert self.recorded is not None
            return [f"{head}: missing: recorded {show_message(self.recorded)}"]
        if self.recorded is None:
            return [f"{head}: extra: {show_message(self.new)} (not in the recording)"]
        lines = [f"{head}: {difference}" for difference in self.differences[:TEXT_DIFFERENCES]]
        if len(self.differences) > TEXT_DIFFERENCES:
            more = len(self.differences) - TEXT_DIFFERENCES
            lines.append(f"{head}: … and {more} more differences")
        return lines


def _message_json(message: Message | None) -> dict[str, Any] | None:
    if message is None:
        return None
    if message.opcode is Opcode.TEXT:
        try:
            return {"opcode": "text", "text": message.payload.decode()}
        except UnicodeDecodeError:
            pass
    return {"opcode": message.opcode.name.lower(), "base64": to_base64(message.payload)}


class DiffReport(NamedTuple):
    """The outcome of :func:`compare`: every pair, in order, and how they were compared."""

    pairs: tuple[Pair, ...]
    recorded_count: int
    new_count: int
    ignore: tuple[str, ...] = ()
    unordered: bool = False
    strict: bool = True
    """Responses beyond the recorded ones count as mismatches (else they are only told)."""

    @property
    def mismatches(self) -> list[Pair]:
        counted = ("same",) if self.strict else ("same", "extra")
        return [pair for pair in self.pairs if pair.status not in counted]

    @property
    def extras(self) -> int:
        """New responses with no recorded one to compare with."""
        return sum(pair.status == "extra" for pair in self.pairs)

    @property
    def ok(self) -> bool:
        return not self.mismatches

    def summary(self) -> str:
        how = [f"ignoring {', '.join(self.ignore)}"] if self.ignore else []
        if self.unordered:
            how.append("in any order")
        suffix = f" ({'; '.join(how)})" if how else ""
        if self.ok:
            more = ""
            if self.extras:
                more = f" {self.extras} more came after them (--strict counts them as differences)."
            return f"All {self.recorded_count} responses match the recording{suffix}.{more}"
        return (
            f"{len(self.mismatches)} of {len(self.pairs)} responses differ from the recording"
            f" ({self.recorded_count} recorded, {self.new_count} new){suffix}."
        )

    def text(self, limit: int = TEXT_MESSAGES) -> str:
        """The summary, then what differs, one line per path (``limit`` messages at most)."""
        lines = [self.summary()]
        mismatches = self.mismatches
        for pair in mismatches[:limit]:
            lines += pair.lines()
        if len(mismatches) > limit:
            lines.append(f"… and {len(mismatches) - limit} more messages differ.")
        return "\n".join(lines)

    def to_json(self) -> dict[str, Any]:
        """The report as JSON-ready data; ``messages`` lists the pairs that do not match."""
        return {
            "ok": self.ok,
            "recorded": self.recorded_count,
            "new": self.new_count,
            "differing": len(self.mismatches),
            "extra": self.extras,
            "strict": self.strict,
            "ignore": list(self.ignore),
            "unordered": self.unordered,
            "messages": [
                {
                    "message": pair.number,
                    "status": pair.status,
                    "recorded_index": pair.recorded_index,
                    "new_index": pair.new_index,
                    "recorded": _message_json(pair.recorded),
                    "new": _message_json(pair.new),
                    "differences": [d._asdict() for d in pair.differences],
                }
                for pair in self.mismatches
            ],
        }


def _pair(
    i: int | None,
    j: int | None,
    recorded: Sequence[Message],
    new: Sequence[Message],
    patterns: Sequence[Pattern],
) -> Pair:
    a = recorded[i] if i is not None else None
    b = new[j] if j is not None else None
    found = tuple(differences(a, b, patterns)) if a is not None and b is not None else ()
    return Pair(i, j, a, b, found)


def _match_unordered(
    recorded: Sequence[Message], new: Sequence[Message], patterns: Sequence[Pattern]
) -> list[tuple[int | None, int | None]]:
    """Match equal messages as a multiset; pair what is left in order.

    Pairs come sorted by recorded position, extra new messages last.
    """
    waiting: defaultdict[Message, list[int]] = defaultdict(list)
    for j in reversed(range(len(new))):
        waiting[canonical(new[j], patterns)].append(j)
    matched: list[tuple[int | None, int | None]] = []
    unmatched: list[int] = []
    for i, message in enumerate(recorded):
        candidates = waiting.get(canonical(message, patterns))
        if candidates:
            matched.append((i, candidates.pop()))
        else:
            unmatched.append(i)
    spare = sorted(j for left in waiting.values() for j in left)
    for k in range(max(len(unmatched), len(spare))):
        matched.append(
            (unmatched[k] if k < len(unmatched) else None, spare[k] if k < len(spare) else None)
        )
    end = len(recorded) + len(new)
    return sorted(matched, key=lambda ij: (end if ij[0] is None else ij[0], ij[1] or 0))


def compare(
    recorded: Sequence[Message],
    new: Sequence[Message],
    ignore: Sequence[str] = (),
    unordered: bool = False,
    strict: bool = True,
) -> DiffReport:
    """Compare new responses with recorded ones; raises ``IgnorePathError`` for a bad path.

    In order, message *n* is compared with message *n*; ``unordered`` matches
    equal messages wherever they are, then pairs what is left in order.
    """
    patterns = [parse_ignore(path) for path in ignore]
    if unordered:
        indexes = _match_unordered(recorded, new, patterns)
    else:
        count = max(len(recorded), len(new))
        indexes = [
            (i if i < len(recorded) else None, i if i < len(new) else None) for i in range(count)
        ]
    pairs = tuple(_pair(i, j, recorded, new, patterns) for i, j in indexes)
    return DiffReport(pairs, len(recorded), len(new), tuple(ignore), unordered, strict)
