"""The sockscope App: builds the main screen, keeps the app-wide keys, looks after the session.

The live session's screen (:class:`MainScreen`) composes the panels and runs the socket
worker; the file work goes through :class:`FileService`. The app holds both, the keys
that work on every screen, and what happens when a bug strikes.
"""

from __future__ import annotations

import gc
from collections.abc import Iterable
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING

from textual.app import App, SystemCommand
from textual.screen import ModalScreen, Screen

from sockscope.core.paths import write_crash_report
from sockscope.core.session.session import Session
from sockscope.core.settings import ConnectionSettings
from sockscope.resources import stylesheet
from sockscope.tui.app_keys import APP_BINDINGS, LIVE_ACTIONS, TAB_BINDINGS
from sockscope.tui.app_options import AppOptions
from sockscope.tui.file_service import FileService
from sockscope.tui.screens.main_screen import MainScreen
from sockscope.tui.tabs.journal_paths import JournalPaths
from sockscope.tui.tabs.live_tab import LiveTab
from sockscope.tui.tabs.log_tab import show_log_tab
from sockscope.tui.tabs.tab_set import TabSet
from sockscope.tui.widgets.session_view import SessionView
from sockscope.tui.workspace import Workspace

if TYPE_CHECKING:
    from textual.command import Provider

    from sockscope.core.text.history import ComposeHistory
    from sockscope.core.workspace.saved import SavedConnection
    from sockscope.tui.palette.entries import PaletteEntry


def _palette() -> type[Provider]:
    from sockscope.tui.palette.provider import SockscopeCommands  # on first use (startup)

    return SockscopeCommands


