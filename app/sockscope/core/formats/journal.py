"""The native log written: JSON Lines (docs/log-format.md), appended or saved whole.

- :class:`JournalWriter` appends a session's rows as they come, writing at least once a
  second, and never rewrites what it wrote: after ``kill -9`` at most the last second is
  lost.
- :func:`write_store` saves a whole store at once (and atomically).
"""

from __future__ import annotations

import os
import threading
from os import PathLike
from pathlib import Path
from types import TracebackType

from sockscope.core.formats.deep_json import dumps
from sockscope.core.formats.errors import LogError
from sockscope.core.formats.files import FILE_MODE, describe_os_error, replacing
from sockscope.core.formats.model import LogHeader
from sockscope.core.formats.records import header_record, json_lines, row_lines
from sockscope.core.store.frames import FrameStore

__all__ = ["JournalWriter", "write_store"]

FLUSH_INTERVAL = 1.0
#: At most this many rows, or about this many payload bytes, are encoded for one write:
#: the encoding holds the GIL (the event loop waits), the write lets it go.
SLICE_ROWS = 4096
SLICE_BYTES = 1 << 20
_JOURNAL_FLAGS = (
    os.O_WRONLY
    | os.O_CREAT
    | os.O_TRUNC
    | os.O_APPEND
    | getattr(os, "O_CLOEXEC", 0)
    | getattr(os, "O_NOFOLLOW", 0)
)


def _header_line(header: LogHeader, redact: bool) -> bytes:
    return dumps(header_record(header, redact))


def write_store(
    path: str | PathLike[str], store: FrameStore, header: LogHeader, redact: bool = True
) -> None:
    """Save a whole store as a JSONL log, replacing ``path`` atomically.

    ``redact`` removes credentials from the header URL and the handshake (see
    :mod:`~sockscope.core.formats.redact`); payloads are written as they are.
    """
    with replacing(Path(path)) as handle:
        handle.write(_header_line(header, redact) + b"\n")
        for lines in json_lines(store, redact):
            lines.append(b"")
            handle.write(b"\n".join(lines))


def _open_journal(path: Path) -> int:
    """Open ``path`` for a new journal (mode 0600), never through a symlink.

    A symlink at ``path`` is replaced by a new regular file, as saving replaces one:
    following it would truncate (and chmod) whatever it points to, and a dangling
    one would create a file wherever it points.
    """
    try:
        fd = os.open(path, _JOURNAL_FLAGS, FILE_MODE)
    except OSError:
        if not path.is_symlink():
            raise
        path.unlink()
        fd = os.open(path, _JOURNAL_FLAGS | os.O_EXCL, FILE_MODE)
    try:
        os.fchmod(fd, FILE_MODE)  # also when the file existed with another mode
    except BaseException:
        os.close(fd)
        raise
    return fd


