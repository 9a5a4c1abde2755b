"""Soak: the app on a 10,000 frames/s feed for ten minutes, with --max-frames and the journal.

Run on demand, never in the table's run (it takes ten minutes):

    python -m bench soak            10 minutes, 10,000 frames/s, --max-frames 100,000
    python -m bench soak --quick    10 seconds (a smoke test), --max-frames 20,000
    python -m bench.soak --minutes 30 --rate 5000 --max-frames 50000

The demo server (``sockscope serve``) runs in its own process and sends ``/ticks?rate=R``:
``{"type":"tick","seq":N,...}`` with N counting from 1. The app runs headless (160x50) in a
fresh process, connected to it with ``max_frames`` and a journal, as ``sockscope URL
--max-frames N`` would, its log following the tail. Every few seconds it notes its RSS and
its store's size; a 10 ms timer measures how late the event loop answers (trims included).
During the middle third a filter is on, and at its end the rows the log shows are checked
against a plain search of the store. When time is up the app quits as a user would (the
connection closed politely, the journal flushed and closed). Then this process reads the
journal line by line: every tick received must be there, numbered 1..N without a gap, and
the journal must hold exactly the rows the session recorded (those dropped and those kept).
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import re
import subprocess
import sys
import tempfile
import time
from array import array
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from statistics import median
from typing import TYPE_CHECKING, Any

import orjson

from bench import child
from bench.table import Row, passed, render_text

if TYPE_CHECKING:  # the child imports them when it runs (the parent never needs Textual)
    from sockscope.core.store.frames import FrameStore
    from sockscope.tui.log.message_log import MessageLog

RATE = 10_000
MINUTES = 10.0
MAX_FRAMES = 100_000
QUICK = (10 / 60, 20_000)
"""Minutes and max frames of ``--quick``."""
SIZE = (160, 50)
SAMPLES = 60
"""RSS samples over a run (one every 10 s in ten minutes)."""
WARM_UP = 0.1
"""Share of the run before RSS is expected to stay flat (the store fills up meanwhile)."""
FLAT_MB = 10.0
"""RSS may grow at most this much after the warm-up (a leak of 2 B a frame would show): the
median of the last quarter of the samples against that of the first quarter, as RSS moves by
a few MB from sample to sample (a trim copies the rows kept; freed memory returns late)."""
LAG_GOAL_MS = 50.0
SEVENS = r'"seq":\d*7,'
"""The filter of the middle third: ticks whose number ends in 7 (a tenth of them)."""
MB = 1_000_000


@dataclass(frozen=True)
class Plan:
    minutes: float
    rate: int
    max_frames: int

    @property
    def seconds(self) -> float:
        return self.minutes * 60

    @property
    def label(self) -> str:
        length = f"{self.seconds:.0f} s" if self.minutes < 1 else f"{self.minutes:g} min"
        return f"soak {length} at {self.rate:,} frames/s, --max-frames {self.max_frames:,}"


# -- the app's side (a child process) ---------------------------------------------------


def _shown_is_exact(log: MessageLog, store: FrameStore) -> tuple[bool, int]:
    """Whether the filtered log shows exactly the store's rows matching SEVENS, and how many."""
    log.refresh_rows()
    shown = [log.index_at(p) for p in range(log.row_count)]
    search = re.compile(SEVENS.encode()).search
    expected = [i for i in range(log.rows.view_start, len(store)) if search(store.payload(i))]
    return shown == expected, len(shown)


