"""The composer's history across runs, failed sends, its error line and select-all."""

from __future__ import annotations

from pathlib import Path

from sockscope.core.events import ReadyState
from sockscope.core.settings import ConnectionSettings
from sockscope.core.store.frames import Kind, Opcode
from sockscope.core.text.compose import ComposeMode
from sockscope.servers.demo import DemoServerThread
from sockscope.tui.factory import build_app
from sockscope.tui.screens.main_screen import MainScreen
from sockscope.tui.widgets.composer import Composer

from .helpers import frames, wait_for

SIZE = (160, 40)


def _error(app) -> str:  # type: ignore[no-untyped-def]
    return str(app.query_one("#composer-error").render())


async def test_history_comes_back_next_run_each_entry_in_its_mode(
    demo_server: DemoServerThread, tmp_path: Path
) -> None:
    history = tmp_path / "state" / "composer-history.jsonl"
    settings = ConnectionSettings(demo_server.url("/echo"))
    app = build_app(settings, connect_now=True, history_path=history)
    async with app.run_test(size=SIZE) as pilot:
        await wait_for(pilot, lambda: app.session.state is ReadyState.OPEN)
        composer = app.query_one(Composer)
        await pilot.press(*"plain", "enter")
        composer.set_mode(ComposeMode.BASE64)
        await pilot.pause()
        await pilot.press(*"AAE=", "enter")
        await wait_for(pilot, lambda: (Kind.RECV, Opcode.BINARY, b"\x00\x01") in frames(app))
    assert history.stat().st_mode & 0o777 == 0o600

    again = build_app(settings, connect_now=True, history_path=history)
    async with again.run_test(size=SIZE) as pilot:
        await wait_for(pilot, lambda: again.session.state is ReadyState.OPEN)
        composer = again.query_one(Composer)
        composer.set_mode(ComposeMode.PING)
        await pilot.pause()
        await pilot.press("up")
        await pilot.pause()
        assert (composer.mode, composer.editor.text) == (ComposeMode.BASE64, "AAE=")
        await pilot.press("enter")
        await wait_for(pilot, lambda: (Kind.RECV, Opcode.BINARY, b"\x00\x01") in frames(again))
        assert not any(op is Opcode.PING for _, op, _ in frames(again))
        await pilot.press("up", "up")
        await pilot.pause()
        assert (composer.mode, composer.editor.text) == (ComposeMode.TEXT, "plain")


async def test_a_failed_send_keeps_the_text_and_an_empty_editor_drops_the_error(
    demo_server: DemoServerThread,
) -> None:
    app = build_app(ConnectionSettings(demo_server.url("/echo")))  # not connected
    async with app.run_test(size=SIZE) as pilot:
        app.main_screen.focus_composer()
        composer = app.query_one(Composer)
        await pilot.press(*"keep me", "enter")
        await pilot.pause()
        assert composer.editor.text == "keep me"
        assert "Not connected" in _error(app)
        await pilot.press("ctrl+a")  # select all, not F7's Close dialog
        await pilot.pause()
        assert isinstance(app.screen, MainScreen)
        assert composer.editor.selected_text == "keep me"
        await pilot.press("backspace")
        await pilot.pause()
        assert composer.editor.text == "" and _error(app) == ""

        await pilot.press("f5")
        await wait_for(pilot, lambda: app.session.state is ReadyState.OPEN)
        app.main_screen.focus_composer()
        composer.set_mode(ComposeMode.HEX)
        await pilot.pause()
        await pilot.press(*"00 zz", "enter")
        await pilot.pause()
        assert composer.editor.text == "00 zz" and "hex" in _error(app).lower()


async def test_a_hex_error_is_one_sentence_with_the_column(demo_server: DemoServerThread) -> None:
    app = build_app(ConnectionSettings(demo_server.url("/echo")), connect_now=True)
    async with app.run_test(size=SIZE) as pilot:
        await wait_for(pilot, lambda: app.session.state is ReadyState.OPEN)
        app.query_one(Composer).set_mode(ComposeMode.HEX)
        await pilot.pause()
        await pilot.press(*"00 ff zz 11", "enter")
        await pilot.pause()
        assert _error(app) == "Not hex at column 7: 'zz'."
