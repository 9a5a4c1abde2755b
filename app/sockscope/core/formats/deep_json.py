"""JSON of any nesting depth.

orjson reads values nested up to 1024 deep but writes only up to 254, so a log
that reads fine could not be written back (``convert``, a HAR export, ctrl+s).
:func:`dumps` writes with orjson and, for a value too deep for it, with an
encoder that keeps its own stack: what was read can always be written again.
"""

from __future__ import annotations

from typing import Any

import orjson

_OPTIONS = orjson.OPT_NON_STR_KEYS


class _Raw(bytes):
    """Bytes already encoded, waiting on the deep encoder's stack."""


def dumps(value: Any) -> bytes:
    """JSON bytes as ``orjson.dumps`` writes them; values JSON cannot hold become ``str()``."""
    try:
        return orjson.dumps(value, default=str, option=_OPTIONS)
    except orjson.JSONEncodeError:  # "Recursion limit reached": the only error default=str leaves
        return _dumps_deep(value)


def _key(key: Any) -> bytes:
    """A dict key as orjson writes it (a number or bool becomes a string)."""
    return orjson.dumps({key: 0}, default=str, option=_OPTIONS)[1:-3]


def _dumps_deep(value: Any) -> bytes:
    """The same bytes as orjson would write (compact), without recursion."""
    out: list[bytes] = []
    stack: list[Any] = [value]
    while stack:
        item = stack.pop()
        if type(item) is _Raw:
            out.append(item)
        elif isinstance(item, dict):
            work: list[Any] = [_Raw(b"{")]
            for number, (key, child) in enumerate(item.items()):
                work += [_Raw(b"," * bool(number) + _key(key) + b":"), child]
            work.append(_Raw(b"}"))
            stack += reversed(work)
        elif type(item) is list or type(item) is tuple:
            work = [_Raw(b"[")]
            for number, child in enumerate(item):
                work += [_Raw(b",")] * bool(number) + [child]
            work.append(_Raw(b"]"))
            stack += reversed(work)
        else:
            out.append(orjson.dumps(item, default=str, option=_OPTIONS))
    return b"".join(out)
