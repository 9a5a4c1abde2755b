"""Ingest: how fast frames from a firehose land in sockscope, against a bare client.

Five clients drain the same local firehose (:mod:`bench.firehose`), each run in a
fresh process so none inherits another's memory or warm caches:

- ``picows``: the Cython client (:mod:`bench.picows_client`), the limit of the work: the
  baseline of the app with the journal off;
- ``bare``: a websockets asyncio client, ``async for`` over the messages: the baseline of
  the app with the journal on (the default), which also writes every frame to disk;
- ``core``: sockscope's ``Connection`` recording into a ``Session``, no UI;
- ``app``: the full app, headless (``run_test(size=(160, 50))``), UI live and the log
  following the tail, while probes record how late a 10 ms timer fires (event-loop
  lag) and how long a callback waits in the app's message queue (where key presses wait);
- ``journal``: the same app also journaling every frame to a file, as ``sockscope URL``
  does by default.

A rate counts from the open handshake to the last frame recorded (received, for the
bare clients). Runs are interleaved (picows, bare, core, app, journal, picows, ...) so
machine noise hits them alike; the best run of each client is kept, as noise only slows
runs down. Lag percentiles are those of the median app run (information: the key-to-frame
rows judge responsiveness, by a ratio).

``python -m bench.ingest CLIENT URL COUNT`` measures one run and prints it as JSON:
that is how the benchmark starts each run.
"""

from __future__ import annotations

import asyncio
import statistics
import sys
import tempfile
import time
from collections.abc import Callable, Coroutine
from dataclasses import asdict, dataclass, field
from functools import partial
from pathlib import Path
from typing import Any

from websockets.asyncio.client import connect

from bench import child
from bench.firehose import Firehose
from bench.picows_client import Missing, drain
from bench.probe import INTERVAL, LoopProbe, percentile
from bench.table import Row, passed
from sockscope.core.events import Closed, Failed
from sockscope.core.session.session import Session
from sockscope.core.settings import ConnectionSettings
from sockscope.core.store.frames import Kind, Opcode
from sockscope.core.wire.connection import Connection

SIZES = (100, 4096)
FULL_COUNTS = {100: 300_000, 4096: 300_000}
"""Issue 5 asks for 300k frames (a 4 KiB run then holds 1.2 GB: steady state, not startup)."""
QUICK_COUNT = 5_000
FULL_REPEATS = 5
RUN_TIMEOUT = 120.0
APP_GOAL = {100: 1.0}
"""The app with the journal off against picows, per frame size."""
JOURNAL_GOAL = {100: 1.5, 4096: 1.0}
"""The app with the journal on (the default) against the bare websockets client."""
DATA = (Opcode.TEXT, Opcode.BINARY)


@dataclass
class Run:
    """One client draining one firehose connection."""

    client: str
    count: int
    seconds: float
    start: float = 0.0
    """When the run started (epoch seconds)."""
    missing: str = ""
    """Why the client could not run (picows not installed), else empty."""
    timer_lag_ms: list[float] = field(default_factory=list)
    """How late each tick of a 10 ms ticker ran during the ingest (app only)."""
    queue_lag_ms: list[float] = field(default_factory=list)
    """How long a callback posted to the app's message queue waited (app only)."""
    followed_tail: bool = True
    """The log showed the last row at the end (app only)."""

    @property
    def rate(self) -> float:
        return self.count / self.seconds


def settings_for(url: str) -> ConnectionSettings:
    return ConnectionSettings(
        url=url, compression=False, ping_interval=None, max_size=None, no_proxy=True
    ).validated()


async def _bare(url: str, count: int) -> Run:
    received = 0
    async with connect(url, compression=None, max_size=None, ping_interval=None, proxy=None) as ws:
        start = time.time()
        async for _ in ws:
            received += 1
            if received == count:
                break
        end = time.time()
    return Run("bare", received, end - start, start)


def _recorded(client: str, session: Session, count: int) -> Run:
    """The run as the store saw it: from the open row to the last data frame's row.

    Frames that came in the handshake's own read may be stored before the open row,
    so the run starts at whichever of the two came first.
    """
    store = session.store
    data = [i for i in range(len(store)) if store.opcode(i) in DATA and store.kind(i) is Kind.RECV]
    if len(data) != count:
        raise RuntimeError(f"The {client} client recorded {len(data)} of {count} frames.")
    opened = next(i for i in range(len(store)) if store.kind(i) is Kind.OPEN)
    start = min(store.time(opened), store.time(data[0]))
    return Run(client, count, store.time(data[-1]) - start, start=start)


async def _picows(url: str, count: int) -> Run:
    try:
        received, seconds, start = await drain(url, count)
    except Missing as reason:
        return Run("picows", 0, 1.0, missing=str(reason))
    return Run("picows", received, seconds, start)


async def _core(url: str, count: int) -> Run:
    session = Session()
    await Connection(settings_for(url), session).run()
    return _recorded("core", session, count)


