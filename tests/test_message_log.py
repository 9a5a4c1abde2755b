"""Pilot tests of the message log, with the inspector and filter bar wired as the app does."""

from __future__ import annotations

import html
import re
from array import array
from typing import Any
from unittest.mock import patch

from textual import on
from textual.app import App, ComposeResult
from textual.containers import Horizontal
from textual.pilot import Pilot
from textual.widgets import Label

from sockscope.core.session.filtering import CompiledFilter, FilterSpec, compile_filter
from sockscope.core.store.frames import FrameStore, Kind, Opcode
from sockscope.core.text.inspect import Mode
from sockscope.tui.log.message_log import MessageLog
from sockscope.tui.widgets.filter_bar import FilterBar
from sockscope.tui.widgets.inspector import Inspector

T0 = 1_700_000_000.0
OPEN_INFO = {
    "url": "ws://127.0.0.1:9/echo",
    "status": 101,
    "reason": "Switching Protocols",
    "request_headers": [["Host", "127.0.0.1:9"]],
    "response_headers": [["Upgrade", "websocket"]],
    "subprotocol": "chat",
    "extensions": ["permessage-deflate"],
}


class LogApp(App[None]):
    """The log, the inspector and the filter bar, routed like the real app routes them."""

    CSS = "MessageLog { width: 2fr; } Inspector { width: 1fr; }"

    def __init__(self, store: FrameStore) -> None:
        super().__init__()
        self.store = store
        self.selected: list[int] = []
        self.counts: list[tuple[int, int]] = []

    def compose(self) -> ComposeResult:
        yield FilterBar()
        with Horizontal():
            yield MessageLog(self.store)
            yield Inspector()

    def on_mount(self) -> None:
        log = self.query_one(MessageLog)
        log.focus()
        self.watch(log, "cursor_number", self._selected, init=False)

    def action_filter(self) -> None:
        self.query_one(FilterBar).open()

    def _selected(self, number: int | None) -> None:
        assert number is not None
        index = number - self.store.dropped
        self.selected.append(index)
        self.query_one(Inspector).show_row(self.store, index)

    @on(FilterBar.FilterChanged)
    def _filter(self, message: FilterBar.FilterChanged) -> None:
        self.query_one(MessageLog).set_filter(message.compiled)

    @on(MessageLog.FilterCounted)
    def _counted(self, message: MessageLog.FilterCounted) -> None:
        self.counts.append((message.shown, message.total))
        self.query_one(FilterBar).set_count(message.shown, message.total, message.scanning)


def text_rows(store: FrameStore, count: int, start: int = 0) -> None:
    for i in range(start, start + count):
        store.append(T0 + i, Kind.RECV, Opcode.TEXT, f"row {i}".encode())


def text_store(count: int) -> FrameStore:
    """A store of ``count`` received text rows: ``row 0``, ``row 1``..."""
    store = FrameStore()
    text_rows(store, count)
    return store


def screen(log: MessageLog) -> list[str]:
    """The log's visible lines as rendered strips."""
    return [log.render_line(y).text.rstrip() for y in range(log.scrollable_content_region.height)]


async def finish_scan(log: MessageLog, pilot: Pilot[None]) -> None:
    """Let the log's filter scan run to the end (it yields to the UI between slices)."""
    while log.scanning:
        await pilot.pause()
    await pilot.pause()


def sample_store() -> FrameStore:
    store = FrameStore()
    store.append_event(T0, Kind.OPEN, OPEN_INFO)
    store.append(T0 + 0.25, Kind.SEND, Opcode.TEXT, b"hello")
    store.append(T0 + 1.5, Kind.RECV, Opcode.TEXT, b'{"type":"greeting","items":[1,2]}')
    store.append(T0 + 2, Kind.RECV, Opcode.BINARY, bytes(range(0xF0, 0x100)) + b"\x00\x01")
    store.append(T0 + 3, Kind.SEND, Opcode.PING, b"")
    store.append(T0 + 4, Kind.SEND, Opcode.CLOSE, (1000).to_bytes(2, "big") + b"bye")
    close = {"code": 1000, "reason": "bye", "was_clean": True, "by": "client"}
    store.append_event(T0 + 5, Kind.CLOSE, close)
    store.append_event(T0 + 6, Kind.ERROR, {"message": "The server refused.", "cause": "403"})
    return store


