"""Where protocol layers and auto-reply rules plug into a driver.

A plug-in is told when a connection opens, of every text and binary message received,
and when the connection ends; it acts through the :class:`Link` it is handed (the
driver's command queue and timers), so it never touches the socket itself. Keepalives a
protocol needs (Engine.IO's pong, STOMP's heart-beat) are answers in ``received`` or
timers set in ``opened``.
"""

from __future__ import annotations

from typing import Protocol

from sockscope.core.events import Closed, ConnectionEvent, Failed, Opened
from sockscope.core.session.session import Session
from sockscope.core.store.frames import FrameStore, Kind, Opcode
from sockscope.core.wire.commands import Command


class Timer(Protocol):
    def cancel(self) -> None:
        """Stop the timer; a command already queued still runs."""


class Link(Protocol):
    """What a plug-in may do: queue commands, and run them on a timer."""

    def submit(self, command: Command) -> None: ...

    def every(self, seconds: float, command: Command) -> Timer:
        """Run ``command`` every ``seconds`` while a connection is open (across reconnects)."""


class Plugin(Protocol):
    def opened(self, link: Link, event: Opened) -> None: ...

    def received(self, link: Link, opcode: Opcode, payload: bytes) -> None:
        """A text or binary message came in (after it was recorded)."""

    def ended(self, link: Link, outcome: Closed | Failed) -> None: ...


class Deliverer(Protocol):
    def deliver(self, opcode: Opcode, payload: bytes) -> None:
        """Show a received message to the plug-ins."""


_DATA = (Opcode.TEXT, Opcode.BINARY)


class PluginSink:
    """Records into the session, then shows received messages to the driver's plug-ins.

    Used only when there are plug-ins: without them the session is the sink itself and a
    firehose costs nothing more.
    """

    def __init__(self, session: Session, driver: Deliverer) -> None:
        self._session = session
        self._driver = driver

    def on_frame(self, t: float, kind: Kind, opcode: Opcode, payload: bytes) -> None:
        self._session.on_frame(t, kind, opcode, payload)
        if kind is Kind.RECV and opcode in _DATA:
            self._driver.deliver(opcode, payload)

    def on_frames(self, t: float, flags: bytes, payloads: list[bytes]) -> None:
        self._session.on_frames(t, flags, payloads)
        for flag, payload in zip(flags, payloads, strict=True):
            self._driver.deliver(FrameStore.unpack_flags(flag)[1], payload)

    def on_event(self, t: float, event: ConnectionEvent) -> None:
        self._session.on_event(t, event)
