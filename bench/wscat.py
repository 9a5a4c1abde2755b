"""Ingest against wscat: the full app and the npm WebSocket CLI drain the same firehose.

wscat is a ``wscat`` on the PATH or else ``wscat@6.0.1`` through npx. npx only finds (and,
in full runs, downloads) it, once and untimed: it prints the path of the installed
``wscat`` script, which every run then starts directly, so neither npm (which asks the
registry about the package on every call) nor a download is ever timed. npx is told to
prefer its cache and not to retry, and is stopped after a minute, so a machine without
network fails quickly; quick runs (CI's smoke test) never use the network (``--offline``).

Each run connects wscat to an endless 100 B feed (:mod:`bench.firehose`) with its stdin a
pipe kept open. With stdout not a terminal, wscat 6 writes each message received on a line
of its own (no ``< `` marker, no ``> `` prompt, no "Connected" line), which this process
counts. Its rate runs from the first message line to the Nth, so node's start and the
handshake are not counted (the app's rate includes its handshake). wscat is stopped then,
not left to see the server close: node exits on a close before its piped output is all
written.

The app is measured as :mod:`bench.ingest` measures it (fresh process, UI live, from the
open to the Nth frame). Runs are interleaved and the best of each kept. Without node, or
when wscat cannot be found or started, the row says "not run" and why.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
import subprocess
import sys
import threading
import time

from bench.firehose import Firehose, payload
from bench.ingest import measure_in_child
from bench.table import Row, passed

WSCAT = "wscat@6.0.1"
SIZE = 100
FULL_COUNT, QUICK_COUNT = 100_000, 2_000
FULL_REPEATS = 3
GOAL_RATIO = 1.5
ENDLESS = 10**12
SETUP_TIMEOUT = 60.0
"""Cap on finding wscat with npx (a download takes seconds; no network must not hang us)."""
RUN_TIMEOUT = 60.0
FIGURE = "ingest {count:,} x 100 B: full app vs wscat"
MESSAGE = payload(SIZE)[:14]
"""Every message line holds this (``{"type":"tick"``); searched for anywhere in a line."""


class NotRun(Exception):
    """wscat cannot run here; ``str()`` says why."""


def _kill_group(pid: int) -> None:
    """Kill the process group ``pid`` leads (npx runs wscat in a child of a child)."""
    with contextlib.suppress(ProcessLookupError):
        os.killpg(pid, signal.SIGKILL)


def _stop(process: subprocess.Popen[bytes]) -> None:
    """Kill ``process`` and whatever it started (it leads its own session), then reap it."""
    if process.poll() is None:  # not reaped yet, so its id is still its group's
        _kill_group(process.pid)
    process.wait()


def _capped(command: list[str], timeout: float) -> str:
    """``command``'s stdout; :class:`NotRun` if it fails or outlives ``timeout`` seconds."""
    process = subprocess.Popen(
        command,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        start_new_session=True,
    )
    try:
        out, err = process.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        _stop(process)
        raise NotRun(f"{command[0]} took over {timeout:.0f} s") from None
    if process.returncode != 0:
        errors = [line for line in err.decode(errors="replace").splitlines() if "error" in line]
        raise NotRun(f"{command[0]} failed: {errors[0] if errors else process.returncode}")
    return out.decode(errors="replace").strip()


def find_wscat(download: bool) -> tuple[str, str]:
    """The wscat script to run and the version it reports, checked by running it (untimed).

    A ``wscat`` on the PATH wins; else npx finds ``wscat@6.0.1`` in its cache or (with
    ``download``) fetches it. :class:`NotRun` says why there is none.
    """
    script = shutil.which("wscat")
    if script is None:
        npx = shutil.which("npx")
        if npx is None:
            raise NotRun("no wscat/npx")
        cache = ["--prefer-offline", "--yes"] if download else ["--offline", "--no"]
        where = [npx, *cache, "--fetch-retries=0", "--package", WSCAT, "--call", "command -v wscat"]
        lines = _capped(where, SETUP_TIMEOUT).splitlines()
        if not lines or not os.access(lines[-1], os.X_OK):
            raise NotRun(f"npx printed no wscat script: {lines[-1:]!r}")
        script = lines[-1]
    version = _capped([script, "--version"], RUN_TIMEOUT)
    return script, f"wscat@{version}"


def wscat_rate(script: str, url: str, count: int) -> float:
    """Messages per second wscat printed, from its first message line to the ``count``th."""
    process = subprocess.Popen(
        [script, "--connect", url],
        stdin=subprocess.PIPE,  # kept open: at the end of its stdin wscat closes and exits
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    assert process.stdout is not None and process.stdin is not None
    watchdog = threading.Timer(RUN_TIMEOUT, _kill_group, (process.pid,))
    watchdog.start()
    first = last = 0.0
    seen = 0
    try:
        for line in process.stdout:  # ends at EOF: wscat exited, or the watchdog killed it
            if MESSAGE not in line:
                continue
            last = time.perf_counter()
            seen += 1
            if seen == 1:
                first = last
            if seen == count:
                break
    finally:
        watchdog.cancel()
        _stop(process)
        process.stdout.close()
        process.stdin.close()
    if seen < count:
        raise NotRun(f"wscat printed {seen:,} of {count:,} messages")
    return (count - 1) / (last - first)


def _rate(rate: float) -> str:
    return f"{rate / 1000:.1f}k frames/s"


def run(quick: bool = False) -> list[Row]:
    """The app's best rate against wscat's, runs interleaved (or a "not run" row)."""
    count = QUICK_COUNT if quick else FULL_COUNT
    repeats = 1 if quick else FULL_REPEATS
    figure = FIGURE.format(count=count)
    goal = f">= {GOAL_RATIO}x"
    app_rates: list[float] = []
    wscat_rates: list[float] = []
    try:
        script, version = find_wscat(download=not quick)
        with Firehose() as firehose:
            for repeat in range(repeats):
                wscat_rates.append(wscat_rate(script, firehose.url(ENDLESS, SIZE), count))
                app_rates.append(measure_in_child("app", firehose.url(count, SIZE), count).rate)
                print(
                    f"wscat {count:,} x {SIZE} B, {repeat + 1}/{repeats}:"
                    f" app {_rate(app_rates[-1])}, {version} {_rate(wscat_rates[-1])}",
                    file=sys.stderr,
                    flush=True,
                )
    except NotRun as reason:
        return [Row(figure, f"not run ({reason})", goal=goal, verdict="not run")]
    ours, theirs = max(app_rates), max(wscat_rates)
    return [
        Row(
            figure,
            _rate(ours),
            f"{_rate(theirs)} ({version})",
            ours / theirs,
            goal,
            passed(ours / theirs >= GOAL_RATIO),
        )
    ]
