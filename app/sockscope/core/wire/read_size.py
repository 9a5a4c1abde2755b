"""The size of each socket read: the one private knob the wire still turns, kept here alone.

asyncio hands a protocol whatever one ``recv`` returned, up to 256 KiB, and every frame
of that read is parsed and recorded in one callback while everything else on the loop
(a key press crossing the app's queues) waits: 256 KiB is ~2,400 frames of 100 B, ~10 ms.
asyncio's selector socket transport (``ws://`` on Linux and macOS) reads its class
attribute ``max_size`` at every ``recv``; an instance attribute overrides it for one
connection. That attribute is not public API, so :func:`read_sizer` checks its shape
before touching it and gives None (reads stay as asyncio sizes them) when it is not
there; a plain TCP transport without it also logs one warning. A TLS transport
(``wss://``) decrypts reads of its own into one buffer and has no such knob: nothing to
warn about. Measured effect: docs/performance.md, *Key to frame* and *Ingest*.

``SOCKSCOPE_WIRE_FAST=0`` in the environment turns this knob and the frame splitter off:
websockets then parses every frame, in reads of asyncio's size (the plain path, which
``.ci/run`` tests too).
"""

from __future__ import annotations

import asyncio
import logging
import os

#: Bytes read at most while websockets parses every frame (~1 ms of 100 B frames).
READ_SIZE = 32 * 1024
#: While the frame splitter takes the stream, reads are sized to hold about this many
#: frames (~0.1 ms of work): ~16 KiB of 100 B frames, the most (256 KiB) of 4 KiB ones.
FRAMES_PER_READ = 160
MIN_READ_SIZE = 4 * 1024
MAX_READ_SIZE = 256 * 1024

FAST_PATH_VARIABLE = "SOCKSCOPE_WIRE_FAST"

_logger = logging.getLogger(__name__)
_warned = False


def fast_path_enabled() -> bool:
    """False when the environment turns the splitter and sized reads off."""
    return os.environ.get(FAST_PATH_VARIABLE, "1").strip() != "0"


class ReadSizer:
    """Sets how many bytes one transport reads at a time."""

    __slots__ = ("_transport",)

    def __init__(self, transport: asyncio.BaseTransport) -> None:
        self._transport = transport

    def set(self, size: int) -> None:
        """Read at most ``size`` bytes (kept within MIN_READ_SIZE..MAX_READ_SIZE)."""
        self._transport.max_size = min(MAX_READ_SIZE, max(MIN_READ_SIZE, size))  # type: ignore[attr-defined]

    def fit(self, read: int, frames: int) -> None:
        """Size the next reads to FRAMES_PER_READ frames of the size just read."""
        self.set(read // max(1, frames) * FRAMES_PER_READ)


def read_sizer(transport: asyncio.BaseTransport) -> ReadSizer | None:
    """A sizer for ``transport`` reading READ_SIZE at a time, or None where there is no knob."""
    if not fast_path_enabled():
        return None
    if not isinstance(getattr(type(transport), "max_size", None), int):
        if transport.get_extra_info("sslcontext") is None:
            _warn_once(transport)
        return None
    sizer = ReadSizer(transport)
    sizer.set(READ_SIZE)
    return sizer


def _warn_once(transport: asyncio.BaseTransport) -> None:
    global _warned
    if not _warned:
        _warned = True
        _logger.warning(
            "%s has no int max_size: socket reads keep asyncio's size "
            "(keys may answer slower under a firehose of small frames).",
            type(transport).__name__,
        )
