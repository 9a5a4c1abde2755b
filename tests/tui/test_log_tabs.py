"""Opened logs in tabs of their own, beside live tabs that go on recording."""

from __future__ import annotations

from pathlib import Path

from textual.pilot import Pilot
from textual.widgets import Input

from sockscope.core.events import ReadyState
from sockscope.core.formats.load import load_log
from sockscope.core.settings import ConnectionSettings
from sockscope.core.store.frames import Kind, Opcode
from sockscope.servers.demo import DemoServerThread
from sockscope.tui.app import SockscopeApp
from sockscope.tui.factory import build_app
from sockscope.tui.log.message_log import MessageLog
from sockscope.tui.screens.diff_screen import DiffScreen
from sockscope.tui.screens.file_screens import OpenScreen, SaveScreen
from sockscope.tui.screens.log_viewer import LogViewerScreen
from sockscope.tui.screens.replay_screen import ReplayScreen
from sockscope.tui.tabs.live_tab import LiveTab
from sockscope.tui.tabs.log_tab import LogTab
from sockscope.tui.widgets.key_bar import KeyBar
from sockscope.tui.widgets.tab_bar import TabBar

from .helpers import viewing_log, visible_text, wait_for
from .test_app_replay import ECHOED, start_replay, the_diff, write_log

SIZE = (140, 36)


def _log_tab(app: SockscopeApp) -> LogTab:
    tab = app.tabs.current
    assert isinstance(tab, LogTab)
    return tab


async def _open_with_ctrl_o(app: SockscopeApp, pilot: Pilot[None], path: Path) -> LogTab:
    await pilot.press("ctrl+o")
    await wait_for(pilot, lambda: isinstance(app.screen, OpenScreen) and app.screen.query(Input))
    app.screen.query_one("#open-path", Input).value = str(path)
    await pilot.press("enter")
    await wait_for(pilot, lambda: viewing_log(app) and not app.screen.rows_loading)  # type: ignore[attr-defined]
    return _log_tab(app)


async def test_a_log_opens_in_a_tab_while_the_live_tab_records(
    demo_server: DemoServerThread, tmp_path: Path
) -> None:
    log = write_log(tmp_path / "saved.jsonl", "ws://recorded.test/echo", ECHOED)
    app = build_app(ConnectionSettings(demo_server.url("/ticks?rate=200")), connect_now=True)
    async with app.run_test(size=SIZE) as pilot:
        live = app.live
        await wait_for(pilot, lambda: live.session.state is ReadyState.OPEN)
        await wait_for(pilot, lambda: app.focused is live.main_screen.composer.editor)
        tab = await _open_with_ctrl_o(app, pilot, log)
        assert [*app.tabs] == [live, tab] and tab.title() == "saved.jsonl"
        assert app.screen_stack == [tab.viewer]  # the viewer is the tab's own screen
        assert tab.rows() == 7
        await pilot.pause(0.1)
        assert "hello" in visible_text(app.screen.query_one(MessageLog))
        # The live session's keys are off here, and off the key bar; app.live is still it.
        assert app.live is live and app.check_action("connect", ()) is False
        keys = visible_text(app.screen.query_one(KeyBar))
        assert "Close log" in keys and "Connect" not in keys and "Ping" not in keys
        # The ticks go on in the live tab: the bar counts them as unread.
        await wait_for(pilot, lambda: app.tabs.unread(live) > 20)
        await pilot.pause(0.3)  # the bar looks four times a second
        bar = visible_text(app.screen.query_one(TabBar))
        assert "2 ▤ saved.jsonl" in bar and "/ticks" in bar and "·" in bar
        await pilot.press("escape")
        await wait_for(pilot, lambda: len(app.tabs) == 1 and app.screen is live.main_screen)
        assert app.focused is live.main_screen.composer.editor  # where the user left it
        assert live.session.state is ReadyState.OPEN
        assert not app.screen.query_one(TabBar).display


