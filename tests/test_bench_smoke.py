"""The benchmark suite runs to the end (``python -m bench --quick``).

A smoke test only: it proves every benchmark completes and reports every figure.
It asserts nothing about speed (shared machines are noisy; ratios live in bench/).
``bench`` is imported from the repository root (run the tests with ``python -m pytest``).
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from bench.table import END, START, Row, write_markdown

ROOT = Path(__file__).resolve().parent.parent
QUICK_SIZES = ("5,000 x 100 B", "5,000 x 4 KiB")
INGEST_FIGURES = (
    "core client (no UI)",
    "full app, UI live",
    "event-loop lag (10 ms timer)",
    "app message-queue wait",
)


def test_quick_benchmarks_complete_and_print_every_row() -> None:
    done = subprocess.run(
        [sys.executable, "-m", "bench", "--quick"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    lines = done.stdout.splitlines()
    assert lines[0].split() == ["figure", "ours", "baseline", "ratio", "goal", "pass/fail"]
    for size in QUICK_SIZES:
        for figure in INGEST_FIGURES:
            row = f"ingest {size}: {figure}"
            assert any(line.startswith(row) for line in lines), f"no row {row!r}:\n{done.stdout}"


def test_write_markdown_replaces_only_the_marked_table(tmp_path: Path) -> None:
    doc = tmp_path / "performance.md"
    write_markdown(doc, [Row("first figure", "1 op/s")])
    doc.write_text("# Intro\n\n" + doc.read_text() + "\n## Findings\nkept\n")

    write_markdown(doc, [Row("new figure", "2 op/s", "1 op/s", 2.0, ">= 1.0x", "pass")])

    text = doc.read_text()
    assert text.startswith("# Intro\n")
    assert text.endswith("## Findings\nkept\n")
    assert "first figure" not in text
    assert "| new figure | 2 op/s | 1 op/s | 2.00x | >= 1.0x | pass |" in text
    assert text.count(START) == text.count(END) == 1
