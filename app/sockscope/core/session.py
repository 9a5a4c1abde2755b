"""A session: the store every event lands in, and the journal that keeps it on disk.

The session is the sink of a :class:`~sockscope.core.connection.Connection`.
Frames are appended to the store (and journal) the moment they arrive, in the
connection's own callback; the UI only learns *how many* rows are new, on its
own tick, so a slow screen can never make the recording lose a frame.
"""

from __future__ import annotations

from collections.abc import Callable
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
from sockscope.core.frames import FrameStore, Kind, Opcode


class RowWriter(Protocol):
    """An append-only writer of rows (the JSONL journal)."""

    def write(
        self, t: float, kind: Kind, opcode: Opcode, payload: bytes, info: dict[str, Any]
    ) -> None: ...

    def flush(self) -> None: ...


_NO_INFO: dict[str, Any] = {}


class Session:
    """Records a connection's frames and events into a store (and a journal)."""

    def __init__(self, store: FrameStore | None = None, journal: RowWriter | None = None) -> None:
        self.store = store if store is not None else FrameStore()
        self.journal = journal
        self.state = ReadyState.CLOSED
        self.last_event: ConnectionEvent | None = None
        self.opened: Opened | None = None
        self.listeners: list[Callable[[ConnectionEvent], None]] = []
        self.journal_error: str | None = None
        """Why the journal stopped (e.g. the disk is full); the store keeps recording."""

    def on_frame(self, t: float, kind: Kind, opcode: Opcode, payload: bytes) -> None:
        self.store.append(t, kind, opcode, payload)
        if self.journal is not None:
            try:
                self.journal.write(t, kind, opcode, payload, _NO_INFO)
            except LogError as exc:
                self._journal_failed(exc)

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

    def flush_journal(self) -> None:
        if self.journal is not None:
            try:
                self.journal.flush()
            except LogError as exc:
                self._journal_failed(exc)

    def _journal_failed(self, exc: LogError) -> None:
        """A failing disk must not stop the recording: keep the store, report once."""
        self.journal = None
        self.journal_error = f"The journal stopped: {exc} The session is still in memory: save it."

    def _record(self, t: float, kind: Kind, info: dict[str, Any]) -> None:
        self.store.append_event(t, kind, info)
        if self.journal is not None:
            try:
                self.journal.write(t, kind, Opcode.NONE, b"", info)
            except LogError as exc:
                self._journal_failed(exc)
            self.flush_journal()
