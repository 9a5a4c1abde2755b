"""The one small interface every protocol layer implements.

A layer instance serves one session (a driver): :meth:`ProtocolLayer.reset` starts each
connection afresh. Decoding is separate from duties so the log can decode a saved log
(no connection, no duties) with the same code that decoded it live.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from enum import Enum
from typing import ClassVar

from sockscope.core.events import Opened
from sockscope.core.protocols.message import Direction, Message
from sockscope.core.settings import ConnectionSettings
from sockscope.core.store.frames import Opcode
from sockscope.core.wire.commands import Command
from sockscope.core.wire.plugin import Link


class ProtocolError(ValueError):
    """A protocol option or a composed message is unusable: one sentence for the user."""


class FieldKind(Enum):
    LINE = "line"
    TEXT = "text"
    JSON = "json"
    CHOICE = "choice"
    FLAG = "flag"


@dataclass(frozen=True)
class Field:
    """One input of a composer mode (the TUI builds the form from these)."""

    name: str
    label: str
    kind: FieldKind = FieldKind.LINE
    default: str = ""
    choices: tuple[str, ...] = ()


@dataclass(frozen=True)
class ComposeMode:
    """A way to build a message in the protocol's terms (emit, call, subscribe…)."""

    name: str
    title: str
    fields: tuple[Field, ...]


class ProtocolLayer(ABC):
    """A protocol spoken over WebSocket.

    Class attributes describe it to the registry, auto-detection and the composer; the
    instance holds one connection's state (ids, reassembly buffers, timers' counters).
    """

    name: ClassVar[str]
    """What ``--protocol`` takes (``socket.io``, ``graphql-transport-ws``…)."""
    title: ClassVar[str]
    subprotocols: ClassVar[tuple[str, ...]] = ()
    """Offered when the user gave none; a negotiated one picks this layer in ``auto``."""
    options: ClassVar[Mapping[str, str]] = {}
    """``--protocol-option`` names this layer reads, with a line of help each."""
    compose_modes: ClassVar[tuple[ComposeMode, ...]] = ()
    greets: ClassVar[bool] = False
    """Whether the layer opens with a handshake the server must answer before the user's
    messages may go (Socket.IO's join, ``connection_init``, STOMP and MQTT CONNECT…):
    ``record --send`` and a replay hold their messages until :meth:`greeted`."""

    def __init__(self, options: Mapping[str, str] | None = None) -> None:
        self.option_values: Mapping[str, str] = options or {}

    # -- detection (class level: no instance exists yet) -----------------------------------

    @classmethod
    def detects_url(cls, url: str) -> bool:
        """Whether the URL alone says the server speaks this protocol."""
        return False

    @classmethod
    def detects_first_frame(cls, opcode: Opcode, payload: bytes) -> bool:
        """Whether the server's first message says so (an Engine.IO open packet…)."""
        return False

    # -- connecting -------------------------------------------------------------------------

    def prepare(self, settings: ConnectionSettings) -> ConnectionSettings:
        """The settings to connect with: by default, offer the usual subprotocols."""
        if not settings.subprotocols and self.subprotocols:
            return settings._replace(subprotocols=self.subprotocols)
        return settings

    async def negotiate(self, settings: ConnectionSettings) -> ConnectionSettings:
        """What to connect with this time (SignalR's negotiate request); raises
        :class:`ProtocolError` when it fails (the connection is then tried as it was)."""
        return settings

    def reset(self) -> None:  # noqa: B027 (an optional hook)
        """Forget the last connection's state (called before each open)."""

    def opened(self, link: Link, event: Opened) -> None:  # noqa: B027 (an optional hook)
        """Do what the protocol does on open (its handshake message, its timers)."""

    # -- messages -----------------------------------------------------------------------------

    @abstractmethod
    def decode(self, direction: Direction, opcode: Opcode, payload: bytes) -> Sequence[Message]:
        """What one frame means: none (part of a packet), one, or several messages.

        Never raises on bad input: a frame the protocol cannot read decodes to an ERROR
        message saying why.
        """

    def answer(self, link: Link, message: Message) -> None:  # noqa: B027 (an optional hook)
        """React to a received message (answer a ping, acknowledge…)."""

    def sends_by_itself(self, message: Message) -> bool:
        """Whether the layer sends this client message on its own, with no user action.

        A replay leaves such recorded messages out and lets the layer send them live
        (core/replay/protocol.py): keepalives by default; a layer whose :meth:`opened`
        sends a handshake (``connection_init``, STOMP CONNECT, Socket.IO ``40``…) says so
        for that message too, or the server would get it twice.
        """
        return message.is_keepalive

    def greeted(self, message: Message) -> bool:
        """Whether this received message answers the handshake (accepting or refusing it)."""
        return False

    def normalize(self, opcode: Opcode, payload: bytes) -> bytes:
        """A server frame as ``replay --check`` compares it: by default unchanged.

        Override to blank what differs on every connection by design (a session id, a
        server-chosen packet id), so a check does not count it as a mismatch. Each side
        of a comparison is passed in order through a fresh layer, so a layer whose
        messages cross frames (MQTT) may follow the stream. Never raises: a frame the
        layer cannot read is returned as it is.
        """
        return payload

    # -- a mock server playing a log's server side (servers/mock.py) ----------------------

    def chosen_id(self, direction: Direction, opcode: Opcode, payload: bytes) -> str | None:
        """The id the client chose that this frame carries, if any: a client's call naming
        it (``SENT``) or the server's answer echoing it (``RECEIVED``).

        A live client picks its own ids (graphql-ws: a UUID per operation), so a mock maps
        the live id onto the recorded one to match the client's message, and answers with
        the live id (:meth:`with_id`). None by default: ids are replayed as recorded.
        """
        return None

    def with_id(self, opcode: Opcode, payload: bytes, new_id: str) -> bytes:
        """The frame with the id :meth:`chosen_id` found replaced by ``new_id``."""
        return payload

    def server_keepalive(self, message: Message) -> tuple[float, str] | None:
        """What the server sends on its own once it has sent ``message``: every how many
        seconds, which text frame (Engine.IO's ``2`` on the open packet's pingInterval).

        A mock plays a log without its recorded keepalives and sends these live instead, so
        a client that drops a silent server (socket.io-client) stays connected.
        """
        return None

    def encode(self, mode: str, values: Mapping[str, str]) -> list[Command]:
        """The frames for what the composer built in ``mode``; raises :class:`ProtocolError`."""
        raise ProtocolError(f"{self.title} has no composer mode {mode!r}.")

    def stop_commands(self, message: Message) -> list[Command]:
        """What stops the operation ``message`` belongs to (a GraphQL subscription's
        ``complete``); none when it is not a running operation."""
        return []

    def option(self, name: str, default: str = "") -> str:
        return self.option_values.get(name, default)
