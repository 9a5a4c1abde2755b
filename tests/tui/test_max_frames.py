"""--max-frames: the store keeps the newest rows of an endless feed, the journal keeps all.

The first test drives the real app against the demo server's tick feed; the others trim a
store by hand under a session view, to check exactly what the log shows across a trim.
"""

from __future__ import annotations

import re
from array import array
from pathlib import Path

from textual.app import App, ComposeResult

from sockscope.core.formats.jsonl import read_jsonl
from sockscope.core.session.filtering import FilterSpec, compile_filter
from sockscope.core.settings import ConnectionSettings
from sockscope.core.store.frames import FrameStore, Kind, Opcode
from sockscope.servers.demo import DemoServerThread
from sockscope.tui.factory import build_app
from sockscope.tui.log.message_log import MessageLog
from sockscope.tui.log.rows import LogRows
from sockscope.tui.widgets.inspector import Inspector
from sockscope.tui.widgets.session_view import SessionView
from sockscope.tui.widgets.status_line import memory_text

from .helpers import visible_text, wait_for

SIZE = (160, 40)
MAX_FRAMES = 500
#: The session trims back to MAX_FRAMES when it holds a quarter more.
MOST_ROWS = MAX_FRAMES + MAX_FRAMES // 4
SEQ = re.compile(r'"seq":(\d+)')
SEVENS = r'"seq":\d*7,'
T0 = 1_700_000_000.0


def seq(text: bytes | str) -> int:
    """The tick number in a payload or a rendered line."""
    found = SEQ.search(text.decode() if isinstance(text, bytes) else text)
    assert found is not None, text
    return int(found.group(1))


