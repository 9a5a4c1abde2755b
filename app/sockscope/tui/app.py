"""The sockscope App: builds the main screen, keeps the app-wide keys, looks after the session.

The live session's screen (:class:`MainScreen`) composes the panels and runs the socket
worker; the file work goes through :class:`FileService`. The app holds both, the keys
that work on every screen, and what happens when a bug strikes.
"""

from __future__ import annotations

import gc
from collections.abc import Iterable
from pathlib import Path
from typing import TYPE_CHECKING

from textual.app import App, SystemCommand
from textual.binding import Binding
from textual.screen import ModalScreen, Screen

from sockscope.core.events import ReadyState
from sockscope.core.paths import write_crash_report
from sockscope.core.session.session import Session
from sockscope.core.settings import ConnectionSettings
from sockscope.resources import stylesheet
from sockscope.tui.app_options import AppOptions
from sockscope.tui.file_service import FileService
from sockscope.tui.log.message_log import MessageLog
from sockscope.tui.screens.main_screen import MainScreen
from sockscope.tui.widgets.composer import Composer
from sockscope.tui.widgets.inspector import Inspector
from sockscope.tui.widgets.session_view import SessionView
from sockscope.tui.workspace import Workspace

if TYPE_CHECKING:
    from textual.command import Provider

    from sockscope.tui.palette.entries import PaletteEntry

#: The app keys that act on the live session: only while its screen is the one shown.
LIVE_ACTIONS = frozenset(
    {
        "focus_url",
        "connect",
        "ping",
        "close",
        "disconnect",
        "clear_view",
        "focus_composer",
        "focus_log",
        "toggle_rules",
        "toggle_traffic",
    }
)


def _palette() -> type[Provider]:
    from sockscope.tui.palette.provider import SockscopeCommands  # on first use (startup)

    return SockscopeCommands


