"""The JSONPath side of the log's filter: which frame rows hold JSON that passes a test.

Each candidate row's payload is parsed (orjson) and tested with the test reply rules use
(:class:`~sockscope.core.jsonpath.predicate.JsonPathTest`); a payload that is not JSON
never matches, nor does an event row. For ``PATH == "a string"`` the candidates are
first narrowed by a search over the payload buffer for the string as JSON spells it,
or a backslash (a message may escape it): most rows are never parsed.
"""

from __future__ import annotations

import re
from array import array
from collections.abc import Iterable

from sockscope.core.jsonpath.predicate import JsonPathTest, is_json_test
from sockscope.core.jsonpath.values import JsonPathError, parse_document
from sockscope.core.store.frames import FrameStore


def compile_json_test(text: str) -> JsonPathTest:
    """The filter's test; raises ``ValueError`` with one sentence when it cannot be used."""
    if not is_json_test(text):
        raise JsonPathError(
            f'A JSONPath test starts with $ ($.type == "trade"); {text!r} does not.'
        )
    return JsonPathTest(text.strip(), "the filter")


def needle_pattern(test: JsonPathTest) -> re.Pattern[bytes] | None:
    """What every matching row contains, as a bytes regex (None: no such text)."""
    needle = test.needle
    if needle is None:
        return None
    return re.compile(re.escape(needle.encode("utf-8")) + rb"|\\")


def json_rows(test: JsonPathTest, store: FrameStore, rows: Iterable[int]) -> array[int]:
    """The ``rows`` (frame rows, in order) whose payload is JSON that passes ``test``."""
    buffer, ends = store.buffer, store.ends
    holds = test.holds
    return array(
        "I",
        (r for r in rows if holds(parse_document(buffer[ends[r - 1] if r else 0 : ends[r]]))),
    )
