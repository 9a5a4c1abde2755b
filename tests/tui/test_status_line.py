"""The status line: facts first, the URL cut at 80 columns; repainted only on change."""

from __future__ import annotations

from typing import Any

from textual.app import App, ComposeResult

from sockscope.core.events import ReadyState
from sockscope.core.store.frames import FrameStore, Kind, Opcode
from sockscope.tui.widgets.status_line import Status, StatusLine


class LineApp(App[None]):
    def compose(self) -> ComposeResult:
        yield StatusLine()


async def test_the_same_status_twice_is_drawn_once() -> None:
    app = LineApp()
    async with app.run_test(size=(100, 3)) as pilot:
        line = app.query_one(StatusLine)
        updates: list[str] = []
        update = line.update

        def counted(content: Any = "", *, layout: bool = True) -> None:
            updates.append(str(content))
            update(content, layout=layout)

        line.update = counted  # type: ignore[method-assign]
        store = FrameStore()
        status = Status(ReadyState.OPEN, "ws://example.test/", store)
        line.show(status)
        line.show(status)  # nothing changed: no repaint
        store.append(1.0, Kind.RECV, Opcode.TEXT, b"hello")
        line.show(status)  # the counters changed
        await pilot.pause()
        assert len(updates) == 2
        assert "↓ 0 (0 B)" in updates[0] and "↓ 1 (5 B)" in updates[1]
        assert "↓ 1 (5 B)" in str(line.render())


async def test_at_80_columns_the_facts_come_first_and_the_url_is_what_is_cut() -> None:
    store = FrameStore()
    store.append(1.0, Kind.RECV, Opcode.TEXT, b"hello")
    status = Status(
        ReadyState.CLOSED,
        "wss://stream.example.com/v1/a/very/long/path/that/does/not/fit?token=x",
        store,
        latency=0.0123,
        ended='1001 going away "bye" · clean',
    )
    app = LineApp()
    async with app.run_test(size=(80, 3)) as pilot:
        line = app.query_one(StatusLine)
        line.show(status)
        await pilot.pause()
        assert line.size.height == 1  # cut, never wrapped
        shown = line.render_line(0).text
    assert shown.startswith(' CLOSED  1001 going away "bye" · clean │ latency 12.3 ms │ ')
    assert "│ ↑ 0 (0 B) ↓ 1 (5 B) " in shown  # then the URL, cut
    assert shown.rstrip().endswith("…")
