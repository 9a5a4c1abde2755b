"""Ingest in a real terminal: ``sockscope URL`` in tmux against a bare websockets client.

A row of ``python -m bench`` (``terminal``; "not run" without tmux), and a command for
other sizes:

    python -m bench.terminal [--size 4096] [--count 100000] [--repeats 3]

For each run the app drains the firehose (:mod:`bench.firehose`) in a 160x50 tmux pane,
as a user runs it: journal on (the default; ``--record`` names the file, in a temporary
directory) and off (``--no-journal``). The screen is read every 20 ms; a run counts from
the status line first saying OPEN to it saying CLOSED (the firehose closes after its
last frame, which the log then shows), so the rate is that of frames reaching the screen.
The bare client is :mod:`bench.ingest`'s. Runs are interleaved; the best of each is kept.
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from bench.firehose import Firehose
from bench.ingest import measure_in_child
from bench.table import Row, passed

POLL = 0.02
TIMEOUT = 120.0


def _tmux(socket: str, *args: str) -> str:
    done = subprocess.run(["tmux", "-L", socket, *args], capture_output=True, text=True, check=True)
    return done.stdout


def size_of(url: str) -> int:
    return int(url.rsplit("size=", 1)[1])


def app_rate(url: str, count: int, journal: bool) -> float:
    """Frames a second reaching the screen of ``sockscope URL`` in a tmux pane."""
    socket = f"sockscope-bench-{os.getpid()}-{time.monotonic_ns()}"  # one tmux server a run
    with tempfile.TemporaryDirectory() as state:
        env = {**os.environ, "XDG_STATE_HOME": state, "TERM": "xterm-256color"}
        env["LC_ALL"] = "C.UTF-8"
        command = [sys.executable, "-m", "sockscope", url, "--no-compression", "--no-proxy"]
        record = Path(state) / "journal.jsonl"
        command += ["--ping-interval", "0"]
        command += ["--record", str(record)] if journal else ["--no-journal"]
        subprocess.run(
            [
                "tmux",
                "-L",
                socket,
                "-f",
                "/dev/null",
                "new-session",
                "-d",
                "-x",
                "160",
                "-y",
                "50",
                *command,
            ],
            env=env,
            check=True,
        )
        try:
            waiting = opened = closed = 0.0
            deadline = time.monotonic() + TIMEOUT
            while not closed and time.monotonic() < deadline:
                screen = _tmux(socket, "capture-pane", "-p")
                now = time.monotonic()
                if "closed 1000" in screen:  # the firehose closes after its last frame
                    closed = now
                    # A short run may open and close between two looks at the screen: it
                    # then counts from the last look that saw it not open yet.
                    opened = opened or waiting
                elif " OPEN " in screen:
                    opened = opened or now
                elif not opened:
                    waiting = now  # the last look before the connection opened
                time.sleep(POLL)
            if not closed:
                raise RuntimeError(f"The app did not finish in {TIMEOUT:.0f} s.")
            if journal and not record.stat().st_size > count * size_of(url):
                raise RuntimeError(f"The journal holds {record.stat().st_size:,} bytes only.")
        finally:
            _tmux(socket, "kill-server")
    return count / max(closed - opened, POLL)


def best_rates(size: int, count: int, repeats: int, verbose: bool = False) -> dict[str, float]:
    """The best rate of each of bare, journal off and journal on, runs interleaved."""
    best = {"bare": 0.0, "journal off": 0.0, "journal on": 0.0}
    with Firehose() as firehose:
        url = firehose.url(count, size)
        for repeat in range(repeats):
            rates = {
                "bare": measure_in_child("bare", url, count).rate,
                "journal off": app_rate(url, count, journal=False),
                "journal on": app_rate(url, count, journal=True),
            }
            for name, rate in rates.items():
                best[name] = max(best[name], rate)
                if verbose:
                    print(f"{repeat + 1}/{repeats} {name}: {rate / 1000:.1f}k frames/s")
    return best


#: (frame size, frames, goal as a ratio to the bare client) of each row, as issue 14 set.
ROWS = ((100, 300_000, 1.5), (4096, 100_000, 1.0))
QUICK_COUNT = 3_000


def run(quick: bool = False) -> list[Row]:
    """The default session (journal on) in a real terminal, against a bare client."""
    rows = []
    for size, count, goal in ROWS:
        count = QUICK_COUNT if quick else count
        unit = "4 KiB" if size == 4096 else f"{size} B"
        figure = f"terminal {count:,} x {unit}: sockscope URL in tmux, journal on"
        if shutil.which("tmux") is None:
            rows.append(Row(figure, "not run (no tmux)", goal=f">= {goal}x", verdict="not run"))
            continue
        best = best_rates(size, count, 1 if quick else 3)
        ratio = best["journal on"] / best["bare"]
        rows.append(
            Row(
                figure,
                f"{best['journal on'] / 1000:.0f}k frames/s"
                f" (journal off {best['journal off'] / 1000:.0f}k)",
                f"bare client {best['bare'] / 1000:.0f}k frames/s",
                ratio,
                f">= {goal}x",
                passed(ratio >= goal),
            )
        )
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--size", type=int, default=4096)
    parser.add_argument("--count", type=int, default=100_000)
    parser.add_argument("--repeats", type=int, default=3)
    args = parser.parse_args()
    if shutil.which("tmux") is None:
        sys.exit("bench.terminal needs tmux.")
    best = best_rates(args.size, args.count, args.repeats, verbose=True)
    for name, rate in best.items():
        ratio = rate / best["bare"]
        print(f"{args.count:,} x {args.size} B, {name}: {rate / 1000:.1f}k/s, {ratio:.2f}x bare")


if __name__ == "__main__":
    main()
