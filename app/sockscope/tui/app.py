"""The sockscope App: composes the panels, starts the socket worker, routes messages."""

from __future__ import annotations

import gc

from textual import on
from textual.app import App, ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal
from textual.widgets import Footer

from sockscope.core.events import Failed, Opened, ReadyState
from sockscope.core.session import Session
from sockscope.core.settings import ConnectionSettings
from sockscope.resources import stylesheet
from sockscope.tui.messages import CommandFailed, ConnectionChanged, FramesRecorded
from sockscope.tui.screens.close_screen import CloseScreen
from sockscope.tui.screens.help_screen import HelpScreen
from sockscope.tui.widgets.composer import Composer
from sockscope.tui.widgets.connection_panel import ConnectionPanel
from sockscope.tui.widgets.filter_bar import FilterBar
from sockscope.tui.widgets.inspector import Inspector
from sockscope.tui.widgets.message_log import MessageLog
from sockscope.tui.widgets.status_line import StatusLine
from sockscope.tui.worker import Close, Connect, Disconnect, Ping, SendBytes, SendText, SocketWorker


class SockscopeApp(App[None]):
    """A full-screen WebSocket debugger over one session."""

    TITLE = "sockscope"
    CSS_PATH = stylesheet("app.tcss")
    BINDINGS = [
        Binding("ctrl+q", "quit", "Quit", id="quit", priority=True),
        Binding("f1", "help", "Help", id="help", tooltip="List every key"),
        Binding("f2", "focus_url", "URL", id="focus_url", tooltip="Edit the URL and options"),
        Binding("f5", "connect", "Connect", id="connect", tooltip="Connect or reconnect"),
        # priority: the composer's TextArea binds F6/F7 (select line/all) itself.
        Binding("f6", "ping", "Ping", id="ping", priority=True, tooltip="Ping; measure latency"),
        Binding("f7", "close", "Close…", id="close", priority=True, tooltip="Close with a code"),
        Binding("f8", "disconnect", "Drop", id="disconnect", tooltip="Drop the connection"),
        Binding("ctrl+f", "filter", "Filter", id="filter", tooltip="Filter the log"),
        Binding("ctrl+l", "clear_view", "Clear", id="clear_view", tooltip="Clear the view"),
        Binding("ctrl+e", "focus_composer", "Compose", id="focus_composer", show=False),
        Binding("ctrl+g", "focus_log", "Log", id="focus_log", show=False),
    ]

    def __init__(
        self,
        settings: ConnectionSettings | None = None,
        *,
        connect_now: bool = False,
        notice: str | None = None,
        session: Session | None = None,
    ) -> None:
        super().__init__()
        self.settings = settings or ConnectionSettings()
        self.session = session or Session()
        self.worker_bridge = SocketWorker(self.session, self.post_message)
        self._connect_now = connect_now
        self._notice = notice

    def compose(self) -> ComposeResult:
        yield ConnectionPanel(self.settings, id="connection")
        yield StatusLine(id="status")
        with Horizontal(id="main"):
            yield MessageLog(self.session.store, id="log")
            yield Inspector(id="inspector")
        yield FilterBar(id="filter")
        yield Composer(id="composer")
        yield Footer()

    def on_mount(self) -> None:
        # Textual's ~90k long-lived objects would otherwise be walked by every full
        # collection (40 ms pauses under a firehose): move them out of the GC's sight.
        self.call_after_refresh(gc.freeze)
        self.run_worker(self.worker_bridge.run(), name="socket", group="socket", exclusive=True)
        self._show_status()
        if self._notice:
            self.notify(self._notice, title="URL")
        if self._connect_now and self.settings.url:
            self.worker_bridge.submit(Connect(self.settings))
            self.action_focus_composer()
        else:
            self.action_focus_url()

    async def on_unmount(self) -> None:
        await self.worker_bridge.shutdown()

    # -- routing the worker's messages --------------------------------------

    @on(FramesRecorded)
    def _frames_recorded(self) -> None:
        self.query_one(MessageLog).refresh_rows()
        self._show_status()

    @on(ConnectionChanged)
    def _connection_changed(self, message: ConnectionChanged) -> None:
        event = message.event
        self.query_one(ConnectionPanel).set_state(self.session.state)
        self.query_one(MessageLog).refresh_rows()
        self._show_status()
        if isinstance(event, Failed):
            self.notify(event.message, title="Connection failed", severity="error", markup=False)

    @on(CommandFailed)
    def _command_failed(self, message: CommandFailed) -> None:
        self.notify(message.message, severity="warning", markup=False)

    def _show_status(self) -> None:
        session = self.session
        opened: Opened | None = session.opened if session.state is ReadyState.OPEN else None
        connection = self.worker_bridge.connection
        url = connection.settings.url if connection else self.settings.url
        self.query_one(StatusLine).show(
            session.state,
            url,
            opened.subprotocol if opened else None,
            opened.extensions if opened else [],
            session.store,
            connection.latency if connection else None,
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

    @on(MessageLog.RowSelected)
    def _row_selected(self, message: MessageLog.RowSelected) -> None:
        self.query_one(Inspector).show_row(self.session.store, message.index)

    @on(FilterBar.FilterChanged)
    def _filter_changed(self, message: FilterBar.FilterChanged) -> None:
        self.query_one(MessageLog).set_filter(message.compiled)

    @on(FilterBar.Closed)
    def _filter_closed(self) -> None:
        self.action_focus_log()

    # -- actions ---------------------------------------------------------------

    def action_help(self) -> None:
        sections = [
            ("Everywhere", list(self.BINDINGS)),
            ("Message log", list(MessageLog.BINDINGS)),
            ("Inspector", list(Inspector.BINDINGS)),
            ("Composer", list(Composer.BINDINGS)),
        ]
        self.push_screen(HelpScreen(sections))

    def action_focus_url(self) -> None:
        self.query_one("#url").focus()

    def action_focus_composer(self) -> None:
        self.query_one(Composer).editor.focus()

    def action_focus_log(self) -> None:
        self.query_one(MessageLog).focus()

    def action_connect(self) -> None:
        self.query_one(ConnectionPanel).request_connect()

    def action_disconnect(self) -> None:
        self.worker_bridge.submit(Disconnect())

    def action_ping(self) -> None:
        self.worker_bridge.submit(Ping())

    def action_close(self) -> None:
        def closed(result: tuple[int, str] | None) -> None:
            if result is not None:
                self.worker_bridge.submit(Close(*result))

        self.push_screen(CloseScreen(), closed)

    def action_filter(self) -> None:
        self.query_one(FilterBar).open()

    def action_clear_view(self) -> None:
        self.query_one(MessageLog).clear_view()
        self.notify("View cleared; the session keeps every frame.", timeout=2)
