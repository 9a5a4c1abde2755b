"""Decoding a stored row, with what came before it on its connection when that matters.

Only zlib streams need the past: a row is inflated after every earlier frame of its
connection sent the same way, in order. :class:`RowDecoder` keeps the stream it read
last, so stepping down the log inflates each frame once, not the whole connection again.
"""

from __future__ import annotations

from sockscope.core.payloads import catalog
from sockscope.core.payloads.inflate import InflateStream
from sockscope.core.payloads.tree import NotThisFormat, Result
from sockscope.core.store.frames import FrameStore, Kind, Opcode

STREAM = "zlib-stream"
#: Rows of the current stream whose results are kept (the others are inflated again).
KEPT = 4096


class RowDecoder:
    """Decodes rows of one store at a time (any store: a new one starts afresh)."""

    def __init__(self) -> None:
        self._store: FrameStore | None = None
        self._key: tuple[int, Kind] | None = None
        """The stream read: its first row (absolute) and its direction."""
        self._stream: InflateStream | None = None
        self._next = 0
        """The absolute row the stream is fed next."""
        self._results: dict[int, Result] = {}

    def decode(self, store: FrameStore, index: int, name: str) -> Result:
        """Row ``index`` of ``store`` read by the decoder ``name``."""
        if name != STREAM:
            return catalog.decode(name, store.payload(index))
        return self._from_stream(store, index)

    def _from_stream(self, store: FrameStore, index: int) -> Result:
        kind = store.kind(index)
        if not kind.is_frame or store.opcode(index) is not Opcode.BINARY:
            return NotThisFormat(STREAM, "Not a zlib stream: zlib streams are binary frames.")
        dropped = store.dropped
        start = _connection_start(store, index) + dropped
        row = index + dropped
        key = (start, kind)
        same = store is self._store and key == self._key
        if same and row in self._results:
            return self._results[row]
        if not same or row < self._next:  # another stream, or a row it no longer keeps
            self._store, self._key, self._next = store, key, start
            self._stream, self._results = InflateStream(catalog.nested_reader), {}
        assert self._stream is not None
        for later in range(max(self._next, dropped), row + 1):
            at = later - dropped
            if store.kind(at) is kind and store.opcode(at) is Opcode.BINARY:
                self._results[later] = self._stream.feed(store.payload(at))
                if len(self._results) > KEPT:
                    del self._results[next(iter(self._results))]
        self._next = max(self._next, row + 1)
        return self._results[row]


def _connection_start(store: FrameStore, index: int) -> int:
    """The first row after the connection's open row (0 when no open row is held)."""
    for earlier in range(index, -1, -1):
        if store.kind(earlier) is Kind.OPEN:
            return earlier + 1
    return 0
