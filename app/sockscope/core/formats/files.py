"""Opening log files for reading and replacing them atomically, with readable errors."""

from __future__ import annotations

import contextlib
import os
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import BinaryIO

from sockscope.core.formats.errors import LogError

#: Saved logs can hold tokens and private messages: only the owner may read them.
FILE_MODE = 0o600


def describe_os_error(exc: OSError) -> str:
    return exc.strerror or str(exc)


@contextlib.contextmanager
def open_for_reading(path: Path) -> Iterator[BinaryIO]:
    """Open a log for reading; a missing or unreadable file becomes a :class:`LogError`."""
    try:
        handle = path.open("rb")
    except OSError as exc:
        raise LogError(f"Cannot open {path}: {describe_os_error(exc)}.") from exc
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
