"""The payload decoders by name, which of them fit a payload, and the one to pick alone.

Each decoder takes a payload and returns a :class:`~sockscope.core.payloads.tree.Decoded`
tree or :class:`~sockscope.core.payloads.tree.NotThisFormat`; none raises, whatever the
bytes (tests/payloads fuzz them). :func:`detect` lists those that fit, strongest first.
*Unambiguous* (:func:`automatic`) means exactly one *strong* decoder fits, or none does and
exactly one weak one does: protobuf's wire format and raw deflate are weak, since many
short binary frames parse as them by chance.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, NamedTuple

from sockscope.core.payloads import base64_json, inflate, packed, protobuf
from sockscope.core.payloads.tree import Decoded, NotThisFormat, Result

#: Payloads over this size are not tried (decoding runs on the UI thread).
MAX_PAYLOAD = 256 * 1024


class Decoder(NamedTuple):
    name: str
    title: str
    decode: Callable[[bytes], Result]
    weak: bool = False
    """Fits many payloads by chance: picked alone only when nothing stronger fits."""


def nested_reader(data: bytes) -> Any:
    """A binary payload inside another (inflated, or base64 in JSON) read by a strong decoder."""
    name = automatic(data, strong_only=True, nested=True)
    if name is None:
        return None
    found = DECODERS[name].decode(data)
    return {name: found.value} if isinstance(found, Decoded) else None


def _stream_first_frame(payload: bytes) -> Result:
    """A zlib-stream frame on its own: readable only when it starts the stream."""
    if not inflate.looks_like_stream(payload):
        return NotThisFormat("zlib-stream", "Not a zlib stream: it does not end with 00 00 ff ff.")
    return inflate.InflateStream(nested_reader).feed(payload)


DECODERS: dict[str, Decoder] = {
    decoder.name: decoder
    for decoder in (
        Decoder("msgpack", "MessagePack", packed.decode_msgpack),
        Decoder("cbor", "CBOR", packed.decode_cbor),
        Decoder("zlib", "zlib", lambda p: inflate.decode_zlib(p, nested_reader)),
        Decoder("gzip", "gzip", lambda p: inflate.decode_gzip(p, nested_reader)),
        Decoder("zlib-stream", "zlib stream", _stream_first_frame),
        Decoder(
            "base64-json",
            "base64 in JSON",
            lambda p: base64_json.decode_base64_json(p, nested_reader),
        ),
        Decoder("protobuf", "protobuf (no schema)", protobuf.decode_protobuf, weak=True),
        Decoder(
            "deflate", "raw deflate", lambda p: inflate.decode_deflate(p, nested_reader), weak=True
        ),
    )
}
#: Decoders that read a payload inside another one: not those that read further payloads
#: themselves (a zlib "quine" inflates to itself, forever).
_NESTABLE = ("msgpack", "cbor")


def _fits(name: str, payload: bytes) -> bool:
    if name == "zlib-stream":  # any later frame of a stream fits; only context decodes it
        return inflate.looks_like_stream(payload)
    return isinstance(DECODERS[name].decode(payload), Decoded)


def detect(payload: bytes, *, nested: bool = False) -> list[str]:
    """The names of the decoders that fit ``payload``, strong ones first."""
    if not payload or len(payload) > MAX_PAYLOAD:
        return []
    names = _NESTABLE if nested else tuple(DECODERS)
    return [name for name in names if _fits(name, payload)]


def automatic(payload: bytes, *, strong_only: bool = False, nested: bool = False) -> str | None:
    """The decoder to show ``payload`` with unasked, when exactly one fits (module doc)."""
    found = detect(payload, nested=nested)
    strong = [name for name in found if not DECODERS[name].weak]
    if len(strong) == 1:
        return strong[0]
    if strong or strong_only:
        return None
    return found[0] if len(found) == 1 else None


def decode(name: str, payload: bytes) -> Result:
    """``payload`` read by the decoder called ``name``."""
    decoder = DECODERS.get(name)
    if decoder is None:
        return NotThisFormat(name, f"There is no payload decoder called {name!r}.")
    if len(payload) > MAX_PAYLOAD:
        return NotThisFormat(name, f"Over {MAX_PAYLOAD // 1024} KiB: not decoded.")
    return decoder.decode(payload)
