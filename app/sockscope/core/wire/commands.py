"""What a driver can be asked to do: the commands of its queue.

The TUI submits them from key presses, headless commands and plug-ins from code;
all go through :class:`~sockscope.core.wire.driver.Driver`, the one owner of the socket.
"""

from __future__ import annotations

from typing import NamedTuple

from sockscope.core.settings import ConnectionSettings


class Connect(NamedTuple):
    """Open a connection (ending the current one first); reconnects as the settings say."""

    settings: ConnectionSettings


class SendText(NamedTuple):
    text: str


class SendBytes(NamedTuple):
    data: bytes


class Ping(NamedTuple):
    payload: bytes = b""


class Close(NamedTuple):
    """The closing handshake with this code and reason; no reconnect follows."""

    code: int = 1000
    reason: str = ""


class Disconnect(NamedTuple):
    """Leave at once: close with 1001 (going away) if open, stop reconnecting."""


class Abort(NamedTuple):
    """Drop the TCP connection without a close frame (the server sees a vanished client,
    1006); no reconnect follows."""


Command = Connect | SendText | SendBytes | Ping | Close | Disconnect | Abort
