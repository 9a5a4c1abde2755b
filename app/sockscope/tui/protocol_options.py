"""The connection panel's protocol options as one line: ``NAME=VALUE; NAME=VALUE``.

A value may hold ``;`` (a JSON ``--auth`` payload): only a ``;`` followed by ``NAME=``
starts the next option, and not inside a JSON value that is not whole yet. ``auth`` and
``init-payload`` must be JSON, as on the command line.
"""

from __future__ import annotations

import json
import re

from sockscope.core.settings import SettingsError

_NEXT = re.compile(r"(;\s*)(?=[A-Za-z][\w.-]*\s*=)")
JSON_OPTIONS = ("auth", "init-payload")


def options_text(pairs: tuple[tuple[str, str], ...]) -> str:
    """The pairs as the input shows them."""
    return "; ".join(f"{name}={value}" for name, value in pairs)


def parse_options(text: str) -> tuple[tuple[str, str], ...]:
    """The pairs typed in the input (raises :class:`SettingsError`, one sentence)."""
    pairs = []
    for part in _parts(text.strip().rstrip(";")):
        if not part.strip():
            continue
        name, sep, value = part.partition("=")
        name = name.strip()
        if not sep or not name:
            raise SettingsError(f"Protocol option {part.strip()!r} is not of the form NAME=VALUE.")
        value = value.strip()
        if name in JSON_OPTIONS:
            try:
                json.loads(value)
            except ValueError as exc:
                raise SettingsError(f"The protocol option {name} is not JSON: {exc}.") from None
        pairs.append((name, value))
    return tuple(pairs)


def _parts(text: str) -> list[str]:
    """``text`` cut at each ``; NAME=``, but where a JSON option's value is whole."""
    pieces = _NEXT.split(text)
    parts, current = [], pieces[0]
    for separator, piece in zip(pieces[1::2], pieces[2::2], strict=True):
        if _unfinished(current):
            current += separator + piece
        else:
            parts.append(current)
            current = piece
    parts.append(current)
    return parts


def _unfinished(part: str) -> bool:
    name, _, value = part.partition("=")
    if name.strip() not in JSON_OPTIONS:
        return False
    try:
        json.loads(value)
    except ValueError:
        return True
    return False
