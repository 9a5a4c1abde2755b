"""The sockscope App: composes the panels, starts the socket worker, routes messages."""

from __future__ import annotations

import gc
import time
from pathlib import Path

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding

from sockscope.core.events import Closed, ConnectionEvent, Failed, Opened, ReadyState
from sockscope.core.paths import write_crash_report
from sockscope.core.session.session import Session
from sockscope.core.settings import ConnectionSettings
from sockscope.core.text.display import describe_close
from sockscope.resources import stylesheet
from sockscope.tui.app_options import AppOptions
from sockscope.tui.guard import guarded
from sockscope.tui.log.message_log import MessageLog
from sockscope.tui.messages import (
    CommandFailed,
    ConnectionChanged,
    FramesRecorded,
    ReconnectScheduled,
)
from sockscope.tui.session_files import SessionFiles
from sockscope.tui.widgets.composer import Composer
from sockscope.tui.widgets.connection_panel import ConnectionPanel
from sockscope.tui.widgets.inspector import Inspector
from sockscope.tui.widgets.key_bar import KeyBar
from sockscope.tui.widgets.session_view import SessionView
from sockscope.tui.widgets.status_line import Status, StatusLine
from sockscope.tui.worker import Close, Connect, Disconnect, Ping, SendBytes, SendText, SocketWorker


def _how_it_ended(event: ConnectionEvent | None) -> str | None:
    """What the status line says after the connection ended: the failure or close."""
    if isinstance(event, Failed):
        return event.message
    if isinstance(event, Closed):
        closed = "closed " + describe_close(event.code, event.reason, event.was_clean)
        # The detail (e.g. a ping timeout) says why; first, so a narrow screen keeps it.
        return f"{event.detail} · {closed}" if event.detail else closed
    return None


