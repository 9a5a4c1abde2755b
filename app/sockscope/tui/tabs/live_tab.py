"""A live tab: a connection sockscope opens, with its own session, journal and main screen."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

from sockscope.core.events import Failed, ReadyState
from sockscope.core.session.session import Session
from sockscope.core.settings import ConnectionSettings
from sockscope.tui.file_service import FileService
from sockscope.tui.screens.main_screen import MainScreen
from sockscope.tui.tabs.tab import Tab, TabState
from sockscope.tui.workspace import Workspace

if TYPE_CHECKING:
    from textual.app import App

    from sockscope.core.text.history import ComposeHistory

_STATES = {
    ReadyState.CONNECTING: TabState.CONNECTING,
    ReadyState.OPEN: TabState.OPEN,
    ReadyState.CLOSING: TabState.CONNECTING,
    ReadyState.CLOSED: TabState.CLOSED,
}


def session_state(session: Session) -> TabState:
    """What the tab bar shows of a connection's session: its readyState, or a failure."""
    if session.state is ReadyState.CLOSED and isinstance(session.last_event, Failed):
        return TabState.FAILED
    return _STATES[session.state]


def url_title(url: str) -> str:
    """``host:port/path``: what tells two connections apart in a narrow tab."""
    if not url:
        return "new"
    parts = urlsplit(url)
    host = parts.netloc.rpartition("@")[2] or url
    return host + (parts.path if parts.path not in ("", "/") else "")


class LiveTab(Tab):
    """A connection of the user's: the connection panel, log and composer over one session."""

    def __init__(
        self,
        app: App[Any],
        settings: ConnectionSettings,
        session: Session,
        workspace: Workspace,
        *,
        connect_now: bool = False,
        journal_path: Path | None = None,
    ) -> None:
        self.session = session
        self.connect_now = connect_now and bool(settings.url)
        self.main_screen = MainScreen(
            settings, session, focus_composer=self.connect_now, workspace=workspace
        )
        self.files: FileService = FileService(
            app, session, lambda: self.main_screen.settings.url, journal_path
        )
        self.history: ComposeHistory | None = None
        """The composer's history, shared by every live tab (set before :meth:`begin`)."""

    @property
    def screen(self) -> MainScreen:
        return self.main_screen

    def title(self) -> str:
        return url_title(self.main_screen.settings.url)

    def state(self) -> TabState:
        return session_state(self.session)

    def rows(self) -> int:
        return self.session.store.recorded

    def begin(self) -> None:
        """After the screen's first frame: the journal, the composer's history, the connect.

        The journal (and so the connection, whose every row it must get) waits for it:
        creating it cost ~10 ms of the launch (docs/performance.md, *Startup*).
        """
        self.files.start_journal()
        composer = self.main_screen.composer
        composer.not_ready = self._why_not_ready
        if self.history is not None:
            composer.use_history(self.history)
        if self.connect_now:
            self.main_screen.connect(self.main_screen.settings)

    def _why_not_ready(self) -> str | None:
        if self.session.state is ReadyState.OPEN:
            return None
        return "Not connected: F5 connects, then send again."

    async def closed(self) -> None:
        self.session.flush_journal()
        self.files.close_journal()
