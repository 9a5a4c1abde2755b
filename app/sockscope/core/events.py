"""What a connection reports besides frames, in the browser WebSocket API's terms."""

from __future__ import annotations

from enum import Enum
from typing import Any, Literal, NamedTuple

ClosedBy = Literal["client", "server", "network"]


class ReadyState(Enum):
    """The browser's ``WebSocket.readyState`` names."""

    CONNECTING = 0
    OPEN = 1
    CLOSING = 2
    CLOSED = 3


class Connecting(NamedTuple):
    url: str


class Opened(NamedTuple):
    url: str
    status: int
    reason: str
    request_headers: list[tuple[str, str]]
    response_headers: list[tuple[str, str]]
    subprotocol: str | None
    extensions: list[str]

    def info(self) -> dict[str, Any]:
        return {
            "url": self.url,
            "status": self.status,
            "reason": self.reason,
            "request_headers": [list(h) for h in self.request_headers],
            "response_headers": [list(h) for h in self.response_headers],
            "subprotocol": self.subprotocol,
            "extensions": self.extensions,
        }


class Closing(NamedTuple):
    by: ClosedBy


class Closed(NamedTuple):
    code: int | None
    reason: str
    was_clean: bool
    by: ClosedBy
    detail: str = ""
    """Why the connection ended when no close frame says it (e.g. a ping timeout)."""

    def info(self) -> dict[str, Any]:
        info: dict[str, Any] = {
            "code": self.code,
            "reason": self.reason,
            "was_clean": self.was_clean,
            "by": self.by,
        }
        if self.detail:
            info["detail"] = self.detail
        return info


class Failed(NamedTuple):
    """The connection could not be opened; ``message`` is one sentence for the user."""

    message: str
    cause: str
    status: int | None = None
    body: str = ""
    hints: tuple[str, ...] = ()
    response_headers: tuple[tuple[str, str], ...] = ()
    """The refusal's headers (with ``status``), kept so a mock server can refuse the same way."""

    def info(self) -> dict[str, Any]:
        info: dict[str, Any] = {"message": self.message, "cause": self.cause}
        if self.status is not None:
            info["status"] = self.status
            info["body"] = self.body
            info["response_headers"] = [list(h) for h in self.response_headers]
        return info


ConnectionEvent = Connecting | Opened | Closing | Closed | Failed


class RowsGrew(NamedTuple):
    """The session's store holds more rows (reported on a tick, never per frame)."""

    total: int
    """Rows recorded since the session began, rows ``--max-frames`` dropped included."""


class LatencyMeasured(NamedTuple):
    """A ping's round trip came back (a keepalive's or the user's)."""

    seconds: float


class ReconnectScheduled(NamedTuple):
    """The connection ended abnormally; the driver opens a new one after ``delay`` seconds."""

    delay: float
    attempt: int


class CommandFailed(NamedTuple):
    """A command could not be carried out; ``message`` is one sentence for the user."""

    message: str


class ProtocolChosen(NamedTuple):
    """The protocol layer the session speaks ("raw" when none), and why it was chosen."""

    name: str
    title: str
    reason: str


DriverEvent = (
    ConnectionEvent
    | RowsGrew
    | LatencyMeasured
    | ReconnectScheduled
    | CommandFailed
    | ProtocolChosen
)
"""Everything a connection driver reports, through its one callback."""


class NotOpenError(RuntimeError):
    """A command needs an open connection."""
