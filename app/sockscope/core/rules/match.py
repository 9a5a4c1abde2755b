"""What a reply rule's pattern matches: a regex, or a JSONPath test such as ``$.op == "ping"``.

A pattern that starts with ``$.`` or ``$[`` (or is ``$`` alone) is a JSONPath test
(:mod:`sockscope.core.jsonpath.predicate`, shared with the log's filter). Anything else
is a regular expression, searched anywhere in the message's text.
"""

from __future__ import annotations

import re
from functools import cached_property
from typing import Any, Protocol

from sockscope.core.jsonpath.predicate import JsonPathTest, is_json_test
from sockscope.core.jsonpath.values import JsonPathError, parse_document
from sockscope.core.rules.errors import RuleError


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


class JsonMatcher:
    def __init__(self, pattern: str) -> None:
        try:
            self._test = JsonPathTest(pattern, "the reply pattern")
        except JsonPathError as exc:
            raise RuleError(str(exc)) from exc

    def matches(self, message: Incoming) -> bool:
        return self._test.holds(message.document)


def compile_pattern(pattern: str) -> Matcher:
    """The matcher for a reply rule's pattern; raises :class:`RuleError` saying what is wrong."""
    if not pattern.strip():
        raise RuleError("A reply pattern is empty: give a regex or a JSONPath test.")
    return JsonMatcher(pattern) if is_json_test(pattern) else RegexMatcher(pattern)
