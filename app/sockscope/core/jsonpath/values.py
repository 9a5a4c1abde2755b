"""JSONPath lookups, through jsonpath-ng (imported only when a path is compiled).

jsonpath-ng (its ``ext`` parser, so filters such as ``$.items[?(@.id > 2)]`` work too)
parses and walks the paths; the comparison (``$.op == "ping"``) is ours, in
:mod:`sockscope.core.jsonpath.predicate`, because JSONPath filters select the *children*
of a value: the root object itself cannot be tested with them.
"""

from __future__ import annotations

import json
from typing import Any, Protocol

import orjson


class JsonPathError(ValueError):
    """A path or test cannot be used; the message is one sentence for the user."""


class JsonPath(Protocol):
    def find(self, data: Any) -> list[Any]: ...


NOT_JSON: Any = object()
"""What :func:`parse_document` gives for a message that is not JSON."""


def compile_path(text: str, where: str) -> JsonPath:
    """Parse a JSONPath (``$.n``, ``$.a[0].b``, ``$..id``); ``where`` names it in errors."""
    from jsonpath_ng.exceptions import JsonPathLexerError, JsonPathParserError
    from jsonpath_ng.ext.parser import parse

    try:
        path: JsonPath = parse(text)
    except (JsonPathLexerError, JsonPathParserError, ValueError) as exc:
        raise JsonPathError(f"{where}: {text!r} is not a JSONPath ({exc}).") from exc
    return path


def values_at(path: JsonPath, document: Any) -> list[Any]:
    """Every value the path finds in the document (none: an empty list)."""
    return [match.value for match in path.find(document)]


def parse_document(text: str | bytes | bytearray) -> Any:
    """The message (text, or UTF-8 bytes) as JSON, or :data:`NOT_JSON`.

    orjson first (fast); the standard library for what orjson refuses but JSON allows
    (integers beyond 64 bits).
    """
    try:
        return orjson.loads(text)
    except orjson.JSONDecodeError:
        pass
    try:
        return json.loads(text)
    except (ValueError, RecursionError):
        return NOT_JSON


def json_text(value: Any) -> str:
    """A value as compact JSON text (strings quoted, non-ASCII kept as is)."""
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))
