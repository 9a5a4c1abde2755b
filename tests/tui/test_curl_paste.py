"""A browser's "Copy as cURL" pasted into the URL field fills the panel, then connects."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest
from textual.events import Paste
from textual.widgets import Input
from websockets.asyncio.server import ServerConnection, serve

from sockscope.core.events import ReadyState
from sockscope.tui.factory import build_app

from .helpers import click_options_title, wait_for

CURL = """curl 'http://127.0.0.1:{port}/socket?v=2' \\
  -H 'Origin: https://app.example' \\
  -H 'Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==' \\
  -H 'Sec-WebSocket-Protocol: chat.v2' \\
  -H 'Upgrade: websocket' \\
  -H 'X-Trace: 77' \\
  -b 'sid=abc; theme=dark' \\
  --compressed -k"""


@pytest.fixture
async def handshakes() -> AsyncIterator[tuple[list[dict[str, str]], int]]:
    seen: list[dict[str, str]] = []

    async def handler(ws: ServerConnection) -> None:
        assert ws.request is not None
        seen.append(
            {"path": ws.request.path, **{k.lower(): v for k, v in ws.request.headers.raw_items()}}
        )
        await ws.wait_closed()

    async with serve(handler, "127.0.0.1", 0, subprotocols=["chat.v2"]) as server:
        yield seen, server.sockets[0].getsockname()[1]


async def test_a_pasted_curl_command_fills_the_panel_and_connects_with_it(
    handshakes: tuple[list[dict[str, str]], int],
) -> None:
    seen, port = handshakes
    app = build_app()
    async with app.run_test(size=(140, 40)) as pilot:
        url = app.main_screen.panel.query_one("#url", Input)
        url.focus()
        url.post_message(Paste(CURL.format(port=port)))
        expected = f"ws://127.0.0.1:{port}/socket?v=2"
        await wait_for(pilot, lambda: url.value == expected)
        await click_options_title(pilot)
        origin = app.main_screen.panel.query_one("#origin", Input)
        await wait_for(pilot, lambda: origin.value == "https://app.example")
        assert app.main_screen.panel.query_one("#subprotocols", Input).value == "chat.v2"
        url.focus()
        await pilot.press("enter")
        await wait_for(pilot, lambda: app.session.state is ReadyState.OPEN)
    headers = seen[0]
    assert headers["path"] == "/socket?v=2"
    assert headers["cookie"] == "sid=abc; theme=dark"
    assert headers["origin"] == "https://app.example"
    assert headers["x-trace"] == "77"
    assert headers["sec-websocket-key"] != "dGhlIHNhbXBsZSBub25jZQ=="


async def test_a_curl_command_that_cannot_be_followed_is_one_sentence() -> None:
    app = build_app()
    async with app.run_test(size=(140, 40)) as pilot:
        url = app.main_screen.panel.query_one("#url", Input)
        url.focus()
        url.post_message(Paste("curl -H 'X: 1' --frobnicate wss://a.example/"))
        await pilot.pause()
        error = str(app.main_screen.panel.query_one("#settings-error").render())
        assert "--frobnicate is not one sockscope understands" in error
        assert url.value == ""
