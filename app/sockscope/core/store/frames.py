"""The frame store: every event of a session, held in a few flat columns.

A million 100-byte frames as Python objects cost ~300 B each; here they cost
the payload plus ~17 B (an 8-byte end offset, an 8-byte timestamp and one flag
byte), so the log can hold a firehose without the memory following it.

Rows are addressed by their index (0 = the oldest row held). Event rows (open,
close, error, note) carry a small ``info`` dict kept aside: they are rare, so a
dict per event costs nothing, while frame rows never allocate one.

An endless feed keeps only its newest rows (:meth:`FrameStore.trim_front`): the
oldest are dropped and the rest renumbered from 0, :attr:`FrameStore.dropped` counts
what went, so ``dropped + index`` numbers a row within the whole session.
"""

from __future__ import annotations

import sys
import threading
from array import array
from bisect import bisect_right
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from enum import IntEnum
from itertools import accumulate, compress
from typing import Any, NamedTuple


class Kind(IntEnum):
    """What a row records (the ``kind`` of the log format)."""

    OPEN = 0
    SEND = 1
    RECV = 2
    CLOSE = 3
    ERROR = 4
    NOTE = 5

    @property
    def is_frame(self) -> bool:
        return self in (Kind.SEND, Kind.RECV)


class Opcode(IntEnum):
    """WebSocket opcodes (RFC 6455 numbering); NONE for event rows."""

    NONE = 0
    TEXT = 1
    BINARY = 2
    CLOSE = 8
    PING = 9
    PONG = 10


def close_parts(payload: bytes) -> tuple[int, bytes] | None:
    """A close frame's payload as its code and reason bytes; None when it carries no code."""
    if len(payload) < 2:
        return None
    return int.from_bytes(payload[:2], "big"), payload[2:]


_OPCODE_SHIFT = 3
_KIND_MASK = 0b111
EMPTY_INFO: dict[str, Any] = {}
#: Translation tables over flag bytes: 1 where the row is a received (sent) frame.
_IS_RECV = bytes(1 if flag & _KIND_MASK == Kind.RECV else 0 for flag in range(256))
_IS_SEND = bytes(1 if flag & _KIND_MASK == Kind.SEND else 0 for flag in range(256))


class Row(NamedTuple):
    """One row of the store, materialised for display or export."""

    store_index: int
    """Its place in the store (``index`` would hide the tuple's method)."""
    time: float
    kind: Kind
    opcode: Opcode
    payload: bytes
    info: dict[str, Any]

    @property
    def size(self) -> int:
        return len(self.payload)


def minus(column: array[int], amount: int) -> array[int]:
    """A copy of ``column`` with ``amount`` taken from every item (each must be >= ``amount``).

    Read as one big integer, the column's items are its digits in base 2**(8*itemsize);
    subtracting ``amount`` repeated in every digit never borrows across them, so one
    big-integer subtraction does them all, ~6x faster than a loop over the items.
    """
    if not column:
        return array(column.typecode)
    size, order = column.itemsize, sys.byteorder
    whole = int.from_bytes(column.tobytes(), order)
    repeated = int.from_bytes(amount.to_bytes(size, order) * len(column), order)
    out = array(column.typecode)
    out.frombytes((whole - repeated).to_bytes(size * len(column), order))
    return out


