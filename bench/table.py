"""The results table: printed on the terminal, and kept in docs/performance.md.

Every benchmark returns :class:`Row` objects; this module only formats them and records
the machine they were measured on. In ``docs/performance.md`` only the part between the
two markers is rewritten, so the prose around it (profiles, explanations) stays.
"""

from __future__ import annotations

import datetime
import os
import platform
import sys
from collections.abc import Sequence
from dataclasses import dataclass
from importlib.metadata import version
from pathlib import Path

HEADER = ("figure", "ours", "baseline", "ratio", "goal", "pass/fail")
START = "<!-- bench:start (written by `python -m bench`; edits here are overwritten) -->"
END = "<!-- bench:end -->"
NONE = "—"


@dataclass(frozen=True)
class Row:
    """One measured figure; ``verdict`` is "pass", "fail", "not run" or a per-goal summary."""

    figure: str
    ours: str
    baseline: str = NONE
    ratio: float | None = None
    goal: str = NONE
    verdict: str = NONE

    def cells(self) -> tuple[str, ...]:
        ratio = NONE if self.ratio is None else f"{self.ratio:.2f}x"
        return (self.figure, self.ours, self.baseline, ratio, self.goal, self.verdict)


def passed(ok: bool) -> str:
    return "pass" if ok else "fail"


def machine_facts() -> list[str]:
    """What the figures depend on: cores, interpreter and library versions, the date."""
    return [
        f"CPUs: {os.cpu_count()} ({platform.machine()}, {platform.system()})",
        f"Python {platform.python_version()} ({sys.implementation.name}),"
        f" Textual {version('textual')}, websockets {version('websockets')}",
        f"Date: {datetime.date.today().isoformat()}",
    ]


def render_text(rows: Sequence[Row]) -> str:
    """An aligned plain-text table for the terminal."""
    table = [HEADER, *(row.cells() for row in rows)]
    widths = [max(len(line[i]) for line in table) for i in range(len(HEADER))]
    lines = ["  ".join(cell.ljust(w) for cell, w in zip(row, widths, strict=True)) for row in table]
    lines.insert(1, "  ".join("-" * w for w in widths))
    return "\n".join(line.rstrip() for line in lines)


def render_markdown(rows: Sequence[Row], *, quick: bool = False) -> str:
    """The table and the machine facts, as the Markdown section of docs/performance.md."""
    lines = ["| " + " | ".join(HEADER) + " |", "|" + "---|" * len(HEADER)]
    for row in rows:
        lines.append("| " + " | ".join(cell.replace("|", "\\|") for cell in row.cells()) + " |")
    lines.append("")
    if quick:
        lines.append("*Measured with `--quick` (short runs): a smoke test, not a result.*")
        lines.append("")
    lines.extend(f"- {fact}" for fact in machine_facts())
    return "\n".join(lines)


def write_markdown(path: Path, rows: Sequence[Row], *, quick: bool = False) -> None:
    """Put the table into ``path`` between the markers (creating the file if needed)."""
    section = f"{START}\n{render_markdown(rows, quick=quick)}\n{END}"
    text = path.read_text(encoding="utf-8") if path.exists() else ""
    before, start, rest = text.partition(START)
    if start:
        _, end, after = rest.partition(END)
        if not end:
            raise ValueError(f"{path} has the start marker but not {END!r}.")
        text = before + section + after
    else:
        text = (text or "# Performance\n\n") + section + "\n"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
