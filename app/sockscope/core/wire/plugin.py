"""Where protocol layers and auto-reply rules plug into a driver.

A plug-in is told when a connection opens, of every text and binary message received,
and when the connection ends; it acts through the :class:`Link` it is handed (the
driver's command queue and timers), so it never touches the socket itself. Keepalives a
protocol needs (Engine.IO's pong, STOMP's heart-beat) are answers in ``received`` or
timers set in ``opened``.
"""

from __future__ import annotations

from typing import Protocol

from sockscope.core.events import Closed, Failed, Opened
from sockscope.core.store.frames import Opcode
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
