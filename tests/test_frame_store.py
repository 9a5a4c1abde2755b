"""The frame store: appends, bulk extends, counters, event info, and dropping the oldest rows."""

from __future__ import annotations

import threading
from array import array
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from sockscope.core.session.filtering import FilterSpec, compile_filter
from sockscope.core.session.session import Session
from sockscope.core.store.frames import FrameStore, Kind, Opcode, minus

T0 = 1_700_000_000.0
RECV_TEXT = FrameStore.pack_flags(Kind.RECV, Opcode.TEXT)
SEND_BINARY = FrameStore.pack_flags(Kind.SEND, Opcode.BINARY)


def contents(store: FrameStore) -> list[tuple[float, Kind, Opcode, bytes, dict[str, Any]]]:
    return [(r.time, r.kind, r.opcode, r.payload, r.info) for r in store.rows()]


def numbered(count: int, start: int = 0) -> FrameStore:
    """A store of ``count`` received text frames ``frame N`` (N from ``start``)."""
    store = FrameStore()
    for i in range(start, start + count):
        store.append(T0 + i, Kind.RECV, Opcode.TEXT, f"frame {i}".encode())
    return store


def test_append_returns_the_index_and_counts_each_direction() -> None:
    store = FrameStore()
    assert store.append(T0, Kind.SEND, Opcode.TEXT, b"hello") == 0
    assert store.append(T0 + 1, Kind.RECV, Opcode.BINARY, b"\x00\xff\x10") == 1
    assert store.append(T0 + 2, Kind.RECV, Opcode.PING, b"") == 2
    assert store.append_event(T0 + 3, Kind.NOTE, {"message": "hi"}) == 3

    assert len(store) == 4
    assert (store.frames_out, store.bytes_out, store.frames_in, store.bytes_in) == (1, 5, 2, 3)
    assert store.payload(1) == b"\x00\xff\x10" and store.size(1) == 3
    assert store.payload_head(0, 2) == b"he"
    assert (store.kind(1), store.opcode(1), store.time(1)) == (Kind.RECV, Opcode.BINARY, T0 + 1)
    assert store.info(3) == {"message": "hi"} and store.info(0) == {}
    assert store.buffer == b"hello\x00\xff\x10" and list(store.ends) == [5, 8, 8, 8]
    assert store.first_time == T0


def test_extend_appends_frame_rows_in_bulk_like_append_one_by_one() -> None:
    payloads = [b"one", b"", b"three!"]
    times = [T0, T0 + 1, T0 + 2]
    flags = bytes([RECV_TEXT, SEND_BINARY, RECV_TEXT])
    bulk, single = FrameStore(), FrameStore()
    bulk.append(T0 - 1, Kind.SEND, Opcode.TEXT, b"first")
    single.append(T0 - 1, Kind.SEND, Opcode.TEXT, b"first")

    bulk.extend(times, flags, payloads)
    for t, flag, payload in zip(times, flags, payloads, strict=True):
        single.append(t, *FrameStore.unpack_flags(flag), payload)

    assert contents(bulk) == contents(single)
    assert list(bulk.ends) == list(single.ends) == [5, 8, 8, 14]
    counters = ("frames_in", "frames_out", "bytes_in", "bytes_out")
    assert [getattr(bulk, c) for c in counters] == [getattr(single, c) for c in counters]
    assert (bulk.frames_in, bulk.bytes_in, bulk.frames_out, bulk.bytes_out) == (2, 9, 2, 5)


def test_extend_refuses_columns_of_different_lengths_and_event_rows() -> None:
    store = FrameStore()
    with pytest.raises(ValueError, match="as many times, flags and payloads"):
        store.extend([T0], bytes([RECV_TEXT, RECV_TEXT]), [b"a", b"b"])
    with pytest.raises(ValueError, match="frame rows only"):
        store.extend([T0], bytes([FrameStore.pack_flags(Kind.NOTE, Opcode.NONE)]), [b""])
    assert len(store) == 0 and store.buffer == b""


def test_trim_front_drops_the_oldest_rows_and_renumbers_the_rest() -> None:
    store = numbered(10)
    kept = contents(store)[4:]

    assert store.trim_front(4)

    assert len(store) == 6 and store.dropped == 4
    assert contents(store) == kept
    assert store.payload(0) == b"frame 4" and store.time(0) == T0 + 4
    # The columns stay consistent: the buffer holds exactly the rows kept, ends point into it.
    assert store.buffer == b"".join(f"frame {i}".encode() for i in range(4, 10))
    assert store.ends[-1] == len(store.buffer)
    assert store.memory_bytes() == len(store.buffer) + 17 * 6


