"""The log dims a layer's keepalives and hides them with a key, on top of the user's filter;
rows the layer reads as errors are shown as errors."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import pytest
from websockets.asyncio.server import ServerConnection, serve

from sockscope.core.events import ReadyState
from sockscope.core.protocols import registry
from sockscope.core.settings import ConnectionSettings
from sockscope.tui.factory import build_app
from sockscope.tui.log.message_log import MessageLog

from .helpers import wait_for

SIZE = (120, 36)
SENT = ["beat", "hello", "beat", "oops", "beat", "bye"]


@asynccontextmanager
async def beating_server() -> AsyncIterator[int]:
    async def handler(ws: ServerConnection) -> None:
        for kind in SENT:
            await ws.send(f'{{"type": "{kind}"}}')
        await ws.wait_closed()  # open until the app goes

    async with serve(handler, "127.0.0.1", 0) as server:
        yield server.sockets[0].getsockname()[1]


def _line(log: MessageLog, word: str):  # type: ignore[no-untyped-def]
    for y in range(log.size.height):
        strip = log.render_line(y)
        if f"{word}" in strip.text.split():
            return strip
    raise AssertionError(f"no line says {word!r}")


async def test_keepalives_dim_hidden_with_k_and_errors_red(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setitem(registry.BUILT_IN, "beat", "tui.beat_layer:BeatLayer")
    async with beating_server() as port:
        settings = ConnectionSettings(f"ws://127.0.0.1:{port}/", protocol="beat")
        app = build_app(settings, connect_now=True)
        async with app.run_test(size=SIZE) as pilot:
            await wait_for(pilot, lambda: len(app.session.store) == 1 + len(SENT))
            log = app.query_one(MessageLog)
            log.refresh_rows()
            await pilot.pause()
            assert all(s.style is None or s.style.dim for s in _line(log, "beat")._segments)
            assert not any(s.style and s.style.dim for s in _line(log, "hello")._segments)
            error = log.get_component_rich_style("message-log--error").color
            assert any(s.style and s.style.color == error for s in _line(log, "oops")._segments)

            rows = log.row_count
            log.focus()
            await pilot.press("k")
            await wait_for(pilot, lambda: log.row_count == rows - 3)
            assert "beat" not in " ".join(log.render_line(y).text for y in range(rows))
            # The user's filter and the hidden keepalives together.
            await pilot.press("ctrl+f", *"type")  # every frame, the beats too
            await wait_for(pilot, lambda: " of " in str(log.border_subtitle))
            await pilot.press("escape")
            await pilot.pause()
            shown = [log.render_line(y).text.split()[-1] for y in range(log.row_count)]
            assert shown == ["hello", "oops", "bye"]
            log.focus()
            await pilot.press("k")  # the beats come back, still filtered by the user's "type"
            await wait_for(pilot, lambda: log.row_count == len(SENT))
            assert app.session.state is ReadyState.OPEN
