"""Pairing requests with their answers by the protocol's own id, and the latency between.

A call opens a pair under (its direction, its id); the first answer from the other side
with that id closes it (a ``CONTINUES`` answer leaves it open for more, as a subscription's
``next`` does). Rows are the session's absolute row numbers.
"""

from __future__ import annotations

from statistics import quantiles

from sockscope.core.protocols.message import Direction, Message, Pairing

_OTHER = {Direction.SENT: Direction.RECEIVED, Direction.RECEIVED: Direction.SENT}
#: Latencies kept for the percentiles: the newest calls tell how the server does now.
WINDOW = 10_000


class Pairs:
    """Which rows answer which, and how long each answer took."""

    def __init__(self) -> None:
        self._open: dict[tuple[Direction, str], tuple[int, float]] = {}
        self._partner: dict[int, int] = {}
        self._latency: dict[int, float] = {}
        self._group: dict[str, list[int]] = {}
        self._recent: list[float] = []

    def note(self, row: int, t: float, direction: Direction, message: Message) -> None:
        """Take one decoded message into account."""
        if message.id is None or message.pairing is Pairing.NONE:
            return
        self._group.setdefault(message.id, []).append(row)
        if message.pairing is Pairing.OPENS:
            self._open[(direction, message.id)] = (row, t)
            return
        key = (_OTHER[direction], message.id)
        opened = self._open.get(key)
        if opened is None:
            return
        call_row, call_t = opened
        if message.pairing is Pairing.ANSWERS:
            del self._open[key]
        if call_row in self._partner:  # a later part of a stream: grouped, not re-paired
            return
        latency = max(0.0, t - call_t)
        self._partner[call_row], self._partner[row] = row, call_row
        self._latency[call_row] = self._latency[row] = latency
        self._recent.append(latency)
        if len(self._recent) > WINDOW:
            del self._recent[: len(self._recent) - WINDOW]

    def partner(self, row: int) -> int | None:
        """The row that answers (or was answered by) ``row``."""
        return self._partner.get(row)

    def latency(self, row: int) -> float | None:
        return self._latency.get(row)

    def group(self, message_id: str) -> list[int]:
        """Every row carrying this id (an operation's subscribe, nexts and complete)."""
        return list(self._group.get(message_id, ()))

    @property
    def answered(self) -> int:
        """Calls answered so far (the newest :data:`WINDOW`, as the percentiles count them)."""
        return len(self._recent)

    @property
    def in_flight(self) -> int:
        """Calls not answered yet."""
        return len(self._open)

    def percentiles(self) -> tuple[float, float] | None:
        """p50 and p99 of the recent latencies (None before two answers)."""
        if len(self._recent) < 2:
            return None
        cuts = quantiles(self._recent, n=100, method="inclusive")
        return cuts[49], cuts[98]
