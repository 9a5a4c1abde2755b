"""Where sockscope keeps its files by default (the platform's user state directory)."""

from __future__ import annotations

import time
import traceback
from pathlib import Path
from urllib.parse import urlsplit

from platformdirs import user_state_path


def sessions_dir() -> Path:
    return user_state_path("sockscope", appauthor=False) / "sessions"


def default_journal_path(url: str, now: float | None = None) -> Path:
    """``sessions/20261125-031500-host.jsonl``: sortable, and says where it connected."""
    stamp = time.strftime("%Y%m%d-%H%M%S", time.localtime(now))
    host = urlsplit(url).hostname or "session"
    safe_host = "".join(c if c.isalnum() or c in ".-" else "_" for c in host)
    return sessions_dir() / f"{stamp}-{safe_host}.jsonl"


def errors_dir() -> Path:
    return user_state_path("sockscope", appauthor=False) / "errors"


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