class SockscopeApp(SessionFiles):
    """A full-screen WebSocket debugger over one session."""

    TITLE = "sockscope"
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
            "f8", "disconnect", "Drop", id="disconnect", show=False, tooltip="Drop the connection"
        ),
        Binding("ctrl+f", "filter", "Filter", id="filter", tooltip="Filter the log"),
        Binding("ctrl+s", "save", "Save", id="save", tooltip="Save the session (.jsonl or .har)"),
        Binding("ctrl+o", "open", "Open", id="open", tooltip="Open a saved log (.jsonl or .har)"),
        Binding("ctrl+l", "clear_view", "Clear", id="clear_view", tooltip="Clear the view"),
        Binding("ctrl+e", "focus_composer", "Compose", id="focus_composer", show=False),
        Binding("ctrl+g", "focus_log", "Log", id="focus_log", show=False),
    ]

    def __init__(
        self,
        settings: ConnectionSettings | None = None,
        session: Session | None = None,
        options: AppOptions | None = None,
    ) -> None:
        super().__init__()
        self.settings = settings or ConnectionSettings()
        self.session = session or Session()
        self.options = options or AppOptions()
        if self.options.max_frames is not None:
            self.session.max_frames = self.options.max_frames
        self.survive_errors = self.options.survive_errors
        self.emergency_copy: Path | str | None = None
        """Where the session was saved when a bug ended the app."""
        self._reconnect_at: float | None = None
        self.worker_bridge = SocketWorker(self.session, self.post_message)

    def compose(self) -> ComposeResult:
        # No collections until the first frame is out: everything made until then lives
        # on, and each full collection of it cost ~20 ms of startup (see _settle_memory).
        gc.disable()
        # Kept as attributes: App.query_one searches the *active* screen, which may be a
        # log viewer or a dialog when the worker's messages arrive.
        self.panel = ConnectionPanel(self.settings, id="connection")
        self.status_line = StatusLine(id="status")
        self.session_view = SessionView(self.session.store, id="session")
        self.composer = Composer(id="composer")
        yield self.panel
        yield self.status_line
        yield self.session_view
        yield self.composer
        yield KeyBar()

    def on_mount(self) -> None:
        self.call_after_refresh(self._settle_memory)
        self.run_worker(self.worker_bridge.run(), name="socket", group="socket", exclusive=True)
        # The journal (and so the connection, whose every row it must get) after the first
        # frame: creating it cost ~10 ms of the launch (docs/performance.md, *Startup*).
        self.call_after_refresh(self._begin_session)
        self._show_status()
        # Keeps the latency and a reconnect countdown fresh when no frames arrive.
        self.set_interval(0.25, self._show_status)
        if self.options.notice:
            self.notify(self.options.notice, title="URL")
        if self.options.connect_now and self.settings.url:
            self.action_focus_composer()
        else:
            self.action_focus_url()
        if self.options.open_path is not None:
            from sockscope.tui.screens.file_screens import OpenRequest

            self.open_log(OpenRequest(self.options.open_path, None))

    def _begin_session(self) -> None:
        """Start the journal, then connect when asked to at launch."""
        self._start_journal()
        if self.options.connect_now and self.settings.url:
            self.worker_bridge.submit(Connect(self.settings))

    @staticmethod
    def _settle_memory() -> None:
        """After the first frame: freeze what startup made, collect again from now on.

        Textual's ~90k long-lived objects would otherwise be walked by every full
        collection (40 ms pauses under a firehose): move them out of the GC's sight.
        """
        gc.freeze()
        gc.enable()

    async def on_unmount(self) -> None:
        gc.enable()  # in case the app ends before its first frame
        await self.worker_bridge.shutdown()
        self.close_journal()

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
            self.emergency_copy = self.save_emergency_copy()
        super()._handle_exception(error)

    # -- routing the worker's messages --------------------------------------

    @on(FramesRecorded)
    @guarded
    def _frames_recorded(self) -> None:
        self.session_view.refresh_rows()
        self._show_status()

    @on(ConnectionChanged)
    @guarded
    def _connection_changed(self, message: ConnectionChanged) -> None:
        event = message.event
        self.panel.set_state(self.session.state)
        self.session_view.refresh_rows()
        self._show_status()
        if isinstance(event, Failed):
            self.notify(event.message, title="Connection failed", severity="error", markup=False)

    @on(ReconnectScheduled)
    def _reconnect_scheduled(self, message: ReconnectScheduled) -> None:
        self._reconnect_at = time.monotonic() + message.delay
        self.session_view.refresh_rows()
        self._show_status()

    @on(CommandFailed)
    def _command_failed(self, message: CommandFailed) -> None:
        self.notify(message.message, severity="warning", markup=False)

    def _show_status(self) -> None:
        session = self.session
        opened: Opened | None = session.opened if session.state is ReadyState.OPEN else None
        connection = self.worker_bridge.connection
        url = connection.settings.url if connection else self.settings.url
        reconnect_in = None
        if self._reconnect_at is not None:
            reconnect_in = self._reconnect_at - time.monotonic()
            if reconnect_in <= 0 or session.state is not ReadyState.CLOSED:
                self._reconnect_at = reconnect_in = None
        self.status_line.show(
            Status(
                session.state,
                url,
                session.store,
                opened.subprotocol if opened else None,
                tuple(opened.extensions) if opened else (),
                connection.latency if connection else None,
                reconnect_in,
                _how_it_ended(session.last_event),
                session.max_frames,
                session.journal is not None,
            )
        )

    # -- routing the widgets' requests -----------------------------------------

    @on(ConnectionPanel.ConnectRequested)
    def _connect_requested(self, message: ConnectionPanel.ConnectRequested) -> None:
        self.settings = message.settings
        self.worker_bridge.submit(Connect(message.settings))
        self.action_focus_composer()

    @on(ConnectionPanel.DisconnectRequested)
    def _disconnect_requested(self) -> None:
        self.worker_bridge.submit(Disconnect())

    @on(Composer.MessageComposed)
    def _message_composed(self, message: Composer.MessageComposed) -> None:
        outgoing = message.outgoing
        if outgoing.ping:
            self.worker_bridge.submit(Ping(outgoing.data or b""))
        elif outgoing.text is not None:
            self.worker_bridge.submit(SendText(outgoing.text))
        else:
            self.worker_bridge.submit(SendBytes(outgoing.data or b""))

    @on(Composer.CloseRequested)
    def _close_requested(self) -> None:
        self.action_close()

    # -- actions ---------------------------------------------------------------

    # Screens shown on demand are imported on demand: a third of the startup time was
    # imports (the replay and log formats pull in websockets and more; docs/performance.md).

    def action_help(self) -> None:
        from sockscope.tui.screens.diff_screen import DiffScreen
        from sockscope.tui.screens.help_screen import HelpScreen
        from sockscope.tui.screens.log_viewer import LogViewerScreen
        from sockscope.tui.screens.replay_screen import ReplayScreen

        sections = [
            ("Everywhere", list(self.BINDINGS)),
            ("Saved log viewer", list(LogViewerScreen.BINDINGS)),
            ("Replay", list(ReplayScreen.BINDINGS)),
            ("Replay diff", list(DiffScreen.BINDINGS)),
            ("Message log", list(MessageLog.BINDINGS) + list(SessionView.BINDINGS)),
            ("Inspector", list(Inspector.BINDINGS)),
            ("Composer", list(Composer.BINDINGS)),
        ]
        self.push_screen(HelpScreen(sections))

    def action_focus_url(self) -> None:
        self.panel.query_one("#url").focus()

    def action_focus_composer(self) -> None:
        self.composer.editor.focus()

    def action_focus_log(self) -> None:
        self.session_view.message_log.focus()

    def action_connect(self) -> None:
        self.panel.request_connect()

    def action_disconnect(self) -> None:
        self.worker_bridge.submit(Disconnect())

    def action_ping(self) -> None:
        self.worker_bridge.submit(Ping())

    def action_close(self) -> None:
        from sockscope.tui.screens.close_screen import CloseScreen

        def closed(result: tuple[int, str] | None) -> None:
            if result is not None:
                self.worker_bridge.submit(Close(*result))

        self.push_screen(CloseScreen(), closed)

    def action_filter(self) -> None:
        """Open the filter of the session shown now (live, a saved log, or a replay)."""
        views = self.screen.query(SessionView)
        (views.first() if views else self.session_view).open_filter()

    def action_clear_view(self) -> None:
        self.session_view.message_log.clear_view()
        self.notify("View cleared; the session keeps every frame.", timeout=2)
