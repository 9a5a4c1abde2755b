"""Matching a filter over the log's rows in steps short enough not to be felt.

New rows are matched on the spot when few; a backlog (a filter set on a million rows, or
a firehose) is matched by a worker in slices of a few milliseconds, letting keys and
frames through between them. The matches go into the log's :class:`LogRows`; the log is
told (``show``) when to draw them.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from functools import partial
from time import perf_counter
from typing import TYPE_CHECKING, Any

from sockscope.core.store.frames import FrameStore
from sockscope.tui.log.rows import LogRows

if TYPE_CHECKING:
    from textual.worker import Worker

    from sockscope.tui.log.keepalive_filter import RowMatcher

#: New rows matched on the spot when they arrive; larger backlogs go to the scan worker.
SYNC_MATCH_ROWS = 20_000
#: The same for a costly filter (a JSONPath test parses each row, ~12 us).
COSTLY_SYNC_ROWS = 512
#: Longest stretch one step of the filter scan keeps the event loop before letting the UI run.
#: A key crosses the loop a few times before its frame is drawn (driver, app, widget) and
#: may wait a step at each: short steps keep a scan from being felt.
SCAN_BUDGET = 0.002
#: What one slice of rows should cost: slices are sized from the rate of the last one, so
#: a step overshoots its budget by about this much, whatever the filter costs per row.
SLICE_COST = 0.0005
#: Bounds of a slice, in rows; the first slice of each filter is the smallest.
MIN_SLICE_ROWS, MAX_SLICE_ROWS = 256, 65_536
#: The scan shows its progress at most this often: a repaint costs more than a step.
SCAN_REPAINT = 0.1


class FilterScan:
    """The active filter of one log and the matching of its backlog."""

    def __init__(
        self,
        store: FrameStore,
        rows: LogRows,
        run_worker: Callable[..., Worker[Any]],
        renumber: Callable[[], object],
        show: Callable[[], None],
    ) -> None:
        """``run_worker``: the log's; ``renumber``: catch up with rows the store dropped;
        ``show``: draw the matches found so far and their count."""
        self.store = store
        self.rows = rows
        self._run_worker = run_worker
        self._renumber = renumber
        self._show = show
        self.compiled: RowMatcher | None = None
        self._worker: Worker[Any] | None = None
        self._slice_rows = MIN_SLICE_ROWS
        self._running = False

    def set(self, compiled: RowMatcher | None) -> None:
        """Make ``compiled`` the filter (after :meth:`cancel`); the rows are the caller's."""
        self.compiled = compiled
        self._slice_rows = MIN_SLICE_ROWS

    def take_new(self, total: int) -> None:
        """Match the rows up to ``total`` the store has grown by (or leave them to the scan)."""
        rows, compiled = self.rows, self.compiled
        if compiled is None or self._running:
            return
        limit = COSTLY_SYNC_ROWS if compiled.costly else SYNC_MATCH_ROWS
        if total - rows.scanned <= limit:
            # Up to ``total``: a loading thread may have added rows since.
            rows.take_matches(total, compiled.matches(self.store, rows.scanned, total))
        else:
            self.start()

    def start(self) -> None:
        assert self.compiled is not None
        self._running = True
        # A callable, not a coroutine: a scan cancelled before it starts never exists.
        scan = partial(self._scan, self.compiled)
        self._worker = self._run_worker(scan, name="filter", group="filter", exclusive=True)

    def cancel(self) -> None:
        if self._worker is not None:
            self._worker.cancel()
            self._worker = None
        self._running = False

    def scan_some(self) -> None:
        """Match backlog rows for about ``SCAN_BUDGET`` seconds (whole slices).

        The caller shows them when it sees fit.
        """
        compiled = self.compiled
        assert compiled is not None
        self._renumber()
        rows, now = self.rows, perf_counter()
        deadline = now + SCAN_BUDGET
        while rows.scanning and now < deadline:
            first = rows.scanned
            slices = compiled.iter_matches(self.store, first, rows.known, self._slice_rows)
            rows.take_matches(*next(slices))
            end = perf_counter()
            rate = (rows.scanned - first) / max(end - now, 1e-6)
            now = end
            self._slice_rows = max(MIN_SLICE_ROWS, min(MAX_SLICE_ROWS, int(rate * SLICE_COST)))

    async def _scan(self, compiled: RowMatcher) -> None:
        """Match the rest of the backlog, letting the UI run between steps.

        The matches found are shown every ``SCAN_REPAINT`` seconds and at the end, not
        after each step: repainting the log and the count after every step would hold
        the event loop longer than the step itself.
        """
        shown = perf_counter()
        while self.compiled is compiled and self.rows.scanning:
            await asyncio.sleep(0)
            self.scan_some()
            if perf_counter() - shown >= SCAN_REPAINT:
                shown = perf_counter()
                self._show()
        # Reached only when done: a cancelled scan stops at the await above.
        self._running = False
        self._show()
