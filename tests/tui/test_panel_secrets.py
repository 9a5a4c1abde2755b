"""Secrets in the connection panel are masked on screen, yet sent as typed."""

from __future__ import annotations

from sockscope.core.events import ReadyState
from sockscope.core.settings import ConnectionSettings
from sockscope.servers.demo import DemoServerThread
from sockscope.tui.factory import build_app

from .helpers import click_options_title, wait_for

TOKEN = "Bearer s3cr3t-t0ken"


async def test_headers_are_masked_until_edited_and_sent_in_full(
    demo_server: DemoServerThread,
) -> None:
    settings = ConnectionSettings(
        demo_server.url("/echo"), headers=(("Authorization", TOKEN), ("X-Trace", "abc"))
    )
    app = build_app(settings)
    async with app.run_test(size=(160, 45)) as pilot:
        assert not app.query("#headers-masked")  # the form mounts when the options open
        await click_options_title(pilot)
        await wait_for(pilot, lambda: app.query("#headers-masked"))
        await pilot.pause(0.1)
        masked = app.query_one("#headers-masked")
        shown = str(masked.render())
        assert "Authorization: Bearer ••••••" in shown and "X-Trace: abc" in shown
        assert "s3cr3t" not in app.export_screenshot()
        assert not app.query_one("#headers").display
        await pilot.click("#edit-headers")
        await pilot.pause(0.1)
        assert app.query_one("#headers").display  # editing shows the real values
        await pilot.click("#edit-headers")  # "Done" masks them again
        await pilot.pause(0.1)
        assert not app.query_one("#headers").display
        await pilot.press("f5")
        await wait_for(pilot, lambda: app.session.state is ReadyState.OPEN)
        sent = dict(app.session.store.info(0)["request_headers"])
        assert sent["Authorization"] == TOKEN
        assert "s3cr3t" not in str(app.main_screen.status_line.render())


async def test_settings_given_at_start_are_sent_with_the_options_never_opened(
    demo_server: DemoServerThread,
) -> None:
    settings = ConnectionSettings(demo_server.url("/echo"), headers=(("Authorization", TOKEN),))
    app = build_app(settings)
    async with app.run_test(size=(160, 45)) as pilot:
        await pilot.press("f5")
        await wait_for(pilot, lambda: app.session.state is ReadyState.OPEN)
        assert not app.query("#options-form")  # never opened, so never mounted
        sent = dict(app.session.store.info(0)["request_headers"])
        assert sent["Authorization"] == TOKEN
