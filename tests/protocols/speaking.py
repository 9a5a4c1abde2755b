"""Protocol tests: real servers (npm's, started by tests/node_servers.py) and drivers."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from sockscope.core.events import DriverEvent
from sockscope.core.protocols.plugin import ProtocolPlugin
from sockscope.core.session.session import Session
from sockscope.core.settings import ConnectionSettings
from sockscope.core.wire.commands import Connect
from sockscope.core.wire.driver import Driver


class Speaking:
    """A driver with the protocol plug-in, serving, and what it reported."""

    def __init__(self) -> None:
        self.session = Session()
        self.plugin = ProtocolPlugin(self.session)
        self.events: list[DriverEvent] = []
        self.driver = Driver(self.session, self.events.append, plugins=[self.plugin])

    async def until(self, test: object, timeout: float = 10.0) -> None:
        """Wait until ``test()`` is true (a callable), failing after ``timeout`` seconds."""
        async with asyncio.timeout(timeout):
            while not test():  # type: ignore[operator]
                await asyncio.sleep(0.01)


@asynccontextmanager
async def speaking(settings: ConnectionSettings) -> AsyncIterator[Speaking]:
    """Connect with the protocol plug-in; shut the driver down at the end."""
    speaker = Speaking()
    serving = asyncio.create_task(speaker.driver.serve())
    try:
        speaker.driver.submit(Connect(settings))
        await speaker.driver.wait_settled()
        yield speaker
    finally:
        serving.cancel()
        await asyncio.gather(serving, return_exceptions=True)
