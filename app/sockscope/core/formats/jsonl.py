"""The native log: JSON Lines, a header line then one record per row (docs/log-format.md).

Three ways in and out:

- :class:`JournalWriter` appends rows while a session runs, flushing at least
  once a second, and never rewrites what it wrote: after ``kill -9`` at most the
  last second is lost.
- :func:`write_store` saves a whole store at once (and atomically).
- :func:`read_jsonl` loads a file into a store; a bad line is skipped with a warning
  naming it (an error when strict), so every valid line before and after it loads.
"""

from __future__ import annotations

import os
import threading
import time
from binascii import a2b_base64
from collections.abc import Callable
from os import PathLike
from pathlib import Path
from queue import Queue
from types import TracebackType
from typing import Any

import orjson

from sockscope.core.formats.deep_json import dumps
from sockscope.core.formats.errors import LogError, LogFormatError
from sockscope.core.formats.files import FILE_MODE, describe_os_error, open_for_reading, replacing
from sockscope.core.formats.model import LoadedLog, LogHeader
from sockscope.core.formats.records import (
    FRAME_FLAGS,
    RecordError,
    append_row,
    encode_row,
    frame_lines,
    header_record,
    json_lines,
    parse_header,
    parse_record,
)
from sockscope.core.store.frames import FrameStore, Kind, Opcode
from sockscope.core.wording import plural

__all__ = [
    "JournalWriter",
    "LoadedLog",
    "LogHeader",
    "Progress",
    "Started",
    "read_jsonl",
    "write_store",
]

#: ``progress(done_bytes, total_bytes)``; raise from it to cancel a load.
Progress = Callable[[int, int], None]
#: ``started(log)``: the log exists (header read); its store fills as loading goes on.
Started = Callable[[LoadedLog], None]

FLUSH_INTERVAL = 1.0
#: Lines the journal's writing thread joins at once (see JournalWriter._write_behind).
WRITE_SLICE = 512
PROGRESS_EVERY = 65_536
#: Bad lines named one warning each; the rest are counted in one more warning.
MAX_LINE_WARNINGS = 20
_READ_CHUNK = 2**20
_BOM = b"\xef\xbb\xbf"
#: A longer first line is no header (and a 2 GB one-line file is not read whole to say so).
_MAX_HEADER = 2**20
_JOURNAL_FLAGS = (
    os.O_WRONLY
    | os.O_CREAT
    | os.O_TRUNC
    | os.O_APPEND
    | getattr(os, "O_CLOEXEC", 0)
    | getattr(os, "O_NOFOLLOW", 0)
)


# -- header ----------------------------------------------------------------------


def _header_line(header: LogHeader, redact: bool) -> bytes:
    return dumps(header_record(header, redact))


def _parse_header(path: Path, line: bytes) -> LogHeader:
    if len(line) >= _MAX_HEADER and not line.endswith(b"\n"):
        raise LogFormatError(
            path,
            1,
            f"the first line is longer than {_MAX_HEADER // 2**20} MiB, so it is no sockscope"
            " header (a header is a short JSON object)",
        )
    if not line.strip():
        raise LogFormatError(path, 1, "the file is empty" if not line else "the header is empty")
    try:
        record = orjson.loads(line.removeprefix(_BOM))
    except orjson.JSONDecodeError:
        record = None  # parse_header then says it is not a sockscope log
    try:
        return parse_header(record)
    except RecordError as exc:
        raise LogFormatError(path, 1, str(exc)) from None


# -- reading ---------------------------------------------------------------------


