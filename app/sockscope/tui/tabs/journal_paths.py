"""Where each live tab's journal goes: the first's as asked, every new tab's a file of its own."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path


class JournalPaths:
    """The journals given to a run's tabs (closed tabs' too), first tab first."""

    def __init__(self, make: Callable[[str], Path] | None) -> None:
        """``make``: a new tab's journal by its URL; None keeps new tabs in memory only."""
        self._make = make
        self.given: list[Path] = []

    def keep(self, path: Path | None) -> Path | None:
        if path is not None:
            self.given.append(path)
        return path

    def for_url(self, url: str) -> Path | None:
        """A new tab's journal: never a file another tab writes, nor one already there."""
        if self._make is None:
            return None
        path = first = self._make(url)
        number = 2
        while path in self.given or path.exists():
            path = first.with_stem(f"{first.stem}-{number}")
            number += 1
        return path
