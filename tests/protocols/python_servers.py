"""Real Python protocol servers from PyPI (the ``test`` extra), served by aiohttp in the
test's own event loop on 127.0.0.1 and a free port.

- python-socketio's ``AsyncServer`` with short ping timings: it pings every 300 ms and
  drops a client that sends nothing for ping interval + timeout (500 ms);
- strawberry-graphql's aiohttp ``GraphQLView`` at ``/graphql``, serving both
  ``graphql-transport-ws`` and the legacy ``graphql-ws``, closing with 4408 a client that
  sends no ``connection_init`` within 300 ms, and sending the legacy ``ka`` every 200 ms.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import timedelta

import socketio
import strawberry
from aiohttp import web
from strawberry.aiohttp.views import GraphQLView


@asynccontextmanager
async def serving(app: web.Application) -> AsyncIterator[int]:
    """Serve ``app`` until the block ends; yields the port."""
    runner = web.AppRunner(app, shutdown_timeout=1.0)
    await runner.setup()
    await web.TCPSite(runner, "127.0.0.1", 0).start()
    try:
        yield runner.addresses[0][1]
    finally:
        await runner.cleanup()


def socketio_app() -> web.Application:
    """On connect: ``welcome`` with the auth the client joined with. ``echo`` answers its
    arguments as the ack; ``bytes`` emits ``file`` with the text as bytes (a binary
    event); ``/chat`` acks ``msg``; ``/admin`` refuses every join."""
    sio = socketio.AsyncServer(async_mode="aiohttp", ping_interval=0.3, ping_timeout=0.2)

    async def connect(sid: str, environ: object, auth: object) -> None:
        await sio.emit("welcome", auth or {}, to=sid)

    async def echo(sid: str, *args: object) -> tuple[object, ...]:
        return args

    async def send_bytes(sid: str, text: str) -> None:
        await sio.emit("file", ({"name": "f"}, text.encode()), to=sid)

    async def refuse(sid: str, environ: object, auth: object) -> None:
        raise socketio.exceptions.ConnectionRefusedError("not authorized")

    async def chat(sid: str, text: str) -> str:
        return f"got {text}"

    sio.on("connect", connect)
    sio.on("echo", echo)
    sio.on("bytes", send_bytes)
    sio.on("connect", refuse, namespace="/admin")
    sio.on("msg", chat, namespace="/chat")
    app = web.Application()
    sio.attach(app)
    return app


@strawberry.type
class Query:
    @strawberry.field
    def hello(self, name: str = "world") -> str:
        return f"hello {name}"


@strawberry.type
class Subscription:
    @strawberry.subscription
    async def ticks(self, up_to: int) -> AsyncIterator[int]:
        for tick in range(1, up_to + 1):
            yield tick
            await asyncio.sleep(0.01)


def strawberry_app() -> web.Application:
    schema = strawberry.Schema(query=Query, subscription=Subscription)
    view = GraphQLView(
        schema=schema,
        connection_init_wait_timeout=timedelta(milliseconds=300),
        keep_alive_interval=0.2,
    )
    app = web.Application()
    app.router.add_route("*", "/graphql", view)
    return app