class JournalWriter:
    """Appends a store's rows to a JSONL log as they come; nothing written is ever rewritten.

    The journal follows one store (:meth:`follow`; a session calls it): every row
    appended to it from then on is written. A thread of the journal's own encodes the
    rows from the store's columns and writes them, a slice at a time, so the event loop
    that appends does no work per row, and what waits for the disk is one number (the
    next row to write), never a line or a buffer. That thread wakes by itself every
    ``interval`` seconds and writes every row the store holds, even while the event loop
    is busy: after ``kill -9`` at most the last second is lost. ``flush(wait=False)``
    wakes it at once; ``flush()`` returns once the OS has every row. A store that drops
    its oldest rows (a bounded session) lets the journal write them first
    (:meth:`before_drop`).

    The file is created (or truncated; a symlink there is replaced, never followed) with
    mode 0600 and the header is written at once. A write that fails raises
    :class:`LogError` from the next call; nothing more is written.
    """

    def __init__(
        self,
        path: str | PathLike[str],
        header: LogHeader,
        *,
        redact: bool = False,
        interval: float = FLUSH_INTERVAL,
    ) -> None:
        self.path = Path(path)
        self._redact = redact
        self._interval = interval
        self._store: FrameStore | None = None
        self._next = 0
        """The session's number (``dropped + index``) of the next row to write."""
        self._writing = threading.Lock()
        """Held while rows are taken and written: one writer at a time, rows in order."""
        self._wake = threading.Event()
        self._closing = False
        self._writer: threading.Thread | None = None
        self._failure: LogError | None = None
        self.rows_flushed = 0
        """Rows handed to the OS so far: they survive the process being killed."""
        try:
            self._fd = _open_journal(self.path)
        except OSError as exc:
            raise LogError(f"Cannot write {self.path}: {describe_os_error(exc)}.") from exc
        try:
            self._write(_header_line(header, redact) + b"\n")
        except LogError:
            self.close()
            raise

    def follow(self, store: FrameStore) -> None:
        """Journal every row appended to ``store`` from now on (rows it holds already are not)."""
        self._check_open()
        with self._writing:
            self._store = store
            self._next = store.recorded
        if self._writer is None:
            self._writer = threading.Thread(
                target=self._write_behind, name=f"journal {self.path.name}", daemon=True
            )
            self._writer.start()

    def flush(self, wait: bool = True) -> None:
        """Write every row the store holds: ``wait=False`` on the journal's thread, in the
        background; else on the caller's, returning once the OS has them."""
        if self._fd < 0:
            return
        if wait:
            self._write_rows()
        else:
            self._wake.set()
        if self._failure is not None:
            raise self._failure

    def before_drop(self, count: int) -> None:
        """Write the store's oldest ``count`` rows now, unless written already: it drops them."""
        self._check_open()
        if self._store is not None and self._next < self._store.dropped + count:
            self._write_rows(self._store.dropped + count)
        if self._failure is not None:
            raise self._failure

    def _check_open(self) -> None:
        if self._fd < 0:
            raise LogError(f"The journal {self.path} is closed.")
        if self._failure is not None:
            raise self._failure

    def _write_behind(self) -> None:
        """The journal's thread: every ``interval`` (or when woken), write what the store holds."""
        while not self._closing and self._failure is None:
            self._wake.wait(self._interval)
            self._wake.clear()
            self._write_rows()

    def _write_rows(self, until: int | None = None) -> None:
        """Write the rows from the next unwritten one up to row ``until`` (all: None).

        The rows are read under the store's :meth:`~FrameStore.held`, so a trim never
        moves them mid-read; appends go on meanwhile, and a row counts (``len``) only
        once all its columns are written.
        """
        store = self._store
        if store is None:
            return
        with self._writing:
            while self._fd >= 0 and self._failure is None:
                with store.held():
                    first = self._next - store.dropped
                    if first < 0:
                        self._failure = LogError(
                            f"The journal {self.path} lost {-first:,} rows the session"
                            " dropped before they were written."
                        )
                        return
                    stop = len(store) if until is None else min(len(store), until - store.dropped)
                    stop = min(stop, first + SLICE_ROWS)
                    stop = min(
                        stop, max(first + 1, store.rows_within(store.start(first) + SLICE_BYTES))
                    )
                    if stop <= first:
                        return
                    lines = row_lines(store, first, stop, self._redact)
                lines.append(b"")
                try:
                    self._write(b"\n".join(lines))
                except LogError as exc:
                    self._failure = exc
                    return
                self._next += stop - first
                self.rows_flushed += stop - first

    def _write(self, data: bytes) -> None:
        view = memoryview(data)
        try:
            while view:
                view = view[os.write(self._fd, view) :]
        except OSError as exc:
            raise LogError(f"Cannot write {self.path}: {describe_os_error(exc)}.") from exc

    def close(self) -> None:
        if self._fd < 0:
            return
        try:
            self.flush()
        finally:
            self._closing = True
            if self._writer is not None:
                self._wake.set()
                self._writer.join()
                self._writer = None
            with self._writing:
                os.close(self._fd)
                self._fd = -1

    def __enter__(self) -> JournalWriter:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.close()
