"""Replay: ``replay --fast`` against the mock server, against a bare client doing the same.

A log of 100,000 client messages (100 B of JSON each), each answered by the server with
the same bytes, is served by ``sockscope serve --replay LOG --fast`` in its own process
(the real command: it waits for each recorded client message, compares it, answers).
Two clients replay the log's client side against it, each run in a fresh process:

- ``bare``: a websockets asyncio client: one task sends every message, ``async for``
  counts the answers (the baseline);
- ``replay``: sockscope's :class:`~sockscope.core.replay.replayer.Replayer` with ``speed=None``
  (what ``replay --fast`` runs), recording both directions into a ``Session``.

A rate is messages answered per second, from the open handshake to the last answer
(received, for the bare client; recorded, for the replayer). Runs are interleaved and
repeated; the best of each client is kept.
"""

from __future__ import annotations

import asyncio
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from websockets.asyncio.client import connect

from bench import child
from bench.table import Row, passed
from bench.workload import frame
from sockscope.core.formats.journal import write_store
from sockscope.core.formats.load import load_log
from sockscope.core.formats.model import LogHeader
from sockscope.core.replay.plan import ReplayPlan
from sockscope.core.replay.replayer import Replayer
from sockscope.core.session.session import Session
from sockscope.core.settings import ConnectionSettings
from sockscope.core.store.frames import FrameStore, Kind, Opcode

FULL_COUNT = 100_000
QUICK_COUNT = 2_000
FULL_REPEATS = 3
GOAL = 0.5
T0 = 1_763_632_800.0


def write_log(path: Path, count: int) -> None:
    """``count`` exchanges: the client sends a message, the server answers the same bytes."""
    store = FrameStore()
    store.append_event(T0, Kind.OPEN, {"url": "ws://127.0.0.1/", "subprotocol": None})
    for seq in range(count):
        payload = frame(seq)
        store.append(T0 + seq * 1e-5, Kind.SEND, Opcode.TEXT, payload)
        store.append(T0 + seq * 1e-5, Kind.RECV, Opcode.TEXT, payload)
    write_store(path, store, LogHeader(url="ws://127.0.0.1/"))


def _plan(log: str) -> ReplayPlan:
    return ReplayPlan.from_store(load_log(log).store)


async def _bare(url: str, log: str) -> float:
    """Messages answered per second for a websockets client sending the log's messages."""
    messages = [item.message.payload.decode() for item in _plan(log).sends]
    async with connect(url, compression=None, max_size=None, ping_interval=None, proxy=None) as ws:
        start = time.time()

        async def send_all() -> None:
            for message in messages:
                await ws.send(message)

        sending = asyncio.create_task(send_all())
        received = 0
        async for _ in ws:
            received += 1
            if received == len(messages):
                break
        end = time.time()
        await sending
    return received / (end - start)


async def _replay(url: str, log: str) -> float:
    """Messages answered per second for ``replay --fast``, from the recorded rows."""
    plan = _plan(log)
    settings = ConnectionSettings(
        url=url, compression=False, ping_interval=None, max_size=None, no_proxy=True
    ).validated()
    session = Session()
    result = await Replayer(plan, settings, session, speed=None).run()
    if len(result.responses) != len(plan.responses):
        raise RuntimeError(f"replay got {len(result.responses)} of {len(plan.responses)} answers")
    store = session.store
    rows = range(len(store))
    opened = next(i for i in rows if store.kind(i) is Kind.OPEN)
    last = max(i for i in rows if store.kind(i) is Kind.RECV and store.opcode(i) is Opcode.TEXT)
    return len(result.responses) / (store.time(last) - store.time(opened))


class MockProcess:
    """``sockscope serve --replay LOG --fast`` in a child process, for a ``with`` block."""

    def __init__(self, log: Path) -> None:
        command = ["-m", "sockscope", "serve", "--replay", str(log), "--fast", "--port", "0"]
        self.process = subprocess.Popen(
            [sys.executable, *command],
            cwd=child.ROOT,
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
            text=True,
        )
        assert self.process.stdout is not None
        banner = self.process.stdout.readline()
        if not banner.startswith("sockscope mock server on "):
            self.close()
            raise RuntimeError(f"The mock server did not start (it said {banner!r}).")
        self.url = banner.split()[4]

    def close(self) -> None:
        self.process.send_signal(signal.SIGINT)
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()


def run(quick: bool = False) -> list[Row]:
    count = QUICK_COUNT if quick else FULL_COUNT
    repeats = 1 if quick else FULL_REPEATS
    rates: dict[str, list[float]] = {"bare": [], "replay": []}
    with tempfile.TemporaryDirectory(prefix="sockscope-bench-replay-") as scratch:
        log = Path(scratch) / "replay.jsonl"
        write_log(log, count)
        mock = MockProcess(log)
        try:
            for repeat in range(repeats):
                for client, done in rates.items():
                    done.append(float(child.measure("replay", client, mock.url, log)))
                    print(
                        f"replay {count:,}, {client} {repeat + 1}/{repeats}:"
                        f" {done[-1] / 1000:.1f}k msg/s",
                        file=sys.stderr,
                        flush=True,
                    )
        finally:
            mock.close()
    ours, base = max(rates["replay"]), max(rates["bare"])
    return [
        Row(
            f"replay --fast {count:,} x 100 B against serve --replay",
            f"{ours / 1000:.1f}k msg/s",
            f"{base / 1000:.1f}k msg/s (bare websockets client)",
            ours / base,
            f">= {GOAL}x (#4)",
            passed(ours / base >= GOAL),
        )
    ]


MEASUREMENTS: dict[str, Any] = {"bare": _bare, "replay": _replay}

if __name__ == "__main__":
    child.serve(MEASUREMENTS)
