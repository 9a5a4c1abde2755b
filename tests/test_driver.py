"""The connection driver against real local servers: commands, reconnects, timers, plug-ins."""

from __future__ import annotations

import asyncio
import random
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager

from websockets.asyncio.server import Server, ServerConnection, serve

from drivers import until
from sockscope.core.events import (
    Closed,
    CommandFailed,
    DriverEvent,
    Failed,
    Opened,
    ReadyState,
    ReconnectScheduled,
    RowsGrew,
)
from sockscope.core.session.session import Session
from sockscope.core.settings import ConnectionSettings
from sockscope.core.store.frames import Kind, Opcode
from sockscope.core.wire.commands import Abort, Close, Connect, Disconnect, SendText
from sockscope.core.wire.driver import Driver
from sockscope.core.wire.plugin import Link, Plugin

Handler = Callable[[ServerConnection], Awaitable[None]]


async def echo(ws: ServerConnection) -> None:
    async for message in ws:
        await ws.send(message)


@asynccontextmanager
async def server(handler: Handler, port: int = 0) -> AsyncIterator[Server]:
    async with serve(handler, "127.0.0.1", port) as running:
        yield running


def url_of(running: Server) -> str:
    return f"ws://127.0.0.1:{running.sockets[0].getsockname()[1]}/"


def sent_texts(session: Session) -> list[bytes]:
    store = session.store
    return [
        store.payload(i)
        for i in range(len(store))
        if store.kind(i) is Kind.SEND and store.opcode(i) is Opcode.TEXT
    ]


def kinds(session: Session, kind: Kind) -> int:
    return sum(1 for i in range(len(session.store)) if session.store.kind(i) is kind)


@asynccontextmanager
async def driving(
    session: Session, events: list[DriverEvent], **kwargs: object
) -> AsyncIterator[Driver]:
    driver = Driver(session, events.append, **kwargs)  # type: ignore[arg-type]
    task = asyncio.create_task(driver.serve())
    try:
        yield driver
    finally:
        task.cancel()
        await asyncio.gather(task, return_exceptions=True)


async def test_commands_go_out_in_order_and_rows_grow_is_reported() -> None:
    session, events = Session(), []
    async with server(echo) as running, driving(session, events) as driver:
        driver.submit(Connect(ConnectionSettings(url_of(running))))
        assert isinstance(await driver.wait_settled(), Opened)
        for text in ("one", "two", "three"):
            driver.submit(SendText(text))
        await until(lambda: session.store.frames_in >= 3)
        driver.submit(Close(4000, "done"))
        ended = await driver.wait_finished()
    assert sent_texts(session) == [b"one", b"two", b"three"]
    assert isinstance(ended, Closed) and ended.code == 4000 and ended.by == "client"
    grew = [event.total for event in events if isinstance(event, RowsGrew)]
    assert grew and grew == sorted(grew) and grew[-1] == len(session.store)
    assert any(isinstance(event, Opened) for event in events)


async def test_a_command_without_a_connection_is_reported_not_raised() -> None:
    session, events = Session(), []
    async with driving(session, events) as driver:
        driver.submit(SendText("nobody listens"))
        await until(lambda: any(isinstance(e, CommandFailed) for e in events))
    failed = next(e for e in events if isinstance(e, CommandFailed))
    assert "Not connected" in failed.message


async def test_reconnect_survives_a_server_restart_and_resends_on_open() -> None:
    session, events = Session(), []
    settings_base = ConnectionSettings(on_open=("hello",), reconnect=True)
    async with server(echo) as first:
        port = first.sockets[0].getsockname()[1]
        url = url_of(first)
        driver = Driver(session, events.append, rng=random.Random(1))
        task = asyncio.create_task(driver.serve())
        driver.submit(Connect(settings_base._replace(url=url)))
        await until(lambda: sent_texts(session) == [b"hello"])
    # The server is gone: the driver retries with backoff until it is back.
    await until(lambda: any(isinstance(e, ReconnectScheduled) for e in events))
    async with server(echo, port):
        await until(lambda: kinds(session, Kind.OPEN) == 2 and len(sent_texts(session)) == 2)
        assert driver.state is ReadyState.OPEN
        task.cancel()
        await asyncio.gather(task, return_exceptions=True)
    assert sent_texts(session) == [b"hello", b"hello"]


async def test_a_server_that_closes_at_once_makes_the_backoff_grow() -> None:
    async def close_at_once(ws: ServerConnection) -> None:
        await ws.close(1011, "unavailable")

    session, events = Session(), []
    async with server(close_at_once) as running, driving(session, events) as driver:
        settings = ConnectionSettings(url_of(running), reconnect=True)
        driver.submit(Connect(settings))
        await until(lambda: sum(isinstance(e, ReconnectScheduled) for e in events) >= 3, timeout=15)
    attempts = [e.attempt for e in events if isinstance(e, ReconnectScheduled)]
    assert attempts[:3] == [1, 2, 3]


