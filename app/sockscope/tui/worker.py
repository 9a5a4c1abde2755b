"""The socket worker: the TUI's thin adapter around the core's connection driver.

The :class:`~sockscope.core.wire.driver.Driver` owns the socket; this class runs it as a
Textual worker and turns each event it reports into a Textual message for the main
screen. The screen sends commands with :meth:`SocketWorker.submit`; it never reads the
connection: every status fact (URL, latency, reconnects) arrives as a message.
"""

from __future__ import annotations

from collections.abc import Callable

from textual.message import Message

from sockscope.core.events import (
    CommandFailed,
    DriverEvent,
    LatencyMeasured,
    ProtocolChosen,
    ReconnectScheduled,
    RowsGrew,
)
from sockscope.core.protocols.message import MessageKind
from sockscope.core.protocols.plugin import ProtocolPlugin
from sockscope.core.rules.plugin import RulesPlugin
from sockscope.core.session.session import Session
from sockscope.core.wire.commands import Command
from sockscope.core.wire.driver import Driver
from sockscope.tui import messages


class SocketWorker:
    """Runs a driver for one session and posts what it reports."""

    def __init__(
        self,
        session: Session,
        post: Callable[[Message], object],
        resolve: Callable[[str], str] | None = None,
    ) -> None:
        """``resolve`` fills ``{{NAME}}`` in the rules' replies and timers at each send."""
        self._post = post
        self.protocol = ProtocolPlugin(session)
        """The session's protocol layer (its view decodes the log's rows)."""
        self.rules = RulesPlugin(session, resolve=resolve)
        """The connection's auto-reply rules and timers (from its settings)."""
        self.driver = Driver(session, self._relay, plugins=[self.protocol, self.rules])

    def submit(self, command: Command) -> None:
        """Queue a command (called by the UI)."""
        self.driver.submit(command)

    async def run(self) -> None:
        """The worker's body: the driver serves commands until cancelled."""
        await self.driver.serve()

    async def shutdown(self) -> None:
        """Close the connection politely before the app exits."""
        await self.driver.shutdown()

    def label(self, row: int) -> str | None:
        """What the protocol layer made of row number ``row`` (None: show it raw)."""
        view = self.protocol.view
        return view.label(row) if view is not None else None

    def kind(self, row: int) -> MessageKind | None:
        """The kind of row ``row``'s first decoded message (None: not decoded)."""
        view = self.protocol.view
        return view.kind(row) if view is not None else None

    def _relay(self, event: DriverEvent) -> None:
        if isinstance(event, RowsGrew):
            self._post(messages.FramesRecorded(event.total))
        elif isinstance(event, LatencyMeasured):
            self._post(messages.LatencyMeasured(event.seconds))
        elif isinstance(event, ReconnectScheduled):
            self._post(messages.ReconnectScheduled(event.delay, event.attempt))
        elif isinstance(event, CommandFailed):
            self._post(messages.CommandFailed(event.message))
        elif isinstance(event, ProtocolChosen):
            self._post(messages.ProtocolChanged(event))
        else:
            self._post(messages.ConnectionChanged(event))
