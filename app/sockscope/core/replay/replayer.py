"""Replaying the client side of a recorded session against a server.

:class:`ReplayPlan` reads one connection of a log (the first, unless told which): the
messages the client sent
and the server's responses, with their times. :class:`Replayer` opens a new
connection through the core :class:`~sockscope.core.wire.connection.Connection` (so it
behaves as the TUI does), sends the client messages with the recorded timing
scaled by a speed (or as fast as possible, or one step at a time), records
everything into a :class:`~sockscope.core.session.session.Session`, waits for the
responses to settle and closes as the recorded client did (with 1000 when the server
closed first). Comparing the responses with the recorded ones is
:func:`sockscope.core.replay.diff.compare`'s job.

The driver runs the protocol layer (:class:`ProtocolPlugin`) the log speaks, as a live
session does: it answers the new server's keepalives and sends its own handshake, so the
plan leaves those out (:mod:`~sockscope.core.replay.protocol`), the log's messages wait
until the server has answered that handshake, and the server's keepalives are not
counted as responses.
"""

from __future__ import annotations

import asyncio
import contextlib
import time
from collections.abc import Callable
from typing import NamedTuple

from sockscope.core.events import Closed, Failed, NotOpenError, Opened
from sockscope.core.protocols.base import ProtocolError, ProtocolLayer
from sockscope.core.protocols.plugin import ProtocolPlugin
from sockscope.core.protocols.registry import RAW
from sockscope.core.replay.plan import DATA_FLAGS, ReplayError, ReplayPlan
from sockscope.core.replay.protocol import settings_layer, without
from sockscope.core.replay.values import Message
from sockscope.core.session.session import Session
from sockscope.core.settings import ConnectionSettings
from sockscope.core.store.frames import Kind, Opcode
from sockscope.core.wire.commands import Close, Connect, SendBytes, SendText
from sockscope.core.wire.driver import Driver, Report

DEFAULT_TIMEOUT = 5.0
QUIET = 0.2
"""Once every recorded response has come, stop after this long without another."""
POLL = 0.02

_RECV_DATA = [bytes([flag]) for flag, (kind, _) in DATA_FLAGS.items() if kind is Kind.RECV]

Progress = Callable[[int, int], None]
"""``on_progress(sent, total)``, called after every message sent."""


class ReplayResult(NamedTuple):
    """What a replay did: how many messages went out, what came back, how it ended."""

    sent: int
    total: int
    responses: list[Message]
    closed: Closed | None
    """How the connection ended (None if the replay was cancelled before it did)."""

    @property
    def complete(self) -> bool:
        return self.sent == self.total


def _layer(plan: ReplayPlan, settings: ConnectionSettings) -> ProtocolLayer | None:
    try:
        return settings_layer(plan, settings)
    except ProtocolError as exc:
        raise ReplayError(str(exc)) from None