def test_trim_front_keeps_the_counters_and_the_session_start() -> None:
    store = numbered(10)
    store.append(T0 + 10, Kind.SEND, Opcode.TEXT, b"sent")

    store.trim_front(8)

    assert (store.frames_in, store.frames_out) == (10, 1)
    assert store.bytes_in == sum(len(f"frame {i}") for i in range(10)) and store.bytes_out == 4
    assert store.first_time == T0  # relative times still count from the session's first row
    store.trim_front(100)  # more than there are: empties the store
    assert len(store) == 0 and store.dropped == 11 and store.first_time == T0


def test_appends_after_a_trim_land_at_the_right_offsets() -> None:
    store = numbered(5)
    store.trim_front(3)
    store.append(T0 + 5, Kind.RECV, Opcode.TEXT, b"frame 5")
    store.extend([T0 + 6, T0 + 7], bytes([RECV_TEXT, RECV_TEXT]), [b"frame 6", b"frame 7"])

    assert [store.payload(i) for i in range(len(store))] == [
        f"frame {i}".encode() for i in range(3, 8)
    ]
    assert store.dropped + len(store) == 8


def test_event_info_follows_its_row_when_older_rows_are_dropped() -> None:
    store = FrameStore()
    store.append_event(T0, Kind.OPEN, {"url": "ws://a"})
    store.append(T0 + 1, Kind.RECV, Opcode.TEXT, b"x")
    store.append_event(T0 + 2, Kind.NOTE, {"message": "kept"})
    store.append(T0 + 3, Kind.RECV, Opcode.TEXT, b"y")
    store.append_event(T0 + 4, Kind.CLOSE, {"code": 1000})

    store.trim_front(2)

    assert [store.kind(i) for i in range(3)] == [Kind.NOTE, Kind.RECV, Kind.CLOSE]
    assert store.info(0) == {"message": "kept"}
    assert store.info(1) == {}
    assert store.info(2) == {"code": 1000}
    assert store.info(3) == {}  # no stale key left beyond the end


def test_trimming_nothing_changes_nothing() -> None:
    store = numbered(3)
    before = contents(store)
    assert store.trim_front(0) and store.trim_front(-2)
    assert contents(store) == before and store.dropped == 0


def test_a_reader_holding_the_rows_makes_trims_decline_until_it_is_done() -> None:
    store = numbered(10)
    reading, release = threading.Event(), threading.Event()

    def reader() -> None:
        with store.held():
            reading.set()
            release.wait(5)

    thread = threading.Thread(target=reader)
    thread.start()
    reading.wait(5)
    try:
        assert not store.trim_front(5)  # declined: the reader sees every row where it was
        store.append(T0 + 10, Kind.RECV, Opcode.TEXT, b"frame 10")  # appends go on
        assert len(store) == 11 and store.dropped == 0
    finally:
        release.set()
        thread.join()
    assert store.trim_front(5) and store.payload(0) == b"frame 5"


def test_a_filter_finds_the_right_rows_in_a_trimmed_store() -> None:
    store = numbered(30)
    store.trim_front(12)

    hits = compile_filter(FilterSpec(r"frame 2\d", regex=True)).matches(store)

    assert [store.payload(i) for i in hits] == [f"frame {i}".encode() for i in range(20, 30)]
    assert list(hits) == list(range(8, 18))


@pytest.mark.parametrize("typecode", ["I", "Q"])
def test_minus_takes_the_amount_from_every_item(typecode: str) -> None:
    top = 2 ** (8 * array(typecode).itemsize) - 1
    column = array(typecode, [7, 8, 1000, top])
    assert list(minus(column, 7)) == [0, 1, 993, top - 7]
    assert minus(column, 7).typecode == typecode
    assert list(minus(array(typecode), 5)) == []
    assert list(column) == [7, 8, 1000, top]  # a copy: the column itself is untouched


