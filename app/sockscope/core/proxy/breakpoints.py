"""Breakpoints: rules that pause a relayed message until someone decides what becomes of it.

A :class:`Breakpoint` matches messages of one way (client to server, or server to
client) with the pattern of a reply rule (:mod:`~sockscope.core.rules.match`: a regex
searched in the text, or a JSONPath test). A matching message is held as a
:class:`HeldFrame`; the caller forwards it as it is, edits it, or drops it. A binary
message is matched by its text when it is UTF-8, and never matches otherwise.
"""

from __future__ import annotations

import asyncio
from enum import Enum
from typing import NamedTuple

from sockscope.core.rules.match import Incoming, Matcher, compile_pattern
from sockscope.core.store.frames import Kind, Opcode


class Way(Enum):
    """Which way a message goes, named as the recording names it (sockscope the client)."""

    TO_SERVER = Kind.SEND
    """Client to server: recorded as sent."""
    TO_CLIENT = Kind.RECV
    """Server to client: recorded as received."""

    @property
    def label(self) -> str:
        return "client → server" if self is Way.TO_SERVER else "server → client"


class Breakpoint:
    """Holds the messages of ``way`` that match ``pattern`` (raises ``RuleError`` if bad)."""

    def __init__(self, way: Way, pattern: str) -> None:
        self.way = way
        self.pattern = pattern
        self._matcher: Matcher = compile_pattern(pattern)

    def matches(self, way: Way, opcode: Opcode, payload: bytes) -> bool:
        if way is not self.way:
            return False
        try:
            text = payload.decode()
        except UnicodeDecodeError:
            return False
        return self._matcher.matches(Incoming(text))


class Action(Enum):
    FORWARD = "forwarded"
    EDIT = "edited and forwarded"
    DROP = "dropped"


class Decision(NamedTuple):
    action: Action
    opcode: Opcode
    payload: bytes
    why: str = ""
    """Who decided, when not the caller: "the timeout", "the proxy stopping"."""


class HeldFrame:
    """A message paused at a breakpoint, waiting for :meth:`forward`, :meth:`edit` or :meth:`drop`.

    Later messages of the same way wait behind it; the first decision counts.
    """

    def __init__(self, connection: int, way: Way, opcode: Opcode, payload: bytes) -> None:
        self.connection = connection
        """The client connection's number (1 = the first client)."""
        self.way = way
        self.opcode = opcode
        self.payload = payload
        self.decided: asyncio.Future[Decision] = asyncio.get_running_loop().create_future()

    def _decide(self, decision: Decision) -> None:
        if not self.decided.done():
            self.decided.set_result(decision)

    def forward(self, why: str = "") -> None:
        """Let the message go on as it is."""
        self._decide(Decision(Action.FORWARD, self.opcode, self.payload, why))

    def edit(self, payload: str | bytes) -> None:
        """Let an edited message go on instead: text stays text, bytes go as binary."""
        if isinstance(payload, str):
            self._decide(Decision(Action.EDIT, Opcode.TEXT, payload.encode()))
        else:
            self._decide(Decision(Action.EDIT, Opcode.BINARY, bytes(payload)))

    def drop(self) -> None:
        """Let the message go no further."""
        self._decide(Decision(Action.DROP, self.opcode, self.payload))


class Breakpoints:
    """The proxy's breakpoints, shared by every client connection."""

    def __init__(self) -> None:
        self.rules: list[Breakpoint] = []

    def add(self, way: Way, pattern: str) -> Breakpoint:
        rule = Breakpoint(way, pattern)
        self.rules.append(rule)
        return rule

    def remove(self, rule: Breakpoint) -> None:
        self.rules.remove(rule)

    def holds(self, way: Way, opcode: Opcode, payload: bytes) -> bool:
        return any(rule.matches(way, opcode, payload) for rule in self.rules)
