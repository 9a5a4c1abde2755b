"""Path completion for the Save and Open dialogs: type the start, → (or End) accepts."""

from __future__ import annotations

import asyncio
import os
from pathlib import Path

from textual.suggester import Suggester

#: A directory with more entries than this is not listed for a suggestion (a network
#: mount or /proc-sized folder must not make typing wait).
MAX_ENTRIES = 5_000


def complete_path(typed: str) -> str | None:
    """The first existing path that starts with ``typed`` (a folder ends with ``/``).

    ``~`` is understood but kept as typed. None when nothing (else) matches.
    """
    if not typed:
        return None
    folder_part, _, start = typed.rpartition(os.sep)
    folder = Path(os.path.expanduser(folder_part or ("/" if typed.startswith(os.sep) else ".")))
    try:
        with os.scandir(folder) as entries:
            names = []
            for count, entry in enumerate(entries):
                if count >= MAX_ENTRIES:
                    return None
                if entry.name.startswith(start) and (start or not entry.name.startswith(".")):
                    names.append(entry.name + (os.sep if entry.is_dir() else ""))
    except OSError:
        return None
    if not names:
        return None
    prefix = typed[: len(typed) - len(start)]
    found = prefix + min(names)
    return found if found != typed else None


class PathSuggester(Suggester):
    """Suggests the first matching file or folder; reads the disk off the event loop."""

    def __init__(self) -> None:
        super().__init__(use_cache=False, case_sensitive=True)

    async def get_suggestion(self, value: str) -> str | None:
        return await asyncio.to_thread(complete_path, value)
