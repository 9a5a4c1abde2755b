"""What a regex's text says about it, read without compiling it.

The filter needs two facts before it searches: the longest literal every match must
contain (searched over the whole payload buffer at C speed) and whether the pattern uses
anchors or lookarounds (which need a row's real edges). :func:`pattern_shape` reads them,
conservatively: anything unusual ends a literal run.
"""

from __future__ import annotations

import re
from typing import NamedTuple

_SPECIAL_ESCAPES = frozenset("bBAZ")
_QUANTIFIERS = frozenset("*+?{")
_BRACES = re.compile(r"\{\d*,?\d*\}")
_NUMERIC_ESCAPES = frozenset("x0123456789")
_HEX_DIGITS = frozenset("0123456789abcdefABCDEF")


class Shape(NamedTuple):
    """What a pattern's text tells about it without compiling it."""

    literal: str
    """The longest literal run every match contains ("" when there is none)."""
    pure: bool
    """The whole pattern is that literal."""
    anchored: bool
    """It uses anchors or lookarounds, which need a row's real edges."""


def pattern_shape(pattern: str) -> Shape:
    """Scan a regex: mandatory top-level literal runs, alternation, anchors, lookarounds.

    Conservative by design: anything unusual ends a literal run, so the literal is always
    one that every match must contain.
    """
    runs: list[str] = []
    run: list[str] = []
    depth = 0
    pure, anchored, alternation = True, False, False
    i, n = 0, len(pattern)

    def end_run() -> None:
        if run and depth == 0:
            runs.append("".join(run))
        run.clear()

    while i < n:
        char = pattern[i]
        literal: str | None = None
        if char == "\\" and i + 1 < n:
            escaped = pattern[i + 1]
            i += 1
            if escaped in _NUMERIC_ESCAPES:  # \x41, \1, \012: skip the digits too
                while i + 1 < n and pattern[i + 1] in _HEX_DIGITS:
                    i += 1
            elif escaped.isalnum():
                anchored = anchored or escaped in _SPECIAL_ESCAPES
            else:
                literal = escaped
        elif char == "[":
            i = _class_end(pattern, i)
        elif char == "(":
            anchored = anchored or pattern.startswith(("(?=", "(?!", "(?<=", "(?<!"), i)
            end_run()  # before the depth changes: the run so far is top-level
            depth += 1
        elif char == ")":
            depth = max(0, depth - 1)
        elif char in _QUANTIFIERS:
            if run and depth == 0:
                run.pop()  # the quantified atom is optional or repeated
            if braces := _BRACES.match(pattern, i):
                i = braces.end() - 1
        elif char == "|":
            alternation = alternation or depth == 0
        elif char in "^$":
            anchored = True
        elif char != ".":
            literal = char
        if literal is not None and depth == 0:
            run.append(literal)
        else:
            pure = False
            end_run()
        i += 1
    end_run()
    if alternation:
        return Shape("", False, anchored)
    longest = max(runs, key=len, default="")
    return Shape(longest, pure and longest == pattern, anchored)


def _class_end(pattern: str, i: int) -> int:
    """Index of the ``]`` closing the character class opened at ``i``."""
    j = i + 1
    if j < len(pattern) and pattern[j] == "^":
        j += 1
    if j < len(pattern) and pattern[j] == "]":
        j += 1
    while j < len(pattern) and pattern[j] != "]":
        j += 2 if pattern[j] == "\\" else 1
    return j