class SockscopeApp(App[None]):
    """A full-screen WebSocket debugger over one session."""

    TITLE = "sockscope"
    DEFAULT_MODE = "tab-1"
    COMMANDS = App.COMMANDS | {_palette}
    CSS_PATH = stylesheet("app.tcss")
    BINDINGS = APP_BINDINGS + TAB_BINDINGS

    def __init__(
        self,
        settings: ConnectionSettings | None = None,
        session: Session | None = None,
        options: AppOptions | None = None,
    ) -> None:
        super().__init__()
        self.options = options or AppOptions()
        self.survive_errors = self.options.survive_errors
        self.emergency_copy: Path | str | None = None
        """Where the session was saved when a bug ended the app."""
        self.palette_entries: list[PaletteEntry] = []
        """The palette's commands beyond the keys' and copy-as (saved connections, saved
        messages: the sidebar keeps this list)."""
        self.tabs = TabSet(self)
        self._history: ComposeHistory | None = None
        self._journals = JournalPaths(self.options.journal_for)
        if self.options.proxy is not None:  # sockscope proxy: its tab first
            from sockscope.tui.proxy.home_tab import ProxyHomeTab

            home = ProxyHomeTab(self, self.options.proxy)
            self.tabs.first(home, lambda: home.screen)
            return
        settings = settings or ConnectionSettings()
        first = self._live_tab(
            settings,
            session or Session(),
            self.options.connect_now,
            self.options.journal_path,
            self.options.saved,
        )
        self.tabs.first(first, self._first_screen)

    def _live_tab(
        self,
        settings: ConnectionSettings,
        session: Session,
        connect_now: bool,
        journal_path: Path | None,
        saved: SavedConnection | None = None,
    ) -> LiveTab:
        if self.options.max_frames is not None:
            session.max_frames = self.options.max_frames
        workspace = Workspace(dict(self.options.env), self.options.collection, saved)
        journal_path = self._journals.keep(journal_path)
        tab = LiveTab(
            self, settings, session, workspace, connect_now=connect_now, journal_path=journal_path
        )
        tab.files.show_log = partial(show_log_tab, self.tabs)
        return tab

    @property
    def live(self) -> LiveTab:
        """The live tab shown, or when another kind is, the first live tab."""
        current = self.tabs.current
        return current if isinstance(current, LiveTab) else self.live_tabs()[0]

    @property
    def main_screen(self) -> MainScreen:
        return self.live.main_screen

    @property
    def session(self) -> Session:
        return self.live.session

    @property
    def files(self) -> FileService:
        """The file work of the tab shown, else of the first live tab."""
        return self.tab_files or self.live.files

    @property
    def tab_files(self) -> FileService | None:
        """The file work of the tab shown (None: the proxy's own tab, which has none)."""
        return self.tabs.current.files if self.tabs.current is not None else None

    @property
    def settings(self) -> ConnectionSettings:
        """The live connection's settings (the last ones a connect asked for)."""
        return self.main_screen.settings

    def _first_screen(self) -> MainScreen:
        # No collections until the first frame is out: everything made until then lives
        # on, and each full collection of it cost ~20 ms of startup (see _settle_memory).
        gc.disable()
        return self.main_screen

    def on_mount(self) -> None:
        if self.options.config.path is not None:  # a config.yaml was read
            from sockscope.tui.user_config import apply_user_config

            apply_user_config(self)
        self.call_after_refresh(self._settle_memory)
        self.call_after_refresh(self._begin_session)
        if self.options.notice:
            self.notify(self.options.notice, title="URL")

    async def _begin_session(self) -> None:
        """Load the composer's history, begin the first tab, open the other tabs, then the log."""
        self._history = self._load_history()
        first = next(iter(self.tabs))  # (a key may have shown another tab already)
        if not isinstance(first, LiveTab):  # sockscope proxy: live tabs begin on their own
            return
        first.history = self._history
        first.begin()
        if self.options.more:
            for settings in self.options.more:
                await self.open_tab(settings, connect_now=True)
            await self.tabs.show(first)
        if self.options.open_path is not None:
            from sockscope.tui.screens.file_screens import OpenRequest

            self.files.open_log(OpenRequest(self.options.open_path, None))

    def _load_history(self) -> ComposeHistory | None:
        if self.options.history_path is None:
            return None
        from sockscope.core.text.history import ComposeHistory

        history, error = ComposeHistory.load(self.options.history_path)
        if error:
            self.notify(error, severity="warning", markup=False)
        return history

    async def open_tab(
        self,
        settings: ConnectionSettings | None = None,
        *,
        connect_now: bool = False,
        saved: SavedConnection | None = None,
    ) -> LiveTab:
        """A new live tab, shown: connecting to ``settings`` (of ``saved``) if asked to."""
        settings = settings or ConnectionSettings()
        journal = self._journals.for_url(settings.url)
        tab = self._live_tab(settings, Session(), connect_now, journal, saved)
        tab.history = self._history
        await self.tabs.show(self.tabs.add(tab))
        self.call_after_refresh(tab.begin)
        return tab

    def journals(self) -> list[Path]:
        """Every journal a tab of this run was given (closed tabs' too), first tab first."""
        return list(self._journals.given)

    def live_tabs(self) -> list[LiveTab]:
        return [tab for tab in self.tabs if isinstance(tab, LiveTab)]

    @staticmethod
    def _settle_memory() -> None:
        """After the first frame: freeze what startup made, collect again from now on.

        Textual's ~90k long-lived objects would otherwise be walked by every full
        collection (40 ms pauses under a firehose): move them out of the GC's sight.
        """
        gc.freeze()
        gc.enable()

    def on_unmount(self) -> None:
        gc.enable()  # in case the app ends before its first frame
        # The screens are gone by now: each main screen closed its connection first.
        for tab in self.live_tabs():
            tab.files.close_journal()

    def report_bug(self, error: Exception) -> None:
        """A guarded handler failed: flush the journals, keep a report, tell the user."""
        self._flush_journals()
        where = write_crash_report(error)
        self.notify(
            f"Internal error: {type(error).__name__}: {error}. The session is intact; "
            f"save it with ctrl+s. Details: {where}",
            title="sockscope bug",
            severity="error",
            timeout=60,
            markup=False,
        )

    def _handle_exception(self, error: Exception) -> None:
        """An unguarded bug ends the app: flush the journals and keep a full copy first."""
        self._flush_journals()
        files = self.tab_files
        if self.survive_errors and files is not None:
            self.emergency_copy = files.save_emergency_copy()
        super()._handle_exception(error)

    def _flush_journals(self) -> None:
        for tab in self.live_tabs():
            tab.session.flush_journal()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """While a log is on its way, only quitting: no dialog or tab may come between (its
        progress dialog shows after 0.25 s, its tab when the first rows are read).
        The live session's keys work only on its own screen; the proxy's tab saves nothing."""
        current = self.tabs.current
        files = self.tab_files
        if files is None:
            if action in ("save", "open"):
                return False
        elif files.opening_log and action != "quit":
            return False
        if action in LIVE_ACTIONS and not (
            isinstance(current, LiveTab) and self._shown_screen() is self.main_screen
        ):
            # A log or a replay is shown: False also takes these off the key bar.
            return False
        if action == "toggle_rules":
            settings = self.main_screen.settings
            return bool(settings.replies or settings.every)
        if action == "filter":  # (the proxy's tab has no log)
            return bool(self._shown_screen().query(SessionView))
        return super().check_action(action, parameters)

    def get_system_commands(self, screen: Screen[object]) -> Iterable[SystemCommand]:
        """Textual's own palette commands, less Quit: the app's own is there (ctrl+q)."""
        return (c for c in super().get_system_commands(screen) if c.title != "Quit")

    def _shown_screen(self) -> Screen[object]:
        """The topmost full screen: what a dialog (a modal screen) is shown over."""
        return next(s for s in reversed(self.screen_stack) if not isinstance(s, ModalScreen))

    # -- actions ---------------------------------------------------------------

    # Screens shown on demand are imported on demand: a third of the startup time was
    # imports (the replay and log formats pull in websockets and more; docs/performance.md).

    def action_help(self) -> None:
        from sockscope.tui.help_sections import help_sections
        from sockscope.tui.screens.help_screen import HelpScreen

        self.push_screen(HelpScreen(help_sections(), dict(self.options.config.keymap)))

    # The live session's keys work from every screen (a log viewer's too), as app keys.

    def action_focus_url(self) -> None:
        self.main_screen.focus_url()

    def action_focus_composer(self) -> None:
        self.main_screen.focus_composer()

    def action_focus_log(self) -> None:
        self.main_screen.focus_log()

    def action_connect(self) -> None:
        self.main_screen.connect_from_panel()

    def action_disconnect(self) -> None:
        self.main_screen.disconnect()

    def action_abort(self) -> None:
        self.main_screen.abort()

    def action_ping(self) -> None:
        self.main_screen.ping()

    def action_close(self) -> None:
        self.main_screen.ask_and_close()

    def action_toggle_rules(self) -> None:
        self.main_screen.toggle_rules()

    def action_toggle_traffic(self) -> None:
        self.main_screen.toggle_traffic()

    def action_clear_view(self) -> None:
        self.main_screen.clear_view()

    def action_filter(self) -> None:
        """Open the filter of the session shown now (live, a saved log, or a replay)."""
        views = self._shown_screen().query(SessionView)
        if views:
            views.first().open_filter()

    async def action_new_tab(self) -> None:
        await self.open_tab()

    async def action_close_tab(self) -> None:
        current = self.tabs.current
        if current is None or not self.tabs.can_close(current):
            self.notify("The last live tab: ctrl+q quits.", timeout=3)
            return
        if not current.closable:
            self.notify("The proxy's tab stays while it runs: ctrl+q quits.", timeout=3)
            return
        await self.tabs.close(current)

    def action_step_tab(self, by: int) -> None:
        self.tabs.step(by)

    def action_show_tab(self, number: int) -> None:
        self.tabs.show_number(number)

    def action_save(self) -> None:
        self.files.ask_and_save()

    def action_open(self) -> None:
        self.files.ask_and_open()
