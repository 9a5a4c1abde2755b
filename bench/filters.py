"""Filter: from a new filter to the frame that shows its result, over a million rows.

The app (headless, 160x50) holds a session of N frames (:mod:`bench.workload`); each
filter is compiled (``core.session.filtering.compile_filter``) and given to the log
(``MessageLog.set_filter``), as the filter bar does, and timed until the first frame
written with the count final (:class:`bench.frameclock.FrameClock`). A 10 ms ticker
(:class:`bench.probe.LoopProbe`) records how long the event loop was held meanwhile: a
filter with no literal to search for runs the regex on every row, in the background,
and the UI must keep breathing.

The baseline is the limit of the work: one pass of the same pattern (``re``, at C speed)
over the store's contiguous payload buffer, counting its matches, with no mapping of
matches to rows. The obvious per-row loop, ``[i for i in rows if pattern.search(payload(i))]``,
checks that the filter found exactly the rows it should and is shown as information. Each
filter and its pass run :data:`FULL_REPEATS` times; the best time of each is kept (noise only
slows runs down) and the worst event-loop lag.
"""

from __future__ import annotations

import asyncio
import re
import time
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from bench import child
from bench.table import Row, passed
from bench.workload import MILLION, filled_store
from sockscope.core.session.filtering import FilterSpec, compile_filter
from sockscope.core.store.frames import FrameStore

if TYPE_CHECKING:
    from sockscope.tui.app import SockscopeApp

FULL_REPEATS = 3
QUICK_ROWS = 20_000
SIZE = (160, 50)


@dataclass(frozen=True)
class Case:
    label: str
    spec: FilterSpec
    goal: float
    """The most the filter may take, in passes of its pattern over the payload buffer."""


CASES = (
    Case('literal "type":"error" (1% match)', FilterSpec('"type":"error"'), 2.0),
    Case(
        r'literal-prefixed regex "type":"err\w+" (1%)',
        FilterSpec(r'"type":"err\w+"', regex=True),
        2.0,
    ),
    Case(r'regex "seq":\d*[02468], (50%)', FilterSpec(r'"seq":\d*[02468],', regex=True), 1.5),
    Case("regex error|fatal, no literal (1%)", FilterSpec("error|fatal", regex=True), 1.5),
)


def _pattern(spec: FilterSpec) -> re.Pattern[bytes]:
    return re.compile(spec.text.encode() if spec.regex else re.escape(spec.text.encode()))


def _naive(store: FrameStore, spec: FilterSpec) -> tuple[float, int]:
    """The per-row loop: (seconds, rows matched)."""
    search = _pattern(spec).search
    payload = store.payload
    start = time.perf_counter()
    found = [i for i in range(len(store)) if search(payload(i))]
    return time.perf_counter() - start, len(found)


def _one_pass(store: FrameStore, spec: FilterSpec) -> float:
    """The limit: seconds for one pass of the pattern over the whole payload buffer."""
    finditer, buffer = _pattern(spec).finditer, store.buffer
    start = time.perf_counter()
    sum(1 for _ in finditer(buffer))
    return time.perf_counter() - start


async def _filter_once(app: SockscopeApp, spec: FilterSpec) -> tuple[float, int, list[float]]:
    """(seconds to the frame showing the result, rows shown, event-loop lags in ms)."""
    from bench.frameclock import FrameClock
    from bench.probe import LoopProbe
    from sockscope.tui.log.message_log import MessageLog

    log = app.query_one(MessageLog)
    probe = LoopProbe()
    probing = asyncio.create_task(probe.run())
    clock = FrameClock(app)
    await asyncio.sleep(0.05)  # the probe's first ticks
    began = time.time()
    start = time.perf_counter()
    log.set_filter(compile_filter(spec))
    shown = await clock.frame_when(lambda: not log.scanning)
    lags = probe.lags(probe.timer, began, time.time())
    probing.cancel()
    rows = log.row_count
    log.set_filter(None)
    await clock.frame_when(lambda: log.row_count == len(log.store))
    return shown - start, rows, lags


async def _filters(rows: str, repeats: str) -> list[dict[str, Any]]:
    from sockscope.core.session.session import Session
    from sockscope.tui.factory import build_app
    from sockscope.tui.log.message_log import MessageLog

    store = filled_store(int(rows))
    app = build_app(session=Session(store))
    results = []
    async with app.run_test(size=SIZE) as pilot:
        while app.query_one(MessageLog).row_count < len(store):
            await pilot.pause(0.01)
        await pilot.pause(0.1)
        for case in CASES:
            runs = [await _filter_once(app, case.spec) for _ in range(int(repeats))]
            naive, expected = _naive(store, case.spec)
            one_pass = min(_one_pass(store, case.spec) for _ in range(int(repeats)))
            if any(shown != expected for _, shown, _ in runs):
                raise RuntimeError(f"The filter {case.label} showed {runs}, not {expected} rows.")
            results.append(
                {
                    "seconds": min(seconds for seconds, _, _ in runs),
                    "max_lag_ms": max(max(lags, default=0.0) for _, _, lags in runs),
                    "naive": naive,
                    "pass": one_pass,
                    "rows": expected,
                }
            )
    return results


def _ms(seconds: float) -> str:
    return f"{seconds * 1000:.0f} ms"


def _row(case: Case, result: dict[str, Any], rows: int) -> Row:
    seconds, one_pass = result["seconds"], result["pass"]
    ratio = seconds / one_pass
    return Row(
        f"filter {rows:,} rows: {case.label}",
        f"{_ms(seconds)} (event loop held max {result['max_lag_ms']:.0f} ms)",
        f"{_ms(one_pass)} one pass over the buffer (per-row loop {_ms(result['naive'])})",
        ratio,
        f"<= {case.goal}x the pass",
        passed(ratio <= case.goal),
    )


def run(quick: bool = False) -> list[Row]:
    rows, repeats = (QUICK_ROWS, 1) if quick else (MILLION, FULL_REPEATS)
    results = child.measure("filters", "filters", rows, repeats)
    return [_row(case, result, rows) for case, result in zip(CASES, results, strict=True)]


MEASUREMENTS: dict[str, Any] = {"filters": _filters}

if __name__ == "__main__":
    child.serve(MEASUREMENTS)
