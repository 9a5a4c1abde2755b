"""The status line repaints only when what it says changes (the app asks 4 times a second)."""

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
        assert "↓ 0 frames" in updates[0] and "↓ 1 frames 5 B" in updates[1]
        assert "↓ 1 frames 5 B" in str(line.render())