async def test_rows_show_time_direction_opcode_size_and_preview() -> None:
    app = LogApp(sample_store())
    async with app.run_test(size=(200, 20)) as pilot:
        log = app.query_one(MessageLog)
        lines = screen(log)
        assert re.match(r"\s*\d\d:\d\d:\d\d\.000 ● open\s+101 Switching Protocols", lines[0])
        assert "ws://127.0.0.1:9/echo · subprotocol chat · permessage-deflate" in lines[0]
        expected = [
            r"\.250 → text +5 B  hello$",
            r'← text +33 B  \{"type":"greeting","items":\[1,2\]\}$',
            r"← binary +18 B  f0 f1 f2 .* fe ff 00 01$",
            r"→ ping +0 B$",
            r'→ close +5 B  1000 normal closure "bye"$',
            r'● close +1000 normal closure "bye" · clean · closed by client$',
            r"● error +The server refused\.$",
        ]
        for line, pattern in zip(lines[1:8], expected, strict=True):
            assert re.search(pattern, line.rstrip())
        # The columns line up: every frame row's size ends at the same cell.
        assert len({line.index(" B") for line in lines[1:6]}) == 1
        await pilot.press("t")
        lines = screen(log)
        assert lines[0].lstrip().startswith("+0.000s ● open")
        assert lines[2].lstrip().startswith("+1.500s ← text")


async def test_hostile_payloads_are_shown_literally() -> None:
    store = FrameStore()
    store.append(T0, Kind.RECV, Opcode.TEXT, b"[bold red]x[/] \x1b[2J\x07 \xe2\x80\xae!")
    store.append_event(T0, Kind.ERROR, {"message": "[link=x]y[/link] \x1b]0;t\x07"})
    app = LogApp(store)
    async with app.run_test(size=(120, 20)) as pilot:
        log = app.query_one(MessageLog)
        lines = screen(log)
        assert "[bold red]x[/] ␛[2J␇ \\u202e!" in lines[0]
        assert "[link=x]y[/link] ␛]0;t␇" in lines[1]
        await pilot.press("down")
        inspector = app.query_one(Inspector)
        assert "[bold red]x[/] ␛[2J" in inspector.shown_text
        rendered = html.unescape(app.export_screenshot()).replace("\xa0", " ")
        assert rendered.count("[bold red]x[/] ␛[2J") == 2  # the log row and the inspector
        assert "\x1b[2J" not in rendered


async def test_the_log_follows_the_tail_until_scrolled_up() -> None:
    store = text_store(100)
    app = LogApp(store)
    async with app.run_test(size=(80, 20)) as pilot:
        log = app.query_one(MessageLog)
        assert log.is_vertical_scroll_end and screen(log)[-1].endswith("row 99")
        text_rows(store, 50, start=100)
        log.refresh_rows()
        await pilot.pause()
        assert log.is_vertical_scroll_end and screen(log)[-1].endswith("row 149")
        assert log.unseen == 0
        await pilot.press("home")
        assert log.scroll_offset.y == 0
        text_rows(store, 10, start=150)
        log.refresh_rows()
        await pilot.pause()
        assert log.scroll_offset.y == 0 and screen(log)[0].endswith("row 0")
        assert log.unseen == 10 and log.border_subtitle == "10 new ↓"
        await pilot.press("end")
        assert log.unseen == 0 and log.border_subtitle == ""
        assert screen(log)[-1].endswith("row 159")


async def test_new_rows_repaint_the_log_without_a_layout_until_the_scrollbar_appears() -> None:
    """A layout of the screen costs ~10 ms: rows arriving at full speed must not pay it."""

    class AutoScrollbarApp(LogApp):  # the log's scrollbar comes and goes (ours is always on)
        CSS = LogApp.CSS + " MessageLog { overflow-y: auto; }"

    store = text_store(5)
    app = AutoScrollbarApp(store)
    async with app.run_test(size=(80, 20)) as pilot:
        log = app.query_one(MessageLog)
        layouts = []
        screen_layout = app.screen._refresh_layout

        def counted(*args: object, **kwargs: object) -> None:
            layouts.append(log.show_vertical_scrollbar)
            screen_layout(*args, **kwargs)  # type: ignore[arg-type]

        app.screen._refresh_layout = counted  # type: ignore[method-assign]
        assert not log.show_vertical_scrollbar
        text_rows(store, 100, start=5)  # more rows than the log's height: a scrollbar
        log.refresh_rows()
        await pilot.pause()
        assert log.show_vertical_scrollbar and layouts and all(layouts)
        appeared = len(layouts)
        for batch in range(5):
            text_rows(store, 20, start=105 + 20 * batch)
            log.refresh_rows()
            await pilot.pause()
            assert screen(log)[-1].endswith(f"row {124 + 20 * batch}")
        assert len(layouts) == appeared  # none since
        assert log.vertical_scrollbar.window_virtual_size == 205


