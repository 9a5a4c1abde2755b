"""The socket side of an open connection: asyncio's public ``Protocol`` callbacks.

websockets' ``connect()`` opens the connection (TCP, proxy, TLS, handshake). Its
documented ``create_connection=`` factory gets the sans-I/O ``ClientProtocol`` it built;
:class:`HandshakeConnection`, the ``ClientConnection`` it returns, passes the server's
bytes up to the end of the response head (``CRLF CRLF``: a 101 has no body) to
websockets, then hands the transport (``transport.set_protocol``) to a
:class:`WireStream`, which from then on feeds the protocol through a
:class:`~sockscope.core.wire.tap.FrameTap` and writes what it answers.

Past :data:`WRITE_LIMIT` of unsent bytes (asyncio's ``pause_writing``) our sends wait
until the server has taken them, and reading goes on: a server that answers each message
before it reads the next one waits for us to read its answers, and a client that stopped
reading while its sends waited would wait for that server for ever. What we write by
ourselves in answer to what we read (pongs) has no sender to hold back: a server may send
pings and never read our pongs. Past :data:`REPLY_LIMIT` of such replies written while the
server takes nothing, the stream stops reading until the server has taken them.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from typing import Any

from websockets.asyncio.client import ClientConnection
from websockets.client import ClientProtocol
from websockets.http11 import Response
from websockets.protocol import OPEN

from sockscope.core.wire.read_size import READ_SIZE, ReadSizer, read_sizer
from sockscope.core.wire.tap import FrameTap

#: Bytes written but not yet taken by the server past which our sends wait.
WRITE_LIMIT = 1024 * 1024
#: Bytes of replies (pongs) written while past WRITE_LIMIT after which we stop reading.
REPLY_LIMIT = 64 * 1024

OnOpen = Callable[["HandshakeConnection", Response], "WireStream"]
"""Called once the handshake succeeded, before any frame: builds the stream to hand over to."""


STATUS_LINE_MAX = 512


class HandshakeConnection(ClientConnection):
    """Lets websockets read the handshake, then gives the transport to a :class:`WireStream`."""

    def __init__(
        self,
        protocol: ClientProtocol,
        *,
        on_open: OnOpen,
        on_status_line: Callable[[bytes], None] | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(protocol, **kwargs)
        self._on_status_line = on_status_line
        self._first_line = b""
        """The response's first bytes until its status line is complete (then it is told)."""
        self.sans_io = protocol
        """The sans-I/O protocol connect() built (the factory's argument)."""
        self._on_open = on_open
        self._head_tail: bytes | None = b""
        """The last bytes of the response head read so far (None: the head is read)."""
        self.read_sizer: ReadSizer | None = None

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        super().connection_made(transport)
        self.read_sizer = read_sizer(transport)

    def data_received(self, data: bytes) -> None:
        if self._on_status_line is not None:
            self._note_status_line(data)
        cut = self._end_of_head(data) if self._head_tail is not None else None
        if cut is None:
            super().data_received(data)
            return
        self._head_tail = None
        super().data_received(data[:cut])
        protocol, rest = self.sans_io, data[cut:]
        if protocol.state is not OPEN or self.response is None:
            if rest:  # a refusal's body: websockets reports it
                super().data_received(rest)
            return
        stream = self._on_open(self, self.response)
        self.transport.set_protocol(stream)
        if rest:
            stream.data_received(rest)

    def _note_status_line(self, data: bytes) -> None:
        """Tell the status line: websockets keeps none of a response it cannot finish."""
        self._first_line += data[:STATUS_LINE_MAX]
        end = self._first_line.find(b"\r\n")
        if end >= 0 or len(self._first_line) >= STATUS_LINE_MAX:
            assert self._on_status_line is not None
            self._on_status_line(self._first_line[: end if end >= 0 else STATUS_LINE_MAX])
            self._on_status_line = None

    def _end_of_head(self, data: bytes) -> int | None:
        """Where in ``data`` the response head ends (just past ``CRLF CRLF``), if it does."""
        seen = (self._head_tail or b"") + data
        found = seen.find(b"\r\n\r\n")
        if found < 0:
            self._head_tail = seen[-3:]
            return None
        return found + 4 - (len(seen) - len(data))


