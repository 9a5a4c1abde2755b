"""The socket worker: the only code that touches the connection.

The UI puts commands on a queue; the worker carries them out and posts what
happens back as Textual messages. Frames go straight from the connection into
the session store; a ticker tells the UI how many rows exist, about every
``TICK`` seconds, so the UI costs the same at 10 frames/s or 300,000.
"""

from __future__ import annotations

import asyncio
import contextlib
import time
from collections.abc import Callable, Coroutine
from typing import TYPE_CHECKING, NamedTuple

from textual.message import Message

from sockscope.core.events import ConnectionEvent, NotOpenError, ReadyState
from sockscope.core.session.session import Session
from sockscope.core.settings import ConnectionSettings
from sockscope.core.wire.reconnect import Backoff, should_reconnect
from sockscope.tui.messages import (
    CommandFailed,
    ConnectionChanged,
    FramesRecorded,
    ReconnectScheduled,
)

if TYPE_CHECKING:  # imported on the first connect: websockets is not needed to start
    from sockscope.core.wire.connection import Connection

TICK = 0.03
#: Under a firehose (this many rows per tick) the tick stretches: each screen update costs
#: ~10 ms, and fewer of them leave the CPU to ingest (see docs/performance.md).
FIREHOSE_ROWS = 2_000
FIREHOSE_TICK = 0.1


class Connect(NamedTuple):
    settings: ConnectionSettings


class SendText(NamedTuple):
    text: str


class SendBytes(NamedTuple):
    data: bytes


class Ping(NamedTuple):
    payload: bytes = b""


class Close(NamedTuple):
    code: int = 1000
    reason: str = ""


class Disconnect(NamedTuple):
    pass


Command = Connect | SendText | SendBytes | Ping | Close | Disconnect


class SocketWorker:
    """Runs commands against one connection at a time and reports back."""

    def __init__(self, session: Session, post: Callable[[Message], object]) -> None:
        self.session = session
        self._post = post
        self.commands: asyncio.Queue[Command] = asyncio.Queue()
        self.connection: Connection | None = None
        self._connection_task: asyncio.Task[object] | None = None
        self._reported = 0
        self._background: set[asyncio.Task[None]] = set()
        session.listeners.append(self._on_event)

    @property
    def state(self) -> ReadyState:
        return self.session.state

    def submit(self, command: Command) -> None:
        """Queue a command (called by the UI)."""
        self.commands.put_nowait(command)

    def _on_event(self, event: ConnectionEvent) -> None:
        self._report_rows()
        self._post(ConnectionChanged(event))

    def _report_rows(self) -> int:
        """Tell the UI how many rows exist; return how many are new.

        Counted since the session began (dropped rows included), so a --max-frames
        trim never makes the count go back.
        """
        store = self.session.store
        total = store.dropped + len(store)
        new = total - self._reported
        if new:
            self._reported = total
            self._post(FramesRecorded(total))
        return new

    async def _tick(self) -> None:
        interval = TICK
        while True:
            await asyncio.sleep(interval)
            interval = FIREHOSE_TICK if self._report_rows() >= FIREHOSE_ROWS else TICK

    async def run(self) -> None:
        """The worker's body: serve commands until cancelled."""
        ticker = asyncio.create_task(self._tick())
        try:
            while True:
                command = await self.commands.get()
                try:
                    await self._execute(command)
                except (NotOpenError, ValueError, OSError) as exc:
                    self._post(CommandFailed(str(exc)))
                except asyncio.CancelledError:
                    raise
                except Exception as exc:  # a failed command must never end the worker
                    self._post(CommandFailed(f"{type(exc).__name__}: {exc}"))
        finally:
            ticker.cancel()
            await self._stop_connection()

    async def _execute(self, command: Command) -> None:
        if isinstance(command, Connect):
            await self._stop_connection()
            self._connection_task = asyncio.create_task(self._connect(command.settings))
        elif isinstance(command, Disconnect):
            await self._stop_connection()
        else:
            connection = self.connection
            if connection is None:
                raise NotOpenError("Not connected: connect first (the connection is not open).")
            if isinstance(command, SendText):
                await connection.send_text(command.text)
            elif isinstance(command, SendBytes):
                await connection.send_bytes(command.data)
            elif isinstance(command, Ping):
                self._in_background(self._ping(connection, command.payload))
            elif isinstance(command, Close):
                self._in_background(connection.close(command.code, command.reason))
        self._report_rows()

    async def _connect(self, settings: ConnectionSettings) -> None:
        """Run one connection; with ``settings.reconnect``, reconnect after abnormal ends."""
        from sockscope.core.wire.connection import Connection

        backoff = Backoff()
        while True:
            self.connection = connection = Connection(settings, self.session)
            outcome = await connection.run()
            if not settings.reconnect or connection.user_closed or not should_reconnect(outcome):
                return
            if connection.was_opened:
                backoff.reset()
            delay = backoff.next_delay()
            self.session.note(
                time.time(), f"Reconnecting in {delay:.1f} s (attempt {backoff.attempt})."
            )
            self._post(ReconnectScheduled(delay, backoff.attempt))
            await asyncio.sleep(delay)

    def _in_background(self, coroutine: Coroutine[object, object, None]) -> None:
        """Run a command that waits on the peer without holding up the queue."""
        task = asyncio.create_task(coroutine)
        self._background.add(task)
        task.add_done_callback(self._background.discard)

    async def _ping(self, connection: Connection, payload: bytes) -> None:
        try:
            await connection.ping(payload)
        except TimeoutError:
            self._post(CommandFailed("No pong within 10 s."))
        except Exception as exc:
            self._post(CommandFailed(f"Ping failed: {exc}"))
        self._report_rows()

    async def shutdown(self) -> None:
        """Close the connection politely before the app exits."""
        await self._stop_connection()

    async def _stop_connection(self) -> None:
        task, self._connection_task = self._connection_task, None
        if task is not None and not task.done():
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task
        self._report_rows()
