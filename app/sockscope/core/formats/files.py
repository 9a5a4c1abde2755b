"""Opening log files for reading and replacing them atomically, with readable errors."""

from __future__ import annotations

import contextlib
import os
import stat
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import BinaryIO

from sockscope.core.formats.errors import LogError

#: Saved logs can hold tokens and private messages: only the owner may read them.
FILE_MODE = 0o600


def describe_os_error(exc: OSError) -> str:
    return exc.strerror or str(exc)


#: Opened without blocking: opening a FIFO for reading otherwise waits for a writer.
_READ_FLAGS = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_CLOEXEC", 0)


def _not_regular(mode: int) -> str | None:
    """Why a file of this mode is no log (None for a regular file)."""
    if stat.S_ISREG(mode):
        return None
    if stat.S_ISDIR(mode):
        return "it is a directory"
    if stat.S_ISFIFO(mode):
        return "it is a pipe (FIFO), not a regular file"
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "it is a device, not a regular file"
    if stat.S_ISSOCK(mode):
        return "it is a socket, not a regular file"
    return "it is not a regular file"


@contextlib.contextmanager
def open_for_reading(path: Path) -> Iterator[BinaryIO]:
    """Open a log for reading; a missing or unreadable file becomes a :class:`LogError`.

    Only regular files are logs: a FIFO or a device (``/dev/zero``) would block
    or never end, so it is refused before a byte is read. The check is made on
    the opened file, so what is checked is what is read.
    """
    try:
        fd = os.open(path, _READ_FLAGS)
    except OSError as exc:
        if isinstance(exc, IsADirectoryError):
            raise LogError(f"Cannot open {path}: it is a directory.") from exc
        raise LogError(f"Cannot open {path}: {describe_os_error(exc)}.") from exc
    try:
        why = _not_regular(os.fstat(fd).st_mode)
        if why is not None:
            raise LogError(f"Cannot open {path}: {why}.")
        os.set_blocking(fd, True)
        handle = os.fdopen(fd, "rb")
    except BaseException:
        os.close(fd)
        raise
    with handle:
        yield handle


@contextlib.contextmanager
def replacing(path: Path) -> Iterator[BinaryIO]:
    """Write a whole file beside ``path`` and move it into place only when complete.

    A failed or interrupted save never leaves a half-written log where a good
    one was. The new file gets :data:`FILE_MODE` (``mkstemp`` creates it so).
    """
    try:
        fd, temp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    except OSError as exc:
        raise LogError(f"Cannot write {path}: {describe_os_error(exc)}.") from exc
    try:
        with os.fdopen(fd, "wb") as handle:
            yield handle
        os.replace(temp, path)
    except BaseException as exc:
        with contextlib.suppress(OSError):
            os.unlink(temp)
        if isinstance(exc, OSError):
            raise LogError(f"Cannot write {path}: {describe_os_error(exc)}.") from exc
        raise
