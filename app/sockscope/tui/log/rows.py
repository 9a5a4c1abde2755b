"""Which store rows the message log shows, position by position: the widget's bookkeeping.

The view is the store's rows from ``view_start`` on or, with a filter, an ``array('I')`` of
the matching store indexes. When the store drops its oldest rows (a session's
``max_frames``) it renumbers the rest; these indexes stay those of the store as it was at the
last :meth:`LogRows.renumber`, so between a trim and the next renumbering the view stays
consistent with itself, and only reading the store needs :meth:`LogRows.live`.
"""

from __future__ import annotations

from array import array
from bisect import bisect_left

from sockscope.core.store.frames import FrameStore, minus


class LogRows:
    """Maps view positions to store rows, across filters, cleared views and dropped rows."""

    __slots__ = ("dropped", "known", "matches", "scanned", "selected", "store", "view_start")

    def __init__(self, store: FrameStore) -> None:
        self.store = store
        self.dropped = store.dropped
        """``store.dropped`` as of the last :meth:`renumber`: the numbering of every index here."""
        self.view_start = 0
        """Rows before this store index are hidden (see :meth:`hide_all`)."""
        self.known = 0
        """Rows of the store taken into the view so far."""
        self.matches: array[int] | None = None
        """The filter's matching store indexes, in order; None without a filter."""
        self.scanned = 0
        """With a filter: the rows before this index have been matched."""
        self.selected: int | None = None
        """Store index of the cursor row."""

    @property
    def row_count(self) -> int:
        """Rows in the view (matching rows when a filter is active)."""
        if self.matches is not None:
            return len(self.matches)
        return self.known - self.view_start

    @property
    def total(self) -> int:
        """Rows the view covers, filtered or not (the M of "N of M")."""
        return self.known - self.view_start

    @property
    def scanning(self) -> bool:
        """True while a filter has rows left to match."""
        return self.matches is not None and self.scanned < self.known

    def index_at(self, position: int) -> int:
        """The store index shown at view ``position``."""
        if self.matches is not None:
            return self.matches[position]
        return self.view_start + position

    def position_near(self, index: int) -> int:
        """View position of store ``index``, or where it would be if it is not shown."""
        if self.matches is not None:
            return bisect_left(self.matches, index)
        return index - self.view_start

    def is_shown(self, index: int) -> bool:
        position = self.position_near(index)
        return 0 <= position < self.row_count and self.index_at(position) == index

    def number(self, index: int) -> int:
        """Row ``index``'s number in the session, which no trim changes."""
        return self.dropped + index

    def live(self, index: int) -> int:
        """Row ``index``'s index in the store now (negative: dropped since :meth:`renumber`)."""
        return self.dropped + index - self.store.dropped

    def renumber(self) -> int | None:
        """Catch up with the rows the store dropped: shift every index held.

        Returns how many view positions went from the front of the view (None: no change).
        """
        cut = self.store.dropped - self.dropped
        if not cut:
            return None
        self.dropped += cut
        if self.matches is not None:
            gone = bisect_left(self.matches, cut)  # the matching rows that were dropped
            self.matches = minus(self.matches[gone:], cut)
        else:
            gone = max(0, min(cut, self.known) - self.view_start)
        self.view_start = max(0, self.view_start - cut)
        self.known = max(0, self.known - cut)
        self.scanned = max(0, self.scanned - cut)
        if self.selected is not None:
            self.selected = self.selected - cut if self.selected >= cut else None
        return gone

    def hide_all(self) -> None:
        """Start the view after every row known so far (they stay in the store)."""
        self.known = len(self.store)
        self.view_start = self.scanned = self.known
        if self.matches is not None:
            self.matches = array("I")
        self.selected = None

    def filter(self, active: bool) -> None:
        """Start matching the view's rows anew (``active``), or show them all."""
        self.matches = array("I") if active else None
        self.scanned = self.view_start

    def take_matches(self, upto: int, hits: array[int]) -> None:
        """Add a slice's matches; the rows before ``upto`` are matched."""
        assert self.matches is not None
        self.matches.extend(hits)
        self.scanned = upto
