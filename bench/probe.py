"""How late does the app's event loop answer? A 10 ms ticker that notes its own lateness.

A tick that should run every 10 ms (the mechanism of Textual's ``set_interval``, but
started before the app so it covers everything) records how late it ran: whatever held
the event loop delayed it that long, and would have delayed a key press or a repaint as
much. With an app, each tick also posts a callback to the app's message queue, where key
presses wait too, and records how long it waited there. Samples carry the epoch time they
were taken, so a benchmark keeps those of the stretch it measures.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # measuring a bare client must not pay for importing Textual
    from textual.app import App

INTERVAL = 0.01


class LoopProbe:
    """Run :meth:`run` as a task; read the samples of a stretch with :meth:`lags`."""

    def __init__(self, app: App[Any] | None = None) -> None:
        self._app = app
        self.timer: list[tuple[float, float]] = []
        """(epoch time, seconds late) of each tick."""
        self.queue: list[tuple[float, float]] = []
        """(epoch time, seconds waited in the app's message queue) of each tick."""

    async def run(self) -> None:
        last = time.perf_counter()
        while True:
            await asyncio.sleep(INTERVAL)
            now = time.perf_counter()
            self.timer.append((time.time(), max(0.0, now - last - INTERVAL)))
            last = now
            if self._app is not None and self._app.is_running:
                self._app.call_later(self._answered, time.time(), now)

    def _answered(self, posted_at: float, posted: float) -> None:
        self.queue.append((posted_at, time.perf_counter() - posted))

    @staticmethod
    def lags(samples: Sequence[tuple[float, float]], start: float, end: float) -> list[float]:
        """The lags (milliseconds) of the samples taken between two epoch times."""
        return [lag * 1000 for t, lag in samples if start <= t <= end]


def percentile(samples: Sequence[float], fraction: float) -> float:
    """The nearest-rank percentile (``fraction`` 0.99 is p99)."""
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, max(0, round(fraction * len(ordered)) - 1))]
