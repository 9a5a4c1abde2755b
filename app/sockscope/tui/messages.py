"""Messages the socket worker posts to the app, named as the events they report."""

from __future__ import annotations

from dataclasses import dataclass

from textual.message import Message

from sockscope.core.events import ConnectionEvent


@dataclass
class FramesRecorded(Message):
    """New rows are in the store (posted at most once per tick, never per frame)."""

    total: int
    """Rows recorded since the session began (including rows --max-frames dropped)."""

    def can_replace(self, message: Message) -> bool:
        # A newer count says everything an older one did: keep the queue short.
        return isinstance(message, FramesRecorded)


@dataclass
class ConnectionChanged(Message):
    """The connection moved on: connecting, opened, closing, closed or failed."""

    event: ConnectionEvent


@dataclass
class CommandFailed(Message):
    """A command could not be carried out (e.g. sending while not connected)."""

    message: str


@dataclass
class ReconnectScheduled(Message):
    """The connection ended abnormally; the worker reconnects after ``delay`` seconds."""

    delay: float
    attempt: int
