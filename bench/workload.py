"""What the benchmarks hold: sessions of JSON-looking frames, a million of them in a second.

Every frame is ``{"type":"tick","seq":0000042,"pad":"xxx…"}`` padded to its size, like
the firehose's; one in :data:`ERROR_EVERY` says ``"type":"error"`` instead, and half of
the ``seq`` numbers are even: the filter benchmark's patterns match 1% and 50% of rows.
"""

from __future__ import annotations

from collections.abc import Iterator

from sockscope.core.session.session import Session
from sockscope.core.store.frames import FrameStore, Kind, Opcode

MILLION = 1_000_000
FRAME_SIZE = 100
ERROR_EVERY = 100
T0 = 1_763_632_800.0
"""Epoch time of the first row."""
STEP = 0.000_01
"""Seconds between rows."""
_BATCH = 8192
_RECV_TEXT = FrameStore.pack_flags(Kind.RECV, Opcode.TEXT)


def frame(seq: int, size: int = FRAME_SIZE) -> bytes:
    """Frame number ``seq``'s payload, exactly ``size`` bytes (at least ~40)."""
    kind = b"error" if seq % ERROR_EVERY == 0 else b"tick"
    head = b'{"type":"%s","seq":%07d,"pad":"' % (kind, seq)
    return head + b"x" * max(0, size - len(head) - 2) + b'"}'


def batches(count: int, size: int = FRAME_SIZE) -> Iterator[tuple[int, list[bytes]]]:
    """The payloads of ``count`` frames, a few thousand at a time, with the first's number."""
    for first in range(0, count, _BATCH):
        yield first, [frame(seq, size) for seq in range(first, min(count, first + _BATCH))]


def filled_store(count: int, size: int = FRAME_SIZE) -> FrameStore:
    """A store of ``count`` received text frames, filled in bulk (fast)."""
    store = FrameStore()
    for first, payloads in batches(count, size):
        times = [T0 + STEP * seq for seq in range(first, first + len(payloads))]
        store.extend(times, bytes([_RECV_TEXT]) * len(payloads), payloads)
    return store


def record(session: Session, payloads: list[bytes], first: int) -> None:
    """Record frames one by one through ``Session.on_frame``, as the connection does."""
    on_frame, recv, text = session.on_frame, Kind.RECV, Opcode.TEXT
    for seq, payload in enumerate(payloads, first):
        on_frame(T0 + STEP * seq, recv, text, payload)
