"""Scroll: from a key press to the frame that shows it, over a million rows and a thousand.

The app (headless, 160x50) holds a session of N received frames; the log has the focus.
Keys go in through the driver (:func:`bench.frameclock.press`) in a cycle of home,
eight page-downs and end; each is timed to the first frame written with the cursor moved
and the inspector showing its row (:class:`bench.frameclock.FrameClock`), then the user
"reads" for :data:`GAP` seconds.
The baseline is the same app holding 1,000 rows: a million rows should scroll like that.
"""

from __future__ import annotations

import asyncio
import statistics
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from bench import child
from bench.probe import percentile
from bench.table import Row, passed
from bench.workload import MILLION, filled_store

if TYPE_CHECKING:
    from sockscope.tui.app import SockscopeApp

KEYS = ("home", *("pagedown",) * 8, "end")
GAP = 0.03
BASELINE_ROWS = 1_000
FULL_PRESSES = 200
QUICK_ROWS = 20_000
QUICK_PRESSES = 10
MEDIAN_GOAL_MS = 16.0
P99_GOAL_MS = 50.0
SIZE = (160, 50)


async def time_keys(app: SockscopeApp, presses: int) -> list[float]:
    """Milliseconds from each key's delivery to the frame showing all it changed.

    That frame has the cursor on its new row and the inspector showing that row (the
    inspector is half the screen a key changes). One cycle of keys first, untimed: first
    presses run code paths for the first time.
    """
    from bench.frameclock import FrameClock, press
    from sockscope.tui.log.message_log import MessageLog
    from sockscope.tui.widgets.inspector import Inspector

    log = app.screen.query_one(MessageLog)
    inspector = app.screen.query_one(Inspector)
    log.focus()
    while app.focused is not log:
        await asyncio.sleep(0.01)
    clock = FrameClock(app)
    latencies = []
    for n in range(-len(KEYS), presses):
        before = log.selected

        def moved(before: int | None = before) -> bool:
            row = inspector.row
            return log.selected != before and row is not None and row.store_index == log.selected

        sent = press(app, KEYS[n % len(KEYS)])
        shown = await clock.frame_when(moved)
        if n >= 0:
            latencies.append((shown - sent) * 1000)
        await asyncio.sleep(GAP)
    return latencies


async def _scroll(rows: str, presses: str) -> list[float]:
    from sockscope.core.session.session import Session
    from sockscope.tui.factory import build_app
    from sockscope.tui.log.message_log import MessageLog

    app = build_app(session=Session(filled_store(int(rows))))
    async with app.run_test(size=SIZE) as pilot:
        while app.query_one(MessageLog).row_count < int(rows):
            await pilot.pause(0.01)
        return await time_keys(app, int(presses))


def summary(latencies: Sequence[float]) -> str:
    return f"median {statistics.median(latencies):.1f} ms, p99 {percentile(latencies, 0.99):.1f} ms"


def verdict(latencies: Sequence[float]) -> str:
    median, p99 = statistics.median(latencies), percentile(latencies, 0.99)
    return passed(median <= MEDIAN_GOAL_MS and p99 <= P99_GOAL_MS)


GOAL = f"median <= {MEDIAN_GOAL_MS:.0f} ms, p99 <= {P99_GOAL_MS:.0f} ms"


def run(quick: bool = False) -> list[Row]:
    rows, presses = (QUICK_ROWS, QUICK_PRESSES) if quick else (MILLION, FULL_PRESSES)
    ours: list[float] = child.measure("scroll", "scroll", rows, presses)
    base: list[float] = child.measure("scroll", "scroll", BASELINE_ROWS, presses)
    return [
        Row(
            f"scroll {rows:,} rows: key to frame (page-down/end/home)",
            summary(ours),
            f"{BASELINE_ROWS:,} rows: {summary(base)}",
            statistics.median(ours) / statistics.median(base),
            GOAL,
            verdict(ours),
        )
    ]


MEASUREMENTS: dict[str, Any] = {"scroll": _scroll}

if __name__ == "__main__":
    child.serve(MEASUREMENTS)
