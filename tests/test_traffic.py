"""Throughput and message sizes, read from a store with known times and sizes."""

from __future__ import annotations

from sockscope.core.session.traffic import MAX_ROWS_PER_UPDATE, SizeHistogram, Throughput
from sockscope.core.store.frames import FrameStore, Kind, Opcode

T0 = 1_700_000_000.0


def test_frames_a_second_in_and_out_from_the_time_column() -> None:
    store = FrameStore()
    store.append_event(T0, Kind.OPEN, {})  # events are not frames
    for i in range(30):  # 30 received in the first second, 10 sent in the third
        store.append(T0 + i / 30, Kind.RECV, Opcode.TEXT, b"x")
    for i in range(10):
        store.append(T0 + 2 + i / 10, Kind.SEND, Opcode.TEXT, b"y")
    store.append(T0 + 3.5, Kind.RECV, Opcode.PING, b"")  # the current second: not yet shown
    rates = Throughput(store, window=4).sample(T0 + 3.9)
    assert rates.received == [0, 30, 0, 0]
    assert rates.sent == [0, 0, 0, 10]


def test_a_settled_second_is_counted_once_and_the_window_moves_on() -> None:
    store = FrameStore()
    store.append(T0 + 0.5, Kind.RECV, Opcode.TEXT, b"a")
    throughput = Throughput(store, window=3)
    assert throughput.sample(T0 + 2.0).received == [0, 1, 0]
    # A row for a settled second (only a clock stepped back makes one) is not counted...
    store.append(T0 + 0.7, Kind.RECV, Opcode.TEXT, b"b")
    assert throughput.sample(T0 + 2.1).received == [0, 1, 0]
    # ...while the last second, not yet settled, is counted afresh at each sample.
    store.append(T0 + 1.2, Kind.RECV, Opcode.TEXT, b"c")
    assert throughput.sample(T0 + 2.2).received == [0, 1, 1]
    store.append(T0 + 1.3, Kind.RECV, Opcode.TEXT, b"d")
    assert throughput.sample(T0 + 2.3).received == [0, 1, 2]
    assert throughput.sample(T0 + 10.0).received == [0, 0, 0]


def test_an_empty_store_has_no_traffic() -> None:
    assert Throughput(FrameStore(), window=2).sample(T0) == ([0, 0], [0, 0])


def test_sizes_go_to_power_of_two_buckets_messages_only() -> None:
    store = FrameStore()
    for size in (0, 1, 2, 3, 4, 100, 127, 128, 5000):
        store.append(T0, Kind.RECV, Opcode.TEXT, b"x" * size)
    store.append(T0, Kind.SEND, Opcode.BINARY, b"\x00" * 1024)
    store.append(T0, Kind.SEND, Opcode.PING, b"p" * 4)  # control frames are not messages
    store.append_event(T0, Kind.NOTE, {"text": "n"})
    histogram = SizeHistogram(store)
    histogram.update()
    assert histogram.total == 10
    buckets = dict(histogram.buckets())
    assert buckets[1] == 1  # 0 B
    assert buckets[2] == 1  # 1 B
    assert buckets[4] == 2  # 2-3 B
    assert buckets[8] == 1  # 4-7 B
    assert buckets[128] == 2  # 100 and 127
    assert buckets[256] == 1
    assert buckets[2048] == 1  # 1 KiB
    assert buckets[8192] == 1  # 5000
    assert buckets[16] == 0  # empty buckets between are listed
    assert [upper for upper, _ in histogram.buckets()] == [1 << b for b in range(14)]


def test_the_histogram_takes_each_row_once_and_survives_trims() -> None:
    store = FrameStore()
    histogram = SizeHistogram(store)
    store.append(T0, Kind.RECV, Opcode.TEXT, b"ab")
    histogram.update()
    histogram.update()
    assert histogram.total == 1
    for _ in range(5):
        store.append(T0, Kind.RECV, Opcode.TEXT, b"abcd")
    store.trim_front(3)  # two of the new rows go before the histogram saw them
    histogram.update()
    assert dict(histogram.buckets()) == {4: 1, 8: 3}


def test_a_big_backlog_is_sampled_evenly_in_one_update() -> None:
    store = FrameStore()
    count = 3 * MAX_ROWS_PER_UPDATE
    flag = FrameStore.pack_flags(Kind.RECV, Opcode.TEXT)
    store.append(T0, Kind.RECV, Opcode.TEXT, b"x" * 100)
    histogram = SizeHistogram(store)
    histogram.update()
    sizes = [b"x" * 100 if i % 2 else b"x" for i in range(count)]  # half and half
    store.extend([T0] * count, bytes([flag]) * count, sizes)
    histogram.update()  # every third row looked at, counted three times
    assert histogram.total == count + 1
    buckets = dict(histogram.buckets())
    assert buckets[2] == count // 2 and buckets[128] == count // 2 + 1


def test_sampling_starts_at_the_first_row_when_nothing_was_taken_yet() -> None:
    store = FrameStore()
    count = 2 * MAX_ROWS_PER_UPDATE
    flag = FrameStore.pack_flags(Kind.RECV, Opcode.TEXT)
    store.extend([T0] * count, bytes([flag]) * count, [b"abc"] * count)
    histogram = SizeHistogram(store)
    histogram.update()
    assert dict(histogram.buckets()) == {4: count}
