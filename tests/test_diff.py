"""Comparing responses: JSON by value, paths to ignore, order, and how differences read."""

from __future__ import annotations

import random

import orjson
import pytest
from hypothesis import given
from hypothesis import strategies as st

from sockscope.core.replay.diff import compare
from sockscope.core.replay.json_paths import IgnorePathError, parse_ignore
from sockscope.core.replay.values import Message, canonical, differences, same
from sockscope.core.store.frames import Opcode


def text(value: object) -> Message:
    payload = value.encode() if isinstance(value, str) else orjson.dumps(value)
    return Message(Opcode.TEXT, payload)


def binary(data: bytes) -> Message:
    return Message(Opcode.BINARY, data)


def test_json_is_compared_by_value_not_by_key_order_or_spacing() -> None:
    recorded = [text('{"a": 1, "b": {"c": [1, 2]}}')]
    new = [text('{"b":{"c":[1,2]},"a":1.0}')]
    report = compare(recorded, new)
    assert report.ok
    assert report.text() == "The 1 response matches the recording."


def test_a_changed_field_is_named_by_message_and_path() -> None:
    recorded = [text({"id": 1}), text({"user": {"name": "ann"}, "ts": 1})]
    new = [text({"id": 1}), text({"user": {"name": "bob"}, "ts": 1})]
    report = compare(recorded, new)
    assert not report.ok
    assert report.text().splitlines() == [
        "1 of 2 responses differ from the recording (2 recorded, 2 new).",
        'message 2: $.user.name: "ann" != "bob"',
    ]
    pair = report.pairs[1]
    assert (pair.recorded_index, pair.new_index, pair.status) == (1, 1, "different")
    assert (pair.recorded, pair.new) == (recorded[1], new[1])
    assert [d.path for d in pair.differences] == ["$.user.name"]


@pytest.mark.parametrize(
    ("ignore", "recorded", "new"),
    [
        ("$.ts", {"ts": 1, "id": 5}, {"ts": 2, "id": 5}),
        ("$..id", {"a": {"id": 1}, "b": [{"id": 2}]}, {"a": {"id": 9}, "b": [{"id": 8}]}),
        ("$.items[*].id", {"items": [{"id": 1, "n": 1}]}, {"items": [{"id": 2, "n": 1}]}),
        ("$.items[1]", {"items": [0, 1]}, {"items": [0, 7]}),
        ("$['odd key']", {"odd key": 1}, {"odd key": 2}),
        ('$["odd key"].x', {"odd key": {"x": 1}}, {"odd key": {"x": 2}}),
        ("$.*", {"a": 1, "b": 2}, {"a": 3, "c": 4}),
        ("$..[0]", [[1, 2], [3]], [[9, 2], [8]]),
        ("$.ts", {"ts": 1}, {}),  # an ignored field may be missing altogether
    ],
)
def test_ignored_paths_do_not_count(ignore: str, recorded: object, new: object) -> None:
    assert not compare([text(recorded)], [text(new)]).ok
    assert compare([text(recorded)], [text(new)], ignore=[ignore]).ok


def test_ignoring_one_field_still_catches_the_others() -> None:
    report = compare([text({"ts": 1, "id": 1})], [text({"ts": 2, "id": 2})], ignore=["$.ts"])
    assert [d.path for d in report.pairs[0].differences] == ["$.id"]
    assert report.summary().endswith("(ignoring $.ts).")


def test_ignore_paths_reach_only_where_they_point() -> None:
    a, b = text({"ts": 1, "inner": {"ts": 1}}), text({"ts": 1, "inner": {"ts": 2}})
    assert [d.path for d in differences(a, b, [parse_ignore("$.ts")])] == ["$.inner.ts"]
    assert same(a, b, [parse_ignore("$..ts")])


def test_types_matter_except_between_integer_and_float() -> None:
    assert same(text({"n": 1}), text({"n": 1.0}))
    assert not same(text({"n": 1}), text({"n": True}))
    assert not same(text({"n": 1}), text({"n": "1"}))
    found = differences(text({"n": 1}), text({"n": "1"}))
    assert [str(d) for d in found] == ['$.n: 1 != "1"']


def test_missing_and_extra_keys_and_elements_are_named() -> None:
    found = differences(text({"a": 1, "l": [1]}), text({"b": 2, "l": [1, 2]}))
    assert [str(d) for d in found] == [
        "$.a: 1 != (missing)",
        "$.l[1]: (missing) != 2",
        "$.b: (missing) != 2",
    ]


def test_text_that_is_not_json_and_binary_are_compared_exactly() -> None:
    assert not same(text("hello"), text("hello "))
    assert not same(text("1"), text("1.0"))  # JSON scalars are compared as text
    assert not same(binary(b"\x00\x01"), binary(b"\x00\x02"))
    assert same(binary(b'{"a":1}'), binary(b'{"a":1}'))
    assert not same(binary(b'{"a":1}'), binary(b'{ "a":1}'))
    found = differences(text("hello"), text("hullo"))
    assert [str(d) for d in found] == ["$: hello != hullo"]


