"""``python -m bench [NAME ...] [--quick] [--[no-]write]``: run benchmarks, print one table.

Run from the repository root. Each benchmark compares sockscope with a baseline
measured in the same run (ratios, not absolute times: machines are shared and noisy).
``--quick`` runs short versions (CI's smoke test: it proves they complete, nothing
about speed). A full run of every benchmark also puts the table into docs/performance.md
(``--no-write``: print only); ``--write`` writes the table of any other run too. The soak
(ten minutes; :mod:`bench.soak`) runs only when named: ``python -m bench soak``.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable
from importlib import import_module
from pathlib import Path

from bench.table import Row, render_text, write_markdown

#: Every benchmark, in the order of the table: name -> its module, which has
#: ``run(quick: bool) -> list[Row]``. Adding a benchmark is one line here.
BENCHMARKS: dict[str, str] = {
    "ingest": "bench.ingest",
    "terminal": "bench.terminal",
    "wscat": "bench.wscat",
    "under-load": "bench.under_load",
    "memory": "bench.memory",
    "filter": "bench.filters",
    "scroll": "bench.scroll",
    "open": "bench.open_log",
    "save": "bench.save_log",
    "tabs": "bench.tabs",
    "startup": "bench.startup",
    "replay": "bench.replay",
}
#: Run only when named, and never written into the table (they take minutes).
ON_DEMAND: dict[str, str] = {"soak": "bench.soak"}
DOC = Path(__file__).resolve().parent.parent / "docs" / "performance.md"


def writes_table(names: list[str], quick: bool, write: bool | None) -> bool:
    """Whether a run rewrites docs/performance.md: asked to, or else a full run of them all."""
    return write if write is not None else not names and not quick


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m bench",
        description="Run sockscope's benchmarks; print one table of ratios against baselines.",
    )
    known = BENCHMARKS | ON_DEMAND
    parser.add_argument("names", nargs="*", metavar="NAME", help=f"any of: {', '.join(known)}")
    parser.add_argument("--quick", action="store_true", help="short runs (a smoke test)")
    parser.add_argument(
        "--write",
        action=argparse.BooleanOptionalAction,
        help="update docs/performance.md (default: only after a full run of every benchmark)",
    )
    args = parser.parse_args(argv)
    unknown = [name for name in args.names if name not in known]
    if unknown:
        parser.error(f"unknown benchmark {unknown[0]!r}; choose from {', '.join(known)}")
    write = writes_table(args.names, args.quick, args.write)
    if write and ON_DEMAND.keys() & set(args.names):
        parser.error(f"--write takes only the table's benchmarks, not {', '.join(ON_DEMAND)}")
    rows: list[Row] = []
    for name in args.names or BENCHMARKS:
        run: Callable[[bool], list[Row]] = import_module(known[name]).run
        rows += run(args.quick)
    print(render_text(rows))
    if write:
        write_markdown(DOC, rows, quick=args.quick)
        print(f"\nwritten to {DOC}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
