"""Save log: a million frames written to a JSONL log, against writing the same bytes at once.

``core.formats.journal.write_store`` saves the store (what ctrl+s does, in a thread). The
baseline is the limit of the work: the very bytes it wrote, written again with one ``write``
to a new file (encoding nothing). The obvious loop, one ``orjson.dumps`` of a dict per row,
is shown as information. All run in one fresh process, interleaved, :data:`FULL_REPEATS`
times; the best of each is kept.
"""

from __future__ import annotations

import tempfile
import time
from pathlib import Path
from typing import Any

import orjson

from bench import child
from bench.table import Row, passed
from bench.workload import MILLION, filled_store
from sockscope.core.formats.journal import write_store
from sockscope.core.formats.model import LogHeader
from sockscope.core.store.frames import FrameStore

FULL_REPEATS = 3
QUICK_FRAMES = 20_000
GOAL_RATIO = 2.0
"""In times one ``write`` of the same bytes."""
HEADER = LogHeader(url="ws://127.0.0.1/bench")


def _naive(path: Path, store: FrameStore, header: LogHeader) -> None:
    """One dict per row through ``orjson.dumps``, lines joined in batches."""
    dumps, time_of, payload = orjson.dumps, store.time, store.payload
    with path.open("wb") as handle:
        handle.write(dumps({"sockscope": 1, "url": header.url}) + b"\n")
        for first in range(0, len(store), 4096):
            lines = [
                dumps(
                    {
                        "t": time_of(i),
                        "kind": "recv",
                        "opcode": "text",
                        "text": payload(i).decode(),
                        "size": store.size(i),
                    }
                )
                for i in range(first, min(len(store), first + 4096))
            ]
            lines.append(b"")
            handle.write(b"\n".join(lines))


def _write_once(path: Path, data: bytes) -> float:
    """Seconds to write ``data`` to a new file ``path`` with one ``write``."""
    start = time.perf_counter()
    with path.open("wb") as handle:
        handle.write(data)
    return time.perf_counter() - start


def _save(frames: str, repeats: str) -> dict[str, float]:
    store = filled_store(int(frames))
    ours: list[float] = []
    naive: list[float] = []
    once: list[float] = []
    with tempfile.TemporaryDirectory(prefix="sockscope-bench-") as scratch:
        path, copy = Path(scratch, "saved.jsonl"), Path(scratch, "copy.jsonl")
        for _ in range(int(repeats)):
            for save, times in ((write_store, ours), (_naive, naive)):
                path.unlink(missing_ok=True)  # not timed: dropping the last run's file
                start = time.perf_counter()
                save(path, store, HEADER)
                times.append(time.perf_counter() - start)
            write_store(path, store, HEADER)  # not timed: the bytes ours writes
            data = path.read_bytes()
            copy.unlink(missing_ok=True)
            once.append(_write_once(copy, data))
    return {"ours": min(ours), "naive": min(naive), "once": min(once), "bytes": len(data)}


def run(quick: bool = False) -> list[Row]:
    frames, repeats = (QUICK_FRAMES, 1) if quick else (MILLION, FULL_REPEATS)
    result = child.measure("save_log", "save", frames, repeats)
    ours, once = result["ours"], result["once"]
    return [
        Row(
            f"save log: {frames:,} frames to JSONL",
            f"{ours:.2f} s",
            f"{once:.2f} s one write of the same {result['bytes'] / 1e6:.0f} MB"
            f" (orjson.dumps per row {result['naive']:.2f} s)",
            ours / once,
            f"<= {GOAL_RATIO}x",
            passed(ours / once <= GOAL_RATIO),
        )
    ]


MEASUREMENTS: dict[str, Any] = {"save": _save}

if __name__ == "__main__":
    child.serve(MEASUREMENTS)
