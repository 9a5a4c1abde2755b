"""A driver with plug-ins, connected to a real server: the protocol and rules tests' own."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager

from sockscope.core.events import CommandFailed, DriverEvent
from sockscope.core.session.session import Session
from sockscope.core.settings import ConnectionSettings
from sockscope.core.store.frames import Kind
from sockscope.core.wire.commands import Connect
from sockscope.core.wire.driver import Driver
from sockscope.core.wire.plugin import Plugin


async def until(test: Callable[[], object], timeout: float = 10.0) -> None:
    """Wait until ``test()`` is true, failing after a generous ``timeout``."""
    async with asyncio.timeout(timeout):
        while not test():
            await asyncio.sleep(0.01)


class Driven:
    """A session's driver with its plug-ins, and what it reported."""

    def __init__(self, session: Session, *plugins: Plugin) -> None:
        self.session = session
        self.events: list[DriverEvent] = []
        self.driver = Driver(session, self.events.append, plugins=plugins)

    async def until(self, test: Callable[[], object], timeout: float = 10.0) -> None:
        await until(test, timeout)

    def notes(self) -> list[str]:
        store = self.session.store
        return [store.info(i)["message"] for i in range(len(store)) if store.kind(i) is Kind.NOTE]

    def failures(self) -> list[str]:
        return [event.message for event in self.events if isinstance(event, CommandFailed)]


@asynccontextmanager
async def connected(driven: Driven, settings: ConnectionSettings) -> AsyncIterator[None]:
    """Serve the driver and connect it (open or failed); shut it down at the end."""
    serving = asyncio.create_task(driven.driver.serve())
    try:
        driven.driver.submit(Connect(settings))
        await driven.driver.wait_settled()
        yield
    finally:
        serving.cancel()
        await asyncio.gather(serving, return_exceptions=True)
