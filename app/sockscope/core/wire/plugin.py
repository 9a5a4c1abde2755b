"""Where protocol layers and auto-reply rules plug into a driver.

A plug-in may adjust the settings before each connect, is told when a connection opens,
of every text and binary message received and sent (after it was recorded, with its row
number), and when the connection ends; it acts through the :class:`Link` it is handed
(the driver's command queue, timers and reports), so it never touches the socket itself.
Keepalives a protocol needs (Engine.IO's pong, STOMP's heart-beat) are answers in
``received`` or timers set in ``opened``.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Protocol

from sockscope.core.events import Closed, ConnectionEvent, DriverEvent, Failed, Opened
from sockscope.core.session.session import Session
from sockscope.core.settings import ConnectionSettings
from sockscope.core.store.frames import FrameStore, Kind, Opcode
from sockscope.core.wire.commands import Command


class Timer(Protocol):
    def cancel(self) -> None:
        """Stop the timer; a command already queued still runs."""


class Link(Protocol):
    """What a plug-in may do: queue commands, run them on a timer, report to the user."""

    def submit(self, command: Command) -> None: ...

    def every(self, seconds: float, command: Command | Callable[[], Command]) -> Timer:
        """Run ``command`` (or what a factory makes at each tick) every ``seconds`` while a
        connection is open (across reconnects, until cancelled)."""

    def report(self, event: DriverEvent) -> None:
        """Tell the user (the TUI's status line, a headless command's output)."""


class Plugin:
    """The hooks a plug-in may override; each does nothing by default.

    ``listening`` says whether the plug-in wants ``received``/``sent`` at all: a firehose
    pays for the per-frame calls only while some plug-in listens.
    """

    listening: bool = True

    def prepare(self, settings: ConnectionSettings) -> ConnectionSettings:
        """Adjust the settings of the next connect (a protocol's path or subprotocols)."""
        return settings

    async def before_connect(self, settings: ConnectionSettings) -> ConnectionSettings:
        """Adjust the settings of one connection attempt, reconnects included (a token
        fetched over HTTP first, as SignalR's negotiate does)."""
        return settings

    def opened(self, link: Link, event: Opened) -> None:
        """A connection opened."""

    def received(self, link: Link, row: int, opcode: Opcode, payload: bytes) -> None:
        """A text or binary message came in; ``row`` counts from the session's start."""

    def sent(self, link: Link, row: int, opcode: Opcode, payload: bytes) -> None:
        """A text or binary message went out."""

    def ended(self, link: Link, outcome: Closed | Failed) -> None:
        """The connection ended (a reconnect may follow)."""


class Deliverer(Protocol):
    def deliver(self, kind: Kind, row: int, opcode: Opcode, payload: bytes) -> None:
        """Show a recorded message to the listening plug-ins."""

    @property
    def listened(self) -> bool:
        """Whether any plug-in listens to messages now."""


_DATA = (Opcode.TEXT, Opcode.BINARY)


class PluginSink:
    """Records into the session, then shows data messages to the driver's plug-ins.

    Used only when there are plug-ins: without them the session is the sink itself and a
    firehose costs nothing more.
    """

    def __init__(self, session: Session, driver: Deliverer) -> None:
        self._session = session
        self._store = session.store
        self._driver = driver

    def _next_row(self) -> int:
        return self._store.dropped + len(self._store)

    def on_frame(self, t: float, kind: Kind, opcode: Opcode, payload: bytes) -> None:
        self._session.on_frame(t, kind, opcode, payload)
        if opcode in _DATA and kind.is_frame and self._driver.listened:
            self._driver.deliver(kind, self._next_row() - 1, opcode, payload)

    def on_frames(self, t: float, flags: bytes, payloads: list[bytes]) -> None:
        first = self._next_row()
        self._session.on_frames(t, flags, payloads)
        if not self._driver.listened:
            return
        for offset, (flag, payload) in enumerate(zip(flags, payloads, strict=True)):
            kind, opcode = FrameStore.unpack_flags(flag)
            if opcode in _DATA:
                self._driver.deliver(kind, first + offset, opcode, payload)

    def on_event(self, t: float, event: ConnectionEvent) -> None:
        self._session.on_event(t, event)
