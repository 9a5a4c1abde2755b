"""The connection driver: the one owner of a session's socket.

A :class:`Driver` runs one logical session: it opens connections into a
:class:`~sockscope.core.session.session.Session` (the store and journal every frame lands
in), carries out commands in order (send, ping, close, disconnect), reconnects with
backoff and jitter after abnormal ends, re-sends the on-open messages after each open,
runs timers, and hands received messages to plug-ins (protocol layers, auto-reply rules).
It reports through one callback: connection events, rows grown (on a tick, never per
frame), latency, reconnects and failed commands. The TUI's worker, ``record`` and
``replay`` all run on it.
"""

from __future__ import annotations

import asyncio
import contextlib
import random
import time
from collections.abc import Callable, Coroutine, Sequence
from typing import TYPE_CHECKING

from sockscope.core.events import (
    Closed,
    CommandFailed,
    ConnectionEvent,
    DriverEvent,
    Failed,
    LatencyMeasured,
    NotOpenError,
    Opened,
    ReadyState,
    ReconnectScheduled,
    RowsGrew,
)
from sockscope.core.session.session import Session
from sockscope.core.settings import ConnectionSettings
from sockscope.core.wire.commands import (
    Abort,
    Close,
    Command,
    Connect,
    Disconnect,
    Ping,
    SendBytes,
    SendText,
)
from sockscope.core.wire.plugin import Plugin
from sockscope.core.wire.plugin_host import PluginHost
from sockscope.core.wire.reconnect import Backoff, should_reconnect

if TYPE_CHECKING:  # imported on the first connect: websockets is not needed to start the app
    from sockscope.core.wire.connection import Connection

TICK = 0.03
#: Under a firehose (this many rows per tick) the tick stretches: each screen update costs
#: ~10 ms, and fewer of them leave the CPU to ingest (docs/performance.md).
FIREHOSE_ROWS = 2_000
FIREHOSE_TICK = 0.1
#: A connection that ends sooner than this after opening counts as a failed attempt: the
#: backoff keeps growing against a server that accepts and closes at once.
STABLE_AFTER = 5.0
PING_FAILED = "No pong within 10 s."

Report = Callable[[DriverEvent], object]


def _ignore(_: DriverEvent) -> None:
    """The default report: headless callers read the session instead."""


class _Timer:
    def __init__(self, task: asyncio.Task[None]) -> None:
        self._task = task

    def cancel(self) -> None:
        self._task.cancel()


