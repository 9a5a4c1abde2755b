"""Ingest against wscat: the full app and the npm WebSocket CLI drain the same firehose.

wscat (``npx --yes wscat@6.0.1``, or a ``wscat`` on the PATH) is started once untimed, so
npm's download and node's start are never measured. Then each run connects it to an
endless 100 B feed (:mod:`bench.firehose`) with its stdin a pipe kept open; with stdout
not a terminal it prints each message on a line of its own, which this process counts.
Its rate runs from the first message line to the Nth. wscat is stopped then, not left to
see the server close: node exits on a close before its piped output is all written.

The app is measured as :mod:`bench.ingest` measures it (fresh process, UI live, from the
open to the Nth frame). Runs are interleaved and the best of each kept. Without node the
row says "not run" and why.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
import time

from bench.firehose import Firehose
from bench.ingest import measure_in_child
from bench.table import Row, passed

WSCAT = "wscat@6.0.1"
FULL_COUNT, QUICK_COUNT = 100_000, 2_000
FULL_REPEATS = 3
GOAL_RATIO = 1.5
ENDLESS = 10**12
SETUP_TIMEOUT = 120.0
RUN_TIMEOUT = 60.0
FIGURE = "ingest {count:,} x 100 B: full app vs wscat"


class NotRun(Exception):
    """wscat cannot run here; ``str()`` says why."""


def wscat_command(download: bool) -> list[str]:
    """How to start wscat here, checked by running ``--version`` (untimed).

    Without ``download`` (quick runs: CI's smoke test) npx may only use a wscat it has.
    """
    if shutil.which("wscat"):
        command = ["wscat"]
    elif shutil.which("npx"):
        command = ["npx", "--yes" if download else "--no", "--", WSCAT]
    else:
        raise NotRun("no wscat or npx on the PATH")
    try:
        subprocess.run(
            [*command, "--version"], capture_output=True, timeout=SETUP_TIMEOUT, check=True
        )
    except (OSError, subprocess.SubprocessError) as exc:
        raise NotRun(f"{' '.join(command)} --version failed: {type(exc).__name__}") from None
    return command


def wscat_rate(command: list[str], url: str, count: int) -> float:
    """Messages per second wscat printed, from its first message line to the ``count``th."""
    process = subprocess.Popen(
        [*command, "-c", url],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
    )
    assert process.stdout is not None
    deadline = time.monotonic() + RUN_TIMEOUT
    first = last = 0.0
    seen = 0
    try:
        for line in process.stdout:
            if not line.startswith(b'{"type":"tick"'):
                continue  # "Connected (press CTRL+C to quit)" and the like
            last = time.perf_counter()
            seen += 1
            if seen == 1:
                first = last
            if seen == count or time.monotonic() > deadline:
                break
    finally:
        process.kill()
        process.wait()
    if seen < count:
        raise NotRun(f"wscat printed {seen} of {count} messages")
    return (count - 1) / (last - first)


def _rate(rate: float) -> str:
    return f"{rate / 1000:.1f}k frames/s"


def run(quick: bool = False) -> list[Row]:
    count = QUICK_COUNT if quick else FULL_COUNT
    figure = FIGURE.format(count=count)
    goal = f">= {GOAL_RATIO}x"
    try:
        command = wscat_command(download=not quick)
    except NotRun as reason:
        return [Row(figure, f"not run ({reason})", goal=goal, verdict="not run")]
    app_rates, wscat_rates = [], []
    with Firehose() as firehose:
        for repeat in range(1 if quick else FULL_REPEATS):
            try:
                wscat_rates.append(wscat_rate(command, firehose.url(ENDLESS, 100), count))
            except NotRun as reason:
                return [Row(figure, f"not run ({reason})", goal=goal, verdict="not run")]
            app_rates.append(measure_in_child("app", firehose.url(count, 100), count).rate)
            print(
                f"wscat {repeat + 1}: app {_rate(app_rates[-1])}, wscat {_rate(wscat_rates[-1])}",
                file=sys.stderr,
                flush=True,
            )
    ours, theirs = max(app_rates), max(wscat_rates)
    return [
        Row(
            figure,
            _rate(ours),
            f"{_rate(theirs)} ({WSCAT})",
            ours / theirs,
            goal,
            passed(ours / theirs >= GOAL_RATIO),
        )
    ]