class RecordingApp(App[None]):
    """A log of a recording (``live=False``), as the log viewer shows one."""

    def __init__(self, store: FrameStore) -> None:
        super().__init__()
        self.store = store

    def compose(self) -> ComposeResult:
        yield MessageLog(self.store, live=False)


async def test_rows_added_while_a_filter_matches_are_matched_once() -> None:
    """A loading thread may add rows between the log's count and its match: no row twice."""
    store = text_store(10)
    app = RecordingApp(store)
    async with app.run_test(size=(80, 20)) as pilot:
        log = app.query_one(MessageLog)
        compiled = compile_filter(FilterSpec("row"))
        log.set_filter(compiled)
        await finish_scan(log, pilot)
        matches = CompiledFilter.matches

        def racing(self: CompiledFilter, *args: Any) -> array[int]:
            if len(store) < 30:
                text_rows(store, 10, start=len(store))  # the thread got the GIL here
            return matches(self, *args)

        text_rows(store, 10, start=10)
        with patch.object(CompiledFilter, "matches", racing):
            log.refresh_rows()
        log.refresh_rows()
        await pilot.pause()
        assert log.row_count == len(store) == 30
        assert [log.index_at(p) for p in range(log.row_count)] == list(range(30))


async def test_a_recording_opens_at_the_top_and_goes_back_there_when_the_filter_goes() -> None:
    store = text_store(300)
    app = RecordingApp(store)
    async with app.run_test(size=(80, 20)) as pilot:
        log = app.query_one(MessageLog)
        assert log.scroll_offset.y == 0 and screen(log)[0].endswith("row 0")
        text_rows(store, 50, start=300)
        log.refresh_rows()
        await pilot.pause()
        assert log.scroll_offset.y == 0 and log.unseen == 0  # no tail chasing, nothing "new"
        log.set_filter(compile_filter(FilterSpec("row 1")))
        await finish_scan(log, pilot)
        log.set_filter(None)
        await pilot.pause()
        assert log.scroll_offset.y == 0 and screen(log)[0].endswith("row 0")


async def test_rows_added_below_a_full_view_repaint_nothing_but_the_scrollbar() -> None:
    """A log loading into a viewer at its top: each batch of rows costs no repaint of it."""
    store = text_store(5)
    app = RecordingApp(store)
    async with app.run_test(size=(80, 20)) as pilot:
        log = app.query_one(MessageLog)
        repaints: list[bool] = []
        repaint = log.refresh

        def counted(*args: Any, **kwargs: Any) -> MessageLog:
            repaints.append(True)
            return repaint(*args, **kwargs)

        log.refresh = counted  # type: ignore[method-assign]
        text_rows(store, 100, start=5)  # fills the empty lines of the view: drawn
        log.refresh_rows()
        await pilot.pause()
        assert repaints and screen(log)[-1].endswith(f"row {len(screen(log)) - 1}")
        repaints.clear()
        for batch in range(3):
            text_rows(store, 100, start=105 + 100 * batch)
            log.refresh_rows()
            await pilot.pause()
        assert not repaints  # below the view: only the scrollbar changed
        assert log.vertical_scrollbar.window_virtual_size == 405
        assert screen(log)[0].endswith("row 0")


async def test_the_cursor_selects_rows_and_the_inspector_follows() -> None:
    app = LogApp(sample_store())
    async with app.run_test(size=(200, 20)) as pilot:
        log = app.query_one(MessageLog)
        await pilot.press("down", "down", "down")
        assert app.selected == [0, 1, 2]
        plain, cursor = (next(iter(log.render_line(y))).style for y in (1, 2))
        assert plain and cursor and plain.bgcolor != cursor.bgcolor  # the cursor stands out
        inspector = app.query_one(Inspector)
        modes = [inspector.mode]
        assert '{\n  "type": "greeting",\n  "items": [\n    1,' in inspector.shown_text
        await pilot.press("up")
        modes.append(inspector.mode)
        assert app.selected[-1] == 1
        await pilot.click(MessageLog, offset=(10, 3))
        modes.append(inspector.mode)
        assert app.selected[-1] == 3 and log.selected == 3
        assert modes == [Mode.JSON, Mode.TEXT, Mode.HEX]
        assert inspector.shown_text.startswith("00000000  f0 f1 f2 f3")
        await pilot.press("end")
        assert app.selected[-1] == 7
        assert "message: The server refused." in inspector.shown_text


