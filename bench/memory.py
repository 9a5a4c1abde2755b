"""Memory: what a million 100-byte frames cost, in the store alone and in the whole app.

Each figure is measured in a fresh process: its RSS once everything is imported, then
again once it holds N frames recorded one by one through ``Session.on_frame``, as the
connection records them, and its peak RSS. For the app (headless, 160x50, journaling to a
file as ``sockscope URL`` does by default) the frames are recorded while it runs, in batches
between which the event loop turns, so the socket worker's tick reports them, the log
follows the tail and the journal writes, as under a live feed. The baseline of the store is
the payload bytes themselves; the baseline of the app is the store alone, the limit of the
work: the goal compares peak growths (a backlog held while the disk catches up counts),
and holds the app's whole peak RSS (interpreter and Textual included) under a ceiling.
"""

from __future__ import annotations

import asyncio
import gc
import os
import resource
import tempfile
from pathlib import Path
from typing import TYPE_CHECKING, Any

from bench import child

if TYPE_CHECKING:
    from sockscope.core.session.session import Session
    from sockscope.tui.app import SockscopeApp
from bench.table import Row, passed
from bench.workload import FRAME_SIZE, MILLION, batches, record

QUICK_FRAMES = 20_000
GOAL_MB = 180.0
GOAL_RATIO = 1.1
"""The app's peak growth, in times the store's alone."""
SIZE = (160, 50)
MB = 1_000_000


def rss() -> int:
    """This process's resident memory now, in bytes (Linux; elsewhere its peak)."""
    try:
        with open("/proc/self/statm") as statm:
            return int(statm.read().split()[1]) * os.sysconf("SC_PAGESIZE")
    except OSError:
        return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024


def _settled() -> int:
    gc.collect()
    return rss()


def _result(before: int, after: int) -> dict[str, int]:
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024
    return {"growth": after - before, "rss": after, "peak": peak, "peak_growth": peak - before}


def _store(frames: str) -> dict[str, int]:
    from sockscope.core.session.session import Session

    session = Session()
    before = _settled()
    for first, payloads in batches(int(frames)):
        record(session, payloads, first)
    return _result(before, _settled())


async def _app(frames: str) -> dict[str, int]:
    from sockscope.core.session.session import Session
    from sockscope.tui.factory import build_app

    count = int(frames)
    session = Session()
    before = _settled()
    with tempfile.TemporaryDirectory(prefix="sockscope-bench-") as scratch:
        app = build_app(session=session, journal_path=Path(scratch, "journal.jsonl"))
        return await _hold(app, session, count, before)


async def _hold(app: SockscopeApp, session: Session, count: int, before: int) -> dict[str, int]:
    """Record ``count`` frames while ``app`` runs; its RSS once the log shows them all."""
    from sockscope.tui.log.message_log import MessageLog

    async with app.run_test(size=SIZE) as pilot:
        while session.journal is None:
            await pilot.pause(0.01)  # the app opens its journal once mounted
        for first, payloads in batches(count):
            record(session, payloads, first)
            await asyncio.sleep(0)
        log = app.query_one(MessageLog)
        while log.row_count < count:
            await pilot.pause(0.02)
        await pilot.pause(0.1)
        after = _settled()
    return _result(before, after)


def _mb(value: int) -> str:
    return f"{value / MB:.0f} MB"


def run(quick: bool = False) -> list[Row]:
    frames = QUICK_FRAMES if quick else MILLION
    store = child.measure("memory", "store", frames)
    app = child.measure("memory", "app", frames)
    payload = frames * FRAME_SIZE
    label = f"memory {frames:,} x {FRAME_SIZE} B"
    ratio = app["peak_growth"] / store["peak_growth"]
    return [
        Row(
            f"{label}: store alone, RSS growth",
            f"{_mb(store['growth'])} ({store['growth'] / frames:.0f} B/frame)",
            f"{_mb(payload)} of payloads",
            store["growth"] / payload,
        ),
        Row(
            f"{label}: whole app + journal, peak RSS",
            f"{_mb(app['peak'])} (peak growth {_mb(app['peak_growth'])}, end {_mb(app['rss'])})",
            f"peak growth {_mb(store['peak_growth'])} (store alone)",
            ratio,
            f"<= {GOAL_RATIO}x, <= {GOAL_MB:.0f} MB",
            passed(ratio <= GOAL_RATIO and app["peak"] <= GOAL_MB * MB),
        ),
    ]


MEASUREMENTS: dict[str, Any] = {"store": _store, "app": _app}

if __name__ == "__main__":
    child.serve(MEASUREMENTS)
