"""A 50 MB frame: recorded whole, previewed and inspected lazily, the UI still answering."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest
from textual.containers import VerticalScroll
from textual.widgets import Static
from websockets.asyncio.server import Server, ServerConnection, serve

from sockscope.core.events import ReadyState
from sockscope.core.settings import ConnectionSettings
from sockscope.core.store.frames import Kind, Opcode
from sockscope.core.text.inspect import CHUNK, Mode, mode_text
from sockscope.tui.factory import build_app
from sockscope.tui.widgets.inspector import Inspector
from sockscope.tui.widgets.session_view import SessionView

from .helpers import visible_text, wait_for

HUGE = 50 * 2**20


async def send_huge(ws: ServerConnection) -> None:
    await ws.send(b"\x00\x01" * (HUGE // 2))
    await ws.send('{"after": "the huge frame"}')
    await ws.wait_closed()


@pytest.fixture
async def huge_server() -> AsyncIterator[Server]:
    async with serve(send_huge, "127.0.0.1", 0, max_size=None, compression=None) as server:
        yield server


async def test_a_50_mb_frame_is_kept_and_shown_lazily(huge_server: Server) -> None:
    port = next(iter(huge_server.sockets)).getsockname()[1]
    settings = ConnectionSettings(f"ws://127.0.0.1:{port}/", max_size=64 * 2**20)
    app = build_app(settings, connect_now=True)
    async with app.run_test(size=(160, 40)) as pilot:
        await wait_for(pilot, lambda: app.session.store.frames_in == 2, timeout=20)
        store = app.session.store
        assert store.size(1) == HUGE  # row 0 is the open row
        await pilot.press("ctrl+g", "home", "down")
        inspector = app.query_one(Inspector)
        await wait_for(pilot, lambda: inspector.row is not None and inspector.row.size == HUGE)
        body = " ".join(visible_text(app.query_one("#inspector-body")).split())
        assert "00000000 00 01 00 01" in body
        more = app.query_one("#inspector-more", Static)
        assert str(more.content) == f"… {HUGE - CHUNK:,} more bytes: press m for more"
        await pilot.press("m")  # from the log, where the cursor is: the next part only
        await wait_for(pilot, lambda: len(app.query(".inspector-part")) == 1)
        assert f"{CHUNK:08x}  00 01 00 01" in inspector.shown_text
        assert str(more.content) == f"… {HUGE - 2 * CHUNK:,} more bytes: press m for more"
        await pilot.press("down")  # the UI still answers keys
        await wait_for(pilot, lambda: inspector.row is not None and inspector.row.size < 100)
        assert app.session.state is ReadyState.OPEN


async def test_m_in_the_inspector_shows_the_next_part_of_a_5_mb_binary_row() -> None:
    app = build_app(ConnectionSettings("ws://127.0.0.1:9/"), connect_now=False)
    async with app.run_test(size=(80, 24)) as pilot:
        payload = bytes(range(256)) * (5 * 2**20 // 256)
        app.session.store.append(1.0, Kind.RECV, Opcode.BINARY, payload)
        app.query_one(SessionView).refresh_rows()
        await pilot.press("ctrl+g", "home")
        inspector = app.query_one(Inspector)
        await wait_for(pilot, lambda: inspector.row is not None)
        more = app.query_one("#inspector-more", Static)
        assert str(more.content) == f"… {len(payload) - CHUNK:,} more bytes: press m for more"
        inspector.query_one(VerticalScroll).focus()
        await pilot.press("m", "m")
        assert len(app.query(".inspector-part")) == 2
        assert str(more.content).startswith(f"… {len(payload) - 3 * CHUNK:,} more bytes")
        assert inspector.copy_text() == mode_text(Mode.HEX, payload, None)  # copy: all of it
