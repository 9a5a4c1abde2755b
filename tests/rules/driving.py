"""Rules tests: a driver with the rules plug-in against a real local websockets server."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

from websockets.asyncio.server import ServerConnection, serve

from drivers import Driven, connected, until
from sockscope.core.rules.plugin import RulesPlugin
from sockscope.core.session.session import Session
from sockscope.core.settings import ConnectionSettings


class Peer:
    """The server's side: what it heard, and a way to say something to the client."""

    def __init__(self, echo: bool = False, greeting: str | None = None) -> None:
        self.greeting = greeting
        """Sent the moment the client connects (before its plug-ins hear of the open)."""
        self.heard: list[str] = []
        self.connection: ServerConnection | None = None
        self.echo = echo
        """Send every message back (an echo server)."""

    async def handler(self, connection: ServerConnection) -> None:
        self.connection = connection
        if self.greeting is not None:
            await connection.send(self.greeting)
        async for message in connection:
            self.heard.append(str(message))
            if self.echo:
                await connection.send(message)

    async def say(self, text: str) -> None:
        await until(lambda: self.connection is not None)
        assert self.connection is not None
        await self.connection.send(text)


class Driving(Driven):
    """A driver with the rules plug-in, serving, and the server it talks to."""

    def __init__(self, peer: Peer, **plugin_options: Any) -> None:
        session = Session()
        self.rules = RulesPlugin(session, **plugin_options)
        super().__init__(session, self.rules)
        self.peer = peer


@asynccontextmanager
async def driving(
    replies: tuple[tuple[str, str], ...] = (),
    every: tuple[tuple[float, str], ...] = (),
    echo: bool = False,
    greeting: str | None = None,
    **plugin_options: Any,
) -> AsyncIterator[Driving]:
    """A server and a connected driver with these rules; both shut at the end."""
    peer = Peer(echo, greeting)
    async with serve(peer.handler, "127.0.0.1", 0) as server:
        port = server.sockets[0].getsockname()[1]
        settings = ConnectionSettings(
            f"ws://127.0.0.1:{port}/", ping_interval=None, replies=replies, every=every
        )
        run = Driving(peer, **plugin_options)
        async with connected(run, settings):
            yield run
