"""The composer's history: what was sent, each with its mode, kept across runs.

One JSON object a line (``{"mode": "hex", "text": "00 ff"}``) in the user's state
directory, readable by the user only (messages may hold tokens). Sending appends one
line; loading keeps the newest ``limit`` entries and rewrites the file once it holds
twice that, so it stays bounded without a rewrite per message.
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import NamedTuple

from sockscope.core.text.compose import ComposeMode

#: Entries kept (in memory and on disk).
HISTORY_LIMIT = 500
#: Longer messages are recalled in this run but not written to disk.
PERSIST_MAX_CHARS = 64 * 1024


class HistoryEntry(NamedTuple):
    mode: ComposeMode
    text: str


class ComposeHistory:
    """Entries oldest first; ``path`` None keeps them in memory only."""

    def __init__(self, path: Path | None = None, limit: int = HISTORY_LIMIT) -> None:
        self.path = path
        self.limit = limit
        self.entries: list[HistoryEntry] = []

    @classmethod
    def load(cls, path: Path, limit: int = HISTORY_LIMIT) -> tuple[ComposeHistory, str | None]:
        """The history saved at ``path`` (none yet is fine); the error, if it is unreadable."""
        history = cls(path, limit)
        try:
            lines = path.read_text(encoding="utf-8").splitlines()
        except FileNotFoundError:
            return history, None
        except (OSError, UnicodeDecodeError) as exc:
            return history, f"Composer history not loaded from {path}: {exc}"
        for line in lines:
            entry = _parse(line)
            if entry is not None:
                history.entries.append(entry)
        del history.entries[:-limit]
        if len(lines) > 2 * limit:
            return history, history._rewrite()
        return history, None

    def add(self, mode: ComposeMode, text: str) -> str | None:
        """Remember a sent message (not twice in a row); the error if it was not saved."""
        entry = HistoryEntry(mode, text)
        if not text or (self.entries and self.entries[-1] == entry):
            return None
        self.entries.append(entry)
        del self.entries[: -self.limit]
        if self.path is None or len(text) > PERSIST_MAX_CHARS:
            return None
        return self._write([entry], os.O_APPEND)

    def _rewrite(self) -> str | None:
        return self._write(
            [e for e in self.entries if len(e.text) <= PERSIST_MAX_CHARS], os.O_TRUNC
        )

    def _write(self, entries: list[HistoryEntry], how: int) -> str | None:
        assert self.path is not None
        data = "".join(
            json.dumps({"mode": e.mode.value, "text": e.text}, ensure_ascii=False) + "\n"
            for e in entries
        )
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            fd = os.open(self.path, os.O_WRONLY | os.O_CREAT | how, 0o600)
            with os.fdopen(fd, "w", encoding="utf-8") as file:
                os.fchmod(file.fileno(), 0o600)  # also when it was made looser by hand
                file.write(data)
        except OSError as exc:
            return f"Composer history not saved to {self.path}: {exc.strerror or exc}"
        return None


def _parse(line: str) -> HistoryEntry | None:
    """One saved entry; None for a damaged line (skipped: history is a convenience)."""
    try:
        item = json.loads(line)
        return HistoryEntry(ComposeMode(item["mode"]), str(item["text"]))
    except (ValueError, TypeError, KeyError):
        return None
