"""A session: the store every event lands in, and the journal that keeps it on disk.

The session is the sink of a :class:`~sockscope.core.wire.connection.Connection`.
Frames are appended to the store the moment they arrive, in the connection's own
callback; the UI only learns *how many* rows are new, on its own tick, so a slow
screen can never make the recording lose a frame. The journal reads the new rows
from the store too, on a thread of its own: recording a frame costs one append.

With ``max_frames`` the store keeps only the newest rows of an endless feed while
the journal keeps every one on disk: rows are dropped only once it has them.
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from itertools import repeat
from typing import Any, Protocol

from sockscope.core.events import (
    Closed,
    Closing,
    Connecting,
    ConnectionEvent,
    Failed,
    Opened,
    ReadyState,
)
from sockscope.core.formats.errors import LogError
from sockscope.core.store.frames import FrameStore, Kind, Opcode


class Journal(Protocol):
    """What keeps a session on disk (the JSONL journal): it reads the rows from the store."""

    def follow(self, store: FrameStore) -> None:
        """Keep every row appended to ``store`` from now on."""

    def before_drop(self, count: int) -> None:
        """The store is about to drop its oldest ``count`` rows: keep them first."""

    def flush(self, wait: bool = True) -> None:
        """Hand the rows not yet written to the file; with ``wait``, until they are written."""


#: With ``max_frames`` N the store grows to N + N // TRIM_SLACK rows, then drops back to N:
#: each trim copies the N rows kept, so trimming in batches keeps its cost per row small.
TRIM_SLACK = 4


class Session:
    """Records a connection's frames and events into a store (and a journal)."""

    def __init__(
        self,
        store: FrameStore | None = None,
        journal: Journal | None = None,
        max_frames: int | None = None,
        max_bytes: int | None = None,
    ) -> None:
        self.store = store if store is not None else FrameStore()
        self._max_frames: int | None = None
        self._full_at = sys.maxsize
        """Index of the row that fills the store to ``max_frames`` plus slack: then trim."""
        self.max_frames = max_frames
        if max_bytes is not None and max_bytes < 1:
            raise ValueError(f"max_bytes must be at least 1, not {max_bytes}.")
        self.max_bytes = max_bytes
        """The store keeps the newest rows whose payloads fit in this many bytes (and a
        quarter more between trims); the journal keeps every row."""
        self._bytes_full_at = sys.maxsize if max_bytes is None else max_bytes + max_bytes // 4
        self._journal: Journal | None = None
        self.journal = journal
        self.state = ReadyState.CLOSED
        self.last_event: ConnectionEvent | None = None
        self.opened: Opened | None = None
        self.listeners: list[Callable[[ConnectionEvent], None]] = []
        self.journal_error: str | None = None
        """Why the journal stopped (e.g. the disk is full); the store keeps recording."""

    @property
    def journal(self) -> Journal | None:
        """Where every row is also kept on disk; it follows the store from when it is set."""
        return self._journal

    @journal.setter
    def journal(self, journal: Journal | None) -> None:
        if journal is not None:
            journal.follow(self.store)
        self._journal = journal

    @property
    def max_frames(self) -> int | None:
        """The store keeps the newest this many rows (up to a quarter more between trims).

        None keeps every row. The journal, when there is one, always keeps every row.
        """
        return self._max_frames

    @max_frames.setter
    def max_frames(self, value: int | None) -> None:
        if value is not None and value < 1:
            raise ValueError(f"max_frames must be at least 1, not {value}.")
        self._max_frames = value
        if value is None:
            self._full_at = sys.maxsize
        else:
            self._full_at = value + max(1, value // TRIM_SLACK) - 1

    def on_frame(self, t: float, kind: Kind, opcode: Opcode, payload: bytes) -> None:
        store = self.store
        if store.append(t, kind, opcode, payload) >= self._full_at:
            self._trim()
        if store.payload_bytes > self._bytes_full_at:
            self._trim_bytes()

    def on_frames(self, t: float, flags: bytes, payloads: list[bytes]) -> None:
        """Record many frames that arrived together (one flag byte each)."""
        store = self.store
        store.extend(repeat(t, len(payloads)), flags, payloads)
        if len(store) > self._full_at:
            self._trim()
        if store.payload_bytes > self._bytes_full_at:
            self._trim_bytes()

    def on_event(self, t: float, event: ConnectionEvent) -> None:
        self.last_event = event
        if isinstance(event, Connecting):
            self.state = ReadyState.CONNECTING
        elif isinstance(event, Opened):
            self.state = ReadyState.OPEN
            self.opened = event
            self._record(t, Kind.OPEN, event.info())
        elif isinstance(event, Closing):
            self.state = ReadyState.CLOSING
        elif isinstance(event, Closed):
            self.state = ReadyState.CLOSED
            self._record(t, Kind.CLOSE, event.info())
        elif isinstance(event, Failed):
            self.state = ReadyState.CLOSED
            self._record(t, Kind.ERROR, event.info())
        for listener in self.listeners:
            listener(event)

    def note(self, t: float, message: str) -> None:
        """Record a note row (e.g. a reconnect, a send that failed)."""
        self._record(t, Kind.NOTE, {"message": message})

    def flush_journal(self, wait: bool = True) -> None:
        """Write the journal's buffered rows (``wait=False``: in the background)."""
        if self.journal is not None:
            try:
                self.journal.flush(wait)
            except LogError as exc:
                self._journal_failed(exc)

    def _journal_failed(self, exc: LogError) -> None:
        """A failing disk must not stop the recording: keep the store, report once."""
        self._journal = None
        self.journal_error = f"The journal stopped: {exc} The session is still in memory: save it."

    def _trim(self) -> None:
        """Drop the rows beyond ``max_frames`` (declined while a save reads the store)."""
        assert self._max_frames is not None
        self._drop(len(self.store) - self._max_frames)

    def _trim_bytes(self) -> None:
        """Drop the oldest rows until the payloads held fit in ``max_bytes`` (one row stays)."""
        assert self.max_bytes is not None
        store = self.store
        excess = store.payload_bytes - self.max_bytes
        self._drop(min(len(store) - 1, store.rows_within(excess - 1) + 1))

    def _drop(self, count: int) -> None:
        """Drop the oldest ``count`` rows, once the journal has them (it reads the store)."""
        if self.journal is not None:
            try:
                self.journal.before_drop(count)
            except LogError as exc:
                self._journal_failed(exc)
        self.store.trim_front(count)

    def _record(self, t: float, kind: Kind, info: dict[str, Any]) -> None:
        if self.store.append_event(t, kind, info) >= self._full_at:
            self._trim()
        self.flush_journal()