def test_text_and_binary_never_match() -> None:
    report = compare([text("abc")], [binary(b"abc")])
    assert report.text().splitlines()[1] == "message 1: opcode: text != binary"


def test_missing_and_extra_messages_are_reported() -> None:
    report = compare([text("a"), text("b")], [text("a")])
    assert report.mismatches[0].status == "missing"
    assert report.text().splitlines()[1] == "message 2: missing: recorded b"
    report = compare([text("a")], [text("a"), binary(b"\xff")])
    extra = "message 2: extra: binary 1 B: ff (not in the recording)"
    assert report.text().splitlines()[1] == extra


def test_unordered_matches_a_multiset() -> None:
    recorded = [text({"id": i, "ts": i}) for i in (1, 2, 2, 3)]
    new = [text({"id": i, "ts": 10 + i}) for i in (3, 2, 1, 2)]
    assert not compare(recorded, new, ignore=["$.ts"]).ok
    report = compare(recorded, new, ignore=["$.ts"], unordered=True)
    assert report.ok
    assert sorted((p.recorded_index, p.new_index) for p in report.pairs) == [
        (0, 2),
        (1, 1),
        (2, 3),
        (3, 0),
    ]


def test_unordered_pairs_what_is_left_and_names_both_positions() -> None:
    recorded = [text({"id": 1}), text({"id": 2}), text({"id": 3})]
    new = [text({"id": 3}), text({"id": 1}), text({"id": 4}), text("extra")]
    report = compare(recorded, new, unordered=True)
    assert report.text().splitlines()[1:] == [
        "message 2 (new message 3): $.id: 2 != 4",
        "message 4: extra: extra (not in the recording)",
    ]


def test_a_json_report_carries_every_mismatch_as_data() -> None:
    report = compare([text({"a": 1}), binary(b"\x00")], [text({"a": 2}), binary(b"\x01")])
    data = orjson.loads(orjson.dumps(report.to_json()))
    assert data["ok"] is False and data["differing"] == 2
    first, second = data["messages"]
    assert first["message"] == 1 and first["status"] == "different"
    assert first["recorded"] == {"opcode": "text", "text": '{"a":1}'}
    assert first["differences"] == [{"path": "$.a", "recorded": "1", "new": "2"}]
    assert second["new"] == {"opcode": "binary", "base64": "AQ=="}


def test_long_reports_are_cut_with_a_count() -> None:
    recorded = [text({"n": i, **{f"k{k}": 0 for k in range(12)}}) for i in range(3)]
    new = [text({"n": -i, **{f"k{k}": 1 for k in range(12)}}) for i in range(3)]
    lines = compare(recorded, new).text(limit=2).splitlines()
    assert "message 1: … and 2 more differences" in lines  # message 1 has n equal (0 == -0)
    assert lines[-1] == "… and 1 more messages differ."


def test_shown_values_are_safe_and_short() -> None:
    found = differences(text({"a": "\x1b[31m" + "x" * 200}), text({"a": "y"}))
    shown = found[0].recorded
    assert "\x1b" not in shown and len(shown) <= 80 and shown.endswith("…")


@pytest.mark.parametrize(
    ("path", "complaint"),
    [
        ("ts", "must start with $"),
        ("$.", "not understood at '.'"),
        ("$.a[", "not understood at '['"),
        ("$..", "not understood at '..'"),
        ("$[-1]", "not understood"),
    ],
)
def test_bad_ignore_paths_say_what_is_wrong(path: str, complaint: str) -> None:
    with pytest.raises(IgnorePathError, match=complaint.replace("[", r"\[").replace("$", r"\$")):
        compare([], [], ignore=[path])


json_values = st.recursive(
    st.none() | st.booleans() | st.integers(-(2**53), 2**53) | st.text(max_size=5),
    lambda children: (
        st.lists(children, max_size=3) | st.dictionaries(st.text(max_size=3), children, max_size=3)
    ),
    max_leaves=10,
)


def _shuffled(value: object, rng: random.Random) -> object:
    if isinstance(value, dict):
        items = list(value.items())
        rng.shuffle(items)
        return {k: _shuffled(v, rng) for k, v in items}
    if isinstance(value, list):
        return [_shuffled(v, rng) for v in value]
    return value


@given(st.dictionaries(st.text(max_size=3), json_values, max_size=4), st.randoms())
def test_any_object_matches_itself_with_keys_shuffled(
    value: dict[str, object], rng: random.Random
) -> None:
    a, b = text(value), text(_shuffled(value, rng))
    assert compare([a], [b]).ok
    assert canonical(a) == canonical(b)
