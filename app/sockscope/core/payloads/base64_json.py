"""Base64 inside JSON: string values that are base64 of something readable, shown decoded.

A string counts when it is at least :data:`MIN_LENGTH` characters of strict base64
(standard or URL-safe alphabet, padding optional) and its bytes are JSON, text that
reads as text, or another format ``inner`` recognises; "deadbeef" is valid base64 too,
but of bytes that read as nothing, so it is left alone.
"""

from __future__ import annotations

import binascii
import json
import re
from base64 import b64decode, urlsafe_b64decode
from typing import Any

from sockscope.core.payloads.inflate import Inner
from sockscope.core.payloads.tree import MAX_DEPTH, Decoded, NotThisFormat, Result

MIN_LENGTH = 8
#: Shorter strings are not taken for base64 of binary formats: a word of 8 letters is
#: valid base64 of 6 bytes that a decoder may happen to read.
MIN_BINARY_LENGTH = 16
#: Payloads larger than this are not parsed (the inspector's JSON limit).
MAX_PAYLOAD = 256 * 1024
_BASE64 = re.compile(r"[A-Za-z0-9+/]+={0,2}|[A-Za-z0-9_-]+={0,2}")


def _bytes_of(text: str) -> bytes | None:
    if len(text) < MIN_LENGTH or not _BASE64.fullmatch(text):
        return None
    bare = text.rstrip("=")
    if len(bare) % 4 == 1 or (text != bare and len(text) % 4):
        return None
    padded = bare + "=" * (-len(bare) % 4)
    decode = urlsafe_b64decode if "-" in bare or "_" in bare else b64decode
    try:
        return decode(padded)
    except (binascii.Error, ValueError):
        return None


def _readable(text: str, data: bytes, inner: Inner) -> tuple[str, Any] | None:
    if data.lstrip()[:1] in (b"{", b"["):
        try:
            return "JSON", json.loads(data)
        except (ValueError, RecursionError):
            pass
    try:
        decoded = data.decode()
    except UnicodeDecodeError:
        decoded = None
    if decoded is not None:
        printable = all(c >= " " or c in "\t\n\r" for c in decoded)
        return ("text", decoded) if printable and decoded.strip() else None
    if len(text) < MIN_BINARY_LENGTH:
        return None
    found = inner(data)
    return ("binary", found) if found is not None else None


class _Walk:
    def __init__(self, inner: Inner) -> None:
        self.inner = inner
        self.found = 0

    def value(self, value: Any, depth: int = 0) -> Any:
        if depth >= MAX_DEPTH:
            return value
        if isinstance(value, str):
            data = _bytes_of(value)
            readable = _readable(value, data, self.inner) if data is not None else None
            if readable is None:
                return value
            self.found += 1
            return {f"base64 of {readable[0]}": readable[1]}
        if isinstance(value, dict):
            return {key: self.value(item, depth + 1) for key, item in value.items()}
        if isinstance(value, list):
            return [self.value(item, depth + 1) for item in value]
        return value


def decode_base64_json(payload: bytes, inner: Inner) -> Result:
    if len(payload) > MAX_PAYLOAD or payload.lstrip()[:1] not in (b"{", b"["):
        return NotThisFormat("base64-json", "Not base64 in JSON: it is not a JSON object or array.")
    try:
        value = json.loads(payload)
    except (ValueError, RecursionError):
        return NotThisFormat("base64-json", "Not base64 in JSON: it is not JSON.")
    walk = _Walk(inner)
    shown = walk.value(value)
    if not walk.found:
        return NotThisFormat("base64-json", "Not base64 in JSON: no string in it is base64.")
    strings = "string" if walk.found == 1 else "strings"
    return Decoded("base64-json", shown, f"{walk.found} base64 {strings} shown decoded.")
