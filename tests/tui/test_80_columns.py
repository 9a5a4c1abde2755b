"""At 80x24, the smallest usual terminal, every label is shown whole (issue 13, item 22)."""

from __future__ import annotations

from sockscope.core.events import ReadyState
from sockscope.core.settings import ConnectionSettings
from sockscope.servers.demo import DemoServerThread
from sockscope.tui.factory import build_app

from .helpers import screen_lines, wait_for

SIZE = (80, 24)


async def test_the_composers_buttons_read_whole(demo_server: DemoServerThread) -> None:
    app = build_app(ConnectionSettings(demo_server.url("/echo")), connect_now=True)
    async with app.run_test(size=SIZE) as pilot:
        await wait_for(pilot, lambda: app.session.state is ReadyState.OPEN)
        await pilot.pause()
        bar = screen_lines(app)[app.query_one("#composer-bar").region.y]
        assert "minify" in bar and "Send ⏎" in bar and "Ping" in bar
        assert bar.rstrip().endswith("Close…"), bar
        await pilot.click("#close")  # the whole button is on screen: its last cell too
        await wait_for(pilot, lambda: app.screen is not app.main_screen)


async def test_the_key_bar_drops_keys_whole(demo_server: DemoServerThread) -> None:
    """The keys that do not fit are left out, the least important (last) first: no "^s Sav"."""
    app = build_app(ConnectionSettings(demo_server.url("/echo")), connect_now=True)
    async with app.run_test(size=SIZE) as pilot:
        await wait_for(pilot, lambda: app.session.state is ReadyState.OPEN)
        await pilot.pause()
        bar = screen_lines(app)[-1]
        keys, palette = bar.split("▏")
        assert palette == "^p palette "
        shown = [part.strip() for part in keys.split("  ") if part.strip()]
        assert shown == ["f6 Ping", "f7 Close…", "^q Quit", "f1 Help", "f5 Connect", "^f Filter"]
