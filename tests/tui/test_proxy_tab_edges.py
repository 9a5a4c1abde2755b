"""The proxy's tabs beside the others: closed, logs opened from them, live tabs among them."""

from __future__ import annotations

from pathlib import Path

from websockets.asyncio.client import connect
from websockets.protocol import State

from sockscope.tui.palette.copy_as import copy_as_entries
from sockscope.tui.tabs.live_tab import LiveTab
from sockscope.tui.tabs.log_tab import LogTab

from .helpers import wait_for
from .test_app_replay import ECHOED, write_log
from .test_log_tabs import _open_with_ctrl_o
from .test_proxy_tui import Upstream, client_tab, home, proxy_app, show


async def test_a_closed_connection_tab_is_gone_from_the_proxy_tab_too() -> None:
    async with proxy_app(Upstream()) as (app, pilot):
        async with connect(f"{home(app).runner.server.url}/feed") as ws:
            await ws.send("hello")
            await ws.recv()
            tab = await client_tab(pilot)
            await show(pilot, tab)
            await pilot.press("alt+w")  # closes it: the client is closed with 1001
            await wait_for(pilot, lambda: len(app.tabs) == 1)
            await wait_for(pilot, lambda: ws.state is State.CLOSED)
        assert 1 not in home(app).runner.tabs
        table = app.screen.query_one("#connections")
        table.focus()
        await pilot.press("enter")  # its row stays in the list: enter shows nothing
        await pilot.pause(0.1)
        assert app.tabs.current is home(app)


async def test_a_log_opened_from_a_connection_tab_closes_without_ending_it(
    tmp_path: Path,
) -> None:
    log = write_log(tmp_path / "saved.jsonl", "ws://recorded.test/echo", ECHOED)
    async with (
        proxy_app(Upstream()) as (app, pilot),
        connect(f"{home(app).runner.server.url}/feed") as ws,
    ):
        tab = await client_tab(pilot)
        await show(pilot, tab)
        opened = await _open_with_ctrl_o(app, pilot, log)
        assert opened.files is tab.files  # ctrl+s and ctrl+o there work as in its opener
        await pilot.press("escape")
        await wait_for(pilot, lambda: app.tabs.current is tab)
        await ws.send("still here")
        assert await ws.recv() == "still here"


async def test_no_live_tab_left_beside_the_proxy_and_a_log(tmp_path: Path) -> None:
    log = write_log(tmp_path / "saved.jsonl", "ws://recorded.test/echo", ECHOED)
    async with proxy_app(Upstream()) as (app, pilot):
        assert copy_as_entries(app) == []  # no connection of the user's to copy
        await pilot.press("shift+f8")  # abort: a live tab's key, off here
        await pilot.press("ctrl+n")
        await wait_for(pilot, lambda: isinstance(app.tabs.current, LiveTab))
        assert copy_as_entries(app)
        live = app.tabs.current
        await _open_with_ctrl_o(app, pilot, log)
        app.tabs.show(live)
        await pilot.press("alt+w")  # the live tab goes: the proxy's and the log's stay
        await wait_for(pilot, lambda: len(app.tabs) == 2)
        await pilot.press("alt+2")
        await wait_for(pilot, lambda: isinstance(app.tabs.current, LogTab))
        for key in ("ctrl+f", "escape", "f5", "shift+f8", "ctrl+s", "escape"):
            await pilot.press(key)  # the save dialog came and went (its opener's files)
        await pilot.press("escape")  # closes the log: its opener is gone, its neighbour shows
        await wait_for(pilot, lambda: app.tabs.current is home(app))
        assert app.is_running
