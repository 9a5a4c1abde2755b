"""One WebSocket connection, reporting every frame both ways, through documented API only.

websockets' ``connect()`` opens the connection (TCP, proxy, TLS, the handshake); from
the end of the handshake response on, sockscope drives websockets' sans-I/O
``ClientProtocol`` itself (:mod:`~sockscope.core.wire.stream`,
:mod:`~sockscope.core.wire.tap`): every frame goes to the sink as it is parsed, data
frames included (the sink, the session store, is the buffer: nothing is queued or
dropped). Keepalive pings run here, not in websockets, so they are recorded like any
other frame.
"""

from __future__ import annotations

import asyncio
import os
import time
from functools import partial

from websockets.asyncio.client import connect
from websockets.client import ClientProtocol
from websockets.exceptions import InvalidStatus
from websockets.http11 import Request, Response
from websockets.protocol import OPEN

from sockscope.core.events import (
    Closed,
    ClosedBy,
    Closing,
    Connecting,
    ConnectionEvent,
    Failed,
    NotOpenError,
    Opened,
    ReadyState,
)
from sockscope.core.settings import ConnectionSettings
from sockscope.core.wire.failures import describe_failure
from sockscope.core.wire.read_size import fast_path_enabled
from sockscope.core.wire.stream import HandshakeConnection, WireStream
from sockscope.core.wire.tap import ConnectionSink, FrameTap

__all__ = ["CLOSE_TIMEOUT", "PING_TIMEOUT", "Connection", "ConnectionSink", "NotOpenError"]

CLOSE_TIMEOUT = 3.0
PING_TIMEOUT = 10.0
ABORTED = "sockscope dropped the connection without a close frame"


