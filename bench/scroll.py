"""Key to frame, idle: from a key press to the frame that shows it, over a million rows.

The app (headless, 160x50) holds a session of N received frames; the log has the focus.
Keys go in through the driver (:func:`bench.frameclock.press`) in a cycle of home,
eight page-downs and end; each is timed to the first frame written with the cursor moved
and the inspector showing its row (:func:`bench.frameclock.time_keys`), then the user
"reads" for :data:`GAP` seconds. The baseline is the limit of the work: the hello-world
Textual app (:mod:`bench.hello`) answering the same keys, timed by the same harness at the
same size, in its own fresh process of the same run. Judged by the ratio of medians.
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
FULL_PRESSES = 200
QUICK_ROWS = 20_000
QUICK_PRESSES = 10
GOAL_RATIO = 1.3
"""The median key to frame, in times the hello-world app's."""
SIZE = (160, 50)


async def time_scroll_keys(app: SockscopeApp, presses: int) -> list[float]:
    """Milliseconds from each key to the frame with the log's cursor moved and the inspector
    showing its row (the inspector is half the screen a key changes)."""
    from bench.frameclock import time_keys
    from sockscope.tui.log.message_log import MessageLog
    from sockscope.tui.widgets.inspector import Inspector

    log = app.screen.query_one(MessageLog)
    inspector = app.screen.query_one(Inspector)
    log.focus()
    while app.focused is not log:
        await asyncio.sleep(0.01)

    def shown() -> bool:
        row = inspector.row
        return row is not None and row.store_index == log.selected

    return await time_keys(app, KEYS, presses, lambda: log.selected, shown, GAP)


async def _hello(presses: str) -> list[float]:
    """The same keys, timed the same way, answered by the hello-world Textual app."""
    from bench.frameclock import FrameClock, time_keys
    from bench.hello import Hello

    app = Hello()
    clock = FrameClock(app)
    async with app.run_test(size=SIZE):
        await clock.frame_when(lambda: True)
        return await time_keys(app, KEYS, int(presses), lambda: app.answered, gap=GAP)


async def _scroll(rows: str, presses: str) -> list[float]:
    from sockscope.core.session.session import Session
    from sockscope.tui.factory import build_app
    from sockscope.tui.log.message_log import MessageLog

    app = build_app(session=Session(filled_store(int(rows))))
    async with app.run_test(size=SIZE) as pilot:
        while app.query_one(MessageLog).row_count < int(rows):
            await pilot.pause(0.01)
        return await time_scroll_keys(app, int(presses))


def summary(latencies: Sequence[float]) -> str:
    return f"median {statistics.median(latencies):.1f} ms, p99 {percentile(latencies, 0.99):.1f} ms"


def against_hello(figure: str, ours: Sequence[float], hello: Sequence[float], goal: float) -> Row:
    """A key-to-frame row: our median against the hello-world app's, judged by ``goal``."""
    ratio = statistics.median(ours) / statistics.median(hello)
    return Row(
        figure,
        summary(ours),
        f"{summary(hello)} (hello-world Textual app)",
        ratio,
        f"<= {goal}x",
        passed(ratio <= goal),
    )


def hello_keys(presses: int) -> list[float]:
    """The hello-world app's key-to-frame latencies, from a fresh process."""
    latencies: list[float] = child.measure("scroll", "hello", presses)
    return latencies


def run(quick: bool = False) -> list[Row]:
    rows, presses = (QUICK_ROWS, QUICK_PRESSES) if quick else (MILLION, FULL_PRESSES)
    ours: list[float] = child.measure("scroll", "scroll", rows, presses)
    hello = hello_keys(presses)
    return [
        against_hello(
            f"key to frame, idle, {rows:,} rows (page-down/end/home)", ours, hello, GOAL_RATIO
        )
    ]


MEASUREMENTS: dict[str, Any] = {"scroll": _scroll, "hello": _hello}

if __name__ == "__main__":
    child.serve(MEASUREMENTS)
