"""The store filter: literal and regex search over the payload buffer, direction and opcode."""

from __future__ import annotations

import itertools
import re
from array import array
from unittest.mock import patch

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from sockscope.core.session import filtering
from sockscope.core.session.filtering import (
    FilterError,
    FilterSpec,
    compile_filter,
)
from sockscope.core.store.frames import FrameStore, Kind, Opcode
from sockscope.core.text.display import event_summary

SEND, RECV = Kind.SEND, Kind.RECV


def make_store(*payloads: bytes | str, kind: Kind = RECV) -> FrameStore:
    store = FrameStore()
    for i, payload in enumerate(payloads):
        data = payload.encode() if isinstance(payload, str) else payload
        store.append(float(i), kind, Opcode.TEXT, data)
    return store


def find(store: FrameStore, text: str, **options: object) -> list[int]:
    spec = FilterSpec(text, **options)  # type: ignore[arg-type]
    return list(compile_filter(spec).matches(store))


def test_literal_finds_rows_and_returns_an_index_array() -> None:
    store = make_store('{"type":"tick"}', '{"type":"error"}', "", '{"type":"error","n":2}')
    result = compile_filter(FilterSpec('"type":"error"')).matches(store)
    assert isinstance(result, array) and result.typecode == "I"
    assert list(result) == [1, 3]


def test_literal_is_not_a_regex() -> None:
    store = make_store("a.c", "abc", "[x]")
    assert find(store, "a.c") == [0]
    assert find(store, "[x]") == [2]


def test_ignore_case_folds_ascii() -> None:
    store = make_store("ERROR here", "an error", "fine")
    assert find(store, "Error") == []
    assert find(store, "Error", ignore_case=True) == [0, 1]
    assert find(store, "e[r]+OR", regex=True, ignore_case=True) == [0, 1]


def test_hits_spanning_two_rows_do_not_count() -> None:
    # "abc" exists only across the boundary of rows 0/1 and 2/3; row 3 has it on its own.
    store = make_store("xab", "cy", "zab", "cabc")
    assert find(store, "abc") == [3]
    assert find(store, "a+bc", regex=True) == [3]
    assert find(store, "zab.*c", regex=True) == []


def test_a_regex_is_rechecked_on_the_rows_its_literal_finds() -> None:
    store = make_store('{"seq":12}', '{"seq":"x"}', '{"sq":1}', '{"seq":}')
    assert find(store, r'"seq":\d+', regex=True) == [0]
    assert find(store, r'[a-z]+":\d', regex=True) == [0, 2]


def test_anchors_and_lookarounds_see_each_row_alone() -> None:
    store = make_store("ab", "ba", "a", "cab")
    assert find(store, "^a", regex=True) == [0, 2]
    assert find(store, "a$", regex=True) == [1, 2]
    assert find(store, r"\bab", regex=True) == [0]
    assert find(store, "(?<=c)ab", regex=True) == [3]
    assert find(store, "^$", regex=True) == []


def test_alternation_and_optional_parts_are_matched_fully() -> None:
    store = make_store("cat", "dog", "cow", "abbbc", "ac")
    assert find(store, "cat|dog", regex=True) == [0, 1]
    assert find(store, "ab{2,3}c", regex=True) == [3]
    assert find(store, "ab?c", regex=True) == [4]
    assert find(store, r"c\x61t", regex=True) == [0]


def test_a_pattern_matching_empty_text_lets_every_row_through() -> None:
    store = make_store("x", "", "y")
    assert find(store, "z*", regex=True) == [0, 1, 2]


def test_directions_and_opcodes_filter_by_flags() -> None:
    store = FrameStore()
    store.append(0, SEND, Opcode.TEXT, b"hello")
    store.append(1, RECV, Opcode.TEXT, b"hello")
    store.append(2, RECV, Opcode.BINARY, b"\x00hello")
    store.append(3, SEND, Opcode.PING, b"hello")
    store.append_event(4, Kind.NOTE, {"message": "hello"})
    assert find(store, "", directions=frozenset({SEND})) == [0, 3]
    assert find(store, "", opcodes=frozenset({Opcode.BINARY})) == [2]
    control = frozenset({Opcode.PING, Opcode.PONG, Opcode.CLOSE})
    assert find(store, "hello", opcodes=control) == [3]
    assert find(store, "hello", directions=frozenset({RECV})) == [1, 2]
    assert find(store, "hello") == [0, 1, 2, 3, 4]