class Replayer:
    """Sends a plan's client messages over a new connection, recording into a session.

    ``speed`` scales the recorded gaps (2.0 is twice as fast; None sends as fast
    as possible); ``step`` sends one message per :meth:`step_once` instead.
    ``timeout`` is how long to wait for responses after the last one is due.
    """

    def __init__(
        self,
        plan: ReplayPlan,
        settings: ConnectionSettings,
        session: Session,
        *,
        speed: float | None = 1.0,
        step: bool = False,
        timeout: float = DEFAULT_TIMEOUT,
        on_progress: Progress | None = None,
        strict: bool = False,
        report: Report | None = None,
    ) -> None:
        if speed is not None and not speed > 0:
            raise ReplayError(f"The replay speed must be positive, not {speed}.")
        self.layer = _layer(plan, settings)
        """The protocol the log speaks, run live (None: plain WebSocket)."""
        self.plan = without(plan, self.layer) if self.layer is not None else plan
        # The live layer is the one the plan was read with, whatever auto would see.
        self.settings = settings._replace(protocol=self.layer.name if self.layer else RAW)
        self._protocol = ProtocolPlugin(session)
        self.session = session
        self.speed = speed
        self.step = step
        self.timeout = timeout
        self.on_progress = on_progress
        self.strict = strict
        """Wait for quiet after the recorded responses came, to see extra ones."""
        self.report: Report = report or (lambda _: None)
        self.sent = 0
        self._base = 0.0
        self._paused_at: float | None = None
        self._unpaused = asyncio.Event()
        self._unpaused.set()
        self._woken = asyncio.Event()
        self._steps = asyncio.Semaphore(0)
        self._first_row = 0

    # -- control (from the UI) ---------------------------------------------------

    @property
    def paused(self) -> bool:
        return self._paused_at is not None

    def pause(self) -> None:
        """Hold the next message; the schedule resumes where it stopped."""
        if self._paused_at is None:
            self._paused_at = time.monotonic()
            self._unpaused.clear()
            self._woken.set()

    def resume(self) -> None:
        if self._paused_at is not None:
            self._base += time.monotonic() - self._paused_at
            self._paused_at = None
            self._unpaused.set()

    def step_once(self) -> None:
        """In step mode, let one more message go."""
        self._steps.release()

    # -- running -------------------------------------------------------------------

    async def run(self) -> ReplayResult:
        """Connect, send, wait for the responses, close (:attr:`ReplayPlan.client_close`).

        The connection runs on a :class:`~sockscope.core.wire.driver.Driver`, as a live
        session does; ``report`` (given to the constructor) hears what it reports. Raises
        :class:`ReplayError` when the connection cannot be opened (the session records
        the failure too).
        """
        session = self.session
        self._first_row = len(session.store)
        driver = Driver(session, self.report, plugins=[self._protocol])
        serving = asyncio.create_task(driver.serve())
        try:
            driver.submit(Connect(self.settings._replace(reconnect=False)))
            outcome = await driver.wait_settled()
            if isinstance(outcome, Failed):
                raise ReplayError(outcome.message)
            if not isinstance(outcome, Opened):
                raise ReplayError("The connection ended before it opened.")
            self._base = time.monotonic()
            await self._greeted()
            await self._send_all(driver)
            await self._settle(driver)
            with contextlib.suppress(NotOpenError, OSError):  # the server closed first
                await driver.execute(Close(*self.plan.client_close))
            ended = await driver.wait_finished()
        finally:
            serving.cancel()
            await asyncio.gather(serving, return_exceptions=True)
        return ReplayResult(
            self.sent,
            len(self.plan.sends),
            self.responses(),
            ended if isinstance(ended, Closed) else None,
        )

    async def _greeted(self) -> None:
        """Hold the log's messages until the live layer's handshake is answered: its own
        handshake replaces the recorded one, and a server drops a client that speaks first
        (Socket.IO's emit before the join, GraphQL's subscribe before the ack)."""
        if not await self._protocol.greeted(self.timeout):
            layer = self.layer.title if self.layer is not None else "the protocol"
            self.session.note(
                time.time(), f"{layer} did not answer the handshake; replaying anyway."
            )

    async def _send_all(self, driver: Driver) -> None:
        sends = self.plan.sends
        total = len(sends)
        speed = "as fast as possible" if self.speed is None else f"at {self.speed:g}x"
        how = "step by step" if self.step else speed
        self.session.note(time.time(), f"Replaying {total} messages from the log {how}.")
        if self.plan.long_gaps and self.speed is not None:
            self.session.note(time.time(), self.plan.gap_warning)
        if self.on_progress is not None:
            self.on_progress(0, total)
        for item, at in zip(sends, self.plan.schedule(self.speed), strict=True):
            await self._wait_turn(at)
            message = item.message
            try:
                if message.opcode is Opcode.TEXT:
                    await driver.execute(SendText(message.payload.decode(errors="replace")))
                else:
                    await driver.execute(SendBytes(message.payload))
            except (NotOpenError, OSError):
                self.session.note(
                    time.time(), f"The connection closed after {self.sent} of {total} messages."
                )
                return
            self.sent += 1
            if self.on_progress is not None:
                self.on_progress(self.sent, total)

    async def _wait_turn(self, at: float) -> None:
        """Wait until a message is due (or stepped), holding while paused."""
        if self.step:
            await self._steps.acquire()
        while True:
            await self._unpaused.wait()
            delay = self._base + at - time.monotonic()
            if self.step or delay <= 0:
                return
            self._woken.clear()
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._woken.wait(), delay)

    def _last_due(self) -> float:
        """When the last recorded message was due (sent or received), at this speed."""
        if self.step or self.speed is None or not self.plan.script:
            return time.monotonic()
        return self._base + self.plan.last_at / self.speed

    async def _settle(self, driver: Driver) -> None:
        """Wait for the responses: as many as were recorded, or the timeout.

        With ``strict``, also wait for quiet after them, so that extra responses are
        seen (a live feed is never quiet: then the timeout ends the wait).
        """
        expected = len(self.plan.responses)
        deadline = max(time.monotonic(), self._last_due()) + self.timeout
        count, quiet_since = -1, 0.0
        while driver.running:
            now = time.monotonic()
            if now >= deadline:
                return
            latest = self.responses_received
            if latest != count:
                count, quiet_since = latest, now
            if count >= expected and (not self.strict or now - quiet_since >= QUIET):
                return
            await asyncio.sleep(POLL)

    @property
    def responses_received(self) -> int:
        """How many text and binary messages came back since this replay started."""
        if self.layer is not None:
            return len(self.responses())
        flags, start = self.session.store.flags, self._first_row
        return sum(flags.count(flag, start) for flag in _RECV_DATA)

    def responses(self) -> list[Message]:
        """The text and binary messages received since this replay started (less the
        protocol's keepalives)."""
        store = self.session.store
        view = self._protocol.view
        found = []
        for index in range(self._first_row, len(store)):
            data = DATA_FLAGS.get(store.flags[index])
            if data is None or data[0] is not Kind.RECV:
                continue
            if view is not None and view.is_keepalive(index + store.dropped):
                continue
            found.append(Message(data[1], store.payload(index)))
        return found
