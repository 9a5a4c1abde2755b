"""The main screen: a live session, its connection and the socket worker that runs it.

It composes the tab bar, connection panel, status line, session view, composer and key
bar; it turns the widgets' requests into the worker's commands and shows what the worker
reports. The app's keys (global, so they work from every screen) call its methods."""

from __future__ import annotations

import time

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.screen import Screen

from sockscope.core.events import (
    Connecting,
    Failed,
    Opened,
    ProtocolChosen,
    ReadyState,
)
from sockscope.core.session.session import Session
from sockscope.core.settings import ConnectionSettings
from sockscope.core.text.connection_facts import offered_subprotocols
from sockscope.core.wire.commands import (
    Abort,
    Close,
    Connect,
    Disconnect,
    Ping,
    SendBytes,
    SendText,
)
from sockscope.tui.guard import guarded
from sockscope.tui.messages import (
    CommandFailed,
    ConnectionChanged,
    FramesRecorded,
    LatencyMeasured,
    ProtocolChanged,
    ReconnectScheduled,
)
from sockscope.tui.screens.saved_connections import SavedConnections
from sockscope.tui.widgets.collection_sidebar import CollectionSidebar
from sockscope.tui.widgets.composer import Composer
from sockscope.tui.widgets.connection_panel import ConnectionPanel
from sockscope.tui.widgets.key_bar import KeyBar
from sockscope.tui.widgets.session_view import SessionView
from sockscope.tui.widgets.status_line import Calls, Status, StatusLine
from sockscope.tui.widgets.tab_bar import TabBar
from sockscope.tui.widgets.traffic_panel import TrafficPanel
from sockscope.tui.worker import SocketWorker
from sockscope.tui.workspace import Workspace


