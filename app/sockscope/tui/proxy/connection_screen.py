"""A proxied client connection's screen: its route and state, log, held message, injection.

The log, inspector and filter are the live session's (:class:`SessionView` over the
relay's session), labelled by the protocol layer the relay decodes with. The relay has
no driver to post when rows grow, so the screen looks ten times a second (one length
comparison when nothing came). The composer injects into the way the screen's toggle
says (ctrl+r turns it round); the core sends it after what is already on its way.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.screen import Screen
from textual.widgets import Label

from sockscope.core.events import ProtocolChosen, ReadyState
from sockscope.core.formats.redact import redact_url
from sockscope.core.protocols.message import MessageKind
from sockscope.core.proxy.breakpoints import Way
from sockscope.core.text.display import safe_line
from sockscope.tui.guard import guarded
from sockscope.tui.proxy.connection_tab import client_target
from sockscope.tui.proxy.held_panel import HeldPanel
from sockscope.tui.widgets.composer import Composer
from sockscope.tui.widgets.key_bar import KeyBar
from sockscope.tui.widgets.session_view import SessionView
from sockscope.tui.widgets.status_line import Status, StatusLine
from sockscope.tui.widgets.tab_bar import TabBar

if TYPE_CHECKING:
    from sockscope.tui.proxy.connection_tab import ProxyTab

#: How often the screen looks for new rows (seconds).
TICK = 0.1
ENDED = "The connection has ended: nothing more goes either way."


class ProxyConnectionScreen(Screen[None]):
    """One client connection through the proxy (its tab's base screen)."""

    AUTO_FOCUS = "#log"
    DEFAULT_CSS = """
    ProxyConnectionScreen {
        & #route { height: 1; padding: 0 1; color: $text-muted; text-wrap: nowrap; }
        & #inject-way { height: 1; padding: 0 1; color: $accent; }
        /* Pings and closes are each hop's own: the composer injects messages only. */
        & #composer #ping, & #composer #close { display: none; }
    }
    """

    BINDINGS = [
        Binding(
            "ctrl+r",
            "toggle_way",
            "Inject way",
            id="proxy.way",
            tooltip="Inject toward the server or toward the client",
        ),
        # The live tab's keys for these are the app's, which act on a live tab only.
        Binding("ctrl+e", "focus_composer", "Compose", id="proxy.compose", show=False),
        Binding("ctrl+g", "focus_log", "Log", id="proxy.log", show=False),
    ]

    def __init__(self, tab: ProxyTab) -> None:
        super().__init__()
        self.tab = tab
        self.relay = tab.relay
        self.way = Way.TO_SERVER
        """Where the composer's messages go."""
        self._rows = -1
        self._view: object = None

    def compose(self) -> ComposeResult:
        self.status_line = StatusLine(id="status")
        self.session_view = SessionView(self.relay.session.store, id="session")
        self.held_panel = HeldPanel(id="held")
        self.composer = Composer(id="composer")
        yield TabBar()
        yield Label(self._route(), id="route", markup=False)
        yield self.status_line
        yield self.session_view
        yield self.held_panel
        yield Label("", id="inject-way", markup=False)
        yield self.composer
        yield KeyBar()

    def _route(self) -> str:
        """``#2 client ws://127.0.0.1:8765/feed → wss://api.example.com/feed``."""
        server = self.tab.runner.server
        client = server.url + client_target(self.relay.settings.url)
        upstream = redact_url(self.relay.settings.url)
        return safe_line(f"#{self.relay.number} client {client} → {upstream}")

    def on_mount(self) -> None:
        self.session_view.protocol_view = lambda: self.relay.decoder.view
        self.composer.not_ready = self._why_not_ready
        self._show_way()
        self._tick()
        self.set_interval(TICK, self._tick)
        self.show_held()

    def _why_not_ready(self) -> str | None:
        return ENDED if self.relay.session.state is ReadyState.CLOSED else None

    def on_screen_resume(self) -> None:
        self._tick()

    @guarded
    def _tick(self) -> None:
        """New rows into the log, a newly detected protocol into its labels, the status
        (while shown: a tab not shown catches up when shown again)."""
        if not self.is_current:
            return
        view = self.relay.decoder.view
        if view is not self._view:
            self._view = view
            log = self.session_view.message_log
            log.show_labels(self._label, self._kind)
            self.session_view.protocol_changed()
        rows = self.relay.session.store.recorded
        if rows != self._rows:
            self._rows = rows
            self.session_view.refresh_rows()
        self._show_status()

    def _label(self, row: int) -> str | None:
        view = self.relay.decoder.view
        return view.label(row) if view is not None else None

    def _kind(self, row: int) -> MessageKind | None:
        view = self.relay.decoder.view
        return view.kind(row) if view is not None else None

    def _show_status(self) -> None:
        view = self.relay.decoder.view
        speaking = ProtocolChosen(view.name, view.layer.title, view.reason) if view else None
        self.status_line.show(
            Status.of(self.relay.session, self.relay.settings.url, speaking=speaking)
        )

    def show_held(self) -> None:
        """Show what of this connection is held now; focus it, unless the user is typing."""
        panel = self.held_panel
        was_shown = panel.held
        panel.show(self.tab.held())
        typing = self.composer.has_focus_within
        if panel.held is not None and panel.held is not was_shown and not typing:
            panel.focus()
        elif panel.held is None and panel.has_focus_within:
            self.session_view.message_log.focus()

    def action_focus_composer(self) -> None:
        self.composer.focus_input()

    def action_focus_log(self) -> None:
        self.session_view.message_log.focus()

    # -- injection ----------------------------------------------------------------------

    def action_toggle_way(self) -> None:
        self.way = Way.TO_CLIENT if self.way is Way.TO_SERVER else Way.TO_SERVER
        self._show_way()

    def _show_way(self) -> None:
        other = "client" if self.way is Way.TO_SERVER else "server"
        text = f"Inject {self.way.label} (ctrl+r: toward the {other})"
        self.query_one("#inject-way", Label).update(text)

    @on(Composer.MessageComposed)
    def _inject(self, message: Composer.MessageComposed) -> None:
        outgoing = message.outgoing
        if outgoing.ping:
            self.notify("Pings are each hop's own: the proxy injects messages.", timeout=3)
        elif outgoing.text is not None:
            self.relay.inject(self.way, outgoing.text)
        else:
            self.relay.inject(self.way, outgoing.data or b"")
