"""The benchmark suite runs to the end (``python -m bench --quick``).

A smoke test only: it proves every benchmark completes and reports every figure.
It asserts nothing about speed (shared machines are noisy; ratios live in bench/).
``bench`` is imported from the repository root (run the tests with ``python -m pytest``).
"""

from __future__ import annotations

import asyncio
import re
import subprocess
import sys
from pathlib import Path

import pytest
from bench.__main__ import BENCHMARKS, writes_table
from bench.ingest import Run, _picows, rows_for
from bench.table import END, START, Row, write_markdown

ROOT = Path(__file__).resolve().parent.parent
QUICK_SIZES = ("5,000 x 100 B", "5,000 x 4 KiB")
INGEST_FIGURES = (
    "core client (no UI)",
    "full app, journal off",
    "full app + journal (the default)",
    "event-loop lag (10 ms timer)",
    "app message-queue wait",
    "event-loop lag, journal on",
)
#: The start of every other row a quick run prints (sizes are the quick ones).
OTHER_ROWS = (
    "terminal 3,000 x 100 B: sockscope URL in tmux, journal on",
    "terminal 3,000 x 4 KiB: sockscope URL in tmux, journal on",
    "ingest 2,000 x 100 B: full app vs wscat",  # "not run" where npx has no wscat
    "key to frame under load (100 B firehose,",
    "memory 20,000 x 100 B: store alone, RSS growth",
    "memory 20,000 x 100 B: whole app + journal, peak RSS",
    'filter 20,000 rows: literal "type":"error"',
    'filter 20,000 rows: literal-prefixed regex "type":"err',
    'filter 20,000 rows: regex "seq":',
    "filter 20,000 rows: regex error|fatal, no literal (1%)",
    "key to frame, idle, 20,000 rows (page-down/end/home)",
    "open log 20,000 frames: core read_jsonl: first rows / fully loaded",
    "open log 20,000 frames: app open_log, on screen: first rows / fully loaded",
    "save log: 20,000 frames to JSONL",
    "key to frame typing in tab 1, 100 B firehose in tab 2",  # against tab 1 alone
    "key to frame typing in tab 1, 100 B firehose in tab 2",  # against hello-world
    "startup: launch to first frame",
    "replay --fast",
)
VERDICTS = ("pass", "fail", "—", "not run")


#: The table's benchmarks in two halves, run side by side (each half ~15 s alone): a smoke
#: test proves they complete, so the two cores may as well both work.
HALVES = (
    ("ingest", "terminal", "wscat", "under-load", "memory", "filter"),
    ("scroll", "open", "save", "tabs", "startup", "replay"),
)


def test_quick_benchmarks_complete_and_print_every_row() -> None:
    assert sorted(HALVES[0] + HALVES[1]) == sorted(BENCHMARKS)  # none left out
    runs = [
        subprocess.Popen(
            [sys.executable, "-m", "bench", "--quick", *half],
            cwd=ROOT,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for half in HALVES
    ]
    lines: list[str] = []
    for run in runs:
        out, err = run.communicate(timeout=180)
        assert run.returncode == 0, err
        table = out.splitlines()
        assert table[0].split() == ["figure", "ours", "baseline", "ratio", "goal", "pass/fail"]
        lines += table[2:]
    printed = "\n".join(lines)
    expected = [f"ingest {size}: {figure}" for size in QUICK_SIZES for figure in INGEST_FIGURES]
    for row in [*expected, *OTHER_ROWS]:
        found = [line for line in lines if line.startswith(row)]
        assert found, f"no row {row!r}:\n{printed}"
        verdict = re.split(r"\s{2,}", found[0].strip())[-1]
        assert verdict.startswith(VERDICTS), f"no verdict in {found[0]!r}"
    assert len(lines) == len(expected) + len(OTHER_ROWS), printed


def test_one_benchmark_runs_alone() -> None:
    done = subprocess.run(
        [sys.executable, "-m", "bench", "save", "--quick"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 0, done.stderr
    assert [line.split("  ")[0] for line in done.stdout.splitlines()[2:]] == [
        "save log: 20,000 frames to JSONL"
    ]


def test_an_unknown_benchmark_is_refused_with_the_known_names() -> None:
    done = subprocess.run(
        [sys.executable, "-m", "bench", "nope"], cwd=ROOT, capture_output=True, text=True
    )
    assert done.returncode == 2
    assert "unknown benchmark 'nope'; choose from ingest," in done.stderr


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


def test_only_a_full_run_of_every_benchmark_rewrites_the_table_unless_told() -> None:
    assert writes_table([], quick=False, write=None)
    assert not writes_table([], quick=True, write=None)  # CI's smoke test leaves the doc be
    assert not writes_table(["scroll"], quick=False, write=None)
    assert not writes_table([], quick=False, write=False)
    assert writes_table(["scroll"], quick=False, write=True)


def test_without_picows_its_rows_say_how_to_install_it(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "picows", None)  # what an install without the extra has
    missing = asyncio.run(_picows("ws://127.0.0.1:9/", 10))
    assert missing.missing == "not run: pip install sockscope[bench]"

    fast = Run("x", 1000, 1.0)
    runs = {"picows": [missing], "bare": [fast], "core": [fast], "app": [fast], "journal": [fast]}
    app_row = rows_for("10 x 100 B", 100, runs)[1]
    assert app_row.figure == "ingest 10 x 100 B: full app, journal off"
    assert (app_row.baseline, app_row.ratio, app_row.verdict) == (missing.missing, None, "not run")