async def test_a_tick_feed_keeps_the_newest_rows_and_the_journal_keeps_every_tick(
    demo_server: DemoServerThread, tmp_path: Path
) -> None:
    journal = tmp_path / "ticks.jsonl"
    app = build_app(
        ConnectionSettings(demo_server.url("/ticks?rate=500")),
        connect_now=True,
        journal_path=journal,
        max_frames=MAX_FRAMES,
    )
    async with app.run_test(size=SIZE) as pilot:
        store, log = app.session.store, app.query_one(MessageLog)
        sizes: list[int] = []

        def dropped_at_least(rows: int) -> bool:
            sizes.append(len(store))
            return store.dropped >= rows

        await wait_for(pilot, lambda: dropped_at_least(2 * MAX_FRAMES), timeout=10)
        assert max(sizes) <= MOST_ROWS
        # The log follows the tail: its last line is the newest tick.
        log.refresh_rows()
        newest = store.payload(len(store) - 1)
        assert seq(visible_text(log).rstrip().splitlines()[-1]) == seq(newest)

        # A row selected after trims inspects its own payload, before and after more trims.
        # (The keys' actions are called directly: pilot.press waits for the app to be idle,
        # ~2 s under a feed, and a row lives only ~0.3 s here.)
        app.action_focus_log()
        log.action_cursor(-1)
        log.action_cursor(-1)
        inspector = app.query_one(Inspector)
        await wait_for(pilot, lambda: inspector.row is not None)
        log.refresh_rows()
        assert inspector.row is not None and log.selected is not None
        picked = seq(inspector.row.payload)
        assert seq(store.payload(log.selected)) == picked
        dropped = store.dropped
        after_trim: list[int | None] = []

        def trimmed() -> bool:
            """Look at the selection the moment a trim is seen (a row lives ~1 s)."""
            if not dropped_at_least(dropped + 1):
                return False
            log.refresh_rows()
            selected = log.selected
            after_trim.append(None if selected is None else seq(store.payload(selected)))
            return True

        await wait_for(pilot, trimmed)
        assert after_trim == [picked]
        log.action_cursor(1)
        await wait_for(pilot, lambda: seq(inspector.row.payload) == picked + 1)  # type: ignore[union-attr]

        # A filter stays exact across trims: every kept tick ending in 7, and only those.
        log.set_filter(compile_filter(FilterSpec(SEVENS, regex=True)))
        dropped = store.dropped
        await wait_for(pilot, lambda: dropped_at_least(dropped + MAX_FRAMES // 2))
        log.refresh_rows()
        shown = [log.index_at(p) for p in range(log.row_count)]
        expected = [i for i in range(len(store)) if re.search(SEVENS, store.payload(i).decode())]
        assert shown == expected and len(shown) >= MAX_FRAMES // 10 - 1
        assert {seq(store.payload(i)) % 10 for i in shown} == {7}

        status = str(app.query_one("#status").render())
        assert re.search(r"keeping newest 500 · [\d,]+ older in journal", status), status
        assert max(sizes) <= MOST_ROWS

    journaled = read_jsonl(journal).store
    received = [i for i in range(len(journaled)) if journaled.kind(i) is Kind.RECV]
    seqs = [seq(journaled.payload(i)) for i in received if journaled.opcode(i) is Opcode.TEXT]
    assert seqs == list(range(1, len(seqs) + 1))  # every tick, in order, none missing
    assert len(seqs) > 3 * MAX_FRAMES
    assert len(received) == store.frames_in and len(journaled) == store.dropped + len(store)


class ViewApp(App[None]):
    """A session view over a store, as the app shows one."""

    def __init__(self, store: FrameStore) -> None:
        super().__init__()
        self.store = store

    def compose(self) -> ComposeResult:
        yield SessionView(self.store)


def add_ticks(store: FrameStore, first: int, count: int) -> None:
    for n in range(first, first + count):
        store.append(T0 + n, Kind.RECV, Opcode.TEXT, b'{"seq":%d,"pad":"x"}' % n)


def cursor(rows: LogRows) -> int | None:
    """The cursor's row, read through a call (mypy would keep an earlier narrowing)."""
    return rows.selected


def shown_seqs(log: MessageLog) -> list[int]:
    return [seq(line) for line in visible_text(log).splitlines() if line.strip()]


async def test_a_view_scrolled_away_keeps_its_rows_on_screen_across_a_trim() -> None:
    store = FrameStore()
    add_ticks(store, 0, 1000)
    app = ViewApp(store)
    async with app.run_test(size=(100, 24)) as pilot:
        log = app.query_one(MessageLog)
        log.focus()
        await pilot.press("pageup", "pageup", "pageup")
        before = shown_seqs(log)
        assert before[-1] < 1000 - log.size.height  # well away from the tail

        store.trim_front(300)
        # Before the log renumbers, the rows still on screen render as they were.
        assert shown_seqs(log) == before
        add_ticks(store, 1000, 300)
        log.refresh_rows()
        await pilot.pause()

        assert shown_seqs(log) == before
        assert log.unseen == 300 and "300 new" in str(log.border_subtitle)
        assert log.selected is not None and seq(store.payload(log.selected)) in before
        await pilot.press("end")
        assert shown_seqs(log)[-1] == 1299


async def test_rows_dropped_from_a_scrolled_view_leave_it_at_the_oldest_kept_row() -> None:
    store = FrameStore()
    add_ticks(store, 0, 1000)
    app = ViewApp(store)
    async with app.run_test(size=(100, 24)) as pilot:
        log = app.query_one(MessageLog)
        log.focus()
        await pilot.press("home")
        inspector = app.query_one(Inspector)
        await wait_for(pilot, lambda: inspector.row is not None)

        store.trim_front(5)
        assert shown_seqs(log)[:3] == [5, 6, 7]  # the dropped rows show blank until renumbered
        log.refresh_rows()
        await pilot.pause()

        assert shown_seqs(log)[0] == 5 and log.selected is None
        assert inspector.row is not None and seq(inspector.row.payload) == 0  # its own copy
        await pilot.press("down")
        await wait_for(pilot, lambda: log.selected is not None)
        await wait_for(pilot, lambda: seq(inspector.row.payload) != 0)  # type: ignore[union-attr]
        row, selected = inspector.row, cursor(log.rows)
        assert row is not None and selected is not None
        assert seq(row.payload) == seq(store.payload(selected))


async def test_a_filtered_view_drops_the_matches_of_dropped_rows() -> None:
    store = FrameStore()
    add_ticks(store, 0, 1000)
    app = ViewApp(store)
    async with app.run_test(size=(100, 24)) as pilot:
        log = app.query_one(MessageLog)
        log.set_filter(compile_filter(FilterSpec(r'"seq":\d*7,', regex=True)))
        await wait_for(pilot, lambda: not log.scanning)
        assert log.row_count == 100

        store.trim_front(503)
        add_ticks(store, 1000, 50)
        log.refresh_rows()
        await pilot.pause()

        assert [seq(store.payload(log.index_at(p))) for p in range(log.row_count)] == list(
            range(507, 1050, 10)
        )
        assert "55 of 547" in str(log.border_subtitle)
        assert shown_seqs(log)[-1] == 1047  # still following the tail


def test_renumbering_shifts_every_index_and_says_how_many_positions_went() -> None:
    store = FrameStore()
    add_ticks(store, 0, 100)
    rows = LogRows(store)
    rows.known, rows.view_start, rows.selected = 100, 10, 40
    assert rows.renumber() is None  # nothing dropped yet

    store.trim_front(30)

    assert rows.index_at(0) == 10 and rows.live(10) == -20  # still the old numbering
    assert rows.renumber() == 20  # rows 10-29 of the view went
    assert (rows.view_start, rows.known, rows.selected, rows.row_count) == (0, 70, 10, 70)
    assert seq(store.payload(rows.index_at(0))) == 30 and rows.number(0) == 30

    rows.filter(True)
    rows.take_matches(70, array("I", [5, 15, 25, 35]))
    store.trim_front(20)
    assert rows.renumber() == 2 and list(rows.matches or []) == [5, 15]
    # The cursor's row (tick 40) was dropped.
    assert (cursor(rows), rows.scanned, rows.total) == (None, 50, 50)


def test_the_status_line_says_what_is_kept_and_where_the_rest_went() -> None:
    store = FrameStore()
    add_ticks(store, 0, 10)
    assert memory_text(store, 5, journaled=True) == "keeping newest 5 · journal keeps all"
    assert memory_text(store, 5, journaled=False) == "keeping newest 5"
    store.trim_front(5)
    assert memory_text(store, 5, journaled=True) == "keeping newest 5 · 5 older in journal"
    assert memory_text(store, 5, journaled=False) == "keeping newest 5 · 5 older dropped"


async def test_a_row_dropped_before_the_log_heard_of_it_is_not_inspected() -> None:
    """The session trims as frames come in; the log renumbers at its next refresh.

    A key in between can land the cursor on a row the store no longer has: the inspector
    keeps what it showed (a negative index would wrap round to a row near the tail).
    """
    store = FrameStore()
    add_ticks(store, 0, 1000)
    app = ViewApp(store)
    async with app.run_test(size=(100, 24)) as pilot:
        log, inspector = app.query_one(MessageLog), app.query_one(Inspector)
        log.focus()
        await pilot.press("home", "down")
        assert inspector.row is not None and seq(inspector.row.payload) == 1
        assert store.trim_front(5)  # what Session does; the log has not refreshed yet
        await pilot.press("home")  # onto row 0 of the log's numbering: dropped
        assert seq(inspector.row.payload) == 1
        log.refresh_rows()
        await pilot.press("home")
        assert seq(inspector.row.payload) == 5
