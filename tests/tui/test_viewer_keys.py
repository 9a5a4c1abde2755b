"""On a saved log's viewer the live session's keys do nothing, and the key bar hides them."""

from __future__ import annotations

from pathlib import Path

from sockscope.core.events import ReadyState
from sockscope.core.settings import ConnectionSettings
from sockscope.core.store.frames import Kind, Opcode
from sockscope.servers.demo import DemoServerThread
from sockscope.tui.factory import build_app
from sockscope.tui.screens.file_screens import OpenRequest
from sockscope.tui.screens.log_viewer import LogViewerScreen
from sockscope.tui.widgets.key_bar import KeyBar

from .helpers import frames, viewing_log, visible_text, wait_for

SIZE = (160, 40)


async def test_live_keys_leave_the_hidden_session_alone(
    demo_server: DemoServerThread, tmp_path: Path
) -> None:
    saved = tmp_path / "saved.jsonl"
    saved.write_text(
        '{"sockscope": 1, "url": "ws://x/"}\n'
        '{"t": 1.0, "kind": "recv", "opcode": "text", "text": "from the file"}\n'
    )
    app = build_app(ConnectionSettings(demo_server.url("/echo")), connect_now=True)
    async with app.run_test(size=SIZE) as pilot:
        await wait_for(pilot, lambda: app.session.state is ReadyState.OPEN)
        await pilot.press(*"live", "enter")
        await wait_for(pilot, lambda: (Kind.RECV, Opcode.TEXT, b"live") in frames(app))
        live_log = app.main_screen.session_view.message_log
        await wait_for(pilot, lambda: live_log.row_count == 3)
        app.files.open_log(OpenRequest(saved, None))
        await wait_for(pilot, lambda: viewing_log(app))
        await wait_for(pilot, lambda: not app.screen.rows_loading)  # type: ignore[attr-defined]
        await pilot.pause(0.1)
        bar = visible_text(app.screen.query_one(KeyBar))
        assert "Filter" in bar and "Save" in bar
        for hidden in ("Connect", "Ping", "Close…", "Clear"):
            assert hidden not in bar
        rows = len(app.session.store)
        await pilot.press("ctrl+l", "f6", "f7", "f5")
        await pilot.pause(0.2)
        assert isinstance(app.screen, LogViewerScreen)  # no close dialog came up
        assert live_log.row_count == 3  # not cleared
        assert len(app.session.store) == rows  # no ping sent, no reconnect
        assert app.session.state is ReadyState.OPEN
        await pilot.press("escape")
        await wait_for(pilot, lambda: app.screen is app.main_screen)
        assert "Connect" in visible_text(app.main_screen.query_one(KeyBar))