async def _app(url: str, seconds: str, max_frames: str, journal: str) -> dict[str, Any]:
    from bench.memory import rss
    from bench.probe import LoopProbe, percentile
    from sockscope.core.session.filtering import FilterSpec, compile_filter
    from sockscope.core.settings import ConnectionSettings
    from sockscope.tui.factory import build_app
    from sockscope.tui.log.message_log import MessageLog

    duration = float(seconds)
    app = build_app(
        ConnectionSettings(url),
        connect_now=True,
        journal_path=Path(journal),
        max_frames=int(max_frames),
    )
    samples: list[dict[str, float]] = []
    probe = LoopProbe()
    ticks, lags = array("d"), array("d")

    def drain_probe() -> None:
        """Keep the probe's samples compact: its list of tuples would grow ~7 MB in 10 min."""
        for t, lag in probe.timer:
            ticks.append(t)
            lags.append(lag * 1000)
        probe.timer.clear()

    filtered: dict[str, Any] = {}
    async with app.run_test(size=SIZE):
        probing = asyncio.create_task(probe.run())
        store, log = app.session.store, app.query_one(MessageLog)
        start = time.monotonic()
        began = time.time()
        phase = 0  # 0: no filter yet, 1: filter on, 2: filter off again
        check_start = check_end = 0.0
        next_sample = start
        while (now := time.monotonic()) < start + duration:
            if now >= next_sample:
                drain_probe()
                samples.append(
                    {
                        "t": now - start,
                        "rss": rss(),
                        "rows": len(store),
                        "dropped": store.dropped,
                        "received": store.frames_in,
                    }
                )
                next_sample += duration / SAMPLES
            if phase == 0 and now >= start + duration / 3:
                phase, dropped = 1, store.dropped
                log.set_filter(compile_filter(FilterSpec(SEVENS, regex=True)))
            elif phase == 1 and now >= start + 2 * duration / 3 and not log.scanning:
                phase = 2
                check_start = time.time()
                exact, shown = _shown_is_exact(log, store)
                check_end = time.time()
                filtered = {"exact": exact, "shown": shown, "dropped": store.dropped - dropped}
                log.set_filter(None)
            await asyncio.sleep(0.05)
        ended = time.time()
        probing.cancel()
        drain_probe()
    # The check's own stretch (a plain search of the store) is not the app's lag.
    measured = [
        lag
        for t, lag in zip(ticks, lags, strict=True)
        if began <= t <= ended and not check_start <= t <= check_end + 0.1
    ]
    return {
        "samples": samples,
        "rows": len(store),
        "dropped": store.dropped,
        "received": store.frames_in,
        "bytes_per_row": store.memory_bytes() / max(1, len(store)),
        "seconds": duration,
        "lag": [percentile(measured, 0.5), percentile(measured, 0.99), max(measured)],
        "filter": filtered,
    }


# -- this side: the server, the journal check, the rows ------------------------------------


