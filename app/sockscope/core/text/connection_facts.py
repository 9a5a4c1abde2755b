"""What the status line says of a connection: how it ended, the subprotocols it offered."""

from __future__ import annotations

from sockscope.core.events import Closed, ConnectionEvent, Failed, Opened
from sockscope.core.text.display import describe_close


def how_it_ended(event: ConnectionEvent | None) -> str | None:
    """What the status line says after the connection ended: the failure or close."""
    if isinstance(event, Failed):
        return event.message
    if isinstance(event, Closed):
        closed = "closed " + describe_close(event.code, event.reason, event.was_clean)
        # The detail (e.g. a ping timeout) says why; first, so a narrow screen keeps it.
        return f"{event.detail} · {closed}" if event.detail else closed
    return None


def offered_subprotocols(opened: Opened) -> tuple[str, ...]:
    """The subprotocols the request offered (its ``Sec-WebSocket-Protocol`` headers)."""
    return tuple(
        name.strip()
        for header, value in opened.request_headers
        if header.lower() == "sec-websocket-protocol"
        for name in value.split(",")
        if name.strip()
    )
