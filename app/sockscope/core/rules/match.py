"""What a reply rule's pattern matches: a regex, or a JSONPath test such as ``$.op == "ping"``.

A pattern that starts with ``$.`` or ``$[`` (or is ``$`` alone) is a JSONPath test: a
path, optionally followed by a comparison with a JSON value (``==``, ``!=``, ``<``,
``<=``, ``>``, ``>=``). Anything else is a regular expression, searched anywhere in the
message's text. A test without a comparison matches when the path finds a value.

Comparisons follow JSONPath's (RFC 9535): a test matches when any value the path finds
satisfies it; a path that finds nothing is unequal to everything (so ``!=`` matches);
``<`` and friends compare numbers with numbers and strings with strings, else fail;
``true`` is not ``1``. A message that is not JSON never matches a JSONPath test.
"""

from __future__ import annotations

import operator
import re
from collections.abc import Callable
from functools import cached_property
from typing import Any, Protocol

from sockscope.core.rules.json_values import (
    NOT_JSON,
    JsonPath,
    RuleError,
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


class Incoming:
    """A received text message, parsed as JSON at most once for all the rules."""

    __slots__ = ("__dict__", "text")

    def __init__(self, text: str) -> None:
        self.text = text

    @cached_property
    def document(self) -> Any:
        """The message as JSON, or ``NOT_JSON``."""
        return parse_document(self.text)


class Matcher(Protocol):
    def matches(self, message: Incoming) -> bool: ...


class RegexMatcher:
    def __init__(self, pattern: str) -> None:
        try:
            self._regex = re.compile(pattern)
        except re.error as exc:
            raise RuleError(f"The reply pattern {pattern!r} is not a valid regex: {exc}.") from exc

    def matches(self, message: Incoming) -> bool:
        return self._regex.search(message.text) is not None


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


class JsonTest:
    """``PATH``, or ``PATH OP VALUE`` with a JSON value."""

    def __init__(self, pattern: str) -> None:
        path, op, literal = _split_test(pattern)
        self._path: JsonPath = compile_path(path.strip(), f"In the reply pattern {pattern!r}")
        self._op = op
        self._literal = _literal(literal.strip(), pattern) if op else None

    def matches(self, message: Incoming) -> bool:
        document = message.document
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


def is_json_test(pattern: str) -> bool:
    """Whether a pattern is a JSONPath test (``$.``, ``$[`` or ``$``) rather than a regex."""
    text = pattern.lstrip()
    return text == "$" or text.startswith(("$.", "$[", "$ "))


def compile_pattern(pattern: str) -> Matcher:
    """The matcher for a reply rule's pattern; raises :class:`RuleError` saying what is wrong."""
    if not pattern.strip():
        raise RuleError("A reply pattern is empty: give a regex or a JSONPath test.")
    return JsonTest(pattern) if is_json_test(pattern) else RegexMatcher(pattern)


def _split_test(pattern: str) -> tuple[str, str | None, str]:
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
                raise RuleError(
                    f"In the reply pattern {pattern!r}, {op!r} is not a comparison:"
                    " use ==, !=, <, <=, > or >=."
                )
            return pattern[:i], op, pattern[i + len(op) :]
        i += 1
    return pattern, None, ""


def _literal(text: str, pattern: str) -> Any:
    """The JSON value compared with (a single-quoted string is taken too)."""
    if len(text) >= 2 and text[0] == text[-1] == "'":
        return text[1:-1]
    document = parse_document(text) if text else NOT_JSON
    if document is NOT_JSON:
        raise RuleError(
            f"In the reply pattern {pattern!r}, {text!r} is not a JSON value"
            ' (a number, "a string", true, false or null).'
        )
    return document
