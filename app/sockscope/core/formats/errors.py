"""What goes wrong when a session log is read or written, as one sentence each.

Readers raise :class:`LogFormatError` naming the file, the line (or HAR entry)
and what is wrong, and carry what loaded before the bad spot in ``partial`` so a
caller can offer to keep it. Files that cannot be opened or written at all raise
the plain :class:`LogError`.
"""

from __future__ import annotations

from collections.abc import Sequence
from os import PathLike
from pathlib import Path
from typing import TYPE_CHECKING, NamedTuple

if TYPE_CHECKING:
    from sockscope.core.formats.model import LoadedLog


class LogError(Exception):
    """A log could not be read or written; ``str()`` is one sentence for the user."""


class WebSocketEntry(NamedTuple):
    """One WebSocket entry of a HAR file, as a chooser lists it (``number`` counts from 1)."""

    number: int
    url: str
    message_count: int


class LogFormatError(LogError):
    """The content of a log is wrong at a known place.

    ``str()`` reads like ``session.jsonl line 12: bad base64 in 'base64'``.
    """

    def __init__(
        self,
        path: str | PathLike[str],
        line: int | None,
        what: str,
        partial: LoadedLog | None = None,
        choices: Sequence[WebSocketEntry] = (),
    ) -> None:
        self.path = Path(path)
        self.line = line
        self.what = what
        self.partial = partial
        """Everything read before the bad line, or None when nothing could be kept."""
        self.choices = list(choices)
        """For a HAR file with several WebSocket entries: the entries to choose from."""
        where = f"{path} line {line}" if line is not None else str(path)
        super().__init__(f"{where}: {what}")
