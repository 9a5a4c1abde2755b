"""The built-in demo server: a few endpoints that show what sockscope can inspect.

Each endpoint is chosen by the request path; parameters come from the query string.
Bad parameters and unknown paths refuse the handshake with a one-sentence HTTP body,
so a client sees why. Used by ``sockscope serve``, ``sockscope demo`` and the tests.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import math
import threading
import time
from collections.abc import Awaitable, Callable
from functools import partial
from http import HTTPStatus
from urllib.parse import parse_qsl, urlsplit

import orjson
from websockets.asyncio.server import Server, ServerConnection, broadcast, serve
from websockets.exceptions import ConnectionClosed
from websockets.frames import EXTERNAL_CLOSE_CODES
from websockets.http11 import Request, Response

#: (path with example query, what it does): shown by ``serve --help``, ``serve`` and the README.
ENDPOINTS: tuple[tuple[str, str], ...] = (
    ("/echo", "echoes every message back as sent (text stays text, binary binary)"),
    ("/ticks?rate=10", 'sends {"type":"tick","seq":N,"ts":...} rate times a second (1-10000)'),
    ("/binary", "sends binary frames that are not UTF-8, then echoes"),
    ("/close?code=4001&reason=bye", "closes at once with that code (default 1000) and reason"),
    ("/chat", "broadcasts each message to every client on /chat, sender included"),
    ("/reject?status=403&body=invalid+token", "refuses the handshake with that status and body"),
)

MAX_MESSAGE_SIZE = 16 * 2**20
MAX_TICK_RATE = 10_000
#: Frames sent by /binary: control bytes and 0xff (never valid UTF-8), a PNG signature, 0..255.
BINARY_SAMPLES: tuple[bytes, ...] = (
    b"\x00\xff\xfe\xfd\x80\x81\xc0\xc1",
    b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x10\x00\x00\x00\x10\x08\x06\x00\x00\x00",
    bytes(range(256)),
)

Handler = Callable[[ServerConnection], Awaitable[None]]

_log = logging.getLogger(__name__)
# A library must not print: without this, Python's last-resort handler would write
# websockets' warnings to stderr, across the TUI's screen.
_log.addHandler(logging.NullHandler())


class _Refusal(Exception):
    """A handshake answered with an HTTP status and a plain-text body instead of a socket."""

    def __init__(self, status: int, body: str) -> None:
        super().__init__(body)
        self.status = status
        self.body = body


def _int_param(query: dict[str, str], name: str, default: int) -> int:
    raw = query.get(name)
    if raw is None:
        return default
    try:
        return int(raw)
    except ValueError:
        raise _Refusal(400, f"{name} must be a whole number, not {raw!r}.") from None


def _tick_rate(query: dict[str, str]) -> float:
    raw = query.get("rate", "1")
    try:
        rate = float(raw)
    except ValueError:
        rate = math.nan
    if math.isnan(rate):  # NaN would slip through the clamp below
        raise _Refusal(400, f"rate must be a number of ticks per second, not {raw!r}.")
    return min(max(rate, 1.0), MAX_TICK_RATE)


def _close_args(query: dict[str, str]) -> tuple[int, str]:
    code = _int_param(query, "code", 1000)
    if code not in EXTERNAL_CLOSE_CODES and not 3000 <= code <= 4999:
        raise _Refusal(400, f"code {code} cannot be sent; use 1000-1003, 1007-1014 or 3000-4999.")
    reason = query.get("reason", "")
    if len(reason.encode()) > 123:
        raise _Refusal(400, "reason must fit in 123 bytes of UTF-8.")
    return code, reason


def _reject_args(query: dict[str, str]) -> _Refusal:
    status = _int_param(query, "status", 403)
    if not 200 <= status <= 599 or status not in {known.value for known in HTTPStatus}:
        raise _Refusal(400, f"status {status} is not a known HTTP status from 200 to 599.")
    return _Refusal(status, query.get("body", "rejected by /reject"))


async def _echo(ws: ServerConnection) -> None:
    async for message in ws:
        await ws.send(message)


async def _binary(ws: ServerConnection) -> None:
    for sample in BINARY_SAMPLES:
        await ws.send(sample)
    await _echo(ws)


async def _ticks(ws: ServerConnection, rate: float) -> None:
    """Send ticks on a fixed schedule (a late wake-up sends those that fell due) until closed.

    Waiting on the closing rather than sleeping lets a server shutdown end this at once.
    """
    loop = asyncio.get_running_loop()
    closed = asyncio.ensure_future(ws.wait_closed())
    start = loop.time()
    seq = 0
    try:
        while not closed.done():
            due = int((loop.time() - start) * rate) + 1
            while seq < due:
                seq += 1
                tick = {"type": "tick", "seq": seq, "ts": round(time.time(), 3)}
                await ws.send(orjson.dumps(tick).decode())
            await asyncio.wait({closed}, timeout=max(0.0, start + seq / rate - loop.time()))
    finally:
        closed.cancel()


async def _close(ws: ServerConnection, code: int, reason: str) -> None:
    await ws.close(code, reason)


def ws_url(host: str, port: int, path: str) -> str:
    """``ws://host:port/path``, with brackets around an IPv6 host."""
    return f"ws://[{host}]:{port}{path}" if ":" in host else f"ws://{host}:{port}{path}"


