"""Pictures of a session's traffic, read from its store: frames a second, message sizes.

Both are read on the UI's tick, never per frame, and cost C-speed passes over columns:

* :class:`Throughput` counts the frame rows of each whole second from the time column
  (``bisect`` finds a second's rows, the flag column's ``translate`` + ``count`` splits
  them in and out). A second once past never changes, so each is counted once.
* :class:`SizeHistogram` buckets text and binary messages by size in powers of two
  (a size's ``bit_length``), from the end-offset column, taking each row once. That
  costs ~90 ns a row, so an update looks at :data:`MAX_ROWS_PER_UPDATE` rows at most
  (~2.5 ms): past that (a firehose, a first look at a million rows) it takes every
  ``step``-th row and counts it ``step`` times, an estimate of the same shape.
"""

from __future__ import annotations

from array import array
from bisect import bisect_left
from collections import Counter
from itertools import compress
from operator import sub
from typing import NamedTuple

from sockscope.core.session.filtering import flag_table
from sockscope.core.store.frames import FrameStore, Kind, Opcode

#: Seconds the sparklines look back.
WINDOW = 60
#: A second is counted for good once this long past: a frame's time is taken just before
#: it is stored, and a tick may fall between the two.
SETTLED = 0.5
#: Rows the histogram looks at per update; more are sampled evenly.
MAX_ROWS_PER_UPDATE = 25_000

_IN = flag_table(lambda kind, _: kind is Kind.RECV)
_OUT = flag_table(lambda kind, _: kind is Kind.SEND)
_MESSAGES = flag_table(lambda kind, op: kind.is_frame and op in (Opcode.TEXT, Opcode.BINARY))


class Rates(NamedTuple):
    """Frames a second, oldest second first, the last whole second last."""

    received: list[int]
    sent: list[int]


class Throughput:
    """Frames a second in and out over the last :data:`WINDOW` whole seconds."""

    def __init__(self, store: FrameStore, window: int = WINDOW) -> None:
        self.store = store
        self.window = window
        self._settled: dict[int, tuple[int, int]] = {}
        """Counts of seconds past :data:`SETTLED`, by the second (epoch seconds)."""

    def sample(self, now: float) -> Rates:
        """The rates of the ``window`` seconds before the current one, at wall time ``now``."""
        current = int(now)
        first = current - self.window
        settled = self._settled
        for second in [s for s in settled if s < first]:
            del settled[second]
        received, sent = [], []
        for second in range(first, current):
            counts = settled.get(second)
            if counts is None:
                counts = self._count(second)
                if second + 1 + SETTLED <= now:
                    settled[second] = counts
            received.append(counts[0])
            sent.append(counts[1])
        return Rates(received, sent)

    def _count(self, second: int) -> tuple[int, int]:
        times = self.store.times
        lo = bisect_left(times, second)
        hi = bisect_left(times, second + 1, lo)
        if lo == hi:
            return 0, 0
        flags = self.store.flags[lo:hi]
        return flags.translate(_IN).count(1), flags.translate(_OUT).count(1)


class SizeHistogram:
    """Text and binary messages by size: bucket ``b`` holds sizes below ``2**b`` and at
    least ``2**(b-1)`` (bucket 0: empty messages)."""

    def __init__(self, store: FrameStore) -> None:
        self.store = store
        self.counts: Counter[int] = Counter()
        self._next = store.dropped
        """The session's number of the first row not taken in yet."""

    @property
    def total(self) -> int:
        return self.counts.total()

    def update(self) -> None:
        """Take in the rows stored since the last update (rows dropped meanwhile are lost;
        past :data:`MAX_ROWS_PER_UPDATE` of them, an even sample)."""
        store = self.store
        lo, hi = max(0, self._next - store.dropped), len(store)
        if lo >= hi:
            return
        step = -(-(hi - lo) // MAX_ROWS_PER_UPDATE)
        ends = store.ends
        # The rows lo, lo + step, ...: their ends, and the ends of the rows before them.
        first = array("Q", [0]) if lo == 0 else ends[lo - 1 : lo]
        starts = first + ends[lo + step - 1 : hi - 1 : step]
        sizes = map(sub, ends[lo:hi:step], starts)
        keep = store.flags[lo:hi:step].translate(_MESSAGES)
        sampled = Counter(map(int.bit_length, compress(sizes, keep)))
        if step > 1:
            sampled = Counter({bucket: n * step for bucket, n in sampled.items()})
        self.counts.update(sampled)
        self._next = store.dropped + hi

    def buckets(self) -> list[tuple[int, int]]:
        """``(upper bound in bytes, count)`` from the smallest to the largest bucket used,
        the empty ones between included; the upper bound is exclusive (``1`` for 0 B)."""
        if not self.counts:
            return []
        used = sorted(self.counts)
        return [(1 << b, self.counts[b]) for b in range(used[0], used[-1] + 1)]