@settings(max_examples=60, deadline=None)
@given(
    st.lists(
        st.one_of(
            st.tuples(st.just("append"), st.binary(max_size=12)),
            st.tuples(st.just("event"), st.text(max_size=5)),
            st.tuples(st.just("extend"), st.lists(st.binary(max_size=6), max_size=5)),
            st.tuples(st.just("trim"), st.integers(min_value=0, max_value=8)),
        ),
        max_size=40,
    )
)
def test_any_mix_of_appends_and_trims_matches_a_list_of_rows(ops: list[tuple[str, Any]]) -> None:
    store, dropped = FrameStore(), 0
    model: list[tuple[float, Kind, Opcode, bytes, dict[str, Any]]] = []
    for op, arg in ops:
        t = T0 + len(model) + dropped
        if op == "append":
            store.append(t, Kind.RECV, Opcode.BINARY, arg)
            model.append((t, Kind.RECV, Opcode.BINARY, arg, {}))
        elif op == "event":
            store.append_event(t, Kind.NOTE, {"message": arg})
            model.append((t, Kind.NOTE, Opcode.NONE, b"", {"message": arg}))
        elif op == "extend":
            store.extend([t] * len(arg), bytes([RECV_TEXT]) * len(arg), arg)
            model += [(t, Kind.RECV, Opcode.TEXT, payload, {}) for payload in arg]
        else:
            store.trim_front(arg)
            dropped += min(arg, len(model))
            del model[:arg]
    assert contents(store) == model
    assert store.dropped == dropped
    assert store.buffer == b"".join(row[3] for row in model)


def test_a_session_with_max_frames_keeps_the_newest_rows() -> None:
    """(That the journal still gets every row: tests/test_journal.py.)"""
    session = Session(max_frames=100)
    for i in range(1000):
        session.on_frame(T0 + i, Kind.RECV, Opcode.TEXT, f"frame {i}".encode())
        assert len(session.store) <= 125  # max_frames plus a quarter of slack, at most
    session.note(T0 + 1000, "the end")

    store = session.store
    assert 100 <= len(store) <= 125
    assert store.dropped + len(store) == 1001 and store.frames_in == 1000
    assert store.payload(len(store) - 2) == b"frame 999" and store.info(len(store) - 1)


def test_frames_recorded_together_are_trimmed_like_one_by_one() -> None:
    session = Session(max_frames=100)
    text = FrameStore.pack_flags(Kind.RECV, Opcode.TEXT)
    for read in range(100):
        payloads = [f"frame {read * 10 + i}".encode() for i in range(10)]
        session.on_frames(T0 + read, bytes([text]) * 10, payloads)
        assert len(session.store) <= 125
    store = session.store
    assert store.dropped + len(store) == 1000 and store.frames_in == 1000
    assert store.payload(len(store) - 1) == b"frame 999" and store.time(len(store) - 1) == T0 + 99


def test_a_session_does_not_trim_while_a_save_holds_the_store_then_catches_up() -> None:
    session = Session(max_frames=10)
    store = session.store
    with store.held():  # (the save thread holds it; same effect from this thread)
        for i in range(50):
            session.on_frame(T0 + i, Kind.RECV, Opcode.TEXT, b"x")
        assert len(store) == 50 and store.dropped == 0
    session.on_frame(T0 + 50, Kind.RECV, Opcode.TEXT, b"y")
    assert len(store) == 10 and store.dropped == 41 and store.payload(9) == b"y"


def test_max_frames_must_be_positive() -> None:
    with pytest.raises(ValueError, match="at least 1"):
        Session(max_frames=0)
    session = Session(max_frames=1)
    for i in range(5):
        session.on_frame(T0 + i, Kind.RECV, Opcode.TEXT, bytes([i]))
    assert len(session.store) <= 2 and session.store.payload(len(session.store) - 1) == b"\x04"


def test_an_event_row_has_its_details_before_it_counts() -> None:
    """A viewer reads a store another thread fills: a row it sees has its details."""
    seen: list[dict[str, object]] = []

    class Watched(FrameStore):
        def append(self, t: float, kind: Kind, opcode: Opcode, payload: bytes) -> int:
            seen.append(self.info(len(self)))  # what a reader gets once the row counts
            return super().append(t, kind, opcode, payload)

    store = Watched()
    info = {"message": "reconnecting"}
    assert store.append_event(1.0, Kind.NOTE, info) == 0
    assert seen == [info] and store.info(0) == info