async def test_a_refused_handshake_ends_the_session_without_retrying() -> None:
    async def never(ws: ServerConnection) -> None:  # pragma: no cover - refused before
        await ws.close()

    session, events = Session(), []
    async with (
        serve(
            never, "127.0.0.1", 0, process_request=lambda ws, _: ws.respond(403, "no\n")
        ) as running,
        driving(session, events) as driver,
    ):
        driver.submit(Connect(ConnectionSettings(url_of(running), reconnect=True)))
        outcome = await driver.wait_finished()
    assert isinstance(outcome, Failed) and outcome.status == 403
    assert not any(isinstance(e, ReconnectScheduled) for e in events)


class PingPong(Plugin):
    """A plug-in answering an application-level ping and sending a heartbeat on a timer."""

    def __init__(self) -> None:
        self.seen: list[bytes] = []
        self.rows: list[int] = []
        self.outcomes: list[Closed | Failed] = []

    def opened(self, link: Link, event: Opened) -> None:
        link.every(0.05, SendText("heartbeat"))

    def received(self, link: Link, row: int, opcode: Opcode, payload: bytes) -> None:
        self.seen.append(payload)
        self.rows.append(row)
        if payload == b"ping?":
            link.submit(SendText("pong!"))

    def ended(self, link: Link, outcome: Closed | Failed) -> None:
        self.outcomes.append(outcome)


async def test_plugins_see_messages_answer_them_and_run_timers() -> None:
    got: list[str] = []

    async def asks(ws: ServerConnection) -> None:
        await ws.send("ping?")
        async for message in ws:
            got.append(str(message))
            if got.count("heartbeat") >= 2 and "pong!" in got:
                await ws.close(1000, "enough")

    plugin, session, events = PingPong(), Session(), []
    async with server(asks) as running, driving(session, events, plugins=[plugin]) as driver:
        driver.submit(Connect(ConnectionSettings(url_of(running))))
        ended = await driver.wait_finished()
    assert plugin.seen[0] == b"ping?"
    assert session.store.payload(plugin.rows[0]) == b"ping?"
    assert "pong!" in got and got.count("heartbeat") >= 2
    assert isinstance(ended, Closed) and ended.code == 1000
    assert plugin.outcomes == [ended]


class Broken(Plugin):
    def opened(self, link: Link, event: Opened) -> None:
        raise RuntimeError("opened broke")

    def received(self, link: Link, row: int, opcode: Opcode, payload: bytes) -> None:
        raise RuntimeError("received broke")

    def ended(self, link: Link, outcome: Closed | Failed) -> None:
        raise RuntimeError("ended broke")


async def test_a_failing_plugin_is_reported_and_the_session_goes_on() -> None:
    session, events = Session(), []
    async with server(echo) as running, driving(session, events, plugins=[Broken()]) as driver:
        driver.submit(Connect(ConnectionSettings(url_of(running))))
        await driver.wait_settled()
        driver.submit(SendText("still here"))
        await until(lambda: session.store.frames_in >= 1)
        driver.submit(Close())
        assert isinstance(await driver.wait_finished(), Closed)
    failures = [e.message for e in events if isinstance(e, CommandFailed)]
    assert any("opened broke" in f for f in failures)
    assert any("received broke" in f for f in failures)
    assert any("ended broke" in f for f in failures)


async def test_disconnect_leaves_with_1001_and_abort_vanishes_with_1006() -> None:
    codes: list[int | None] = []

    async def note_close(ws: ServerConnection) -> None:
        await ws.wait_closed()
        codes.append(ws.close_code)

    for number, (command, code) in enumerate(((Disconnect(), 1001), (Abort(), 1006)), 1):
        session, events = Session(), []
        async with server(note_close) as running, driving(session, events) as driver:
            settings = ConnectionSettings(url_of(running), reconnect=True)
            driver.submit(Connect(settings))
            assert isinstance(await driver.wait_settled(), Opened)
            driver.submit(command)
            ended = await driver.wait_finished()
            await until(lambda: len(codes) == number)  # noqa: B023 (awaited in the loop)
        assert codes[-1] == code
        assert not any(isinstance(e, ReconnectScheduled) for e in events)
        if code == 1006:
            assert isinstance(ended, Closed) and ended.code == 1006 and ended.by == "client"


async def test_a_driver_that_shut_down_no_longer_hears_its_session() -> None:
    """Drivers can follow one another on a session (replaying several connections)."""
    session, events = Session(), []
    async with server(echo) as running:
        for _ in range(2):
            async with driving(session, events) as driver:
                driver.submit(Connect(ConnectionSettings(url_of(running))))
                assert isinstance(await driver.wait_settled(), Opened)
                driver.submit(Close())
                await driver.wait_finished()
            assert driver._on_event not in session.listeners
    assert session.listeners == []
    assert sum(isinstance(e, Opened) for e in events) == 2  # each open reported once