class Connection:
    """Opens, runs and closes one connection; commands may come while it runs."""

    def __init__(self, settings: ConnectionSettings, sink: ConnectionSink) -> None:
        self.settings = settings
        self._sink = sink
        self._stream: WireStream | None = None
        self._user_closed = False
        self._aborted = False
        self._pings: dict[bytes, tuple[asyncio.Future[float], float]] = {}
        """Pings waiting for their pong, oldest first: payload -> (waiter, when sent)."""
        self._latency: float | None = None
        self._status = b""
        """The handshake response's status line, as received (kept for failures)."""
        self.state = ReadyState.CLOSED
        self.refusal: Response | None = None
        """The server's response when it refused the handshake, body whole (for a proxy)."""

    def _emit(self, event: ConnectionEvent) -> None:
        if isinstance(event, Connecting):
            self.state = ReadyState.CONNECTING
        elif isinstance(event, Opened):
            self.state = ReadyState.OPEN
        elif isinstance(event, Closing):
            self.state = ReadyState.CLOSING
        else:
            self.state = ReadyState.CLOSED
        self._sink.on_event(time.time(), event)

    @property
    def was_opened(self) -> bool:
        return self._stream is not None

    @property
    def user_closed(self) -> bool:
        """True once the user asked to close or abort (no reconnect should follow)."""
        return self._user_closed

    @property
    def latency(self) -> float | None:
        """The last measured ping round trip in seconds."""
        return self._latency

    @property
    def reading_paused(self) -> bool:
        """True while the server takes none of the pongs we owe it (we stop reading from it)."""
        return self._stream is not None and self._stream.reading_paused

    async def run(self) -> Closed | Failed:
        """Connect, report frames until the connection ends, and report how it ended."""
        settings = self.settings
        self._emit(Connecting(settings.url))
        kwargs = settings.connect_kwargs()
        kwargs.update(ping_interval=None, ping_timeout=None)  # keepalive runs here
        try:
            await connect(
                settings.url,
                create_connection=partial(  # type: ignore[arg-type]
                    HandshakeConnection, on_open=self._opened, on_status_line=self._status_line
                ),
                close_timeout=CLOSE_TIMEOUT,
                **kwargs,
            )
        except asyncio.CancelledError:
            raise
        except Exception as exc:
            if isinstance(exc, InvalidStatus):
                self.refusal = exc.response
            failed = describe_failure(exc, settings, self._status)
            self._emit(failed)
            return failed
        stream = self._stream
        assert stream is not None  # set as the handshake completed
        keepalive = asyncio.create_task(self._keepalive())
        try:
            for message in settings.on_open:
                await self.send_text(message)
            await stream.lost.wait()
        except asyncio.CancelledError:
            await self._shutdown(stream)
            raise
        except Exception:
            await stream.lost.wait()
        finally:
            keepalive.cancel()
            self._forget_pings()
        closed = self._closed_event(stream)
        self._emit(closed)
        return closed

    def _status_line(self, line: bytes) -> None:
        self._status = line

    def _opened(self, connection: HandshakeConnection, response: Response) -> WireStream:
        """The handshake succeeded: record it, and build the stream that reads from now on."""
        protocol = connection.sans_io
        tap = FrameTap(
            protocol,
            self._sink,
            limit=self.settings.max_size,
            fast=fast_path_enabled() and _splittable(response),
            on_pong=self._pong,
        )
        self._stream = WireStream(
            tap, connection.transport, close_timeout=CLOSE_TIMEOUT, read_sizer=connection.read_sizer
        )
        assert connection.request is not None
        self._emit(_opened_event(connection.request, response, self.settings.url, protocol))
        return self._stream

    async def _shutdown(self, stream: WireStream) -> None:
        """Leave politely when cancelled (the app is quitting), without hanging."""
        self._user_closed = True
        try:
            await asyncio.wait_for(self.close(1001, "going away"), CLOSE_TIMEOUT)
        except (TimeoutError, OSError, NotOpenError):
            stream.transport.abort()
        self._emit(self._closed_event(stream))

    def _closed_event(self, stream: WireStream) -> Closed:
        """The browser's close event (code, reason, wasClean) from the protocol state."""
        protocol = stream.tap.protocol
        rcvd, sent = protocol.close_rcvd, protocol.close_sent
        first = protocol.close_rcvd_then_sent
        by: ClosedBy
        if first is True:
            by = "server"
        elif first is False or (sent is not None and rcvd is None) or self._aborted:
            by = "client"
        else:
            by = "network"
        detail = ABORTED if self._aborted and sent is None else ""
        if sent is not None and not self._user_closed and first is not True:
            # The connection failed on our side (message too big, ping timeout, ...).
            detail = f"sockscope closed with {sent.code} {sent.reason}".strip()
        if rcvd is None:
            return Closed(1006, "", False, by, detail)
        return Closed(rcvd.code, rcvd.reason, sent is not None, by, detail)

    def _open_stream(self) -> WireStream:
        if self._stream is None or self.state is not ReadyState.OPEN:
            raise NotOpenError("Not connected: connect first (the connection is not open).")
        return self._stream

    async def send_text(self, text: str) -> None:
        stream = self._open_stream()
        stream.tap.send_text(text)
        stream.flush()
        await stream.drain()

    async def send_bytes(self, data: bytes) -> None:
        stream = self._open_stream()
        stream.tap.send_binary(data)
        stream.flush()
        await stream.drain()

    async def ping(self, payload: bytes = b"", timeout: float = PING_TIMEOUT) -> float:
        """Send a ping and return the round trip in seconds (TimeoutError: no pong in time)."""
        payload, waiter = self._send_ping(payload)
        try:
            return await asyncio.wait_for(waiter, timeout)
        finally:
            self._pings.pop(payload, None)

    def _send_ping(self, payload: bytes) -> tuple[bytes, asyncio.Future[float]]:
        stream = self._open_stream()
        if not payload:
            payload = os.urandom(4)
        if payload in self._pings:
            raise ValueError("A ping with this payload is already waiting for its pong.")
        stream.tap.send_ping(payload)
        stream.flush()
        waiter = asyncio.get_running_loop().create_future()
        self._pings[payload] = (waiter, time.monotonic())
        return payload, waiter

    def _pong(self, payload: bytes) -> None:
        """A pong answers its ping and every ping sent before it (RFC 6455 allows skipping)."""
        if payload not in self._pings:
            return
        now = time.monotonic()
        while self._pings:
            data, (waiter, sent) = next(iter(self._pings.items()))
            del self._pings[data]
            if not waiter.done():
                waiter.set_result(now - sent)
            if data == payload:
                self._latency = now - sent
                return

    def _forget_pings(self) -> None:
        for waiter, _ in self._pings.values():
            if not waiter.done():
                waiter.set_exception(NotOpenError("The connection closed before the pong came."))
        self._pings.clear()

    async def _keepalive(self) -> None:
        """Ping every ``ping_interval``; fail with 1011 when a pong does not come in time."""
        interval = self.settings.ping_interval
        if not interval:
            return
        while True:
            await asyncio.sleep(interval)
            try:
                await self.ping(timeout=interval)
            except NotOpenError:
                return
            except TimeoutError:
                stream = self._stream
                if stream is not None and stream.tap.protocol.state is OPEN:
                    stream.tap.fail(1011, "keepalive ping timeout")
                    stream.flush()
                return

    async def close(self, code: int = 1000, reason: str = "") -> None:
        stream = self._open_stream()
        self._user_closed = True
        self._emit(Closing("client"))
        stream.tap.send_close(code, reason)
        stream.flush()
        await stream.lost.wait()

    def abort(self) -> None:
        """Drop the TCP connection without a close frame (how a vanished client looks)."""
        stream = self._open_stream()
        self._user_closed = self._aborted = True
        stream.transport.abort()


def _splittable(response: Response) -> bool:
    """Whether the frame splitter may read this stream: no extension but permessage-deflate.

    permessage-deflate leaves frames without RSV1 as they are; any other extension could
    rewrite every frame (websockets refuses extensions it did not offer, so this is a guard).
    """
    return all(name == "permessage-deflate" for name in _extensions(response))


def _extensions(response: Response) -> list[str]:
    """The names of the extensions the server agreed to (``Sec-WebSocket-Extensions``)."""
    return [
        item.split(";", 1)[0].strip()
        for value in response.headers.get_all("Sec-WebSocket-Extensions")
        for item in value.split(",")
        if item.strip()
    ]


def _opened_event(
    request: Request, response: Response, url: str, protocol: ClientProtocol
) -> Opened:
    return Opened(
        url=url,
        status=response.status_code,
        reason=response.reason_phrase,
        request_headers=list(request.headers.raw_items()),
        response_headers=list(response.headers.raw_items()),
        subprotocol=protocol.subprotocol,
        extensions=_extensions(response),
    )