def test_event_rows_match_on_their_summary() -> None:
    store = FrameStore()
    open_info = {
        "url": "ws://example.test/feed",
        "status": 101,
        "reason": "Switching Protocols",
        "request_headers": [],
        "response_headers": [],
        "subprotocol": "chat",
        "extensions": ["permessage-deflate"],
    }
    store.append_event(0, Kind.OPEN, open_info)
    store.append(1, RECV, Opcode.TEXT, b"normal")
    close_info = {"code": 4001, "reason": "bye", "was_clean": True, "by": "server"}
    store.append_event(2, Kind.CLOSE, close_info)
    store.append_event(3, Kind.ERROR, {"message": "The server refused.", "cause": "403"})
    assert find(store, "example.test") == [0]
    assert find(store, "application code") == [2]
    assert find(store, "refused") == [3]
    assert find(store, "^4001", regex=True) == [2]
    assert "4001 application code" in event_summary(Kind.CLOSE, close_info)
    assert "subprotocol chat" in event_summary(Kind.OPEN, open_info)


def test_event_summary_shows_control_characters_visibly() -> None:
    summary = event_summary(Kind.ERROR, {"message": "bad\x1b[2J\nbody"})
    assert summary == "bad␛[2J␊body"


def test_matches_work_incrementally_as_rows_arrive() -> None:
    store = make_store("one error", "fine")
    compiled = compile_filter(FilterSpec("error"))
    seen = list(compiled.matches(store, 0, len(store)))
    old = len(store)
    store.append(2.0, RECV, Opcode.TEXT, b"err")
    store.append(3.0, RECV, Opcode.TEXT, b"or and another error")
    seen += compiled.matches(store, old, len(store))
    assert seen == [0, 3]


def test_iter_matches_goes_slice_by_slice_in_order() -> None:
    store = make_store(*(f"row {i} {'hit' if i % 7 == 0 else ''}" for i in range(100)))
    compiled = compile_filter(FilterSpec("hit"))
    slices = list(compiled.iter_matches(store, 0, None, slice_rows=16))
    assert [upto for upto, _ in slices] == [16, 32, 48, 64, 80, 96, 100]
    assert [i for _, hits in slices for i in hits] == list(range(0, 100, 7))


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("[abc", "Invalid regex: unterminated character set at position 0."),
        ("a(b", "Invalid regex: missing ), unterminated subpattern at position 1."),
        ("é(", "Invalid regex: missing ), unterminated subpattern at position 1."),
        ("*x", "Invalid regex: nothing to repeat at position 0."),
    ],
)
def test_an_invalid_regex_is_one_readable_error(text: str, message: str) -> None:
    with pytest.raises(FilterError) as caught:
        compile_filter(FilterSpec(text, regex=True))
    assert str(caught.value) == message


def test_an_invalid_regex_is_fine_as_a_literal() -> None:
    assert find(make_store("x[abc", "abc"), "[abc") == [0]


PATTERNS = [
    "ab",
    "ab:",
    "b: a",
    "x?ab:",
    "a+b:{",
    "(?i)AB:",
    "a.b:",
    "a:b",
    "b{",
    "a+b",
    "[ab]{2}:",
    "^a",
    "b$",
    r"\ba",
    ":|b",
    "a(b|:)+",
    "x?ab",
    r"\{a",
    "(?i)AB",
]