class Driver:
    """Runs one session's connections; commands come through :meth:`submit` or :meth:`execute`.

    ``serve()`` must run (as a task) for submitted commands, timers' reports and the
    rows-grew tick; :meth:`execute` carries a command out at once and raises what fails.
    """

    def __init__(
        self,
        session: Session,
        report: Report = _ignore,
        *,
        plugins: Sequence[Plugin] = (),
        rng: random.Random | None = None,
    ) -> None:
        self.session = session
        self._report = report
        self._plugins = PluginHost(plugins, self, report)
        self._rng = rng
        self._commands: asyncio.Queue[Command] = asyncio.Queue()
        self._connection: Connection | None = None
        self._loop_task: asyncio.Task[None] | None = None
        self._background: set[asyncio.Task[None]] = set()
        self._reported_rows = 0
        self._connects_queued = 0
        self._latency: float | None = None
        self._opened_at = 0.0
        self.settings: ConnectionSettings | None = None
        """The settings of the session running or last run."""
        self.outcome: Closed | Failed | None = None
        """How the last connection ended (None while none has)."""
        self._changed = asyncio.Event()
        session.listeners.append(self._on_event)

    # -- what callers read -----------------------------------------------------------

    @property
    def state(self) -> ReadyState:
        return self.session.state

    @property
    def running(self) -> bool:
        """A connection is open, opening, due to be reopened, or asked for in the queue."""
        return self._connects_queued > 0 or (
            self._loop_task is not None and not self._loop_task.done()
        )

    async def wait_settled(self) -> Opened | Closed | Failed | None:
        """Wait until the connection opens or the session ends; return which event said so."""
        while True:
            event = self.session.last_event
            if isinstance(event, Opened) and self.state is ReadyState.OPEN:
                return event
            if not self.running:
                return self.outcome
            await self._next_change()

    async def wait_finished(self) -> Closed | Failed | None:
        """Wait until the session ends (closed or failed, with no reconnect to come)."""
        while self.running:
            await self._next_change()
        return self.outcome

    async def _next_change(self) -> None:
        self._changed.clear()
        waiters = [asyncio.ensure_future(self._changed.wait())]
        if self._loop_task is not None:
            waiters.append(self._loop_task)  # type: ignore[arg-type]
        try:
            await asyncio.wait(waiters, return_when=asyncio.FIRST_COMPLETED)
        finally:
            waiters[0].cancel()

    # -- commands --------------------------------------------------------------------

    def submit(self, command: Command) -> None:
        """Queue a command; :meth:`serve` carries it out and reports a failure."""
        if isinstance(command, Connect):
            self._connects_queued += 1
        self._commands.put_nowait(command)

    def every(self, seconds: float, command: Command | Callable[[], Command]) -> _Timer:
        """Run ``command`` every ``seconds`` while a connection is open, across reconnects.

        A factory instead of a command is called at each tick (a heartbeat with a fresh id).
        """
        if not seconds > 0:
            raise ValueError(f"A timer's interval must be positive, not {seconds}.")

        async def repeat_command() -> None:
            while True:
                await asyncio.sleep(seconds)
                if self.state is not ReadyState.OPEN:
                    continue
                try:
                    made = command() if callable(command) else command
                except Exception as exc:  # a factory's failure is told; the timer goes on
                    self._report(CommandFailed(f"A timer's message was not sent: {exc}"))
                    continue
                self.submit(made)

        task = asyncio.create_task(repeat_command())
        self._background.add(task)
        task.add_done_callback(self._background.discard)
        return _Timer(task)

    def report(self, event: DriverEvent) -> None:
        """Pass a plug-in's report on to the driver's callback."""
        self._report(event)

    async def serve(self) -> None:
        """Carry out submitted commands and report rows on a tick, until cancelled."""
        ticker = asyncio.create_task(self._tick())
        try:
            while True:
                command = await self._commands.get()
                if isinstance(command, Connect):
                    self._connects_queued -= 1
                try:
                    await self.execute(command)
                except (NotOpenError, ValueError, OSError) as exc:
                    self._report(CommandFailed(str(exc)))
                except asyncio.CancelledError:
                    raise
                except Exception as exc:  # a failed command must never end the driver
                    self._report(CommandFailed(f"{type(exc).__name__}: {exc}"))
        finally:
            ticker.cancel()
            await self.shutdown()

    async def execute(self, command: Command) -> None:
        """Carry out one command now; raises :class:`NotOpenError` and the like."""
        if isinstance(command, Connect):
            await self._stop()
            self._loop_task = asyncio.create_task(self._run_session(command.settings))
        elif isinstance(command, Disconnect):
            await self._stop()
        else:
            connection = self._open_connection()
            if isinstance(command, SendText):
                await connection.send_text(command.text)
            elif isinstance(command, SendBytes):
                await connection.send_bytes(command.data)
            elif isinstance(command, Ping):
                self._in_background(self._ping(connection, command.payload))
            elif isinstance(command, Close):
                await connection.close(command.code, command.reason)
            elif isinstance(command, Abort):
                connection.abort()
        self.report_rows()

    async def shutdown(self) -> None:
        """Close politely (1001), stop reconnecting and timers, and stop listening to the
        session, which stays (another driver may record into it next: a replay of several
        connections does)."""
        for task in list(self._background):
            task.cancel()
        await self._stop()
        if self._on_event in self.session.listeners:
            self.session.listeners.remove(self._on_event)

    def _open_connection(self) -> Connection:
        if self._connection is None or self.state is not ReadyState.OPEN:
            raise NotOpenError("Not connected: connect first (the connection is not open).")
        return self._connection

    async def _stop(self) -> None:
        task, self._loop_task = self._loop_task, None
        if task is not None and not task.done():
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task
        self._changed.set()
        self.report_rows()

    def _in_background(self, coroutine: Coroutine[object, object, None]) -> None:
        """Run a command that waits on the peer without holding up the queue."""
        task = asyncio.create_task(coroutine)
        self._background.add(task)
        task.add_done_callback(self._background.discard)

    async def _ping(self, connection: Connection, payload: bytes) -> None:
        try:
            seconds = await connection.ping(payload)
        except TimeoutError:
            self._report(CommandFailed(PING_FAILED))
        except Exception as exc:
            self._report(CommandFailed(f"Ping failed: {exc}"))
        else:
            self._latency = seconds
            self._report(LatencyMeasured(seconds))
        self.report_rows()

    # -- the session: open, wait, reconnect --------------------------------------------

    async def _run_session(self, settings: ConnectionSettings) -> None:
        from sockscope.core.wire.connection import Connection

        settings = self._plugins.prepare(settings)
        self.settings = settings
        backoff = Backoff(rng=self._rng)
        sink = self._plugins.sink(self.session)
        # The driver sends the on-open messages (after each open, plug-ins first).
        wire_settings = settings._replace(on_open=())
        try:
            while True:
                attempt = await self._plugins.before_connect(wire_settings)
                self._connection = connection = Connection(attempt, sink)
                outcome = await connection.run()
                self.outcome = outcome
                self._plugins.ended(outcome)
                if (
                    not settings.reconnect
                    or connection.user_closed
                    or not should_reconnect(outcome)
                ):
                    return
                if connection.was_opened and time.monotonic() - self._opened_at >= STABLE_AFTER:
                    backoff.reset()
                delay = backoff.next_delay()
                self.session.note(
                    time.time(), f"Reconnecting in {delay:.1f} s (attempt {backoff.attempt})."
                )
                self._report(ReconnectScheduled(delay, backoff.attempt))
                await asyncio.sleep(delay)
        finally:
            self._changed.set()

    def _on_event(self, event: ConnectionEvent) -> None:
        """The session recorded a connection event: report it, run what an open starts."""
        self.report_rows()
        if isinstance(event, Opened):
            self._opened_at = time.monotonic()
            self._in_background(self._after_open(event, self.settings))
        self._report(event)
        self._changed.set()

    async def _after_open(self, event: Opened, settings: ConnectionSettings | None) -> None:
        self._plugins.opened(event)
        for message in settings.on_open if settings is not None else ():
            try:
                await self.execute(SendText(message))
            except (NotOpenError, OSError) as exc:
                self._report(CommandFailed(f"An on-open message was not sent: {exc}"))
                return

    # -- reports -------------------------------------------------------------------------

    def report_rows(self) -> int:
        """Report the rows recorded so far if they grew; return how many are new.

        Counted since the session began (dropped rows included), so a ``--max-frames``
        trim never makes the count go back.
        """
        store = self.session.store
        total = store.dropped + len(store)
        new = total - self._reported_rows
        if new:
            self._reported_rows = total
            self._report(RowsGrew(total))
        return new

    async def _tick(self) -> None:
        interval = TICK
        while True:
            await asyncio.sleep(interval)
            interval = FIREHOSE_TICK if self.report_rows() >= FIREHOSE_ROWS else TICK
            connection = self._connection
            latency = connection.latency if connection is not None else None
            if latency is not None and latency != self._latency:
                self._latency = latency
                self._report(LatencyMeasured(latency))
