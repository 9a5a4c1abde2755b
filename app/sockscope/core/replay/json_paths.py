"""JSONPath-like paths naming the parts of a JSON message a comparison ignores.

A small subset of JSONPath, enough to point at fields that change on every run:

- ``$.ts`` the key ``ts`` of the top-level object; ``$.user.name`` a nested key;
- ``$..id`` the key ``id`` at any depth;
- ``$.items[*].id`` (any element) or ``$.items[0]`` (one element); ``$.*`` any key;
- ``$["odd key"]`` or ``$['odd key']`` a key that is not an identifier.

A concrete place in a value is a tuple of steps (keys and indexes); :func:`ignored`
says whether any pattern names it, :func:`format_path` writes it back as ``$.a[0].b``.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import NamedTuple

import orjson

Step = str | int
"""One step of a path into a JSON value: an object key or an array index."""


class IgnorePathError(ValueError):
    """An ignore path cannot be parsed; the message says why, in one sentence."""


_ANY = object()
_IDENTIFIER = re.compile(r"[A-Za-z_][A-Za-z0-9_]*\Z")
_STEP = re.compile(
    r"""(?P<dots>\.\.?)(?P<name>[^.\[\]]+)    # .name  .*  ..name  ..*
      | (?P<bare>\.\.)(?=\[)                  # ..[ (the bracket is the selector)
      | \[(?:(?P<index>\d+)|(?P<star>\*)|'(?P<sq>[^']*)'|"(?P<dq>[^"]*)")\]""",
    re.VERBOSE,
)


class _Segment(NamedTuple):
    descend: bool
    """``..``: the selector may match at any depth below."""
    selector: object
    """A key (str), an index (int), or ``_ANY`` (``*``)."""


Pattern = tuple[_Segment, ...]


def parse_ignore(path: str) -> Pattern:
    """Parse one ``--ignore`` path; raises :class:`IgnorePathError` naming what is wrong."""
    text = path.strip()
    if not text.startswith("$"):
        raise IgnorePathError(f"The ignore path {path!r} must start with $ (e.g. $.ts or $..id).")
    segments: list[_Segment] = []
    position, descend = 1, False
    while position < len(text):
        match = _STEP.match(text, position)
        if match is None:
            rest = text[position:]
            raise IgnorePathError(f"The ignore path {path!r} is not understood at {rest!r}.")
        position = match.end()
        if match["bare"] is not None:
            descend = True
            continue
        descend = descend or match["dots"] == ".."
        segments.append(_Segment(descend, _selector(match)))
        descend = False
    return tuple(segments)


def _selector(match: re.Match[str]) -> object:
    if match["name"] is not None:
        return _ANY if match["name"] == "*" else match["name"]
    if match["index"] is not None:
        return int(match["index"])
    if match["star"] is not None:
        return _ANY
    return match["sq"] if match["sq"] is not None else match["dq"]


def _selects(selector: object, step: Step) -> bool:
    if selector is _ANY:
        return True
    return type(selector) is type(step) and selector == step


def _matches(pattern: Pattern, path: tuple[Step, ...], at: int = 0, depth: int = 0) -> bool:
    if at == len(pattern):
        return depth == len(path)
    if depth == len(path):
        return False
    segment = pattern[at]
    last = len(path) - 1 if segment.descend else depth
    return any(
        _selects(segment.selector, path[d]) and _matches(pattern, path, at + 1, d + 1)
        for d in range(depth, last + 1)
    )


def ignored(path: tuple[Step, ...], patterns: Sequence[Pattern]) -> bool:
    """Whether any of the patterns names this place."""
    return any(_matches(pattern, path) for pattern in patterns)


def format_path(path: Sequence[Step]) -> str:
    """``("user", "name")`` -> ``$.user.name``; ``("items", 2)`` -> ``$.items[2]``."""
    parts = ["$"]
    for step in path:
        if isinstance(step, int):
            parts.append(f"[{step}]")
        elif _IDENTIFIER.match(step):
            parts.append(f".{step}")
        else:
            parts.append(f"[{orjson.dumps(step).decode()}]")
    return "".join(parts)
