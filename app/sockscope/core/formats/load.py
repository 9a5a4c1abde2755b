"""Open and save logs, choosing the format by extension (or, when opening, by content)."""

from __future__ import annotations

from os import PathLike
from pathlib import Path

import orjson

from sockscope.core.formats.errors import LogError, LogFormatError
from sockscope.core.formats.files import open_for_reading
from sockscope.core.formats.har import read_har
from sockscope.core.formats.har_write import write_har
from sockscope.core.formats.journal import write_store
from sockscope.core.formats.jsonl import Progress, Started, read_jsonl
from sockscope.core.formats.model import LoadedLog, LogHeader
from sockscope.core.store.frames import FrameStore

__all__ = ["LoadedLog", "LogHeader", "load_log", "save_log", "sniff_format"]

JSONL_SUFFIXES = (".jsonl", ".ndjson")
HAR_SUFFIXES = (".har",)
_SNIFF_BYTES = 4096


def sniff_format(path: Path) -> str:
    """``"jsonl"`` or ``"har"``, by extension, else by the first bytes of the file."""
    suffix = path.suffix.lower()
    if suffix in JSONL_SUFFIXES:
        return "jsonl"
    if suffix in HAR_SUFFIXES:
        return "har"
    with open_for_reading(path) as handle:
        head = handle.read(_SNIFF_BYTES).removeprefix(b"\xef\xbb\xbf").lstrip()
    first, newline, _ = head.partition(b"\n")
    if newline or len(head) < _SNIFF_BYTES:
        try:
            header = orjson.loads(first)
        except orjson.JSONDecodeError:
            header = None
        if isinstance(header, dict) and "sockscope" in header:
            return "jsonl"
    if head.startswith(b"{"):
        return "har"
    raise LogFormatError(
        path, None, "not a log sockscope can open (expected a .jsonl log or a .har file)"
    )


def load_log(
    path: str | PathLike[str],
    entry: int | str | None = None,
    progress: Progress | None = None,
    started: Started | None = None,
) -> LoadedLog:
    """Load a JSONL log or one WebSocket entry of a HAR file.

    ``entry`` picks the HAR entry (number from 1 or URL part); ``progress``
    reports JSONL loading, and ``started`` gets a JSONL log as soon as its rows
    start to arrive (HAR files are parsed in one piece: both come at the end).
    """
    path = Path(path)
    if sniff_format(path) == "jsonl":
        return read_jsonl(path, progress, started=started)
    log = read_har(path, entry)
    if started is not None:
        started(log)
    if progress is not None:
        size = path.stat().st_size
        progress(size, size)
    return log


def save_log(
    path: str | PathLike[str], store: FrameStore, header: LogHeader, redact: bool = True
) -> None:
    """Save a store as JSONL or HAR, chosen by the file's extension.

    ``redact`` removes credentials (see :mod:`~sockscope.core.formats.redact`).
    """
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix in JSONL_SUFFIXES:
        write_store(path, store, header, redact)
    elif suffix in HAR_SUFFIXES:
        write_har(path, store, header, redact)
    else:
        raise LogError(
            f"Cannot tell which format to write from {path.name!r}: name it .jsonl or .har."
        )
