"""Counts said right: ``1 frame``, ``2 frames``, ``0 rows``: every printed count goes through here.

It sits at the bottom of the core's layers, so the formats (warnings, errors), the text
helpers and the commands all say counts the same way.
"""

from __future__ import annotations


def plural(count: int, word: str, many: str | None = None) -> str:
    """``plural(1, "frame")`` -> ``1 frame``; ``plural(2, "entry", "entries")`` -> ``2 entries``."""
    if count == 1:
        return f"{count} {word}"
    return f"{count} {many if many is not None else word + 's'}"