async def test_escape_goes_back_to_the_tab_the_log_was_opened_from(
    demo_server: DemoServerThread, tmp_path: Path
) -> None:
    log = write_log(tmp_path / "saved.jsonl", "ws://recorded.test/echo", ECHOED)
    echo = ConnectionSettings(demo_server.url("/echo"))
    app = build_app(echo, connect_now=True, more=(echo,))
    async with app.run_test(size=SIZE) as pilot:
        await wait_for(pilot, lambda: len(app.tabs) == 2)
        first = app.live_tabs()[0]
        await wait_for(pilot, lambda: app.tabs.current is first)
        tab = await _open_with_ctrl_o(app, pilot, log)
        assert app.tabs.index(tab) == 2  # after the others
        await pilot.press("escape")
        await wait_for(pilot, lambda: tab not in app.tabs)
        assert app.tabs.current is first  # not its neighbour, tab 2
        # alt+w closes a log tab too; the last live tab stays (a log cannot be alone).
        tab = await _open_with_ctrl_o(app, pilot, log)
        await pilot.press("alt+w")
        await wait_for(pilot, lambda: tab not in app.tabs and app.tabs.current is first)
        await pilot.press("alt+2", "alt+w")
        await wait_for(pilot, lambda: len(app.tabs) == 1)
        tab = await _open_with_ctrl_o(app, pilot, log)
        await pilot.press("alt+1", "alt+w")
        await pilot.pause(0.1)
        assert [*app.tabs] == [first, tab]
        assert any("The last live tab" in n.message for n in app._notifications)


async def test_ctrl_s_saves_the_tab_shown(demo_server: DemoServerThread, tmp_path: Path) -> None:
    """In a log tab, the log (converted to HAR here); in a live tab, that tab's session."""
    log = write_log(tmp_path / "saved.jsonl", "ws://recorded.test/echo", ECHOED)
    echo = ConnectionSettings(demo_server.url("/echo"))
    app = build_app(echo, connect_now=True, more=(echo,), open_path=log)
    async with app.run_test(size=SIZE) as pilot:
        await wait_for(pilot, lambda: len(app.tabs) == 3)
        await wait_for(pilot, lambda: all(t.session.opened for t in app.live_tabs()))
        await pilot.press("alt+3")
        await wait_for(pilot, lambda: viewing_log(app))
        await _save_as(app, pilot, tmp_path / "again.har", "sockscope-log-")
        again = load_log(tmp_path / "again.har")
        assert again.header.url == "ws://recorded.test/echo"
        assert [again.store.payload(i) for i in range(1, 7)] == [row[3] for row in ECHOED]
        await pilot.press("alt+2")
        second = app.live
        await wait_for(pilot, lambda: app.screen is second.main_screen)
        await pilot.press(*"second tab", "enter")
        await wait_for(pilot, lambda: len(second.session.store) >= 3)
        await _save_as(app, pilot, tmp_path / "second.jsonl", "sockscope-")
        saved = load_log(tmp_path / "second.jsonl").store
        assert (Kind.RECV, Opcode.TEXT, b"second tab") in [
            (saved.kind(i), saved.opcode(i), saved.payload(i)) for i in range(len(saved))
        ]
        first = app.live_tabs()[0]
        assert len(first.session.store) < len(saved)  # the first tab sent nothing


async def _save_as(app: SockscopeApp, pilot: Pilot[None], target: Path, prefix: str) -> None:
    await pilot.press("ctrl+s")
    await wait_for(pilot, lambda: isinstance(app.screen, SaveScreen) and app.screen.query(Input))
    field = app.screen.query_one("#save-path", Input)
    assert Path(field.value).name.startswith(prefix)
    field.value = str(target)
    await pilot.press("enter")
    await wait_for(pilot, lambda: any(f"to {target}" in n.message for n in app._notifications))


async def test_a_replay_stays_in_its_log_tab(demo_server: DemoServerThread, tmp_path: Path) -> None:
    log = write_log(tmp_path / "echo.jsonl", demo_server.url("/echo"), ECHOED)
    app = build_app(ConnectionSettings(demo_server.url("/echo")), connect_now=True, open_path=log)
    async with app.run_test(size=SIZE) as pilot:
        await start_replay(app, pilot)
        diff = await the_diff(app, pilot)
        assert diff.report.ok
        assert [type(s) for s in app.screen_stack] == [LogViewerScreen, ReplayScreen, DiffScreen]
        await pilot.press("alt+1")  # the live tab, as it was
        await wait_for(pilot, lambda: app.screen is app.main_screen)
        assert isinstance(app.tabs.current, LiveTab)
        await pilot.press("alt+2")  # the log's tab, its replay and diff still on it
        await wait_for(pilot, lambda: app.screen is diff)
        await pilot.press("escape", "escape")
        await wait_for(pilot, lambda: viewing_log(app))
        await pilot.press("escape")
        await wait_for(pilot, lambda: len(app.tabs) == 1 and app.screen is app.main_screen)
