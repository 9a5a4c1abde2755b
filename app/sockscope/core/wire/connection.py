"""One WebSocket connection over the `websockets` library, reporting every frame.

websockets hides control frames and hands data to ``recv()`` through a queue.
A debugger wants every frame, in order, with as little per-frame work as
possible, so :class:`TappedConnection` taps the library at its two narrowest
points: the protocol's ``recv_frame`` (each incoming frame it parses, after
decompression, before it answers) and ``send_frame`` (each outgoing frame).
Incoming data frames go straight to the sink instead of the ``recv()`` queue: the
sink (the session store) is the buffer, so nothing is dropped and nothing waits.
Once the handshake is read, the stream goes through the frame splitter first
(:mod:`~sockscope.core.wire.frame_splitter`): plain data frames are recorded a read at
a time, every other frame is handed to websockets whole.

These hooks are not documented API; ``tests/test_connection.py`` and
``tests/test_frame_splitter.py`` pin their behaviour so an upgrade that changes
them fails loudly.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable
from functools import partial
from typing import Any, Protocol

from websockets.asyncio.client import ClientConnection, connect
from websockets.extensions.permessage_deflate import PerMessageDeflate
from websockets.frames import Frame
from websockets.frames import Opcode as WireOpcode
from websockets.http11 import Response
from websockets.protocol import CONNECTING, OPEN
from websockets.protocol import Protocol as WireProtocol

from sockscope.core.events import (
    Closed,
    Closing,
    Connecting,
    ConnectionEvent,
    Failed,
    NotOpenError,
    Opened,
    ReadyState,
)
from sockscope.core.settings import ConnectionSettings
from sockscope.core.store.frames import Kind, Opcode
from sockscope.core.wire.failures import describe_failure
from sockscope.core.wire.frame_splitter import FrameSplitter, Next

CLOSE_TIMEOUT = 3.0
PING_TIMEOUT = 10.0

#: Bytes taken from the socket per event-loop callback, at most, while websockets parses
#: every frame. Every frame of a read is parsed and recorded in that one callback, and
#: everything else on the loop (a key press crossing the app's message queues, one turn per
#: hop) waits behind it: asyncio's 256 KiB is ~2,400 frames of 100 B, ~10 ms; 32 KiB ~1 ms.
READ_SIZE = 32 * 1024
#: While the frame splitter takes the stream, reads are sized to hold about this many
#: frames (~0.1 ms of work): ~16 KiB of 100 B frames, the most (256 KiB) of 4 KiB ones.
#: Small reads keep keys quick under a firehose of small frames; big frames need big reads
#: to keep up (measured: docs/performance.md, *Key to frame* and *Ingest*).
FRAMES_PER_READ = 160
MIN_READ_SIZE = 4 * 1024
MAX_READ_SIZE = 256 * 1024


class ConnectionSink(Protocol):
    """Where a connection reports what happens (the session recorder)."""

    def on_frame(self, t: float, kind: Kind, opcode: Opcode, payload: bytes) -> None: ...

    def on_frames(self, t: float, flags: bytes, payloads: list[bytes]) -> None:
        """Many frames at once: one flag byte each (:meth:`FrameStore.pack_flags`)."""

    def on_event(self, t: float, event: ConnectionEvent) -> None: ...


_OPCODES: dict[WireOpcode, Opcode] = {
    wire: Opcode(wire.value) for wire in WireOpcode if wire is not WireOpcode.CONT
}
_TEXT, _BINARY, _CONT = WireOpcode.TEXT, WireOpcode.BINARY, WireOpcode.CONT


class TappedConnection(ClientConnection):
    """A ClientConnection that reports every frame, both ways, in wire order, to a sink.

    Incoming frames are tapped in the protocol's ``recv_frame``, which runs as
    each frame is parsed and before websockets answers it (a pong, or the
    reply to a close), so the log shows the server's close before ours.
    ``on_open`` runs once, before the first frame is reported, even when
    frames arrive in the same read as the handshake response.
    """

    def __init__(
        self,
        protocol: Any,
        *,
        sink: ConnectionSink,
        on_open: Callable[[TappedConnection, Response], None],
        **kwargs: Any,
    ) -> None:
        super().__init__(protocol, **kwargs)
        self._sink = sink
        self._on_open = on_open
        self._opened = False
        self._fragments: list[bytes] = []
        self._fragment_opcode = Opcode.TEXT
        self._splitter: FrameSplitter | None = None
        self._sized_reads = False
        """The transport's read size can be set (asyncio's selector transport: ``ws://``)."""
        self._head_tail = b""
        """The last bytes of the handshake response read so far (its end may span reads)."""
        self._tap_outgoing(protocol)
        self._tap_incoming(protocol)

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        """Cap the socket reads at :data:`READ_SIZE` where the transport allows it.

        ``max_size`` is a private class attribute of asyncio's selector socket transport
        (what ``ws://`` gets on Linux and macOS), read at every ``recv``; an instance
        attribute overrides it for this connection only. Other transports have no such
        knob and keep their own sizes: Windows' proactor reads 64 KiB already; a TLS
        transport (``wss://``) decrypts each read of up to 256 KiB into its own preallocated
        buffer and hands over all of it in one ``data_received``.
        """
        super().connection_made(transport)
        self._sized_reads = hasattr(transport, "max_size")
        self._size_reads(READ_SIZE)

    def _size_reads(self, size: int) -> None:
        if self._sized_reads:
            self.transport.max_size = min(MAX_READ_SIZE, max(MIN_READ_SIZE, size))  # type: ignore[attr-defined]

    def data_received(self, data: bytes) -> None:
        """Give the stream to the frame splitter once the handshake is done, if it can take it.

        websockets reads the handshake response; the splitter starts with the byte right
        after its head (``CRLF CRLF``: a 101 response has no body), so both agree where
        the first frame begins. An extension other than permessage-deflate could rewrite
        any frame: then websockets keeps the whole stream.
        """
        splitter = self._splitter
        if splitter is not None:
            before = splitter.recorded
            if not splitter.feed(data):
                self._splitter = None
                self._size_reads(READ_SIZE)
            elif self._sized_reads:
                per_frame = len(data) // max(1, splitter.recorded - before)
                self._size_reads(per_frame * FRAMES_PER_READ)
            return
        if self.protocol.state is CONNECTING:
            cut = self._end_of_head(data)
            if cut is not None:
                super().data_received(data[:cut])
                data = data[cut:]
                protocol = self.protocol
                if protocol.state is OPEN and all(
                    isinstance(extension, PerMessageDeflate) for extension in protocol.extensions
                ):
                    self._splitter = FrameSplitter(
                        self._sink.on_frames, self._hand_over, _frame_limit(protocol)
                    )
                    if data:
                        self.data_received(data)
                    return
                if not data:
                    return
        super().data_received(data)

    def _end_of_head(self, data: bytes) -> int | None:
        """Where in ``data`` the response head ends (just past ``CRLF CRLF``), if it does."""
        seen = self._head_tail + data
        found = seen.find(b"\r\n\r\n")
        if found < 0:
            self._head_tail = seen[-3:]
            return None
        return found + 4 - len(self._head_tail)

    def _hand_over(self, data: bytes) -> Next:
        """websockets parses ``data`` (whole frames, or the rest of the stream)."""
        super().data_received(data)
        protocol = self.protocol
        if protocol.state is not OPEN:
            return "stream"
        return "plain" if protocol.current_size is None else "frames"

    def _report_open(self, response: Response | None = None) -> None:
        if self._opened or self.protocol.handshake_exc is not None:
            return
        if response is None:  # frames came in the handshake's read: it is still queued
            response = next(e for e in self.protocol.events if isinstance(e, Response))
        self._opened = True
        self._on_open(self, response)

    def _tap_outgoing(self, protocol: WireProtocol) -> None:
        send_frame = protocol.send_frame
        on_frame, now, send, opcodes = self._sink.on_frame, time.time, Kind.SEND, _OPCODES

        def tapped_send_frame(frame: Frame) -> None:
            send_frame(frame)
            if frame.opcode is not _CONT:
                on_frame(now(), send, opcodes[frame.opcode], bytes(frame.data))

        protocol.send_frame = tapped_send_frame  # type: ignore[method-assign]

    def _tap_incoming(self, protocol: WireProtocol) -> None:
        recv_frame = protocol.recv_frame
        on_frame, now, recv, opcodes = self._sink.on_frame, time.time, Kind.RECV, _OPCODES

        def tapped_recv_frame(frame: Frame) -> None:
            if not self._opened:
                self._report_open()
            opcode = frame.opcode
            if opcode is _TEXT or opcode is _BINARY:
                recv_frame(frame)  # checks fragmentation rules first
                if frame.fin:
                    data = bytes(frame.data)
                    on_frame(now(), recv, opcodes[opcode], data)
                    if opcode is _TEXT:
                        data.decode()  # invalid UTF-8: websockets fails with 1007
                else:
                    self._fragment_opcode = opcodes[opcode]
                    self._fragments = [bytes(frame.data)]
            elif opcode is _CONT:
                recv_frame(frame)
                self._fragments.append(bytes(frame.data))
                if frame.fin:
                    data = b"".join(self._fragments)
                    self._fragments = []
                    on_frame(now(), recv, self._fragment_opcode, data)
                    if self._fragment_opcode is Opcode.TEXT:
                        data.decode()
            else:  # control frames: record before websockets answers them
                on_frame(now(), recv, opcodes[opcode], bytes(frame.data))
                recv_frame(frame)

        protocol.recv_frame = tapped_recv_frame  # type: ignore[method-assign]

    def process_event(self, event: Any) -> None:
        if isinstance(event, Response):
            super().process_event(event)
            self._report_open(event)
        elif event.opcode is not _TEXT and event.opcode is not _BINARY:
            # Data frames were recorded by the tap: the store, not recv(), consumes them.
            super().process_event(event)


