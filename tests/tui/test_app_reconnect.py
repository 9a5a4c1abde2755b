"""--reconnect: an abruptly dropped connection comes back and the on-open messages go again."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest
from websockets.asyncio.server import Server, ServerConnection, serve

from sockscope.core.events import ReadyState
from sockscope.core.settings import ConnectionSettings
from sockscope.core.store.frames import Kind
from sockscope.tui.factory import build_app

from .helpers import visible_text, wait_for


class Flaky:
    """Drops the first connection without a close frame, then echoes."""

    def __init__(self) -> None:
        self.connections = 0
        self.first_messages: list[str] = []

    async def handler(self, ws: ServerConnection) -> None:
        self.connections += 1
        self.first_messages.append(str(await ws.recv()))
        if self.connections == 1:
            ws.transport.abort()
            return
        async for message in ws:
            await ws.send(message)


@pytest.fixture
async def flaky() -> AsyncIterator[tuple[Flaky, Server]]:
    behaviour = Flaky()
    async with serve(behaviour.handler, "127.0.0.1", 0) as server:
        yield behaviour, server


async def test_reconnects_and_resends_on_open_messages(flaky: tuple[Flaky, Server]) -> None:
    behaviour, server = flaky
    port = next(iter(server.sockets)).getsockname()[1]
    settings = ConnectionSettings(
        f"ws://127.0.0.1:{port}/", reconnect=True, on_open=('{"auth": "token"}',)
    )
    app = build_app(settings, connect_now=True)
    async with app.run_test(size=(160, 40)) as pilot:
        # The server counts the second connection before its first message arrives.
        await wait_for(pilot, lambda: len(behaviour.first_messages) == 2, timeout=5)
        await wait_for(pilot, lambda: app.session.state is ReadyState.OPEN)
        assert behaviour.first_messages == ['{"auth": "token"}', '{"auth": "token"}']
        store = app.session.store
        kinds = [store.kind(i) for i in range(len(store))]
        assert kinds.count(Kind.OPEN) == 2
        close = kinds.index(Kind.CLOSE)
        assert store.info(close)["code"] == 1006
        notes = [store.info(i)["message"] for i, k in enumerate(kinds) if k is Kind.NOTE]
        assert notes and notes[0].startswith("Reconnecting in ")
        await pilot.pause(0.1)
        assert "Reconnecting in" in visible_text(app.query_one("#log"))
