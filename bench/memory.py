"""Memory: what a million 100-byte frames cost, in the store alone and in the whole app.

Each figure is measured in a fresh process: its RSS once everything is imported, then
again once it holds N frames recorded one by one through ``Session.on_frame``, as the
connection records them. For the app (headless, 160x50) the frames are recorded while it
runs, in batches between which the event loop turns, so the socket worker's tick reports
them and the log follows the tail, as under a live feed. The baseline of the store is the
payload bytes themselves; the baseline of the app is the store alone (the ratio compares
growths). The goal holds the app's whole RSS (interpreter and Textual included), which is
stricter than its growth.
"""

from __future__ import annotations

import asyncio
import gc
import os
import resource
import tempfile
from pathlib import Path
from typing import Any

from bench import child
from bench.table import Row, passed
from bench.workload import FRAME_SIZE, MILLION, batches, record

QUICK_FRAMES = 20_000
GOAL_MB = 180.0
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
    return {"growth": after - before, "rss": after, "peak": peak}


def _store(frames: str) -> dict[str, int]:
    from sockscope.core.session.session import Session

    session = Session()
    before = _settled()
    for first, payloads in batches(int(frames)):
        record(session, payloads, first)
    return _result(before, _settled())


async def _app(frames: str, journal: Path | None = None) -> dict[str, int]:
    from sockscope.core.session.session import Session
    from sockscope.tui.factory import build_app
    from sockscope.tui.log.message_log import MessageLog

    count = int(frames)
    session = Session()
    before = _settled()
    app = build_app(session=session, journal_path=journal)
    async with app.run_test(size=SIZE) as pilot:
        while journal is not None and session.journal is None:
            await pilot.pause(0.01)  # the app starts its journal after the first frame
        for first, payloads in batches(count):
            record(session, payloads, first)
            await asyncio.sleep(0)
        log = app.query_one(MessageLog)
        while log.row_count < count:
            await pilot.pause(0.02)
        await pilot.pause(0.1)
        after = _settled()
    return _result(before, after)


async def _journaled(frames: str) -> dict[str, int]:
    """The app as ``sockscope URL`` runs it: every frame also journaled to a file."""
    with tempfile.TemporaryDirectory() as folder:
        return await _app(frames, Path(folder) / "journal.jsonl")


def _mb(value: int) -> str:
    return f"{value / MB:.0f} MB"


def run(quick: bool = False) -> list[Row]:
    frames = QUICK_FRAMES if quick else MILLION
    store = child.measure("memory", "store", frames)
    app = child.measure("memory", "app", frames)
    journal = child.measure("memory", "journal", frames)
    payload = frames * FRAME_SIZE
    label = f"memory {frames:,} x {FRAME_SIZE} B"
    return [
        Row(
            f"{label}: store alone, RSS growth",
            f"{_mb(store['growth'])} ({store['growth'] / frames:.0f} B/frame)",
            f"{_mb(payload)} of payloads",
            store["growth"] / payload,
        ),
        Row(
            f"{label}: whole app, process RSS",
            f"{_mb(app['rss'])} (growth {_mb(app['growth'])}, peak {_mb(app['peak'])})",
            f"growth {_mb(store['growth'])} (store alone)",
            app["growth"] / store["growth"],
            f"<= {GOAL_MB:.0f} MB",
            passed(app["rss"] <= GOAL_MB * MB),
        ),
        Row(
            f"{label}: journal on, peak RSS",
            f"{_mb(journal['peak'])} (at the end {_mb(journal['rss'])})",
            f"peak {_mb(app['peak'])} (journal off)",
            journal["peak"] / app["peak"],
            f"<= {GOAL_MB:.0f} MB",
            passed(journal["peak"] <= GOAL_MB * MB),
        ),
    ]


MEASUREMENTS: dict[str, Any] = {"store": _store, "app": _app, "journal": _journaled}

if __name__ == "__main__":
    child.serve(MEASUREMENTS)
