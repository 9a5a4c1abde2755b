"""The native log written: JSON Lines (docs/log-format.md), appended or saved whole.

- :class:`JournalWriter` appends rows while a session runs, flushing at least once a
  second, and never rewrites what it wrote: after ``kill -9`` at most the last second is
  lost.
- :func:`write_store` saves a whole store at once (and atomically).
"""

from __future__ import annotations

import os
import threading
import time
from os import PathLike
from pathlib import Path
from queue import Queue
from types import TracebackType
from typing import Any

from sockscope.core.formats.deep_json import dumps
from sockscope.core.formats.errors import LogError
from sockscope.core.formats.files import FILE_MODE, describe_os_error, replacing
from sockscope.core.formats.model import LogHeader
from sockscope.core.formats.records import encode_row, frame_lines, header_record, json_lines
from sockscope.core.store.frames import FrameStore, Kind, Opcode

__all__ = ["JournalWriter", "write_store"]

FLUSH_INTERVAL = 1.0
#: Lines the journal's writing thread joins at once (see JournalWriter._write_behind).
WRITE_SLICE = 512
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
    """Appends rows to a JSONL log as they happen; nothing written is ever rewritten.

    Lines are buffered and handed to the file by :meth:`flush` (the owner calls it on a
    timer) or, at the latest, by the first :meth:`write` a second after the last flush.
    A thread of the writer's own does the writing, so a firehose's journal (hundreds of
    MB a second of 4 KiB frames) never holds the caller's event loop: ``flush(wait=False)``
    returns at once, ``flush()`` once the OS has every line. The file is created (or
    truncated; a symlink there is replaced, never followed) with mode 0600 and the
    header is written at once. A write that fails raises :class:`LogError` from the
    next call; the rows it held are dropped.
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
        self._pending: list[bytes] = []
        self._batches: Queue[list[bytes] | None] = Queue()
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
        self._last_flush = time.monotonic()

    def write(
        self, t: float, kind: Kind, opcode: Opcode, payload: bytes, info: dict[str, Any]
    ) -> None:
        self._check_open()
        self._pending.append(encode_row(t, kind, opcode, payload, info, self._redact))
        if time.monotonic() - self._last_flush >= self._interval:
            self.flush(wait=False)

    def write_frames(self, t: float, flags: bytes, payloads: list[bytes]) -> None:
        """Frame rows that share one time (one flag byte each, see FrameStore.pack_flags)."""
        self._check_open()
        self._pending += frame_lines(t, flags, payloads)
        if time.monotonic() - self._last_flush >= self._interval:
            self.flush(wait=False)

    def flush(self, wait: bool = True) -> None:
        """Hand every buffered line to the writing thread; with ``wait``, until it is written."""
        self._last_flush = time.monotonic()
        if self._fd < 0:
            return
        if self._pending:
            if self._writer is None:
                self._writer = threading.Thread(
                    target=self._write_behind, name=f"journal {self.path.name}", daemon=True
                )
                self._writer.start()
            self._batches.put(self._pending)
            self._pending = []
        if wait and self._writer is not None:
            self._batches.join()
        if self._failure is not None:
            raise self._failure

    def _check_open(self) -> None:
        if self._fd < 0:
            raise LogError(f"The journal {self.path} is closed.")
        if self._failure is not None:
            raise self._failure

    def _write_behind(self) -> None:
        """The writing thread: batches of lines, in order, until ``None``."""
        while True:
            lines = self._batches.get()
            try:
                if lines is None:
                    return
                # Joined a slice at a time: a join holds the GIL (the event loop waits),
                # the write lets it go. A second of 4 KiB frames is ~100 MB of lines.
                for start in range(0, len(lines), WRITE_SLICE):
                    if self._failure is not None:
                        break
                    part = lines[start : start + WRITE_SLICE]
                    self._write(b"\n".join([*part, b""]))
                    self.rows_flushed += len(part)
            except LogError as exc:
                self._failure = exc
            finally:
                self._batches.task_done()

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
            if self._writer is not None:
                self._batches.put(None)
                self._writer.join()
                self._writer = None
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