class WireStream(asyncio.Protocol):
    """Reads the server's bytes into a tap, writes the replies, and notes the end."""

    def __init__(
        self,
        tap: FrameTap,
        transport: asyncio.Transport,
        *,
        close_timeout: float,
        read_sizer: ReadSizer | None,
    ) -> None:
        self.tap = tap
        self.transport = transport
        self._close_timeout = close_timeout
        self._sizer = read_sizer if tap.splitter is not None else None
        self._closer: asyncio.TimerHandle | None = None
        self._drained: asyncio.Future[None] | None = None
        self.writing_paused = False
        """True while the server has not taken WRITE_LIMIT bytes we wrote: our sends wait."""
        self._replies = 0
        """Bytes of replies written since writing paused."""
        self.reading_paused = False
        """True while the server takes none of REPLY_LIMIT bytes of replies: we stop reading."""
        self.lost = asyncio.Event()
        """Set once the TCP connection is gone."""
        transport.set_write_buffer_limits(high=WRITE_LIMIT)
        if read_sizer is not None and self._sizer is None:
            read_sizer.set(READ_SIZE)

    # -- asyncio callbacks ----------------------------------------------------------------

    def data_received(self, data: bytes) -> None:
        tap, sizer = self.tap, self._sizer
        if sizer is None:
            tap.receive(data)
        else:
            splitter = tap.splitter
            assert splitter is not None
            before = splitter.recorded
            tap.receive(data)
            if tap.splitter is None:
                self._sizer = None
                sizer.set(READ_SIZE)
            else:
                sizer.fit(len(data), splitter.recorded - before)
        self._replied(self.flush())

    def eof_received(self) -> None:
        self.tap.receive_eof()
        self.flush()  # returning None: asyncio closes the transport

    def connection_lost(self, exc: Exception | None) -> None:
        self.tap.receive_eof()  # idempotent: the protocol is CLOSED from here
        if self._closer is not None:
            self._closer.cancel()
        self.resume_writing()
        self.lost.set()

    def pause_writing(self) -> None:
        self.writing_paused = True
        self._replies = 0

    def resume_writing(self) -> None:
        self.writing_paused = False
        if self.reading_paused:
            self.reading_paused = False
            if not self.transport.is_closing():
                self.transport.resume_reading()
        if self._drained is not None and not self._drained.done():
            self._drained.set_result(None)
        self._drained = None

    # -- writing ----------------------------------------------------------------------------

    def _replied(self, written: int) -> None:
        """Stop reading once the replies to what we read pile up unsent (a ping flood)."""
        if not self.writing_paused or self.reading_paused:
            return
        self._replies += written
        if self._replies > REPLY_LIMIT:
            self.reading_paused = True
            self.transport.pause_reading()

    def flush(self) -> int:
        """Write what the protocol has to send; after a close, give the server a deadline.

        Returns how many bytes were written.
        """
        transport = self.transport
        written = 0
        for data in self.tap.outgoing():
            if transport.is_closing():
                break
            if data:
                transport.write(data)
                written += len(data)
            elif transport.can_write_eof():
                transport.write_eof()
            else:
                transport.close()
        if self._closer is None and self.tap.protocol.close_expected():
            self._closer = asyncio.get_running_loop().call_later(
                self._close_timeout, transport.abort
            )
        return written

    async def drain(self) -> None:
        """Wait until the server has taken enough of what we wrote (or the connection is gone)."""
        if self.writing_paused and not self.lost.is_set():
            if self._drained is None:
                self._drained = asyncio.get_running_loop().create_future()
            await asyncio.shield(self._drained)