async def _app(url: str, count: int, client: str = "app", **options: Any) -> Run:
    from sockscope.tui.factory import build_app
    from sockscope.tui.log.message_log import MessageLog

    app = build_app(settings_for(url), connect_now=True, **options)
    session = app.session
    probe = LoopProbe(app)
    probing = asyncio.create_task(probe.run())
    async with app.run_test(size=(160, 50)):
        while session.store.frames_in < count and not isinstance(
            session.last_event, Closed | Failed
        ):
            await asyncio.sleep(INTERVAL)
        await asyncio.sleep(0.1)  # the log catches up with the tail while the UI stays live
        log = app.query_one(MessageLog)
        followed = log.row_count == len(session.store) and log.is_vertical_scroll_end
    probing.cancel()
    run = _recorded(client, session, count)
    run.followed_tail = followed
    end = run.start + run.seconds
    run.timer_lag_ms = probe.lags(probe.timer, run.start, end)
    run.queue_lag_ms = probe.lags(probe.queue, run.start, end)
    return run


async def _journaled(url: str, count: int) -> Run:
    """The app as ``sockscope URL`` runs it: every frame also appended to a journal file."""
    with tempfile.TemporaryDirectory() as folder:
        return await _app(url, count, "journal", journal_path=Path(folder) / "journal.jsonl")


CLIENTS: dict[str, Callable[[str, int], Coroutine[Any, Any, Run]]] = {
    "picows": _picows,
    "bare": _bare,
    "core": _core,
    "app": _app,
    "journal": _journaled,
}


def measure_in_child(client: str, url: str, count: int) -> Run:
    """One run in a fresh Python process."""
    return Run(**child.measure("ingest", client, url, count, timeout=RUN_TIMEOUT))


def _rate(run: Run) -> str:
    return run.missing or f"{run.rate / 1000:.1f}k frames/s"


def _lag_row(figure: str, per_run: list[list[float]]) -> Row:
    """p50 and p99 of the median run (information: no goal)."""
    sampled = [samples for samples in per_run if samples]
    if not sampled:  # a --quick run can end before the first 10 ms tick
        return Row(figure, "run too short to sample")
    p50 = statistics.median_low(percentile(samples, 0.5) for samples in sampled)
    p99 = statistics.median_low(percentile(samples, 0.99) for samples in sampled)
    return Row(figure, f"p50 {p50:.1f} ms, p99 {p99:.1f} ms")


def _against(figure: str, ours: Run, limit: Run, name: str, goal: float | None) -> Row:
    """``ours``'s rate against ``limit``'s, judged by ``goal`` (a ratio) when there is one."""
    if limit.missing:
        return Row(figure, _rate(ours), limit.missing, None, f">= {goal}x", "not run")
    ratio = ours.rate / limit.rate
    if goal is None:
        return Row(figure, _rate(ours), f"{_rate(limit)} ({name})", ratio)
    return Row(
        figure, _rate(ours), f"{_rate(limit)} ({name})", ratio, f">= {goal}x", passed(ratio >= goal)
    )


def rows_for(label: str, size: int, runs: dict[str, list[Run]]) -> list[Row]:
    """The table rows of one frame size, from every run of every client."""
    best = {client: max(done, key=lambda run: run.rate) for client, done in runs.items()}
    bare, picows = best["bare"], best["picows"]
    followed = all(run.followed_tail for run in runs["app"] + runs["journal"])
    return [
        _against(
            f"ingest {label}: core client (no UI)", best["core"], bare, "bare websockets", None
        ),
        _against(
            f"ingest {label}: full app, journal off",
            best["app"],
            picows,
            "picows",
            APP_GOAL.get(size),
        ),
        _against(
            f"ingest {label}: full app + journal (the default)"
            + ("" if followed else " (log left the tail)"),
            best["journal"],
            bare,
            "bare websockets",
            JOURNAL_GOAL[size],
        ),
        _lag_row(
            f"ingest {label}: event-loop lag (10 ms timer)",
            [run.timer_lag_ms for run in runs["app"]],
        ),
        _lag_row(
            f"ingest {label}: app message-queue wait",
            [run.queue_lag_ms for run in runs["app"]],
        ),
        _lag_row(
            f"ingest {label}: event-loop lag, journal on",
            [run.timer_lag_ms for run in runs["journal"]],
        ),
    ]


def _label(size: int) -> str:
    return f"{size // 1024} KiB" if size % 1024 == 0 else f"{size} B"


def run(quick: bool = False) -> list[Row]:
    """Every ingest figure: each frame size, each client, interleaved repeats."""
    repeats = 1 if quick else FULL_REPEATS
    rows: list[Row] = []
    with Firehose() as firehose:
        for size in SIZES:
            count = QUICK_COUNT if quick else FULL_COUNTS[size]
            url = firehose.url(count, size)
            runs: dict[str, list[Run]] = {client: [] for client in CLIENTS}
            for repeat in range(repeats):
                for client in CLIENTS:
                    done = measure_in_child(client, url, count)
                    runs[client].append(done)
                    print(
                        f"ingest {count:,} x {_label(size)}, {client} {repeat + 1}/{repeats}:"
                        f" {_rate(done)}",
                        file=sys.stderr,
                        flush=True,
                    )
            rows += rows_for(f"{count:,} x {_label(size)}", size, runs)
    return rows


async def _measure(client: str, url: str, count: str) -> dict[str, Any]:
    return asdict(await CLIENTS[client](url, int(count)))


if __name__ == "__main__":
    child.serve({client: partial(_measure, client) for client in CLIENTS})