class FrameStore:
    """Columnar store of a session's events: appended at the end, trimmed at the front."""

    __slots__ = (
        "_ends",
        "_first_time",
        "_flags",
        "_guard",
        "_info",
        "_payloads",
        "_readers",
        "_times",
        "bytes_in",
        "bytes_out",
        "dropped",
        "frames_in",
        "frames_out",
    )

    def __init__(self) -> None:
        self._payloads = bytearray()
        self._ends = array("Q")
        self._times = array("d")
        self._flags = bytearray()
        self._info: dict[int, dict[str, Any]] = {}
        self._guard = threading.Lock()
        """Held while :meth:`trim_front` moves rows, and to count readers in and out."""
        self._readers = 0
        """Threads reading the rows now (:meth:`held`): trims wait until there are none."""
        self._first_time = 0.0
        self.dropped = 0
        """Rows dropped from the front so far (:meth:`trim_front`)."""
        # The counters count every frame ever appended, dropped or not.
        self.frames_in = 0
        self.frames_out = 0
        self.bytes_in = 0
        self.bytes_out = 0

    def __len__(self) -> int:
        # The flags column is written last by append() and extend(), so a reader in
        # another thread (a viewer of a log still loading) never sees a half row.
        return len(self._flags)

    # -- writing -------------------------------------------------------------

    def append(self, t: float, kind: Kind, opcode: Opcode, payload: bytes) -> int:
        """Append a frame row and return its index."""
        self._payloads += payload
        self._ends.append(len(self._payloads))
        self._times.append(t)
        self._flags.append((opcode << _OPCODE_SHIFT) | kind)
        if kind is Kind.RECV:
            self.frames_in += 1
            self.bytes_in += len(payload)
        elif kind is Kind.SEND:
            self.frames_out += 1
            self.bytes_out += len(payload)
        return len(self._times) - 1

    def extend(
        self, times: Iterable[float], flags: bytes | bytearray, payloads: Sequence[bytes]
    ) -> None:
        """Append many frame rows at once (a loader's batch), ~4x faster than one by one.

        Row ``i`` has time ``times[i]``, flag byte ``flags[i]`` (see :meth:`pack_flags`)
        and payload ``payloads[i]``. Only frame rows: events need :meth:`append_event`.
        """
        column = array("d", times)
        if not len(column) == len(flags) == len(payloads):
            raise ValueError("extend() needs as many times, flags and payloads.")
        received, sent = flags.translate(_IS_RECV), flags.translate(_IS_SEND)
        frames_in, frames_out = received.count(1), sent.count(1)
        if frames_in + frames_out != len(flags):
            raise ValueError("extend() takes frame rows only (send or recv).")
        ends = accumulate(map(len, payloads), initial=len(self._payloads))
        next(ends)  # the initial offset is the end of the previous row
        self._ends.extend(ends)
        self._payloads += b"".join(payloads)
        self._times.extend(column)
        self._flags += flags
        self.frames_in += frames_in
        self.frames_out += frames_out
        self.bytes_in += sum(map(len, compress(payloads, received)))
        self.bytes_out += sum(map(len, compress(payloads, sent)))

    def append_event(self, t: float, kind: Kind, info: dict[str, Any]) -> int:
        """Append an event row (open, close, error, note) with its details."""
        index = len(self)
        self._info[index] = info  # first: a reader in another thread sees the row with them
        self.append(t, kind, Opcode.NONE, b"")
        return index

    def trim_front(self, count: int) -> bool:
        """Drop the oldest ``count`` rows; the rest are renumbered from 0.

        Costs a copy of the rows kept, so callers trim in batches (a session keeps
        ``max_frames`` plus some slack). Returns False, dropping nothing, while
        another thread reads the rows (see :meth:`held`): the caller tries later.
        """
        count = min(count, len(self))
        if count <= 0:
            return True
        if not self._guard.acquire(blocking=False):
            return False
        try:
            if self._readers:
                return False
            if not self.dropped:
                self._first_time = self._times[0]
            cut = self._ends[count - 1]
            del self._payloads[:cut]
            self._ends = minus(self._ends[count:], cut)
            del self._times[:count]
            del self._flags[:count]
            if self._info:
                self._info = {i - count: info for i, info in self._info.items() if i >= count}
            self.dropped += count
        finally:
            self._guard.release()
        return True

    @contextmanager
    def held(self) -> Iterator[None]:
        """Keep every row where it is while another thread reads them (e.g. a save).

        Appends go on meanwhile; :meth:`trim_front` declines until the block ends.
        Readers do not wait for one another (a save and the journal read at once);
        one only waits for a trim already under way.
        """
        with self._guard:
            self._readers += 1
        try:
            yield
        finally:
            with self._guard:
                self._readers -= 1

    # -- reading -------------------------------------------------------------

    @property
    def recorded(self) -> int:
        """Rows recorded since the session began, dropped ones too: the next row's number."""
        return self.dropped + len(self)

    @property
    def first_time(self) -> float:
        """Time of the session's first row, also once it has been dropped (not empty)."""
        return self._first_time if self.dropped else self._times[0]

    @property
    def payload_bytes(self) -> int:
        """Bytes of payload the rows held now carry."""
        return len(self._payloads)

    def rows_within(self, size: int) -> int:
        """How many of the oldest rows carry at most ``size`` bytes of payload together."""
        return bisect_right(self._ends, size)

    def start(self, index: int) -> int:
        return self._ends[index - 1] if index else 0

    def payload(self, index: int) -> bytes:
        end = self._ends[index]
        start = self._ends[index - 1] if index else 0
        return bytes(self._payloads[start:end])

    def payload_head(self, index: int, limit: int) -> bytes:
        """The first ``limit`` bytes of a payload (previews of huge frames stay cheap)."""
        start = self._ends[index - 1] if index else 0
        end = min(self._ends[index], start + limit)
        return bytes(self._payloads[start:end])

    def size(self, index: int) -> int:
        return self._ends[index] - (self._ends[index - 1] if index else 0)

    def time(self, index: int) -> float:
        return self._times[index]

    def kind(self, index: int) -> Kind:
        return Kind(self._flags[index] & _KIND_MASK)

    def opcode(self, index: int) -> Opcode:
        return Opcode(self._flags[index] >> _OPCODE_SHIFT)

    def info(self, index: int) -> dict[str, Any]:
        return self._info.get(index, EMPTY_INFO)

    def row(self, index: int) -> Row:
        if index < 0:
            index += len(self)
        return Row(
            index,
            self._times[index],
            self.kind(index),
            self.opcode(index),
            self.payload(index),
            self.info(index),
        )

    def rows(self, start: int = 0, stop: int | None = None) -> list[Row]:
        stop = len(self) if stop is None else stop
        return [self.row(i) for i in range(start, stop)]

    @property
    def buffer(self) -> bytearray:
        """All payloads, back to back (for whole-buffer searches)."""
        return self._payloads

    @property
    def ends(self) -> array[int]:
        """End offset of each row's payload in :attr:`buffer`."""
        return self._ends

    @property
    def times(self) -> array[float]:
        """Each row's time (epoch seconds), in row order."""
        return self._times

    @property
    def flags(self) -> bytearray:
        return self._flags

    @staticmethod
    def pack_flags(kind: Kind, opcode: Opcode) -> int:
        """The flag byte of a row (what :attr:`flags` holds and :meth:`extend` takes)."""
        return (opcode << _OPCODE_SHIFT) | kind

    @staticmethod
    def unpack_flags(flag: int) -> tuple[Kind, Opcode]:
        return Kind(flag & _KIND_MASK), Opcode(flag >> _OPCODE_SHIFT)

    def memory_bytes(self) -> int:
        """Bytes held by the columns (not counting event info dicts)."""
        return (
            len(self._payloads)
            + self._ends.itemsize * len(self._ends)
            + self._times.itemsize * len(self._times)
            + len(self._flags)
        )