class DemoServer:
    """A running demo server on the current event loop; make one with `start_demo_server`."""

    def __init__(self, host: str) -> None:
        self.host = host
        self.port = 0
        self._chat: set[ServerConnection] = set()
        self._server: Server | None = None

    async def _listen(self, port: int) -> None:
        self._server = await serve(
            self._handle,
            self.host,
            port,
            process_request=self._process_request,
            max_size=MAX_MESSAGE_SIZE,
            logger=_log,
        )
        self.port = self._server.sockets[0].getsockname()[1]

    def url(self, path: str = "/echo") -> str:
        return ws_url(self.host, self.port, path)

    async def close(self) -> None:
        """Stop listening, close open sockets with 1001 and wait for their handlers."""
        if self._server is not None:
            self._server.close()
            await self._server.wait_closed()

    def _resolve(self, target: str) -> Handler:
        """The handler for a request target, or `_Refusal` for bad paths and parameters."""
        parts = urlsplit(target)
        query = dict(parse_qsl(parts.query))
        match parts.path:
            case "/echo":
                return _echo
            case "/ticks":
                return partial(_ticks, rate=_tick_rate(query))
            case "/binary":
                return _binary
            case "/close":
                code, reason = _close_args(query)
                return partial(_close, code=code, reason=reason)
            case "/chat":
                return self._chat_member
            case "/reject":
                raise _reject_args(query)
        paths = ", ".join(path.partition("?")[0] for path, _ in ENDPOINTS)
        raise _Refusal(404, f"No endpoint at {parts.path}; try one of {paths}.")

    def _process_request(self, ws: ServerConnection, request: Request) -> Response | None:
        try:
            self._resolve(request.path)
        except _Refusal as refusal:
            return ws.respond(refusal.status, refusal.body + "\n")
        return None

    async def _handle(self, ws: ServerConnection) -> None:
        assert ws.request is not None  # the handshake succeeded, so process_request accepted it
        with contextlib.suppress(ConnectionClosed):  # the client left: how every endpoint ends
            await self._resolve(ws.request.path)(ws)

    async def _chat_member(self, ws: ServerConnection) -> None:
        self._chat.add(ws)
        try:
            async for message in ws:
                broadcast(self._chat, message)
        finally:
            self._chat.discard(ws)


async def start_demo_server(host: str = "127.0.0.1", port: int = 0) -> DemoServer:
    """Listen on host:port (0 picks a free port); raises OSError if that is impossible."""
    server = DemoServer(host)
    await server._listen(port)
    return server


class DemoServerThread:
    """The demo server on its own event loop in a daemon thread.

    For callers that own the main loop (the Textual app) or have none (sync tests).
    """

    def __init__(self, host: str = "127.0.0.1", port: int = 0) -> None:
        self.host = host
        self.port = port
        self._thread: threading.Thread | None = None
        self._loop: asyncio.AbstractEventLoop | None = None
        self._stopping: asyncio.Event | None = None
        self._error: Exception | None = None

    def url(self, path: str = "/echo") -> str:
        return ws_url(self.host, self.port, path)

    def start(self) -> int:
        """Start and block until listening; returns the port, raises what prevented it."""
        ready = threading.Event()
        self._thread = threading.Thread(
            target=asyncio.run, args=(self._run(ready),), name="sockscope-demo", daemon=True
        )
        self._thread.start()
        ready.wait()
        if self._error is not None:
            self._thread.join()
            raise self._error
        return self.port

    def stop(self) -> None:
        """Close the server and its connections and wait for the thread to end."""
        if self._loop is not None and self._stopping is not None:
            self._loop.call_soon_threadsafe(self._stopping.set)
        if self._thread is not None:
            self._thread.join()
        self._thread = self._loop = self._stopping = None

    async def _run(self, ready: threading.Event) -> None:
        try:
            server = await start_demo_server(self.host, self.port)
        except Exception as error:  # re-raised by start() in the caller's thread
            self._error = error
            ready.set()
            return
        self.port = server.port
        self._loop = asyncio.get_running_loop()
        self._stopping = asyncio.Event()
        ready.set()
        try:
            await self._stopping.wait()
        finally:
            await server.close()
