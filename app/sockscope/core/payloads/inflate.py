"""Compressed frames: one-shot zlib, gzip and raw deflate, and zlib streams.

A *zlib stream* (Discord's ``compress=zlib-stream``) is one deflate context for the
whole connection: every message ends with a sync flush (``00 00 ff ff``), and a frame
can only be inflated after every earlier frame of the connection, in order, so
:class:`InflateStream` is fed the frames one by one. A message split over several
frames is inflated by the frame that ends it.

What inflates is shown as JSON when it is JSON, as text when it reads as text, and
otherwise through ``inner`` (the other decoders) or as bytes.
"""

from __future__ import annotations

import json
import zlib
from collections.abc import Callable
from typing import Any

from sockscope.core.payloads.tree import Decoded, NotThisFormat, Result, show_bytes

FLUSH = b"\x00\x00\xff\xff"
#: Most bytes inflated from one frame (a zip bomb stops here, with a note).
MAX_OUTPUT = 4 * 1024 * 1024

Inner = Callable[[bytes], Any]


def contents(data: bytes, inner: Inner | None = None) -> Any:
    """What inflated bytes hold: JSON, text, another format (``inner``) or bytes."""
    if data.lstrip()[:1] in (b"{", b"["):
        try:
            return json.loads(data)
        except (ValueError, RecursionError):
            pass
    try:
        text = data.decode()
    except UnicodeDecodeError:
        text = None
    if text is not None and all(c >= " " or c in "\t\n\r" for c in text[:4096]):
        return text
    found = inner(data) if inner is not None else None
    return found if found is not None else show_bytes(data)


def _note(size: int, out: int, cut: bool) -> str:
    note = f"{size:,} bytes inflated to {out:,}"
    return note + f" (cut at {MAX_OUTPUT:,})." if cut else note + "."


def _one_shot(name: str, title: str, wbits: int, payload: bytes, inner: Inner | None) -> Result:
    inflater = zlib.decompressobj(wbits)
    try:
        out = inflater.decompress(payload, MAX_OUTPUT)
    except zlib.error as exc:
        return NotThisFormat(name, f"Not {title}: {exc}.")
    cut = bool(inflater.unconsumed_tail)
    if not cut and not inflater.eof:
        return NotThisFormat(name, f"Not {title}: the stream does not end in this frame.")
    if inflater.unused_data:
        return NotThisFormat(name, f"Not {title}: {len(inflater.unused_data):,} bytes follow it.")
    if not out:
        return NotThisFormat(name, f"Not {title}: it inflates to nothing.")
    return Decoded(name, contents(out, inner), _note(len(payload), len(out), cut))


def decode_zlib(payload: bytes, inner: Inner | None = None) -> Result:
    return _one_shot("zlib", "zlib", zlib.MAX_WBITS, payload, inner)


def decode_gzip(payload: bytes, inner: Inner | None = None) -> Result:
    return _one_shot("gzip", "gzip", zlib.MAX_WBITS | 16, payload, inner)


def decode_deflate(payload: bytes, inner: Inner | None = None) -> Result:
    return _one_shot("deflate", "raw deflate", -zlib.MAX_WBITS, payload, inner)


def looks_like_stream(payload: bytes) -> bool:
    """Whether a frame could be part of a zlib stream: it ends with a sync flush."""
    return len(payload) > len(FLUSH) and payload.endswith(FLUSH)


class InflateStream:
    """One connection's zlib stream: feed it the frames in order with :meth:`feed`."""

    def __init__(self, inner: Inner | None = None) -> None:
        self._inflater = zlib.decompressobj()
        self._pending = bytearray()
        self._inner = inner
        self.broken: str | None = None
        """Why the stream cannot be read any further (then every later frame says so)."""

    def feed(self, payload: bytes) -> Result:
        """The frame's message, when it ends one; a note when it is part of one."""
        if self.broken is not None:
            return NotThisFormat("zlib-stream", self.broken)
        self._pending += payload
        if not payload.endswith(FLUSH):
            return Decoded(
                "zlib-stream", None, "Part of a message: the frame that ends it shows it."
            )
        data, self._pending = bytes(self._pending), bytearray()
        try:
            out = self._inflater.decompress(data, MAX_OUTPUT)
        except zlib.error as exc:
            self.broken = f"Not a zlib stream (or not from its start): {exc}."
            return NotThisFormat("zlib-stream", self.broken)
        cut = bool(self._inflater.unconsumed_tail)
        if cut:  # the rest of the context is lost with what was not inflated
            self.broken = f"A message inflated past {MAX_OUTPUT:,} bytes: the stream stops here."
        return Decoded("zlib-stream", contents(out, self._inner), _note(len(data), len(out), cut))
