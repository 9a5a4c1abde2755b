"""Every frame of an open connection, both ways, recorded in wire order (no I/O here).

:class:`FrameTap` drives websockets' sans-I/O ``ClientProtocol`` through its documented
methods: bytes go in through ``receive_data``, each ``Frame`` of ``events_received`` is
recorded, and the caller writes ``data_to_send`` (:meth:`FrameTap.outgoing`). In front of
the protocol, the frame splitter (:mod:`~sockscope.core.wire.frame_splitter`) records
plain data frames a read at a time and hands every other frame to the protocol whole.

The protocol answers pings and closes and enforces the size limit (1009, fragments
included); the tap assembles fragmented messages itself, checks that text is UTF-8
(the sans-I/O layer leaves that to its caller: 1007 here), and records what was sent:
frames sockscope sends where it sends them, the protocol's automatic pong after the
ping it answers, and a close frame the protocol sent itself (its answer to the server's
close, or a failure) once ``close_sent`` appears.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from typing import Protocol

from websockets.client import ClientProtocol
from websockets.frames import Close, Frame
from websockets.frames import Opcode as WireOpcode
from websockets.protocol import OPEN

from sockscope.core.events import ConnectionEvent, NotOpenError
from sockscope.core.store.frames import Kind, Opcode
from sockscope.core.wire.frame_splitter import FrameSplitter, Next


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
_PING, _PONG, _CLOSE = WireOpcode.PING, WireOpcode.PONG, WireOpcode.CLOSE
_RECV, _SEND = Kind.RECV, Kind.SEND


class FrameTap:
    """Feeds a server's bytes to ``protocol`` and records every frame to ``sink``.

    ``limit`` is the size limit the protocol was built with (its ``max_size``): the
    splitter leaves a frame over it to the protocol, which fails with 1009. ``fast``
    puts the splitter in front (False: the protocol parses every frame). ``on_pong``
    hears each pong received (its payload), to match it with a ping.
    """

    def __init__(
        self,
        protocol: ClientProtocol,
        sink: ConnectionSink,
        *,
        limit: int | None,
        fast: bool,
        on_pong: Callable[[bytes], None],
    ) -> None:
        self.protocol = protocol
        self._sink = sink
        self._on_pong = on_pong
        self._fragments: list[bytes] | None = None
        """The parts of a fragmented message so far (None: none in progress)."""
        self._fragment_opcode = Opcode.TEXT
        self._close_recorded = False
        self.splitter = FrameSplitter(sink.on_frames, self._parse, limit) if fast else None

    # -- incoming ---------------------------------------------------------------------

    def receive(self, data: bytes) -> None:
        """Take the next bytes the server sent."""
        splitter = self.splitter
        if splitter is None:
            self._parse(data)
        elif not splitter.feed(data):
            self.splitter = None  # the protocol takes the rest of the stream

    def receive_eof(self) -> None:
        """The server closed its side of the TCP connection."""
        self.protocol.receive_eof()
        self._record_close_sent()

    def _parse(self, data: bytes) -> Next:
        """The protocol parses ``data``; record its frames; say what it can take next."""
        protocol = self.protocol
        protocol.receive_data(data)
        events = protocol.events_received()
        if events:
            self._record(events)
        self._record_close_sent()
        if protocol.state is not OPEN:
            return "stream"
        return "plain" if self._fragments is None else "frames"

    def _record(self, events: Sequence[object]) -> None:
        on_frame, now, opcodes = self._sink.on_frame, time.time, _OPCODES
        for frame in events:
            if not isinstance(frame, Frame):
                continue
            opcode = frame.opcode
            if opcode is _TEXT or opcode is _BINARY:
                if frame.fin:
                    self._message(opcodes[opcode], bytes(frame.data))
                else:
                    self._fragment_opcode = opcodes[opcode]
                    self._fragments = [bytes(frame.data)]
            elif opcode is _CONT:
                fragments = self._fragments
                if fragments is None:  # the protocol has failed on it (1002): not a message
                    continue
                fragments.append(bytes(frame.data))
                if frame.fin:
                    self._fragments = None
                    self._message(self._fragment_opcode, b"".join(fragments))
            else:
                data = bytes(frame.data)
                on_frame(now(), _RECV, opcodes[opcode], data)
                if opcode is _PING:  # the protocol has queued its pong
                    on_frame(now(), _SEND, Opcode.PONG, data)
                elif opcode is _PONG:
                    self._on_pong(data)
                elif opcode is _CLOSE and self.protocol.close_rcvd_then_sent:
                    # Its answer echoes the server's close frame as it came.
                    self._close_recorded = True
                    on_frame(now(), _SEND, Opcode.CLOSE, data)

    def _message(self, opcode: Opcode, data: bytes) -> None:
        self._sink.on_frame(time.time(), _RECV, opcode, data)
        if opcode is Opcode.TEXT and not data.isascii():
            try:
                data.decode()
            except UnicodeDecodeError as exc:
                if self.protocol.state is OPEN:  # not after a close frame in the same read
                    self.fail(1007, f"{exc.reason} at position {exc.start}")

    def _record_close_sent(self) -> None:
        """Record the close frame the protocol sent by itself, once."""
        sent = self.protocol.close_sent
        if sent is not None and not self._close_recorded:
            self._close_recorded = True
            self._sink.on_frame(time.time(), _SEND, Opcode.CLOSE, sent.serialize())

    # -- outgoing ---------------------------------------------------------------------

    def outgoing(self) -> list[bytes]:
        """Bytes to write to the server (``b""``: half-close the TCP connection)."""
        return self.protocol.data_to_send()

    def _open(self) -> ClientProtocol:
        protocol = self.protocol
        if protocol.state is not OPEN:
            raise NotOpenError("Not connected: the connection is closing or closed.")
        return protocol

    def send_text(self, text: str) -> None:
        data = text.encode()
        self._open().send_text(data)
        self._sink.on_frame(time.time(), _SEND, Opcode.TEXT, data)

    def send_binary(self, data: bytes) -> None:
        self._open().send_binary(data)
        self._sink.on_frame(time.time(), _SEND, Opcode.BINARY, data)

    def send_ping(self, data: bytes) -> None:
        self._open().send_ping(data)
        self._sink.on_frame(time.time(), _SEND, Opcode.PING, data)

    def send_close(self, code: int, reason: str) -> None:
        self._open().send_close(code, reason)
        self._close_recorded = True
        self._sink.on_frame(time.time(), _SEND, Opcode.CLOSE, Close(code, reason).serialize())

    def fail(self, code: int, reason: str) -> None:
        """Fail the connection: a close frame with ``code`` if it is open, then no more reading."""
        self.protocol.fail(code, reason)
        self._record_close_sent()
