"""The tab bar keeps the tab shown in sight when the tabs do not all fit."""

from __future__ import annotations

from sockscope.tui.factory import build_app
from sockscope.tui.widgets.tab_bar import MORE_LEFT, MORE_RIGHT, TabBar, _window

from .helpers import visible_text, wait_for


def test_the_window_holds_the_current_tab_and_fits() -> None:
    widths = [10] * 10
    for current in range(10):
        first, last = _window(widths, current, 35)
        assert first <= current <= last
        assert sum(widths[first : last + 1]) + 2 <= 35
        assert last - first + 1 == 3  # as many as fit
    assert _window(widths, 4, 200) == (0, 9)


async def test_many_tabs_on_a_narrow_screen_show_the_current_one() -> None:
    app = build_app()
    async with app.run_test(size=(60, 20)) as pilot:
        for _ in range(11):
            await pilot.press("ctrl+n")
        await wait_for(pilot, lambda: len(app.tabs) == 12)
        await pilot.pause(0.3)
        bar = visible_text(app.screen.query_one(TabBar))
        assert bar.startswith(MORE_LEFT) and " 12 " in bar and " 1 " not in bar
        await pilot.press("alt+right")  # round to the first tab
        await wait_for(pilot, lambda: app.tabs.current is next(iter(app.tabs)))
        await pilot.pause(0.3)
        bar = visible_text(app.screen.query_one(TabBar))
        assert bar.startswith(" 1 ") and bar.rstrip().endswith(MORE_RIGHT)
        # A click lands on the tab drawn under it.
        await pilot.click(TabBar, offset=(bar.index(" 2 ") + 1, 0))
        await wait_for(pilot, lambda: app.tabs.index(app.tabs.current) == 1)
