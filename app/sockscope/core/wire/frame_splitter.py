"""The fast path of incoming frames: plain data frames split off the byte stream in bulk.

websockets parses each frame through a few generators and objects, ~3 µs a frame,
which is most of what a firehose costs us. Most frames of a busy feed are *plain*:
one whole text or binary message in one frame (FIN set, no RSV bits, not masked,
within the size limit). :class:`FrameSplitter` cuts those out of the stream itself
(~0.7 µs each) and records a whole read's worth at once, and hands every other frame,
whole, to websockets' parser (pings, pongs, closes, fragments, compressed or oversized
frames, protocol errors; consecutive ones in one call), so it keeps answering pings,
closing, decompressing and failing the connection exactly as it would on its own
(:class:`~sockscope.core.wire.tap.FrameTap` records what it parses). Because only whole
frames are handed over, the parser is always between two frames when the splitter decides.

permessage-deflate leaves a frame without RSV1 as it is (only compressed messages set
it), so the splitter also runs when it was negotiated: a server that compresses only
large messages (Node's ``ws`` does, from 1 KiB) still has its small ones split here.

The rules that apply to a plain frame are applied here too: a text frame must be valid
UTF-8 and a frame may not exceed the size limit. Otherwise the rest of the stream, from
that frame on, goes to the parser, as if it had read the whole stream: it fails with 1009
as soon as it reads an oversized header, and the tap fails with 1007 on the bad text.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Literal

from sockscope.core.store.frames import FrameStore, Kind, Opcode

#: What websockets can take next, after it was handed a frame: plain frames too
#: ("plain"), only frames handed over (a fragmented message is in progress: "frames"),
#: or the whole rest of the stream (the connection is closing or failed: "stream").
Next = Literal["plain", "frames", "stream"]

#: First header byte of a plain frame (FIN + opcode; no RSV bits) -> the row's flag byte.
_PLAIN_FLAGS = {
    0x81: FrameStore.pack_flags(Kind.RECV, Opcode.TEXT),
    0x82: FrameStore.pack_flags(Kind.RECV, Opcode.BINARY),
}
#: The first this many frames decide whether the splitter keeps the stream: when fewer
#: than one in ten of them were plain (a server compressing every message), websockets
#: takes the rest, since walking headers it parses anyway would cost ~8%.
SAMPLE = 1000
_TEXT = 0x81
_MASKED = 0x80
_LENGTH = 0x7F


class FrameSplitter:
    """Splits a server's byte stream at frame boundaries; records plain frames in bulk.

    ``record(t, flags, payloads)`` takes a read's plain frames (one flag byte each,
    see :meth:`FrameStore.pack_flags`). ``hand_over(data)`` gives websockets one or
    more whole frames, or, once :meth:`feed` returns False, the rest of the stream,
    and says what it can take next. ``limit`` is the largest frame allowed (None: any).
    """

    __slots__ = (
        "_buffered",
        "_hand_over",
        "_limit",
        "_needed",
        "_next",
        "_record",
        "_sampling",
        "_waiting",
        "handed_over",
        "recorded",
    )

    def __init__(
        self,
        record: Callable[[float, bytes, list[bytes]], None],
        hand_over: Callable[[bytes], Next],
        limit: int | None,
    ) -> None:
        self._record = record
        self._hand_over = hand_over
        self._limit = limit
        self._waiting: list[bytes] = []
        """Bytes of a frame not complete yet (joined once it is: a big frame is copied once)."""
        self._buffered = 0
        self._needed = 0
        """How many bytes the incomplete frame needs (0: its header is not complete)."""
        self._next: Next = "plain"
        self.recorded = 0
        """Plain frames recorded so far."""
        self.handed_over = 0
        """Whole frames handed to websockets so far."""
        self._sampling = True

    def feed(self, data: bytes) -> bool:
        """Take the next bytes of the stream; False once websockets takes the rest."""
        if not self._waiting:
            return self._split(data, 0)
        held = self._buffered
        self._waiting.append(data)
        self._buffered += len(data)
        if self._buffered < self._needed:
            return True
        parts, self._waiting = self._waiting, []
        if not self._needed:  # a header was cut (a few bytes held): join and split it all
            return self._split(b"".join(parts), 0)
        # Complete the frame that was cut with the head of this read, and split the rest
        # of the read where it is: a read of big frames is not copied once more.
        start = self._needed - held
        parts[-1] = data[:start]
        if not self._split(b"".join(parts), 0, data[start:]):
            return False
        return self._split(data, start)

    def _split(self, data: bytes, pos: int, after: bytes = b"") -> bool:
        """Record or hand over every whole frame of ``data`` from ``pos``; keep the rest.

        ``after`` is the rest of the read ``data`` was cut from: when the parser takes
        the stream, it gets the whole read's rest in one call, as it would without us.
        """
        size, limit = len(data), self._limit
        needed = 0
        run = -1  # where a run of whole frames for websockets starts: one hand-over a run
        flags = bytearray()
        payloads: list[bytes] = []
        while size - pos >= 2:
            first, second = data[pos], data[pos + 1]
            length = second & _LENGTH
            start = pos + 2
            if length == 126:
                start += 2
                if start > size:
                    break
                length = int.from_bytes(data[pos + 2 : start])
            elif length == 127:
                start += 8
                if start > size:
                    break
                length = int.from_bytes(data[pos + 2 : start])
            end = start + length
            if (limit is not None and length > limit) or second & _MASKED:
                # websockets fails the connection from this header on: it takes the rest.
                return self._fail_at(data, pos, run, flags, payloads, after)
            if end > size:
                needed = end - pos
                break
            flag = _PLAIN_FLAGS.get(first)
            if flag is not None and self._next == "plain":
                payload = data[start:end]
                if first == _TEXT and not payload.isascii() and not _is_utf8(payload):
                    # The connection fails on this frame (1007): the parser takes the
                    # rest, from this read on, as it would have parsed the whole read.
                    return self._fail_at(data, pos, run, flags, payloads, after)
                if run >= 0:  # websockets takes the frames before this one first
                    self._next = self._hand_over(data[run:pos])
                    run = -1
                    if self._next == "stream":
                        return self._give_up(data[pos:] + after)
                    if self._next != "plain":
                        continue  # a fragmented message began: this frame is theirs too
                flags.append(flag)
                payloads.append(payload)
                pos = end
                continue
            # A frame for websockets (control, fragment, compressed...).
            self.handed_over += 1
            if run < 0:
                if payloads:
                    self._flush(flags, payloads)
                    flags, payloads = bytearray(), []
                run = pos
            pos = end
        if payloads:
            self._flush(flags, payloads)
        if run >= 0:
            self._next = self._hand_over(data[run:pos])
            if self._next == "stream":
                return self._give_up(data[pos:] + after)
        if self._sampling and self.recorded + self.handed_over >= SAMPLE:
            self._sampling = False
            if self.recorded * 10 < self.recorded + self.handed_over:
                return self._give_up(data[pos:] + after)
        if pos < size:
            self._waiting.append(data[pos:])
            self._buffered = size - pos
            self._needed = needed
        return True

    def _fail_at(
        self,
        data: bytes,
        pos: int,
        run: int,
        flags: bytearray,
        payloads: list[bytes],
        after: bytes,
    ) -> bool:
        """Record the plain frames before ``pos``; the parser takes the rest of the stream."""
        if payloads:
            self._flush(flags, payloads)
        return self._give_up(data[pos if run < 0 else run :] + after)

    def _flush(self, flags: bytearray, payloads: list[bytes]) -> None:
        self.recorded += len(payloads)
        self._record(time.time(), bytes(flags), payloads)

    def _give_up(self, rest: bytes) -> bool:
        self._next = "stream"
        if rest:
            self._hand_over(rest)
        return False


def _is_utf8(payload: bytes) -> bool:
    try:
        payload.decode()
    except UnicodeDecodeError:
        return False
    return True
