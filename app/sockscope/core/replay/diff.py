"""Recorded responses against new ones: which pairs match, and a report of it.

:func:`compare` pairs the messages (in order, or ``unordered``) and compares each pair
as values (:mod:`~sockscope.core.replay.values`). A :class:`DiffReport` keeps every
pair (position, recorded, new, differing paths) as data for a side-by-side view, and
renders as text or JSON for the command line.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from typing import Any, Literal, NamedTuple

from sockscope.core.protocols.base import ProtocolLayer
from sockscope.core.replay.json_paths import (
    Pattern,
    parse_ignore,
)
from sockscope.core.replay.protocol import comparable
from sockscope.core.replay.values import Difference, Message, canonical, differences, show_message
from sockscope.core.store.frames import Opcode
from sockscope.core.text.display import to_base64

Status = Literal["same", "different", "missing", "extra"]

SHOW_WIDTH = 80
TEXT_MESSAGES = 100
TEXT_DIFFERENCES = 10


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
            if self.recorded_count == 1:
                return f"The 1 response matches the recording{suffix}.{more}"
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
    layer: ProtocolLayer | None = None,
) -> DiffReport:
    """Compare new responses with recorded ones; raises ``IgnorePathError`` for a bad path.

    In order, message *n* is compared with message *n*; ``unordered`` matches
    equal messages wherever they are, then pairs what is left in order. With the
    ``layer`` of a protocol log, its keepalives are left out on both sides and each
    message is compared as :meth:`ProtocolLayer.normalize` makes it.
    """
    patterns = [parse_ignore(path) for path in ignore]
    if layer is not None:
        recorded, new = comparable(layer, recorded), comparable(layer, new)
    if unordered:
        indexes = _match_unordered(recorded, new, patterns)
    else:
        count = max(len(recorded), len(new))
        indexes = [
            (i if i < len(recorded) else None, i if i < len(new) else None) for i in range(count)
        ]
    pairs = tuple(_pair(i, j, recorded, new, patterns) for i, j in indexes)
    return DiffReport(pairs, len(recorded), len(new), tuple(ignore), unordered, strict)
