"""A real upstream server and a sockscope proxy in front of it, for the proxy's tests."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from typing import Any

from websockets.asyncio.server import ServerConnection, serve

from sockscope.core.proxy.server import ProxyServer
from sockscope.core.settings import ConnectionSettings
from sockscope.core.store.frames import FrameStore, Kind

Handler = Callable[[ServerConnection], Awaitable[None]]


async def echo(ws: ServerConnection) -> None:
    async for message in ws:
        await ws.send(message)


@asynccontextmanager
async def upstream(handler: Handler = echo, **kwargs: Any) -> AsyncIterator[str]:
    """A websockets server on a free port; yields its ``ws://`` base URL."""
    async with serve(handler, "127.0.0.1", 0, **kwargs) as server:
        port = server.sockets[0].getsockname()[1]
        scheme = "wss" if kwargs.get("ssl") else "ws"
        yield f"{scheme}://localhost:{port}"


@asynccontextmanager
async def proxy_to(url: str, **kwargs: Any) -> AsyncIterator[ProxyServer]:
    """A proxy to ``url`` on a free port, stopped afterwards."""
    settings = kwargs.pop("settings", ConnectionSettings())._replace(url=url)
    proxy = ProxyServer(settings, **kwargs)
    await proxy.start("127.0.0.1", 0)
    try:
        yield proxy
    finally:
        await proxy.stop()


def rows(store: FrameStore, kind: Kind) -> list[tuple[int, bytes]]:
    """The (opcode, payload) of every data frame of ``kind`` in the store."""
    return [
        (int(store.opcode(i)), store.payload(i))
        for i in range(len(store))
        if store.kind(i) is kind and store.opcode(i) in (1, 2)
    ]


def notes(store: FrameStore) -> list[str]:
    return [str(store.info(i)["message"]) for i in range(len(store)) if store.kind(i) is Kind.NOTE]


async def ended(proxy: ProxyServer, number: int = 1) -> None:
    """Wait until client connection ``number`` has ended on both sides."""
    while len(proxy.connections) < number:
        await asyncio.sleep(0.01)
    await proxy.connections[number - 1].finished()
