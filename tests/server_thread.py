"""A websockets server with a test's own handler, on its own thread and event loop.

Headless commands run ``asyncio.run`` in the test's thread, so the server they talk to
must live elsewhere. :meth:`ServerThread.stop` and :meth:`ServerThread.start` again on
the same port stand in for a server restart.
"""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Awaitable, Callable
from types import TracebackType

from websockets.asyncio.server import Server, ServerConnection, serve

Handler = Callable[[ServerConnection], Awaitable[None]]


class ServerThread:
    def __init__(self, handler: Handler, port: int = 0) -> None:
        self.handler = handler
        self.port = port
        self._loop: asyncio.AbstractEventLoop | None = None
        self._stop: asyncio.Event | None = None
        self._thread: threading.Thread | None = None

    @property
    def url(self) -> str:
        return f"ws://127.0.0.1:{self.port}/"

    def start(self) -> str:
        ready = threading.Event()
        self._thread = threading.Thread(target=asyncio.run, args=(self._serve(ready),))
        self._thread.start()
        if not ready.wait(10):
            raise RuntimeError("the test server did not start")
        return self.url

    async def _serve(self, ready: threading.Event) -> None:
        self._loop = asyncio.get_running_loop()
        self._stop = asyncio.Event()
        server: Server
        async with serve(self.handler, "127.0.0.1", self.port) as server:
            self.port = server.sockets[0].getsockname()[1]
            ready.set()
            await self._stop.wait()

    def stop(self) -> None:
        """Stop listening and drop every client (a crash, as the clients see it)."""
        if self._loop is not None and self._stop is not None and self._thread is not None:
            self._loop.call_soon_threadsafe(self._stop.set)
            self._thread.join(10)
            self._thread = None

    def __enter__(self) -> str:
        return self.start()

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()
