"""The native log read: JSON Lines, a header line then one record per row (docs/log-format.md).

:func:`read_jsonl` loads a file into a store; a bad line is skipped with a warning naming
it (an error when strict), so every valid line before and after it loads. The writing
side is :mod:`~sockscope.core.formats.journal`.
"""

from __future__ import annotations

import os
from binascii import a2b_base64
from collections.abc import Callable
from os import PathLike
from pathlib import Path

import orjson

from sockscope.core.formats.errors import LogFormatError
from sockscope.core.formats.files import open_for_reading
from sockscope.core.formats.model import LoadedLog, LogHeader
from sockscope.core.formats.record_parsing import append_row, parse_header, parse_record
from sockscope.core.formats.records import FRAME_FLAGS, RecordError
from sockscope.core.store.frames import FrameStore
from sockscope.core.wording import plural

__all__ = ["LoadedLog", "LogHeader", "Progress", "Started", "read_jsonl"]

#: ``progress(done_bytes, total_bytes)``; raise from it to cancel a load.
Progress = Callable[[int, int], None]
#: ``started(log)``: the log exists (header read); its store fills as loading goes on.
Started = Callable[[LoadedLog], None]

PROGRESS_EVERY = 65_536
#: Bad lines named one warning each; the rest are counted in one more warning.
MAX_LINE_WARNINGS = 20
_READ_CHUNK = 2**20
_BOM = b"\xef\xbb\xbf"
#: A longer first line is no header (and a 2 GB one-line file is not read whole to say so).
_MAX_HEADER = 2**20


# -- header ----------------------------------------------------------------------


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
        next_report = 1  # the first chunk's rows at once: a viewer shows them
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
