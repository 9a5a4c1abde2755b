"""deep_json writes what orjson writes, at any depth."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import orjson
import pytest

from sockscope.core.formats.deep_json import _dumps_deep, dumps


@pytest.mark.parametrize(
    "value",
    [
        {"a": [1, 2.5, None, True, "é\n\x00"], "b": {}, "c": [], 1: "int key", False: ()},
        [{"x": {"y": [[], {}]}}, ("tuple", 3)],
        {"path": Path("/p")},  # not JSON: written as its str(), as orjson's default=str does
        "plain",
    ],
)
def test_the_deep_encoder_writes_the_bytes_orjson_writes(value: Any) -> None:
    expected = orjson.dumps(value, default=str, option=orjson.OPT_NON_STR_KEYS)
    assert _dumps_deep(value) == expected


def test_a_value_deeper_than_orjson_writes_round_trips() -> None:
    text = b'{"leaf":1}'
    for depth in range(1000):
        text = b'{"d":%s}' % text if depth % 2 else b"[%s,%d]" % (text, depth)
    assert dumps(orjson.loads(text)) == text
