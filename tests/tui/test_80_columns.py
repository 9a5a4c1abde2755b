"""At 80x24, the smallest usual terminal, every label is shown whole (issue 13, item 22)."""

from __future__ import annotations

from textual.widgets import Input

from sockscope.core.events import ReadyState
from sockscope.core.settings import ConnectionSettings
from sockscope.servers.demo import DemoServerThread
from sockscope.tui.factory import build_app

from .helpers import click_options_title, screen_lines, wait_for

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


LABELS = {
    "subprotocols": "Subprotocols",
    "origin": "Origin",
    "user-agent": "User-Agent",
    "proxy": "Proxy URL",
    "ca": "CA file",
    "cert": "Client cert",
    "key": "Client key",
    "ping-interval": "Ping interval (s)",
    "open-timeout": "Open timeout (s)",
    "max-size": "Max size (bytes)",
}


async def test_every_option_field_is_labelled_whole_over_its_value() -> None:
    """A prefilled 20 reads as "Ping interval (s)" over 20, not a bare number."""
    app = build_app(ConnectionSettings("ws://127.0.0.1:9/", max_size=16777216))
    async with app.run_test(size=SIZE) as pilot:
        await click_options_title(pilot)
        await wait_for(pilot, lambda: bool(app.query("#options-grid Input")))
        panel = app.query_one("#connection")
        for widget_id, label in LABELS.items():
            field = app.query_one(f"#{widget_id}", Input)
            field.focus()  # as tab does: the panel scrolls it into view
            await wait_for(pilot, lambda f=field: panel.region.contains_region(f.region))
            region = field.region
            lines = [line[region.x : region.right] for line in screen_lines(app)]
            assert f"▔ {label} ▔" in lines[region.y], (label, lines[region.y])
            if field.value:
                assert lines[region.y + 1].strip(" ▊▎") == field.value
        values = {i: app.query_one(f"#{i}", Input).value for i in LABELS}
        assert values["ping-interval"] == "20" and values["open-timeout"] == "10"
        assert values["max-size"] == "16777216"
