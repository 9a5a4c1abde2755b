"""``sockscope proxy`` in the TUI: a real upstream, a real client, breakpoints decided by keys."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from tests.proxy.helpers import rows, upstream
from textual.pilot import Pilot
from websockets.asyncio.client import connect
from websockets.asyncio.server import ServerConnection

from sockscope.core.proxy.setup import ProxySetup
from sockscope.core.settings import ConnectionSettings
from sockscope.core.store.frames import Kind
from sockscope.tui.app import SockscopeApp
from sockscope.tui.factory import build_app
from sockscope.tui.proxy.breakpoint_dialog import BreakpointDialog
from sockscope.tui.proxy.connection_screen import ProxyConnectionScreen
from sockscope.tui.proxy.connection_tab import ProxyTab
from sockscope.tui.proxy.home_tab import ProxyHomeTab
from sockscope.tui.tabs.tab import TabState

from .helpers import visible_text, wait_for

SIZE = (120, 36)


class Upstream:
    """An echo server that keeps every message it got."""

    def __init__(self) -> None:
        self.got: list[str | bytes] = []

    async def __call__(self, ws: ServerConnection) -> None:
        async for message in ws:
            self.got.append(message)
            await ws.send(message)


@asynccontextmanager
async def proxy_app(server: Upstream) -> AsyncIterator[tuple[SockscopeApp, Pilot[None]]]:
    """The app running ``sockscope proxy`` to ``server``, listening on a free port."""
    async with upstream(server) as url:
        app = build_app(proxy=ProxySetup(ConnectionSettings(url), "127.0.0.1", 0))
        async with app.run_test(size=SIZE) as pilot:
            await wait_for(pilot, lambda: home(app).runner.listening)
            yield app, pilot


def home(app: SockscopeApp) -> ProxyHomeTab:
    tab = next(iter(app.tabs))
    assert isinstance(tab, ProxyHomeTab)
    return tab


async def add_breakpoint(pilot: Pilot[None], pattern: str, *, to_client: bool = False) -> None:
    """b on the proxy's tab, the way, the pattern, enter."""
    app = pilot.app
    await pilot.press("b")
    await wait_for(pilot, lambda: isinstance(app.screen, BreakpointDialog))
    if to_client:
        app.screen.query_one("#breakpoint-way").focus()
        await pilot.press("enter", "down", "enter")
        app.screen.query_one("#breakpoint-pattern").focus()
    await pilot.press(*pattern, "enter")
    await wait_for(pilot, lambda: not isinstance(app.screen, BreakpointDialog))


async def client_tab(pilot: Pilot[None], number: int = 1) -> ProxyTab:
    runner = home(pilot.app).runner  # type: ignore[arg-type]
    await wait_for(pilot, lambda: number in runner.tabs)
    return runner.tabs[number]


async def show(pilot: Pilot[None], tab: ProxyTab) -> ProxyConnectionScreen:
    pilot.app.tabs.show(tab)  # type: ignore[attr-defined]
    await wait_for(pilot, lambda: pilot.app.screen is tab.screen and tab.screen.is_mounted)
    return tab.screen


async def held(pilot: Pilot[None], tab: ProxyTab) -> None:
    await wait_for(pilot, lambda: tab.state() is TabState.HELD)


def recorded(tab: ProxyTab, kind: Kind) -> list[bytes]:
    return [payload for _, payload in rows(tab.session.store, kind)]


async def test_a_client_shows_in_its_own_tab_and_an_edited_hold_reaches_both_sides() -> None:
    server = Upstream()
    async with proxy_app(server) as (app, pilot):
        await add_breakpoint(pilot, r'"op":\s*"buy"')
        assert "buy" in visible_text(app.screen.query_one("#breakpoints"))
        # The proxy's own tab has no log to filter and no session to save or to connect.
        assert not any(app.check_action(a, ()) for a in ("filter", "save", "connect", "ping"))
        async with connect(f"{home(app).runner.server.url}/feed?x=1") as ws:
            tab = await client_tab(pilot)
            assert tab.title() == "#1 /feed?x=1"
            assert app.tabs.current is home(app)  # the user may be typing: not shown
            await ws.send("hello")
            assert await ws.recv() == "hello"
            await ws.send('{"op": "buy", "qty": 1}')
            await held(pilot, tab)
            screen = await show(pilot, tab)
            await wait_for(pilot, lambda: screen.held_panel.display)
            assert "client → server" in str(screen.held_panel.query_one("#held-title").render())
            await wait_for(pilot, lambda: "hello" in visible_text(screen.session_view.message_log))
            await pilot.press("e", "ctrl+a", *'{"op": "sell"}', "enter")
            assert await ws.recv() == '{"op": "sell"}'  # the echo of the edit
            await wait_for(pilot, lambda: not screen.held_panel.display)
        assert server.got == ["hello", '{"op": "sell"}']
        assert recorded(tab, Kind.SEND) == [b"hello", b'{"op": "sell"}']
        assert recorded(tab, Kind.RECV) == [b"hello", b'{"op": "sell"}']
        await wait_for(pilot, lambda: tab.state() is TabState.CLOSED)


async def test_drop_and_inject_both_ways_from_the_keys() -> None:
    server = Upstream()
    async with proxy_app(server) as (app, pilot):
        await add_breakpoint(pilot, "secret", to_client=True)
        assert "server → client" in visible_text(app.screen.query_one("#breakpoints"))
        async with connect(f"{home(app).runner.server.url}/") as ws:
            tab = await client_tab(pilot)
            screen = await show(pilot, tab)
            await ws.send("a secret")  # the server gets it, its echo is held on the way back
            await held(pilot, tab)
            await wait_for(pilot, lambda: screen.held_panel.has_focus)
            await pilot.press("d")
            await wait_for(pilot, lambda: tab.state() is TabState.OPEN)
            screen.composer.focus_input()
            await pilot.press(*"to the server", "enter")
            assert await ws.recv() == "to the server"  # the server's echo of the injection
            await pilot.press("ctrl+r", *"to the client", "enter")
            assert await ws.recv() == "to the client"
        assert server.got == ["a secret", "to the server"]
        notes = [str(tab.session.store.info(i)["message"]) for i in range(len(tab.session.store))
                 if tab.session.store.kind(i) is Kind.NOTE]  # fmt: skip
        assert any("dropped" in note for note in notes)
        assert any("injected server → client" in note for note in notes)


async def test_quitting_forwards_what_is_held() -> None:
    server = Upstream()
    async with upstream(server) as url:
        app = build_app(proxy=ProxySetup(ConnectionSettings(url), "127.0.0.1", 0))
        async with app.run_test(size=SIZE) as pilot:
            runner = home(app).runner
            await wait_for(pilot, lambda: runner.listening)
            await add_breakpoint(pilot, "wait")
            ws = await connect(runner.server.url)
            await ws.send("wait for me")
            await held(pilot, await client_tab(pilot))
            assert server.got == []
            await pilot.press("ctrl+q")
        await ws.wait_closed()
    assert server.got == ["wait for me"]  # forwarded before the proxy closed
    assert ws.close_code == 1001
