"""One way of one proxied connection: messages in order, held at breakpoints, delivered.

Messages wait in an unbounded queue and are delivered one at a time, in order. One that
a breakpoint matches is held (:class:`~sockscope.core.proxy.breakpoints.HeldFrame`) and
the messages behind it wait until it is decided; the other way has a pipe of its own,
so it flows meanwhile. Keepalives and injected messages are never held, and a keepalive
that comes while a message is held goes past it. A hold that is
not decided within the timeout is forwarded as it is; :meth:`Pipe.release` (the proxy
stopping) forwards what is held and holds nothing more. Each decision is a note row.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Coroutine
from typing import Any, NamedTuple

from sockscope.core.protocols.message import Message
from sockscope.core.proxy.breakpoints import Action, Breakpoints, Decision, HeldFrame, Way
from sockscope.core.store.frames import Opcode
from sockscope.core.text.display import preview

DEFAULT_HOLD_TIMEOUT = 30.0
_PREVIEW = 60


class Relayed(NamedTuple):
    """A message on its way: a data frame's opcode and payload."""

    opcode: Opcode
    payload: bytes
    keepalive: bool = False
    """One of its protocol's keepalives (never held)."""
    injected: bool = False
    """Composed by the caller rather than relayed (never held)."""
    messages: tuple[Message, ...] = ()
    """Its protocol messages, when a layer decoded it (none after an edit)."""


Deliver = Callable[[Relayed], Coroutine[Any, Any, None]]


def _shown(opcode: Opcode, payload: bytes) -> str:
    return preview(payload, opcode is Opcode.TEXT, _PREVIEW)


class Pipe:
    """Delivers one way's messages in order with ``deliver``, holding at breakpoints."""

    def __init__(
        self,
        connection: int,
        way: Way,
        deliver: Deliver,
        breakpoints: Breakpoints,
        *,
        timeout: float = DEFAULT_HOLD_TIMEOUT,
        on_held: Callable[[HeldFrame], None] = lambda held: None,
        note: Callable[[str], None] = lambda message: None,
    ) -> None:
        self.connection = connection
        self.way = way
        self._deliver = deliver
        self._breakpoints = breakpoints
        self._timeout = timeout
        self._on_held = on_held
        self._note = note
        self._queue: asyncio.Queue[Relayed | None] = asyncio.Queue()
        self.held: HeldFrame | None = None
        """The message held now, if any."""
        self._released = ""
        self._passing: set[asyncio.Task[None]] = set()
        """Keepalives on their way past a held message."""
        """Why nothing is held any more (the proxy is stopping); empty while holding."""

    def put(self, item: Relayed) -> None:
        if item.keepalive and self.held is not None:
            # Past the held message: a held keepalive could time the connection out.
            task = asyncio.create_task(self._deliver(item))
            self._passing.add(task)
            task.add_done_callback(self._passing.discard)
            return
        self._queue.put_nowait(item)

    def end(self) -> None:
        """Deliver what is queued, then stop."""
        self._queue.put_nowait(None)

    def release(self, why: str) -> None:
        """Forward what is held and hold nothing more (each forward is a note: ``why``)."""
        self._released = why
        if self.held is not None:
            self.held.forward(why)

    async def run(self) -> None:
        """Deliver messages until :meth:`end` (``deliver`` reports its own failures)."""
        while (item := await self._queue.get()) is not None:
            if self._holds(item):
                decision = await self._hold(item)
                self._note(self._said(item, decision))
                if decision.action is Action.DROP:
                    continue
                if decision.action is Action.EDIT:
                    item = Relayed(decision.opcode, decision.payload)
            await self._deliver(item)

    def _holds(self, item: Relayed) -> bool:
        if item.keepalive or item.injected or self._released:
            return False
        return self._breakpoints.holds(self.way, item.opcode, item.payload)

    async def _hold(self, item: Relayed) -> Decision:
        held = self.held = HeldFrame(self.connection, self.way, item.opcode, item.payload)
        try:
            self._on_held(held)
            done, _ = await asyncio.wait({held.decided}, timeout=self._timeout)
            if not done:
                held.forward(f"not decided within {self._timeout:g} s")
            return held.decided.result()
        finally:
            self.held = None

    def _said(self, item: Relayed, decision: Decision) -> str:
        """The note row of a decision, e.g. ``held client → server message dropped: {...}``."""
        said = f"held {self.way.label} message {decision.action.value}"
        if decision.action is Action.FORWARD:
            said = f"{said} as it was"
        if decision.why:
            said = f"{said} ({decision.why})"
        said = f"{said}: {_shown(item.opcode, item.payload)}"
        if decision.action is Action.EDIT:
            said = f"{said} → {_shown(decision.opcode, decision.payload)}"
        return said