def _frame_limit(protocol: WireProtocol) -> int | None:
    """The largest frame websockets accepts when no fragmented message is in progress."""
    limits = [
        limit
        for limit in (protocol.max_message_size, protocol.max_fragment_size)
        if limit is not None
    ]
    return min(limits, default=None)


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

    def _opened(self, ws: TappedConnection, response: Response) -> None:
        self._ws = ws
        self._emit(_opened_event(ws, response, self.settings.url))

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
        return self._ws is not None

    @property
    def user_closed(self) -> bool:
        """True once the user asked to close (no reconnect should follow)."""
        return self._user_closed

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
        factory = partial(TappedConnection, sink=self._sink, on_open=self._opened)
        try:
            ws = await connect(
                settings.url,
                create_connection=factory,  # type: ignore[arg-type]
                close_timeout=CLOSE_TIMEOUT,
                **settings.connect_kwargs(),
            )
        except asyncio.CancelledError:
            raise
        except Exception as exc:
            failed = describe_failure(exc, settings)
            self._emit(failed)
            return failed
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


def _opened_event(ws: ClientConnection, response: Response, url: str) -> Opened:
    request = ws.request
    assert request is not None
    return Opened(
        url=url,
        status=response.status_code,
        reason=response.reason_phrase,
        request_headers=list(request.headers.raw_items()),
        response_headers=list(response.headers.raw_items()),
        subprotocol=ws.subprotocol,
        extensions=[extension.name for extension in ws.protocol.extensions],
    )
