"""Open log: a million-frame JSONL log, until the first rows and until all of it is there.

The log (~185 MB, written by ``write_store``) is opened two ways, each in a fresh process:

- ``core``: ``core.formats.jsonl.read_jsonl``; its first progress report (every 65,536
  lines) is when the first rows are in the store, ready to show;
- ``app``: the app's own ``open_log`` (what ctrl+o and ``--open`` do: a thread loads the
  log behind a progress bar, then a viewer shows it), timed to the first frame written
  with rows in the viewer and to the frame with every row there (:class:`FrameClock`).

The baseline is the limit of the work, two ways: reading the file and splitting its lines
(the floor of touching the bytes), and parsing every line with ``orjson.loads``, keeping
nothing (the floor of any JSONL reader in Python): the goal is a ratio to the latter. Runs
are interleaved, :data:`FULL_REPEATS` times; the best of each is kept.
"""

from __future__ import annotations

import asyncio
import tempfile
import time
from pathlib import Path
from typing import Any

import orjson

from bench import child
from bench.table import Row, passed
from bench.workload import MILLION, filled_store
from sockscope.core.formats.journal import write_store
from sockscope.core.formats.jsonl import read_jsonl
from sockscope.core.formats.model import LogHeader

FULL_REPEATS = 3
QUICK_FRAMES = 20_000
GOAL_RATIO = 1.5
"""Fully loaded, in times ``orjson.loads`` per line."""
SIZE = (160, 50)


def _core(path: str) -> dict[str, float]:
    """Progress is first reported once 65,536 lines are in the store: the first rows."""
    reports: list[float] = []
    start = time.perf_counter()
    read_jsonl(path, lambda done, total: reports.append(time.perf_counter()))
    loaded = time.perf_counter()
    return {"first": reports[0] - start, "loaded": loaded - start}


async def _app(path: str, rows: str) -> dict[str, float]:
    from bench.frameclock import FrameClock
    from sockscope.tui.factory import build_app
    from sockscope.tui.log.message_log import MessageLog
    from sockscope.tui.screens.file_screens import OpenRequest
    from sockscope.tui.screens.log_viewer import LogViewerScreen

    app = build_app()
    clock = FrameClock(app)

    def shown() -> int:
        screen = app.screen
        if not isinstance(screen, LogViewerScreen):
            return 0
        logs = screen.query(MessageLog)
        return logs.first().row_count if logs else 0

    async with app.run_test(size=SIZE) as pilot:
        while clock.first is None:
            await pilot.pause(0.01)
        await pilot.pause(0.1)
        start = time.perf_counter()
        app.files.open_log(OpenRequest(Path(path), None))
        # Both wait from now: a small log can be on screen whole in its first frame.
        first_frame = asyncio.ensure_future(clock.frame_when(lambda: shown() > 0))
        loaded_frame = asyncio.ensure_future(clock.frame_when(lambda: shown() == int(rows)))
        first, loaded = await first_frame, await loaded_frame
    return {"first": first - start, "loaded": loaded - start}


def _parse(path: str) -> float:
    start = time.perf_counter()
    loads = orjson.loads
    with open(path, "rb") as handle:
        for line in handle:
            loads(line)
    return time.perf_counter() - start


def _split(path: str) -> float:
    start = time.perf_counter()
    with open(path, "rb") as handle:
        handle.read().split(b"\n")
    return time.perf_counter() - start


def _s(seconds: float) -> str:
    return f"{seconds:.2f} s"


def run(quick: bool = False) -> list[Row]:
    frames, repeats = (QUICK_FRAMES, 1) if quick else (MILLION, FULL_REPEATS)
    runs: dict[str, list[Any]] = {"core": [], "app": [], "parse": [], "split": []}
    with tempfile.TemporaryDirectory(prefix="sockscope-bench-") as scratch:
        path = str(Path(scratch, "session.jsonl"))
        write_store(path, filled_store(frames), LogHeader(url="ws://127.0.0.1/bench"))
        for _ in range(repeats):
            runs["core"].append(child.measure("open_log", "core", path))
            runs["app"].append(child.measure("open_log", "app", path, frames))
            runs["parse"].append(child.measure("open_log", "parse", path))
            runs["split"].append(child.measure("open_log", "split", path))
    parse, split = min(runs["parse"]), min(runs["split"])
    rows = []
    for who, label in (("core", "core read_jsonl"), ("app", "app open_log, on screen")):
        first = min(run["first"] for run in runs[who])
        loaded = min(run["loaded"] for run in runs[who])
        rows.append(
            Row(
                f"open log {frames:,} frames: {label}: first rows / fully loaded",
                f"{_s(first)} / {_s(loaded)}",
                f"{_s(parse)} orjson.loads per line ({_s(split)} read and split lines)",
                loaded / parse,
                f"loaded <= {GOAL_RATIO}x orjson per line",
                passed(loaded / parse <= GOAL_RATIO),
            )
        )
    return rows


MEASUREMENTS: dict[str, Any] = {"core": _core, "app": _app, "parse": _parse, "split": _split}

if __name__ == "__main__":
    child.serve(MEASUREMENTS)
