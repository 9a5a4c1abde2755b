"""MessagePack and CBOR, through the maintained libraries (``msgpack``, ``cbor2``).

A payload fits when it is exactly one value (no bytes left over) and that value is a
map or an array: nearly any byte is a valid MessagePack or CBOR scalar on its own, so
"the frame is the number 8" would be a guess, not a decoding.
"""

from __future__ import annotations

import io
from typing import Any

from sockscope.core.payloads.tree import Decoded, NotThisFormat, Result, Tagged, tree

_NOT_CONTAINER = "it is a single value, not a map or an array"


def _as_result(name: str, value: Any, title: str) -> Result:
    if not isinstance(value, dict | list | tuple):
        return NotThisFormat(name, f"Not {title}: {_NOT_CONTAINER}.")
    return Decoded(name, tree(value))


def _msgpack_ext(code: int, data: bytes) -> Tagged:
    return Tagged(f"ext {code}", data)


def decode_msgpack(payload: bytes) -> Result:
    import msgpack  # on first use, not with the app

    try:
        value = msgpack.unpackb(
            payload, raw=False, strict_map_key=False, ext_hook=_msgpack_ext, use_list=True
        )
    except Exception as exc:  # the library raises many types (ExtraData, FormatError…)
        return NotThisFormat("msgpack", f"Not MessagePack: {_reason(exc)}.")
    return _as_result("msgpack", value, "MessagePack")


def _cbor_tag(tag: Any, _immutable: bool) -> Tagged:
    """cbor2 (6.x) calls this for tags it has no decoder of its own for."""
    return Tagged(f"tag {tag.tag}", tag.value)


def decode_cbor(payload: bytes) -> Result:
    import cbor2  # on first use, not with the app

    stream = io.BytesIO(payload)
    try:
        value = cbor2.CBORDecoder(stream, tag_hook=_cbor_tag, max_depth=200).decode()
    except Exception as exc:  # CBORDecodeError, and whatever a semantic tag's parser raises
        return NotThisFormat("cbor", f"Not CBOR: {_reason(exc)}.")
    left = len(payload) - stream.tell()
    if left:
        return NotThisFormat("cbor", f"Not CBOR: {left:,} bytes follow the first value.")
    return _as_result("cbor", value, "CBOR")


def _reason(exc: Exception) -> str:
    text = str(exc).strip().rstrip(".") or type(exc).__name__
    return text[:200]
