"""A JSONPath test such as ``$.op == "ping"``: what reply rules and the log filter match.

A test is a path, optionally followed by a comparison with a JSON value (``==``, ``!=``,
``<``, ``<=``, ``>``, ``>=``). A test without a comparison holds when the path finds a
value.

Comparisons follow JSONPath's (RFC 9535): a test holds when any value the path finds
satisfies it; a path that finds nothing is unequal to everything (so ``!=`` holds);
``<`` and friends compare numbers with numbers and strings with strings, else fail;
``true`` is not ``1``. A message that is not JSON never satisfies a test.
"""

from __future__ import annotations

import json
import operator
from collections.abc import Callable
from typing import Any

from sockscope.core.jsonpath.values import (
    NOT_JSON,
    JsonPath,
    JsonPathError,
    compile_path,
    parse_document,
    values_at,
)

_ORDER: dict[str, Callable[[Any, Any], bool]] = {
    "<": operator.lt,
    "<=": operator.le,
    ">": operator.gt,
    ">=": operator.ge,
}
_OPERATORS = ("==", "!=", *_ORDER)


def _same(a: Any, b: Any) -> bool:
    """JSON equality: ``1 == 1.0``, but ``true`` is not ``1`` (as Python would have it)."""
    if isinstance(a, bool) or isinstance(b, bool):
        return type(a) is type(b) and a == b
    if isinstance(a, list) and isinstance(b, list):
        return len(a) == len(b) and all(map(_same, a, b))
    if isinstance(a, dict) and isinstance(b, dict):
        return a.keys() == b.keys() and all(_same(a[k], b[k]) for k in a)
    if _is_number(a) and _is_number(b):
        return bool(a == b)
    return type(a) is type(b) and bool(a == b)


def _is_number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def _ordered(op: str, value: Any, literal: Any) -> bool:
    comparable = (_is_number(value) and _is_number(literal)) or (
        isinstance(value, str) and isinstance(literal, str)
    )
    return comparable and _ORDER[op](value, literal)


def is_json_test(pattern: str) -> bool:
    """Whether a pattern is a JSONPath test (``$.``, ``$[`` or ``$``) rather than a regex."""
    text = pattern.lstrip()
    return text == "$" or text.startswith(("$.", "$[", "$ "))


class JsonPathTest:
    """``PATH``, or ``PATH OP VALUE`` with a JSON value."""

    def __init__(self, pattern: str, what: str) -> None:
        """``what`` names the pattern in errors ("the reply pattern"): each is one sentence
        raised as :class:`JsonPathError`."""
        self.pattern = pattern
        where = f"In {what} {pattern!r}"
        path, op, literal = _split_test(pattern, where)
        self._path: JsonPath = compile_path(path.strip(), where)
        self._op = op
        self._literal = _literal(literal.strip(), where) if op else None

    @property
    def needle(self) -> str | None:
        """Text every message passing the test holds, unless it escapes characters (``\\``).

        For ``PATH == "a string"``: the found value equals the string, so the message
        spells it as this JSON string, or with an escape somewhere. None for other tests.
        A filter searches for it over many messages before parsing any of them.
        """
        if self._op != "==" or not isinstance(self._literal, str):
            return None
        return json.dumps(self._literal, ensure_ascii=False)

    def holds(self, document: Any) -> bool:
        """Whether a parsed message (``NOT_JSON`` if it is not JSON) passes the test."""
        if document is NOT_JSON:
            return False
        found = values_at(self._path, document)
        op, literal = self._op, self._literal
        if op is None:
            return bool(found)
        if op == "==":
            return any(_same(value, literal) for value in found)
        if op == "!=":
            return not any(_same(value, literal) for value in found)
        return any(_ordered(op, value, literal) for value in found)


def _split_test(pattern: str, where: str) -> tuple[str, str | None, str]:
    """Path, operator and value text; an operator inside quotes or brackets is the path's."""
    quote: str | None = None
    depth = 0
    i = 0
    while i < len(pattern):
        char = pattern[i]
        if quote is not None:
            if char == "\\":
                i += 1
            elif char == quote:
                quote = None
        elif char in "'\"":
            quote = char
        elif char == "[":
            depth += 1
        elif char == "]":
            depth -= 1
        elif depth == 0 and char in "=!<>":
            two = pattern[i : i + 2]
            op = two if two in _OPERATORS else char
            if op not in _OPERATORS:
                raise JsonPathError(
                    f"{where}, {op!r} is not a comparison: use ==, !=, <, <=, > or >=."
                )
            return pattern[:i], op, pattern[i + len(op) :]
        i += 1
    return pattern, None, ""


def _literal(text: str, where: str) -> Any:
    """The JSON value compared with (a single-quoted string is taken too)."""
    if len(text) >= 2 and text[0] == text[-1] == "'":
        return text[1:-1]
    document = parse_document(text) if text else NOT_JSON
    if document is NOT_JSON:
        raise JsonPathError(
            f'{where}, {text!r} is not a JSON value (a number, "a string", true, false or null).'
        )
    return document