@contextlib.contextmanager
def demo_server() -> Iterator[str]:
    """``sockscope serve`` in a child process; yields its base URL (ws://127.0.0.1:PORT)."""
    process = subprocess.Popen(
        [sys.executable, "-m", "sockscope", "serve", "--port", "0"],
        cwd=child.ROOT,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert process.stdout is not None
        banner = process.stdout.readline()
        found = re.search(r"ws://\S+", banner)
        if found is None:
            raise RuntimeError(f"The demo server did not start (it said {banner!r}).")
        yield found.group(0)
    finally:
        # Not SIGINT: a process started in the background ignores it, and so do its children.
        process.terminate()
        process.wait()


def check_journal(path: Path) -> dict[str, int]:
    """Read a journal line by line: rows, frames received, ticks, and ticks out of sequence."""
    rows = received = ticks = out_of_sequence = 0
    with path.open("rb") as journal:
        next(journal)  # the header
        for line in journal:
            record = orjson.loads(line)
            rows += 1
            if record["kind"] != "recv":
                continue
            received += 1
            if record["opcode"] == "text":
                ticks += 1
                if orjson.loads(record["text"])["seq"] != ticks:
                    out_of_sequence += 1
    return {"rows": rows, "received": received, "ticks": ticks, "out_of_sequence": out_of_sequence}


def _mb(value: float) -> str:
    return f"{value / MB:.0f} MB"


def rss_table(result: dict[str, Any]) -> str:
    """RSS over time as a Markdown table (for docs/performance.md)."""
    lines = ["| time | RSS | rows held | rows dropped | frames received |", "|---|---|---|---|---|"]
    for sample in result["samples"]:
        lines.append(
            f"| {sample['t']:.0f} s | {_mb(sample['rss'])} | {sample['rows']:,.0f}"
            f" | {sample['dropped']:,.0f} | {sample['received']:,.0f} |"
        )
    return "\n".join(lines)


def _rows(plan: Plan, result: dict[str, Any], journal: dict[str, int]) -> list[Row]:
    samples = result["samples"]
    settled = [s["rss"] for s in samples if s["t"] >= WARM_UP * result["seconds"]]
    quarter = max(1, len(settled) // 4)
    first, last = median(settled[:quarter]), median(settled[-quarter:])
    label = plan.label
    total_rows = result["dropped"] + result["rows"]
    unlimited = result["bytes_per_row"] * total_rows
    lag = result["lag"]
    seq_ok = journal["out_of_sequence"] == 0
    complete = (
        seq_ok
        and journal["received"] == result["received"]
        and journal["rows"] == total_rows
        and journal["ticks"] > 0
    )
    filtered = result["filter"]
    return [
        Row(
            f"{label}: app RSS after warm-up",
            f"{_mb(first)} -> {_mb(last)} (first/last quarter;"
            f" range {_mb(min(settled))}-{_mb(max(settled))})",
            f"store without --max-frames: ~{_mb(unlimited)}",
            last / first,
            f"grows <= {FLAT_MB:.0f} MB",
            passed(last - first <= FLAT_MB * MB),
        ),
        Row(
            f"{label}: journal",
            f"{journal['ticks']:,} ticks, seq 1..N {'contiguous' if seq_ok else 'BROKEN'};"
            f" {journal['rows']:,} rows ({journal['ticks'] / result['seconds']:,.0f} ticks/s)",
            f"{result['received']:,} frames received, {total_rows:,} rows recorded",
            None,
            "every frame, in order",
            passed(complete),
        ),
        Row(
            f"{label}: event-loop lag (10 ms timer)",
            f"p50 {lag[0]:.1f} / p99 {lag[1]:.1f} / max {lag[2]:.0f} ms",
            goal=f"p99 <= {LAG_GOAL_MS:.0f} ms",
            verdict=passed(lag[1] <= LAG_GOAL_MS),
        ),
        Row(
            f"{label}: filter across trims",
            f"{filtered.get('shown', 0):,} rows shown after {filtered.get('dropped', 0):,} dropped",
            "plain search of the store",
            goal="the same rows",
            verdict=passed(bool(filtered.get("exact"))),
        ),
    ]


def soak(plan: Plan, rss_out: Path | None = None) -> list[Row]:
    """Run the soak; optionally write the RSS-over-time table to ``rss_out``."""
    with tempfile.TemporaryDirectory(prefix="sockscope-soak-") as folder:
        journal = Path(folder) / "soak.jsonl"
        with demo_server() as base:
            result = child.measure(
                "soak",
                "app",
                f"{base}/ticks?rate={plan.rate}",
                plan.seconds,
                plan.max_frames,
                journal,
                timeout=plan.seconds + 120,
            )
        checked = check_journal(journal)
    if rss_out is not None:
        rss_out.write_text(rss_table(result) + "\n", encoding="utf-8")
    return _rows(plan, result, checked)


def run(quick: bool = False) -> list[Row]:
    minutes, max_frames = QUICK if quick else (MINUTES, MAX_FRAMES)
    return soak(Plan(minutes, RATE, max_frames))


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(
        prog="python -m bench.soak", description=__doc__.split("\n\n")[0]
    )
    parser.add_argument("--minutes", type=float, default=MINUTES)
    parser.add_argument("--rate", type=int, default=RATE, help="frames/s (1-10000)")
    parser.add_argument("--max-frames", type=int, default=MAX_FRAMES)
    parser.add_argument("--rss", type=Path, help="write RSS over time here (Markdown)")
    args = parser.parse_args(argv)
    print(render_text(soak(Plan(args.minutes, args.rate, args.max_frames), args.rss)))


MEASUREMENTS: dict[str, Any] = {"app": _app}

if __name__ == "__main__":
    if sys.argv[1:2] == ["app"]:
        child.serve(MEASUREMENTS)
    else:
        main()
