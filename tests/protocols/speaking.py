"""Protocol tests: real servers (npm's, started by tests/node_servers.py) and drivers."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from drivers import Driven, connected
from sockscope.core.protocols.plugin import ProtocolPlugin
from sockscope.core.session.session import Session
from sockscope.core.settings import ConnectionSettings


class Speaking(Driven):
    """A driver with the protocol plug-in, serving, and what it reported."""

    def __init__(self) -> None:
        session = Session()
        self.plugin = ProtocolPlugin(session)
        super().__init__(session, self.plugin)


@asynccontextmanager
async def speaking(settings: ConnectionSettings) -> AsyncIterator[Speaking]:
    """Connect with the protocol plug-in; shut the driver down at the end."""
    speaker = Speaking()
    async with connected(speaker, settings):
        yield speaker
