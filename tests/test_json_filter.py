"""The log filter's JSONPath mode: JSON rows passing the test, nothing else, bad input said."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from sockscope.core.session.filtering import FilterError, FilterSpec, compile_filter
from sockscope.core.store.frames import FrameStore, Kind, Opcode

TRADE = '{"type":"trade","px":1.5}'
QUOTE = '{"type":"quote","px":2}'


def store_of(*payloads: str | bytes, opcode: Opcode = Opcode.TEXT) -> FrameStore:
    store = FrameStore()
    for i, payload in enumerate(payloads):
        data = payload.encode() if isinstance(payload, str) else payload
        store.append(float(i), Kind.RECV if i % 2 else Kind.SEND, opcode, data)
    return store


def rows(store: FrameStore, test: str, **options: object) -> list[int]:
    spec = FilterSpec(test, jsonpath=True, **options)  # type: ignore[arg-type]
    return list(compile_filter(spec).matches(store))


def test_only_json_rows_passing_the_test_match() -> None:
    store = store_of(TRADE, QUOTE, "trade", '{"type": "trade"', "", TRADE, '"trade"')
    store.append_event(9.0, Kind.NOTE, {"text": '{"type":"trade"}'})
    assert rows(store, '$.type == "trade"') == [0, 5]
    assert rows(store, "$.type == 'trade'") == [0, 5]
    assert rows(store, '$.type != "trade"') == [1, 6]  # JSON rows only, "trade" is JSON
    assert rows(store, "$.px > 1.9") == [1]
    assert rows(store, "$.px") == [0, 1, 5]
    assert rows(store, '$ == "trade"') == [6]


def test_escaped_strings_still_match_the_needle_prefilter_is_sound() -> None:
    store = store_of(r'{"type":"tr\u0061de"}', '{"type":"trade"}', '{"type":"trader"}')
    assert rows(store, '$.type == "trade"') == [0, 1]
    store = store_of('{"type":"é"}', r'{"type":"\u00e9"}', '{"type":"e"}')
    assert rows(store, '$.type == "é"') == [0, 1]


def test_binary_json_counts_invalid_utf8_does_not() -> None:
    store = store_of(TRADE.encode(), b"\xff\xfe{}", opcode=Opcode.BINARY)
    assert rows(store, "$.type") == [0]


def test_direction_and_opcode_still_apply() -> None:
    store = store_of(TRADE, TRADE, TRADE)
    assert rows(store, "$.type", directions=frozenset({Kind.RECV})) == [1]
    assert rows(store, "$.type", opcodes=frozenset({Opcode.BINARY})) == []


@pytest.mark.parametrize(
    ("test", "says"),
    [
        ("type", r"starts with \$"),
        ("$.[", "not a JSONPath"),
        ("$.type = 1", "not a comparison"),
        ("$.type == trade", "not a JSON value"),
    ],
)
def test_a_bad_jsonpath_is_one_sentence(test: str, says: str) -> None:
    with pytest.raises(FilterError, match=says) as raised:
        compile_filter(FilterSpec(test, jsonpath=True))
    message = str(raised.value)
    assert "\n" not in message and message.endswith(".")


def test_slices_add_up_to_the_whole() -> None:
    store = store_of(*[TRADE if i % 3 else QUOTE for i in range(5000)])
    compiled = compile_filter(FilterSpec('$.type == "trade"', jsonpath=True))
    sliced = [hit for _, hits in compiled.iter_matches(store, slice_rows=256) for hit in hits]
    assert sliced == [i for i in range(5000) if i % 3]


@settings(max_examples=60, deadline=None)
@given(st.lists(st.sampled_from(["trade", "tr\\u0061de", "quote", 'a\\"b', "é"]), max_size=12))
def test_the_prefilter_never_changes_the_result(types: list[str]) -> None:
    payloads = [f'{{"type":"{kind}"}}' for kind in types]
    store = store_of(*payloads)
    expected = [i for i, kind in enumerate(types) if kind in ("trade", "tr\\u0061de")]
    assert rows(store, '$.type == "trade"') == expected
    expected = [i for i, kind in enumerate(types) if kind == 'a\\"b']
    assert rows(store, '$.type == "a\\"b"') == expected