class MainScreen(Screen[None]):
    """The live session: connection panel, status line, log + inspector, composer, keys."""

    # on_mount focuses the URL or the composer: an automatic focus first (the sidebar's
    # tree, composed first) raced it, and a key typed at launch went to either.
    AUTO_FOCUS = ""

    BINDINGS = [
        Binding(
            "ctrl+b",
            "toggle_sidebar",
            "Collection",
            id="toggle_sidebar",
            show=False,
            tooltip="To the saved connections (--collection); again: hide them",
        )
    ]

    def __init__(
        self,
        settings: ConnectionSettings,
        session: Session,
        *,
        focus_composer: bool = False,
        workspace: Workspace | None = None,
    ) -> None:
        """``focus_composer``: start in the composer (connecting at launch), else the URL."""
        super().__init__()
        self.workspace = workspace or Workspace()
        self.saved_connections = SavedConnections(self)
        self.settings = settings
        """The settings of the last connection asked for (the panel's, at first)."""
        self.session = session
        self._focus_composer = focus_composer
        self._reconnect_at: float | None = None
        self._url = settings.url
        """The URL of the connection running or last run (from its Connecting event)."""
        self._latency: float | None = None
        self._speaking: ProtocolChosen | None = None
        # The worker's messages come here: every one of them is about this screen's widgets.
        self.worker_bridge = SocketWorker(session, self.post_message, self.workspace.resolve)

    def compose(self) -> ComposeResult:
        # Kept as attributes: the worker's messages are handled many times a second.
        self.panel = ConnectionPanel(self.settings, id="connection")
        self.status_line = StatusLine(id="status")
        self.traffic = TrafficPanel(self.session.store, id="traffic")
        self.session_view = SessionView(self.session.store, id="session")
        self.composer = Composer(id="composer")
        if self.workspace.collection is not None:
            yield CollectionSidebar(f"Collection {self.workspace.collection.name}/", id="sidebar")
        yield TabBar()
        yield self.panel
        yield self.status_line
        yield self.traffic
        yield self.session_view
        yield self.composer
        yield KeyBar()

    def on_mount(self) -> None:
        self._show_protocol()
        self.session_view.protocol_view = lambda: self.worker_bridge.protocol.view
        self.session_view.submit = self.worker_bridge.submit
        self.composer.protocol_layer = lambda: self.worker_bridge.protocol.layer
        self.composer.variables = self.workspace.resolve
        self.saved_connections.mounted()
        self.run_worker(self.worker_bridge.run(), name="socket", group="socket", exclusive=True)
        self.show_status()
        # Keeps the latency and a reconnect countdown fresh when no frames arrive.
        self.set_interval(0.25, self.show_status)
        if self._focus_composer:
            self.focus_composer()
        else:
            self.focus_url()

    async def on_unmount(self) -> None:
        await self.worker_bridge.shutdown()

    # -- what the worker reports -------------------------------------------------

    @on(FramesRecorded)
    @guarded
    def _frames_recorded(self) -> None:
        # A tab not shown skips this (a firehose there would cost keys here) and
        # catches up when shown again.
        if self.is_current:
            self.session_view.refresh_rows()
            self.show_status()

    def on_screen_resume(self) -> None:
        self._frames_recorded()

    @on(ConnectionChanged)
    @guarded
    def _connection_changed(self, message: ConnectionChanged) -> None:
        event = message.event
        if isinstance(event, Connecting):
            self._url, self._latency = event.url, None
        self.panel.set_state(self.session.state)
        self.session_view.refresh_rows()
        self.show_status()
        if isinstance(event, Failed):
            self.notify(event.message, title="Connection failed", severity="error", markup=False)
        elif isinstance(event, Opened) and offered_subprotocols(event) and not event.subprotocol:
            offered = ", ".join(offered_subprotocols(event))
            self.notify(
                f"The server agreed to none of the subprotocols offered ({offered}).",
                title="No subprotocol",
                severity="warning",
                markup=False,
            )

    @on(ProtocolChanged)
    def _protocol_changed(self, message: ProtocolChanged) -> None:
        self._speaking = message.chosen
        self._show_protocol()
        self.composer.offer_protocol(self.worker_bridge.protocol.layer)
        self.show_status()

    def _show_protocol(self) -> None:
        worker = self.worker_bridge
        self.session_view.message_log.show_labels(worker.label, worker.kind)
        self.session_view.protocol_changed()

    @on(ReconnectScheduled)
    def _reconnect_scheduled(self, message: ReconnectScheduled) -> None:
        self._reconnect_at = time.monotonic() + message.delay
        self.session_view.refresh_rows()
        self.show_status()

    @on(LatencyMeasured)
    def _latency_measured(self, message: LatencyMeasured) -> None:
        self._latency = message.seconds
        self.show_status()

    @on(CommandFailed)
    def _command_failed(self, message: CommandFailed) -> None:
        self.notify(message.message, severity="warning", markup=False)

    def show_status(self) -> None:
        if not self.is_current:
            return
        session = self.session
        reconnect_in = None
        if self._reconnect_at is not None:
            reconnect_in = self._reconnect_at - time.monotonic()
            if reconnect_in <= 0 or session.state is not ReadyState.CLOSED:
                self._reconnect_at = reconnect_in = None
        self.status_line.show(
            Status.of(
                session,
                self._url,
                speaking=self._speaking,
                latency=self._latency if session.state is ReadyState.OPEN else None,
                reconnect_in=reconnect_in,
                rules=self.worker_bridge.rules.describe(),
                rules_paused=self.worker_bridge.rules.paused,
                calls=self._calls(),
            )
        )

    def _calls(self) -> Calls | None:
        """The protocol layer's calls in flight and latencies, once it paired anything."""
        view = self.worker_bridge.protocol.view
        if view is None or not (view.pairs.in_flight or view.pairs.answered):
            return None
        return Calls(view.pairs.in_flight, view.pairs.percentiles())

    # -- what the widgets ask for ------------------------------------------------

    @on(ConnectionPanel.ConnectRequested)
    def _connect_requested(self, message: ConnectionPanel.ConnectRequested) -> None:
        self.connect(message.settings)
        self.focus_composer()

    @on(ConnectionPanel.DisconnectRequested)
    def _disconnect_requested(self) -> None:
        self.disconnect()

    @on(Composer.MessageComposed)
    def _message_composed(self, message: Composer.MessageComposed) -> None:
        outgoing = message.outgoing
        if outgoing.ping:
            self.worker_bridge.submit(Ping(outgoing.data or b""))
        elif outgoing.text is not None:
            self.worker_bridge.submit(SendText(outgoing.text))
        else:
            self.worker_bridge.submit(SendBytes(outgoing.data or b""))

    @on(Composer.CommandsComposed)
    def _commands_composed(self, message: Composer.CommandsComposed) -> None:
        for command in message.commands:
            self.worker_bridge.submit(command)

    @on(CollectionSidebar.Chosen)
    def _saved_chosen(self, message: CollectionSidebar.Chosen) -> None:
        self.saved_connections.open(message.saved, new_tab=message.new_tab)

    @on(CollectionSidebar.SaveRequested)
    def _save_requested(self, message: CollectionSidebar.SaveRequested) -> None:
        self.saved_connections.save(message.new)

    @on(CollectionSidebar.ReloadRequested)
    def _reload_requested(self) -> None:
        self.saved_connections.reload()

    def action_toggle_sidebar(self) -> None:
        self.saved_connections.toggle_sidebar()

    @on(Composer.CloseRequested)
    def _close_requested(self) -> None:
        self.ask_and_close()

    # -- what the app's keys do ------------------------------------------------------

    def connect(self, settings: ConnectionSettings) -> None:
        self.settings = settings
        self.worker_bridge.submit(Connect(settings))
        self.refresh_bindings()  # the rules key shows while there are rules

    def toggle_rules(self) -> None:
        """Pause or resume the auto-reply rules and timers."""
        rules = self.worker_bridge.rules
        if not (self.settings.replies or self.settings.every):
            self.notify("No rules: start with --reply or --every (docs/rules.md).", timeout=3)
            return
        paused = rules.toggle()
        self.notify("Rules paused." if paused else "Rules on again.", timeout=2)
        self.show_status()

    def connect_from_panel(self) -> None:
        """Connect with the panel's settings (the panel says why it cannot)."""
        self.panel.request_connect()

    def disconnect(self) -> None:
        self.worker_bridge.submit(Disconnect())

    def abort(self) -> None:
        """Drop the connection without a close frame, as a vanished client would."""
        self.worker_bridge.submit(Abort())

    def ping(self) -> None:
        self.worker_bridge.submit(Ping())

    def ask_and_close(self) -> None:
        """Ask for a close code and reason, then close with them."""
        from sockscope.tui.screens.close_screen import CloseScreen  # on demand (startup)

        def closed(result: tuple[int, str] | None) -> None:
            if result is not None:
                self.worker_bridge.submit(Close(*result))

        self.app.push_screen(CloseScreen(), closed)

    def toggle_traffic(self) -> None:
        """Show or hide the throughput sparklines and the message sizes."""
        self.traffic.toggle()

    def focus_url(self) -> None:
        self.panel.query_one("#url").focus()

    def focus_composer(self) -> None:
        self.composer.focus_input()

    def focus_log(self) -> None:
        self.session_view.message_log.focus()

    def clear_view(self) -> None:
        self.session_view.message_log.clear_view()
        self.notify("View cleared; the session keeps every frame.", timeout=2)
