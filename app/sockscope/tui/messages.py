"""Messages the socket worker posts to the app, named as the events they report."""

from __future__ import annotations

from textual.message import Message

from sockscope.core.events import ConnectionEvent, ProtocolChosen


class FramesRecorded(Message):
    """New rows are in the store (posted at most once per tick, never per frame)."""

    def __init__(self, total: int) -> None:
        super().__init__()
        self.total = total
        """Rows recorded since the session began (including rows --max-frames dropped)."""

    def can_replace(self, message: Message) -> bool:
        # A newer count says everything an older one did: keep the queue short.
        return isinstance(message, FramesRecorded)


class ConnectionChanged(Message):
    """The connection moved on: connecting, opened, closing, closed or failed."""

    def __init__(self, event: ConnectionEvent) -> None:
        super().__init__()
        self.event = event


class CommandFailed(Message):
    """A command could not be carried out (e.g. sending while not connected)."""

    def __init__(self, message: str) -> None:
        super().__init__()
        self.message = message


class ReconnectScheduled(Message):
    """The connection ended abnormally; the worker reconnects after ``delay`` seconds."""

    def __init__(self, delay: float, attempt: int) -> None:
        super().__init__()
        self.delay = delay
        self.attempt = attempt


class LatencyMeasured(Message):
    """A ping's round trip came back (a keepalive's or the user's)."""

    def __init__(self, seconds: float) -> None:
        super().__init__()
        self.seconds = seconds


class ProtocolChanged(Message):
    """The protocol layer the session speaks was chosen (named, detected, or raw)."""

    def __init__(self, chosen: ProtocolChosen) -> None:
        super().__init__()
        self.chosen = chosen