def read_jsonl(
    path: str | PathLike[str],
    progress: Progress | None = None,
    strict: bool = False,
    started: Started | None = None,
) -> LoadedLog:
    """Load a JSONL log.

    A bad line is skipped with a warning that names it and what is wrong (the first
    :data:`MAX_LINE_WARNINGS`, then one that counts the rest), and the lines after it
    load: nothing valid is dropped. A last line cut off mid-record (the file does not
    end with a newline and the line is not JSON) is a warning too. With ``strict`` each
    is a :class:`LogFormatError` with the line's number, whose ``partial`` holds every
    row before it. ``progress`` is called every ~64k lines and at the end; the
    store is consistent while it runs, so it may read ``len(store)``. ``started``
    gets the log as soon as its header is read, so a viewer can show the rows
    while they load (its store only grows).
    """
    path = Path(path)
    with open_for_reading(path) as handle:
        total = os.fstat(handle.fileno()).st_size
        first = handle.readline(_MAX_HEADER)
        log = LoadedLog(_parse_header(path, first), FrameStore())
        if started is not None:
            started(log)
        reader = _Reader(path, log, strict)
        done = len(first)
        leftover = b""
        next_report = PROGRESS_EVERY
        reported = -1
        while chunk := handle.read(_READ_CHUNK):
            lines = (leftover + chunk).split(b"\n")
            leftover = lines.pop()
            reader.feed(lines)
            done += len(chunk)
            if progress is not None and reader.line_no >= next_report:
                reported = done - len(leftover)
                progress(reported, total)
                next_report = reader.line_no + PROGRESS_EVERY
        if leftover.strip():
            reader.last(leftover)
        reader.count_unlisted()
    if progress is not None and reported != total:
        progress(total, total)
    return log


class _Reader:
    """Feeds lines into a store, numbering them for warnings and errors."""

    def __init__(self, path: Path, log: LoadedLog, strict: bool) -> None:
        self.path = path
        self.log = log
        self.strict = strict
        self.line_no = 1
        self.bad_lines = 0

    def feed(self, lines: list[bytes]) -> None:
        """The hot loop: common frame records take an inline path with bound names.

        Their rows are gathered into columns and added with one ``FrameStore.extend``.
        Anything unusual (an event, an int time, a bad field) falls back to
        :func:`parse_record`, which decides: it returns the row or says what is wrong.
        """
        loads = orjson.loads
        flag_of = FRAME_FLAGS
        times: list[float] = []
        flags = bytearray()
        payloads: list[bytes] = []
        line_no = self.line_no
        for line in lines:
            line_no += 1
            try:
                record = loads(line)
                flag = flag_of[record["kind"], record["opcode"]]
                t = record["t"]
                if type(t) is not float:
                    raise TypeError
                text = record.get("text")
                if text is not None:
                    payload = text.encode()
                else:
                    payload = a2b_base64(record["base64"], strict_mode=True)
                size = record.get("size")
                if size is not None and size != len(payload):
                    raise ValueError
            except Exception:
                self.log.store.extend(times, flags, payloads)  # rows stay in file order
                times.clear()
                flags.clear()
                payloads.clear()
                self.line_no = line_no
                self._slow(line)
                continue
            times.append(t)
            flags.append(flag)
            payloads.append(payload)
        self.log.store.extend(times, flags, payloads)
        self.line_no = line_no

    def _slow(self, line: bytes) -> None:
        if not line.strip():
            return
        try:
            record = orjson.loads(line)
        except orjson.JSONDecodeError as exc:
            self._bad(f"not valid JSON ({exc.msg})")
            return
        self._add(record)

    def _add(self, record: object) -> None:
        try:
            append_row(self.log.store, parse_record(record))
        except RecordError as exc:
            self._bad(str(exc))

    def _bad(self, what: str) -> None:
        """Skip the current line with a warning; raise instead when strict."""
        if self.strict:
            raise LogFormatError(self.path, self.line_no, what, partial=self.log)
        self.bad_lines += 1
        if self.bad_lines <= MAX_LINE_WARNINGS:
            self.log.warnings.append(f"line {self.line_no} skipped: {what}")

    def count_unlisted(self) -> None:
        """One warning for the bad lines past :data:`MAX_LINE_WARNINGS`, if any."""
        unlisted = self.bad_lines - MAX_LINE_WARNINGS
        if unlisted > 0:
            lines = plural(unlisted, "more bad line")
            self.log.warnings.append(f"{lines} skipped ({self.bad_lines} in all)")

    def last(self, line: bytes) -> None:
        """The final line, which has no newline: cut off if it is not JSON."""
        self.line_no += 1
        try:
            record = orjson.loads(line)
        except orjson.JSONDecodeError:
            if self.strict:
                raise LogFormatError(
                    self.path,
                    self.line_no,
                    "the line is cut off (the file ends mid-record)",
                    partial=self.log,
                ) from None
            rows = len(self.log.store)
            self.log.warnings.append(
                f"line {self.line_no} was cut off (the file ends mid-record); "
                f"loaded the {plural(rows, 'record')} before it"
            )
            return
        self._add(record)


# -- writing ---------------------------------------------------------------------


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