async def test_a_filter_shows_matching_rows_and_a_count() -> None:
    store = sample_store()
    app = LogApp(store)
    async with app.run_test(size=(200, 20)) as pilot:
        log = app.query_one(MessageLog)
        await pilot.press("slash")
        await pilot.press(*"bye", "enter")
        await finish_scan(log, pilot)
        assert log.row_count == 2 and log.border_subtitle == "2 of 8"
        assert app.counts[-1] == (2, 8)
        assert str(app.query_one("#filter-status", Label).render()) == "2 of 8"
        store.append(T0 + 9, Kind.RECV, Opcode.TEXT, b"goodbye")
        log.refresh_rows()
        await pilot.pause()
        assert log.row_count == 3 and screen(log)[2].endswith("goodbye")
        assert app.counts[-1] == (3, 9)


async def test_an_invalid_regex_is_an_inline_error() -> None:
    app = LogApp(sample_store())
    async with app.run_test(size=(200, 20)) as pilot:
        bar = app.query_one(FilterBar)
        await pilot.press("slash", "alt+r", "[", "h")
        await pilot.pause(0.5)  # past the debounce
        status = str(app.query_one("#filter-status", Label).render())
        assert status == "Invalid regex: unterminated character set at position 0."
        assert bar.has_class("-error") and app.query_one(MessageLog).row_count == 8
        await pilot.press("]", *"ello")
        await pilot.pause(0.5)
        assert not bar.has_class("-error")
        assert app.query_one(MessageLog).row_count == 1
        await pilot.press("escape")
        assert not bar.has_class("-open") and not bar.display
        assert app.query_one(MessageLog).row_count == 1  # closing keeps the filter


async def test_clear_view_hides_rows_but_keeps_the_session() -> None:
    store = text_store(30)
    app = LogApp(store)
    async with app.run_test(size=(80, 20)) as pilot:
        log = app.query_one(MessageLog)
        log.clear_view()
        await pilot.pause()
        assert log.row_count == 0 and len(store) == 30
        assert all(not line.strip() for line in screen(log))
        text_rows(store, 2, start=30)
        log.refresh_rows()
        await pilot.pause()
        assert screen(log)[:2] == [screen(log)[0], screen(log)[1]]
        assert screen(log)[0].endswith("row 30") and screen(log)[1].endswith("row 31")


async def test_two_hundred_thousand_rows_render_at_home_and_end() -> None:
    store = text_store(200_000)
    app = LogApp(store)
    async with app.run_test(size=(80, 24)) as pilot:
        log = app.query_one(MessageLog)
        assert screen(log)[-1].endswith("row 199999")
        await pilot.press("home")
        assert screen(log)[0].endswith("row 0") and log.selected == 0
        await pilot.press("pagedown")
        assert log.selected == log.scrollable_content_region.height - 1
        await pilot.press("end")
        assert screen(log)[-1].endswith("row 199999") and log.selected == 199_999
        # A filter over the backlog runs in slices in a worker; its result is exact.
        log.set_filter(compile_filter(FilterSpec(r"row 1\d*7$", regex=True)))
        await finish_scan(log, pilot)
        expected = sum(1 for i in range(200_000) if re.fullmatch(r"1\d*7", str(i)))
        assert log.row_count == expected
        assert screen(log)[-1].endswith("row 199997")
        # A new filter cancels the scan of the old one; rows arriving meanwhile are matched.
        log.set_filter(compile_filter(FilterSpec(r"\d+1$", regex=True)))
        log.set_filter(compile_filter(FilterSpec("^ROW 2", regex=True, ignore_case=True)))
        assert log.scanning  # row by row (anchored): well over one time budget
        text_rows(store, 3, start=200_000)
        log.refresh_rows()
        await finish_scan(log, pilot)
        assert log.row_count == sum(1 for i in range(200_003) if str(i).startswith("2"))
        assert screen(log)[-1].endswith("row 200002")
