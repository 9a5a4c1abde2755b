"""Where sockscope keeps its files by default (the platform's user state directory).

The directories are private (0700): their file names alone say which hosts were
debugged and when, and the files hold whole sessions.
"""

from __future__ import annotations

import contextlib
import os
import stat
import time
import traceback
from pathlib import Path
from urllib.parse import urlsplit

from platformdirs import user_state_path

PRIVATE_DIR_MODE = 0o700


def _state_root() -> Path:
    return user_state_path("sockscope", appauthor=False)


def sessions_dir() -> Path:
    """Where journals go (not created: see :func:`default_journal_path`)."""
    return _state_root() / "sessions"


def make_private_dir(path: Path) -> None:
    """Create ``path`` and its parent (sockscope's state root) with mode 0700.

    One that exists with a looser mode (made by an older sockscope) is tightened when
    this user owns it; a symlink is left alone, never chmod-ed through. Best effort:
    a failure here shows up, as one sentence, when the file in it is written.
    """
    for folder in (path.parent, path):
        try:
            folder.mkdir(mode=PRIVATE_DIR_MODE, parents=True, exist_ok=True)
            info = folder.lstat()
            loose = stat.S_IMODE(info.st_mode) & ~PRIVATE_DIR_MODE
            mine = info.st_uid == os.getuid() if hasattr(os, "getuid") else True
            if stat.S_ISDIR(info.st_mode) and loose and mine:
                folder.chmod(PRIVATE_DIR_MODE)
        except OSError:
            return


def default_journal_path(url: str, now: float | None = None, folder: Path | None = None) -> Path:
    """``sessions/20261125-031500-host.jsonl``: sortable, and says where it connected.

    ``folder``: the user's journal directory (config.yaml's ``journal_dir``) instead of
    ``sessions``. The directory is made here, as the journal is about to be written.
    """
    stamp = time.strftime("%Y%m%d-%H%M%S", time.localtime(now))
    host = urlsplit(url).hostname or "session"
    safe_host = "".join(c if c.isalnum() or c in ".-" else "_" for c in host)
    name = f"{stamp}-{safe_host}.jsonl"
    if folder is None:
        make_private_dir(sessions_dir())
        return sessions_dir() / name
    # The user's own folder: made if missing, but neither it nor its parents are chmod-ed.
    with contextlib.suppress(OSError):  # a failure shows when the journal is written
        folder.mkdir(mode=PRIVATE_DIR_MODE, parents=True, exist_ok=True)
    return folder / name


def errors_dir() -> Path:
    """Where crash reports and emergency copies go; made (private) when asked for."""
    folder = _state_root() / "errors"
    make_private_dir(folder)
    return folder


def write_crash_report(error: BaseException) -> Path | str:
    """Write ``error``'s traceback to a file in the state directory; return where it went."""
    folder = errors_dir()
    path = folder / time.strftime("error-%Y%m%d-%H%M%S.txt")
    try:
        folder.mkdir(parents=True, exist_ok=True)
        path.write_text("".join(traceback.format_exception(error)))
    except OSError as exc:
        return f"(could not write a report: {exc.strerror or exc})"
    return path


def composer_history_path() -> Path:
    """The composer's history of sent messages (see ``core/text/history.py``)."""
    return user_state_path("sockscope", appauthor=False) / "composer-history.jsonl"
