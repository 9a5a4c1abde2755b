"""Opening tabs from the collection and the palette; the palette lists the tabs by title."""

from __future__ import annotations

from pathlib import Path

from textual.command import CommandPalette

from sockscope.core.events import ReadyState
from sockscope.core.settings import ConnectionSettings
from sockscope.servers.demo import DemoServerThread
from sockscope.tui.factory import build_app
from sockscope.tui.palette.provider import palette_entries
from sockscope.tui.screens.file_screens import OpenRequest
from sockscope.tui.tabs.log_tab import LogTab

from .helpers import viewing_log, wait_for
from .test_app_replay import ECHOED, write_log
from .test_collection_sidebar import (
    TOKEN,
    Recorder,
    app_on,
    choose,
    collection,
    labels,
    server,  # noqa: F401 (the fixture)
)
from .test_palette import run_in_palette

SIZE = (140, 40)


async def test_a_saved_connection_opens_in_a_new_tab_with_its_variables(
    server: tuple[Recorder, int],  # noqa: F811
    tmp_path: Path,
) -> None:
    recorder, port = server
    app = app_on(collection(tmp_path / "c", port))
    async with app.run_test(size=SIZE) as pilot:
        await wait_for(pilot, lambda: "api" in labels(app))
        first = app.live
        await choose(pilot, app, "api", key="t")
        await wait_for(pilot, lambda: len(app.tabs) == 2)
        second = app.live
        assert second is not first and app.tabs.current is second
        await wait_for(pilot, lambda: second.session.state is ReadyState.OPEN)
        assert recorder.headers[0]["x-token"] == TOKEN
        assert recorder.paths == ["/live?room=lobby"]
        # The first tab is as it was: nothing connected, no saved connection open there.
        assert (
            first.session.state is ReadyState.CLOSED and first.main_screen.workspace.saved is None
        )
        # The new tab's composer has the connection's messages and variables.
        await wait_for(pilot, lambda: app.focused is second.main_screen.composer.editor)
        assert [m.name for m in second.main_screen.composer.saved_messages] == ["hello", "plain"]
        await pilot.press(*"in {{ROOM}}", "enter")
        await wait_for(pilot, lambda: "in lobby" in recorder.heard)
        # The palette does it too: a third tab, its own connection.
        await run_in_palette(pilot, app, "Connect in a new tab: team/api")
        await wait_for(pilot, lambda: len(app.tabs) == 3)
        third = app.live
        await wait_for(pilot, lambda: third.session.state is ReadyState.OPEN)
        assert len(recorder.paths) == 2 and second.session.state is ReadyState.OPEN


async def test_a_bad_saved_connection_opens_no_tab(
    server: tuple[Recorder, int],  # noqa: F811
    tmp_path: Path,
) -> None:
    _, port = server
    app = build_app(ConnectionSettings(), collection=collection(tmp_path / "c", port))  # no --env
    async with app.run_test(size=SIZE) as pilot:
        await wait_for(pilot, lambda: "api" in labels(app))
        await choose(pilot, app, "api", key="t")
        await wait_for(pilot, lambda: any("TOKEN" in n.message for n in app._notifications))
        await pilot.pause(0.1)
        assert len(app.tabs) == 1


async def test_the_palette_lists_the_tabs_and_shows_one(
    demo_server: DemoServerThread, tmp_path: Path
) -> None:
    log = write_log(tmp_path / "saved.jsonl", "ws://recorded.test/echo", ECHOED)
    echo, ticks = demo_server.url("/echo"), demo_server.url("/ticks?rate=20")
    app = build_app(ConnectionSettings(echo), connect_now=True, more=(ConnectionSettings(ticks),))
    async with app.run_test(size=SIZE) as pilot:
        await wait_for(pilot, lambda: len(app.tabs) == 2 and app.tabs.current is app.live_tabs()[0])
        app.files.open_log(OpenRequest(log, None))
        await wait_for(pilot, lambda: isinstance(app.tabs.current, LogTab) and viewing_log(app))
        host = echo.removeprefix("ws://").removesuffix("/echo")
        tabs = [e for e in palette_entries(app, app.screen) if e.title.startswith("Tab ")]
        assert [e.title for e in tabs] == [
            f"Tab 1: {host}/echo",
            f"Tab 2: {host}/ticks",
            "Tab 3: saved.jsonl",
        ]
        assert [e.binding_ids for e in tabs] == [("show_tab.1",), ("show_tab.2",), ("show_tab.3",)]
        assert "alt+2" in tabs[1].help
        await run_in_palette(pilot, app, "Tab 2: ")
        await wait_for(pilot, lambda: app.tabs.current is app.live_tabs()[1])
        assert not isinstance(app.screen, CommandPalette)
        await run_in_palette(pilot, app, "New tab")
        await wait_for(pilot, lambda: len(app.tabs) == 4)
        await run_in_palette(pilot, app, "Close tab")
        await wait_for(pilot, lambda: len(app.tabs) == 3)
        await run_in_palette(pilot, app, "Tab 3: saved")
        await wait_for(pilot, lambda: isinstance(app.tabs.current, LogTab))
