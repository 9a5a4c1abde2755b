"""The connection panel names the protocol layer and its options; --protocol shows in it."""

from __future__ import annotations

from textual.widgets import Input

from sockscope.core.events import ReadyState
from sockscope.core.settings import ConnectionSettings
from sockscope.tui.factory import build_app
from sockscope.tui.protocol_options import options_text, parse_options
from sockscope.tui.widgets.connection_panel import ConnectionPanel

from .helpers import click_options_title, screen_lines, wait_for

SIZE = (120, 40)


async def test_the_protocol_typed_in_the_panel_is_the_one_spoken(rpc_port: int) -> None:
    app = build_app(ConnectionSettings(f"ws://127.0.0.1:{rpc_port}/"))
    async with app.run_test(size=SIZE) as pilot:
        await click_options_title(pilot)
        await wait_for(pilot, lambda: app.query("#protocol"))
        protocol = app.query_one("#protocol", Input)
        assert protocol.value == "auto"
        protocol.value = "jsno-rpc"
        await pilot.press("f5")
        await pilot.pause()
        error = str(app.query_one("#settings-error").render())
        assert error.startswith("Unknown protocol 'jsno-rpc': use one of auto, raw, socket.io")
        assert "json-rpc" in error
        assert app.session.state is ReadyState.CLOSED
        protocol.value = "json-rpc"
        app.query_one("#protocol-options", Input).value = 'auth={"token": "a;b"}; x=1'
        await pilot.press("f5")
        await wait_for(pilot, lambda: app.session.state is ReadyState.OPEN)
        plugin = app.main_screen.worker_bridge.protocol
        await wait_for(pilot, lambda: plugin.layer is not None)
        assert plugin.layer is not None and plugin.layer.name == "json-rpc"
        assert dict(plugin.layer.option_values) == {"auth": '{"token": "a;b"}', "x": "1"}
        assert "JSON-RPC 2.0 (chosen)" in str(app.query_one("#status").render())


async def test_protocol_from_the_command_line_shows_in_the_panel() -> None:
    settings = ConnectionSettings(
        "ws://127.0.0.1:9/", protocol="json-rpc", protocol_options=(("init-payload", "{}"),)
    )
    app = build_app(settings)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        assert any("protocol json-rpc" in line for line in screen_lines(app))  # still closed
        await click_options_title(pilot)
        await wait_for(pilot, lambda: app.query("#protocol"))
        assert app.query_one("#protocol", Input).value == "json-rpc"
        assert app.query_one("#protocol-options", Input).value == "init-payload={}"
        panel = app.query_one(ConnectionPanel)
        assert panel.settings().protocol_options == (("init-payload", "{}"),)
        app.query_one("#protocol-options", Input).value = "init-payload={nope"
        await pilot.press("f5")
        await pilot.pause()
        error = str(app.query_one("#settings-error").render())
        assert error.startswith("The protocol option init-payload is not JSON")


def test_options_read_back_as_written() -> None:
    pairs = (("auth", '{"a": "x; y=1"}'), ("login", "guest"))
    assert parse_options(options_text(pairs)) == pairs
    assert parse_options(" ; ") == ()