class SockscopeApp(App[None]):
    """A full-screen WebSocket debugger over one session."""

    TITLE = "sockscope"
    COMMANDS = App.COMMANDS | {_palette}
    CSS_PATH = stylesheet("app.tcss")
    BINDINGS = [
        Binding("ctrl+q", "quit", "Quit", id="quit", priority=True),
        Binding("f1", "help", "Help", id="help", tooltip="List every key"),
        Binding(
            "f2", "focus_url", "URL", id="focus_url", show=False, tooltip="Edit URL and options"
        ),
        Binding("f5", "connect", "Connect", id="connect", tooltip="Connect or reconnect"),
        # priority: the composer's TextArea binds F6/F7 (select line/all) itself.
        Binding("f6", "ping", "Ping", id="ping", priority=True, tooltip="Ping; measure latency"),
        Binding("f7", "close", "Close…", id="close", priority=True, tooltip="Close with a code"),
        Binding(
            "f8",
            "disconnect",
            "Leave",
            id="disconnect",
            show=False,
            tooltip="Leave: close with 1001 (going away), no reconnect",
        ),
        Binding(
            "shift+f8",
            "abort",
            "Abort",
            id="abort",
            show=False,
            tooltip="Vanish: drop TCP without a close frame (the server sees 1006)",
        ),
        Binding("ctrl+f", "filter", "Filter", id="filter", tooltip="Filter the log"),
        Binding("ctrl+s", "save", "Save", id="save", tooltip="Save the session (.jsonl or .har)"),
        Binding("ctrl+o", "open", "Open", id="open", tooltip="Open a saved log (.jsonl or .har)"),
        Binding("ctrl+l", "clear_view", "Clear", id="clear_view", tooltip="Clear the view"),
        Binding("ctrl+e", "focus_composer", "Compose", id="focus_composer", show=False),
        Binding("ctrl+g", "focus_log", "Log", id="focus_log", show=False),
        Binding(
            "f9",
            "toggle_rules",
            "Rules",
            id="toggle_rules",
            tooltip="Pause or resume the auto-reply rules and timers (shown while there are some)",
        ),
        Binding(
            "f4",
            "toggle_traffic",
            "Traffic",
            id="toggle_traffic",
            show=False,
            tooltip="Show or hide frames a second (in, out) and message sizes",
        ),
    ]

    def __init__(
        self,
        settings: ConnectionSettings | None = None,
        session: Session | None = None,
        options: AppOptions | None = None,
    ) -> None:
        super().__init__()
        self.session = session or Session()
        self.options = options or AppOptions()
        if self.options.max_frames is not None:
            self.session.max_frames = self.options.max_frames
        self.survive_errors = self.options.survive_errors
        self.emergency_copy: Path | str | None = None
        """Where the session was saved when a bug ended the app."""
        settings = settings or ConnectionSettings()
        self.main_screen = MainScreen(
            settings,
            self.session,
            focus_composer=self._connects_at_launch(settings),
            workspace=Workspace(
                dict(self.options.env), self.options.collection, self.options.saved
            ),
        )
        self.files = FileService(
            self, self.session, lambda: self.settings.url, self.options.journal_path
        )
        self.palette_entries: list[PaletteEntry] = []
        """The palette's commands beyond the keys' and copy-as (saved connections, saved
        messages: the sidebar keeps this list)."""

    @property
    def settings(self) -> ConnectionSettings:
        """The live connection's settings (the last ones a connect asked for)."""
        return self.main_screen.settings

    def _connects_at_launch(self, settings: ConnectionSettings) -> bool:
        return self.options.connect_now and bool(settings.url)

    def get_default_screen(self) -> MainScreen:
        # No collections until the first frame is out: everything made until then lives
        # on, and each full collection of it cost ~20 ms of startup (see _settle_memory).
        gc.disable()
        return self.main_screen

    def on_mount(self) -> None:
        if self.options.config.path is not None:  # a config.yaml was read
            from sockscope.tui.user_config import apply_user_config

            apply_user_config(self)
        self.call_after_refresh(self._settle_memory)
        # The journal (and so the connection, whose every row it must get) after the first
        # frame: creating it cost ~10 ms of the launch (docs/performance.md, *Startup*).
        self.call_after_refresh(self._begin_session)
        if self.options.notice:
            self.notify(self.options.notice, title="URL")
        if self.options.open_path is not None:
            from sockscope.tui.screens.file_screens import OpenRequest

            self.files.open_log(OpenRequest(self.options.open_path, None))

    def _begin_session(self) -> None:
        """Start the journal and the composer's history, then connect when asked to."""
        self.files.start_journal()
        self._start_composer()
        if self._connects_at_launch(self.settings):
            self.main_screen.connect(self.settings)

    def _start_composer(self) -> None:
        composer = self.main_screen.composer
        composer.not_ready = self._why_not_ready
        if self.options.history_path is None:
            return
        from sockscope.core.text.history import ComposeHistory

        history, error = ComposeHistory.load(self.options.history_path)
        composer.use_history(history)
        if error:
            self.notify(error, severity="warning", markup=False)

    def _why_not_ready(self) -> str | None:
        if self.session.state is ReadyState.OPEN:
            return None
        return "Not connected: F5 connects, then send again."

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
        # The screens are gone by now: the main screen closed the connection first.
        self.files.close_journal()

    def report_bug(self, error: Exception) -> None:
        """A guarded handler failed: flush the journal, keep a report, tell the user."""
        self.session.flush_journal()
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
        """An unguarded bug ends the app: flush the journal and keep a full copy first."""
        self.session.flush_journal()
        if self.survive_errors:
            self.emergency_copy = self.files.save_emergency_copy()
        super()._handle_exception(error)

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """While a log's viewer is on its way, only quitting: a screen that a key opened
        then would end up under the viewer (the progress dialog waits 0.25 s to show).
        The live session's keys work only on its own screen."""
        if self.files.opening_log and action != "quit":
            return False
        if action in LIVE_ACTIONS and self._shown_screen() is not self.main_screen:
            # A log viewer or a replay is what the user sees: these would act on the
            # hidden live session. False also takes them off the key bar.
            return False
        if action == "toggle_rules":
            settings = self.main_screen.settings
            return bool(settings.replies or settings.every)
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
        from sockscope.tui.screens.diff_screen import DiffScreen
        from sockscope.tui.screens.help_screen import HelpScreen
        from sockscope.tui.screens.log_viewer import LogViewerScreen
        from sockscope.tui.screens.replay_screen import ReplayScreen
        from sockscope.tui.widgets.collection_sidebar import CollectionSidebar

        sections = [
            ("Everywhere", list(self.BINDINGS)),
            ("Saved log viewer", list(LogViewerScreen.BINDINGS)),
            ("Replay", list(ReplayScreen.BINDINGS)),
            ("Replay diff", list(DiffScreen.BINDINGS)),
            ("Message log", list(MessageLog.BINDINGS) + list(SessionView.BINDINGS)),
            ("Inspector", list(Inspector.BINDINGS)),
            ("Composer", list(Composer.BINDINGS)),
            ("Collection", list(MainScreen.BINDINGS) + list(CollectionSidebar.BINDINGS)),
        ]
        self.push_screen(HelpScreen(sections, dict(self.options.config.keymap)))

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
        views = self.screen.query(SessionView)
        (views.first() if views else self.main_screen.session_view).open_filter()

    def action_save(self) -> None:
        self.files.ask_and_save()

    def action_open(self) -> None:
        self.files.ask_and_open()