@settings(max_examples=150, deadline=None)
@given(
    payloads=st.lists(st.binary(max_size=6).map(lambda b: bytes(b"ab:{ \n"[x % 6] for x in b))),
    pattern=st.sampled_from(PATTERNS),
    ignore_case=st.booleans(),
    start=st.integers(0, 5),
)
def test_buffer_search_agrees_with_searching_each_row(
    payloads: list[bytes], pattern: str, ignore_case: bool, start: int
) -> None:
    store = make_store(*payloads)
    flags = re.IGNORECASE if ignore_case else 0
    for regex in (True, False):
        source = pattern if regex else re.escape(pattern)
        reference = re.compile(source.encode(), flags)
        expected = [i for i, p in enumerate(payloads) if i >= start and reference.search(p)]
        spec = FilterSpec(pattern, regex=regex, ignore_case=ignore_case)
        assert list(compile_filter(spec).matches(store, start)) == expected


def seq_store(count: int) -> FrameStore:
    return make_store(*(f'{{"seq":{i},"pad":"{"x" * (i % 5)}"}}' for i in range(count)))


@pytest.mark.parametrize("pattern", [r'"seq":\d*[02468],', r'^\{"seq":\d*5,', r'"pad":"x+"'])
def test_a_literal_in_most_rows_is_dropped_and_rows_are_checked_directly(pattern: str) -> None:
    store = seq_store(3 * filtering.MIN_SAMPLE)
    compiled = compile_filter(FilterSpec(pattern, regex=True))
    reference = re.compile(pattern.encode())
    expected = [i for i in range(len(store)) if reference.search(store.payload(i))]
    first = filtering.MIN_SAMPLE + 10
    found = list(compiled.matches(store, 0, first))
    assert not compiled._prefilter  # its literal is in every row of that first slice
    found += compiled.matches(store, first)
    assert found == expected and len(expected) > 100


def test_a_rare_literal_or_a_small_sample_keeps_the_prefilter() -> None:
    store = seq_store(3 * filtering.MIN_SAMPLE)
    rare = compile_filter(FilterSpec(r'"seq":\d+,"pad":"xxxx"', regex=True))
    assert len(rare.matches(store)) == len(store) // 5
    assert rare._prefilter  # 20% of rows: the literal still rules out most of them
    small = compile_filter(FilterSpec(r'"seq":\d+,', regex=True))
    assert list(small.matches(store, 0, 100)) == list(range(100))
    assert small._prefilter  # 100 rows are too few to decide on


def test_small_slices_add_up_to_the_sample_that_drops_a_dense_prefilter() -> None:
    store = seq_store(3 * filtering.MIN_SAMPLE)
    compiled = compile_filter(FilterSpec(r'"seq":\d*[02468],', regex=True))
    slices = compiled.iter_matches(store, slice_rows=100)  # as a busy UI takes them
    found = [
        i for _, hits in itertools.islice(slices, filtering.MIN_SAMPLE // 100 + 1) for i in hits
    ]
    assert not compiled._prefilter
    found += (i for _, hits in slices for i in hits)
    assert found == [i for i in range(len(store)) if i % 2 == 0]


@settings(max_examples=150, deadline=None)
@given(
    payloads=st.lists(
        st.lists(st.sampled_from(["ab:", "ab", ":", "a", "b", "{", "\n"]), max_size=4).map("".join),
        max_size=40,
    ),
    pattern=st.sampled_from(
        ["ab:b+", "x?ab:", "a+b:ab", "ab:.*b", "^ab:", "ab:$", r"\bab:", "a[b:]+ab:"]
    ),
    ignore_case=st.booleans(),
    slice_rows=st.integers(1, 9),
)
def test_dropping_the_prefilter_mid_scan_agrees_with_searching_each_row(
    payloads: list[str], pattern: str, ignore_case: bool, slice_rows: int
) -> None:
    store = make_store(*payloads)
    reference = re.compile(pattern.encode(), re.IGNORECASE if ignore_case else 0)
    expected = [i for i, p in enumerate(payloads) if reference.search(p.encode())]
    compiled = compile_filter(FilterSpec(pattern, regex=True, ignore_case=ignore_case))
    with patch.object(filtering, "MIN_SAMPLE", 2):  # decide on tiny slices
        slices = compiled.iter_matches(store, 0, None, slice_rows=slice_rows)
        assert [i for _, hits in slices for i in hits] == expected
