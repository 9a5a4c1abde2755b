"""A closed tab lets go of its session: closing a firehose's tab gives its memory back."""

from __future__ import annotations

import gc
import weakref
from pathlib import Path

from sockscope.tui.factory import build_app
from sockscope.tui.tabs.live_tab import LiveTab

from .helpers import wait_for


async def test_a_closed_tab_and_its_session_are_freed(tmp_path: Path) -> None:
    app = build_app(journal_for=lambda url: tmp_path / "second.jsonl")
    async with app.run_test() as pilot:
        await pilot.press("ctrl+n")
        await wait_for(pilot, lambda: len(app.tabs) == 2)
        await pilot.pause(0.3)  # the tab bars drew both tabs (they keep where each is)
        tab = app.tabs.current
        assert isinstance(tab, LiveTab)
        session, screen = weakref.ref(tab.session), weakref.ref(tab.screen)
        del tab
        await pilot.press("alt+w")
        await wait_for(pilot, lambda: len(app.tabs) == 1)
        await pilot.pause(0.3)
        # The app froze its startup objects (SockscopeApp._settle_memory): this collection
        # must see every object to tell what still holds the tab.
        gc.unfreeze()
        gc.collect()
        assert session() is None and screen() is None
