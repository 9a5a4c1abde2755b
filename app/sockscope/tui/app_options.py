"""How the app starts: the command line's choices (tests pick their own)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, NamedTuple

if TYPE_CHECKING:
    from sockscope.core.proxy.setup import ProxySetup
    from sockscope.core.settings import ConnectionSettings
    from sockscope.core.workspace.saved import SavedConnection

from sockscope.core.config.user import UserConfig


class AppOptions(NamedTuple):
    """How the app starts (the command line's choices; tests pick their own)."""

    connect_now: bool = False
    """Connect at start (a URL was given) and focus the composer."""
    notice: str | None = None
    """A message to show at start (e.g. that http:// became ws://)."""
    journal_path: Path | None = None
    """Append every event to this JSONL file; None keeps the session in memory only."""
    max_frames: int | None = None
    """Keep only the newest this many rows in memory (the journal still keeps all)."""
    open_path: Path | None = None
    """A saved log to open in a viewer at start."""
    history_path: Path | None = None
    """Keep the composer's history in this file across runs; None: this run only."""
    survive_errors: bool = False
    """Report bugs in guarded handlers and go on (tests leave it off to fail loudly)."""
    config: UserConfig = UserConfig()
    """config.yaml's theme and keymap, and its mistakes to show (docs/config.md)."""
    env: tuple[tuple[str, str], ...] = ()
    """``{{NAME}}`` values from the --env files (never written into saved connections)."""
    collection: Path | None = None
    """A folder of saved connections, shown in the sidebar (--collection DIR)."""
    saved: SavedConnection | None = None
    """The saved connection the app starts with (``sockscope FILE.sockscope.yaml``)."""
    more: tuple[ConnectionSettings, ...] = ()
    """More connections to open at start, each in a tab of its own (``sockscope URL URL``)."""
    journal_for: Callable[[str], Path] | None = None
    """Where a new tab's journal goes, by its URL; None keeps new tabs in memory only."""
    proxy: ProxySetup | None = None
    """Run this proxy (``sockscope proxy``): its tab first, a tab per client connection."""
