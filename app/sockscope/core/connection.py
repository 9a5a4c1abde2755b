"""One WebSocket connection over the `websockets` library, reporting every frame.

websockets hides control frames and hands data to ``recv()`` through a queue.
A debugger wants every frame, in order, with as little per-frame work as
possible, so :class:`TappedConnection` taps the library at its two narrowest
points: ``process_event`` (each incoming frame, after decompression and UTF-8
validation) and the protocol's ``send_frame`` (each outgoing frame). Incoming
data frames go straight to the sink instead of the ``recv()`` queue: the sink
(the session store) is the buffer, so nothing is dropped and nothing waits.

These hooks are not documented API; ``tests/test_connection.py`` pins their
behaviour so an upgrade that changes them fails loudly.
"""

from __future__ import annotations

import asyncio
import time
from functools import partial
from typing import Any, Protocol

from websockets.asyncio.client import ClientConnection, connect
from websockets.frames import Frame
from websockets.frames import Opcode as WireOpcode
from websockets.protocol import Protocol as WireProtocol

from sockscope.core.events import (
    Closed,
    Closing,
    Connecting,
    ConnectionEvent,
    Failed,
    Opened,
    ReadyState,
)
from sockscope.core.failures import describe_failure
from sockscope.core.frames import Kind, Opcode
from sockscope.core.settings import ConnectionSettings

CLOSE_TIMEOUT = 3.0
PING_TIMEOUT = 10.0


class ConnectionSink(Protocol):
    """Where a connection reports what happens (the session recorder)."""

    def on_frame(self, t: float, kind: Kind, opcode: Opcode, payload: bytes) -> None: ...

    def on_event(self, t: float, event: ConnectionEvent) -> None: ...


class NotOpenError(RuntimeError):
    """A command needs an open connection."""


class TappedConnection(ClientConnection):
    """A ClientConnection that reports every frame, both ways, to a sink."""

    def __init__(self, protocol: Any, *, sink: ConnectionSink, **kwargs: Any) -> None:
        super().__init__(protocol, **kwargs)
        self._sink = sink
        self._fragments: list[bytes] = []
        self._fragment_opcode = Opcode.TEXT
        self._tap_outgoing(protocol)

    def _tap_outgoing(self, protocol: WireProtocol) -> None:
        send_frame = protocol.send_frame
        sink = self._sink

        def tapped_send_frame(frame: Frame) -> None:
            send_frame(frame)
            if frame.opcode is not WireOpcode.CONT:
                sink.on_frame(time.time(), Kind.SEND, Opcode(frame.opcode.value), bytes(frame.data))

        protocol.send_frame = tapped_send_frame  # type: ignore[method-assign]

    def process_event(self, event: Any) -> None:
        if self.response is None:  # the handshake response comes first
            super().process_event(event)
            return
        frame: Frame = event
        opcode = frame.opcode
        if opcode is WireOpcode.TEXT or opcode is WireOpcode.BINARY:
            if frame.fin:
                self._sink.on_frame(time.time(), Kind.RECV, Opcode(opcode.value), bytes(frame.data))
            else:
                self._fragment_opcode = Opcode(opcode.value)
                self._fragments = [bytes(frame.data)]
            return
        if opcode is WireOpcode.CONT:
            self._fragments.append(bytes(frame.data))
            if frame.fin:
                payload = b"".join(self._fragments)
                self._fragments = []
                self._sink.on_frame(time.time(), Kind.RECV, self._fragment_opcode, payload)
            return
        self._sink.on_frame(time.time(), Kind.RECV, Opcode(opcode.value), bytes(frame.data))
        super().process_event(event)


def _closed_event(ws: ClientConnection, user_closed: bool) -> Closed:
    """The browser's close event (code, reason, wasClean) from the protocol state."""
    protocol = ws.protocol
    rcvd, sent = protocol.close_rcvd, protocol.close_sent
    first = protocol.close_rcvd_then_sent
    if first is True:
        by: Any = "server"
    elif first is False or (sent is not None and rcvd is None):
        by = "client"
    else:
        by = "network"
    detail = ""
    if sent is not None and not user_closed and first is not True:
        # websockets itself failed the connection (message too big, ping timeout, ...).
        detail = f"sockscope closed with {sent.code} {sent.reason}".strip()
    if rcvd is None:
        return Closed(1006, "", False, by, detail)
    return Closed(rcvd.code, rcvd.reason, sent is not None, by, detail)


class Connection:
    """Opens, runs and closes one connection; commands may come while it runs."""

    def __init__(self, settings: ConnectionSettings, sink: ConnectionSink) -> None:
        self.settings = settings
        self._sink = sink
        self._ws: ClientConnection | None = None
        self._user_closed = False
        self.state = ReadyState.CLOSED

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
    def latency(self) -> float | None:
        """The last measured ping round trip in seconds."""
        if self._ws is None or not self._ws.latency:
            return None
        return self._ws.latency

    async def run(self) -> Closed | Failed:
        """Connect, report frames until the connection ends, and report how it ended."""
        settings = self.settings
        self._emit(Connecting(settings.url))
        try:
            ws = await connect(
                settings.url,
                create_connection=partial(TappedConnection, sink=self._sink),  # type: ignore[arg-type]
                close_timeout=CLOSE_TIMEOUT,
                **settings.connect_kwargs(),
            )
        except asyncio.CancelledError:
            raise
        except Exception as exc:
            failed = describe_failure(exc, settings)
            self._emit(failed)
            return failed
        self._ws = ws
        self._emit(_opened_event(ws, settings.url))
        try:
            for message in settings.on_open:
                await self.send_text(message)
            await ws.wait_closed()
        except asyncio.CancelledError:
            await self._shutdown(ws)
            raise
        except Exception:
            await ws.wait_closed()
        closed = _closed_event(ws, self._user_closed)
        self._emit(closed)
        return closed

    async def _shutdown(self, ws: ClientConnection) -> None:
        """Leave politely when cancelled (the app is quitting), without hanging."""
        self._user_closed = True
        try:
            await asyncio.wait_for(ws.close(1001, "going away"), CLOSE_TIMEOUT)
        except (TimeoutError, OSError):
            ws.transport.abort()
        self._emit(_closed_event(ws, True))

    def _open_ws(self) -> ClientConnection:
        if self._ws is None or self.state is not ReadyState.OPEN:
            raise NotOpenError("Not connected: connect first (the connection is not open).")
        return self._ws

    async def send_text(self, text: str) -> None:
        await self._open_ws().send(text)

    async def send_bytes(self, data: bytes) -> None:
        await self._open_ws().send(data)

    async def ping(self, payload: bytes = b"") -> float:
        """Send a ping and return the round trip in seconds (when the pong comes)."""
        waiter = await self._open_ws().ping(payload or None)
        return await asyncio.wait_for(waiter, PING_TIMEOUT)

    async def close(self, code: int = 1000, reason: str = "") -> None:
        ws = self._open_ws()
        self._user_closed = True
        self._emit(Closing("client"))
        await ws.close(code, reason)


def _opened_event(ws: ClientConnection, url: str) -> Opened:
    request, response = ws.request, ws.response
    assert request is not None and response is not None
    return Opened(
        url=url,
        status=response.status_code,
        reason=response.reason_phrase,
        request_headers=list(request.headers.raw_items()),
        response_headers=list(response.headers.raw_items()),
        subprotocol=ws.subprotocol,
        extensions=[extension.name for extension in ws.protocol.extensions],
    )
