"""A protocol message: what one frame (or part of one) means in the protocol spoken on it."""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum
from typing import Any


class Direction(Enum):
    SENT = "sent"
    RECEIVED = "received"


class MessageKind(Enum):
    """What a message is to the user; the log and inspector style rows by it."""

    EVENT = "event"
    """An application message (a Socket.IO event, a STOMP MESSAGE, an MQTT PUBLISH…)."""
    CALL = "call"
    """A request that expects an answer (a JSON-RPC call, an emit asking for an ack…)."""
    ANSWER = "answer"
    """The answer to a call (a JSON-RPC result, an ack, a GraphQL ``next``…)."""
    ERROR = "error"
    """An error the protocol reports (CONNECT_ERROR, a JSON-RPC error, STOMP ERROR…)."""
    CONTROL = "control"
    """Session set-up and tear-down (connect, connection_init, subscribe acks…)."""
    KEEPALIVE = "keepalive"
    """Pings, pongs and heart-beats: shown dimmed, hidden with a key."""


class Pairing(Enum):
    """How a message takes part in request/response pairing by the protocol's own id."""

    NONE = "none"
    OPENS = "opens"
    """Starts a pair (a call); the first answer with the same id closes it."""
    ANSWERS = "answers"
    """Answers a call and ends it."""
    CONTINUES = "continues"
    """Answers a call that stays open (a subscription's ``next``)."""


@dataclass(frozen=True, slots=True)
class Message:
    """One decoded protocol message.

    ``name`` is what the protocol calls it (an event name, a method, a STOMP command, an MQTT
    packet type); ``id`` is the protocol's own id used for pairing (JSON-RPC ``id``, ack id,
    operation id…); ``payload`` is the decoded content, JSON-like, for the inspector.
    """

    kind: MessageKind
    name: str
    payload: Any = None
    id: str | None = None
    pairing: Pairing = Pairing.NONE
    summary: str = ""
    """The one-line text the log shows after the name (arguments, topic, body…)."""

    @property
    def is_keepalive(self) -> bool:
        return self.kind is MessageKind.KEEPALIVE
