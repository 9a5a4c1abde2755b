"""Sessions in tabs: each its own connection, log and composer; keys and clicks switch."""

from __future__ import annotations

from pathlib import Path

from sockscope.core.events import ReadyState
from sockscope.core.formats.load import load_log
from sockscope.core.settings import ConnectionSettings
from sockscope.core.store.frames import Kind, Opcode
from sockscope.servers.demo import DemoServerThread
from sockscope.tui.factory import build_app
from sockscope.tui.tabs.live_tab import LiveTab
from sockscope.tui.widgets.tab_bar import TabBar

from .helpers import frames, visible_text, wait_for

SIZE = (120, 32)


def _live(app: object, number: int) -> LiveTab:
    tab = list(app.tabs)[number - 1]  # type: ignore[attr-defined]
    assert isinstance(tab, LiveTab)
    return tab


async def test_urls_open_in_tabs_each_with_its_own_connection(
    demo_server: DemoServerThread, tmp_path: Path
) -> None:
    echo, ticks = demo_server.url("/echo"), demo_server.url("/ticks?rate=20")
    app = build_app(
        ConnectionSettings(echo),
        connect_now=True,
        more=(ConnectionSettings(ticks),),
        journal_path=tmp_path / "first.jsonl",
        journal_for=lambda url: tmp_path / "more.jsonl",
    )
    async with app.run_test(size=SIZE) as pilot:
        await wait_for(pilot, lambda: len(app.tabs) == 2)
        first, second = _live(app, 1), _live(app, 2)
        await wait_for(pilot, lambda: first.session.state is ReadyState.OPEN)
        await wait_for(pilot, lambda: second.session.state is ReadyState.OPEN)
        await wait_for(pilot, lambda: app.tabs.current is first)
        # The ticks tab records in the background; the bar counts what was not seen.
        await wait_for(pilot, lambda: app.tabs.unread(second) > 5)
        await pilot.pause(0.3)
        bar = visible_text(app.screen.query_one(TabBar))
        assert "1 ● 127.0.0.1" in bar and "/echo" in bar and "/ticks" in bar
        assert "·" in bar  # the unread count of tab 2
        # Typing goes to the tab shown: its echo comes back there only.
        await pilot.press(*"hello", "enter")
        await wait_for(pilot, lambda: (Kind.RECV, Opcode.TEXT, b"hello") in frames(app))
        assert all(payload != b"hello" for _, _, payload in _frames_of(second))
        await pilot.press("alt+2")
        await wait_for(pilot, lambda: app.tabs.current is second)
        assert app.session is second.session and app.tabs.unread(second) == 0
        await pilot.press("alt+w")  # closes the ticks tab and its connection
        await wait_for(pilot, lambda: len(app.tabs) == 1 and app.tabs.current is first)
        await wait_for(pilot, lambda: second.session.state is ReadyState.CLOSED)
        assert not app.screen.query_one(TabBar).display
    # Each tab kept its own journal.
    assert b"hello" in (tmp_path / "first.jsonl").read_bytes()
    ticked = load_log(tmp_path / "more.jsonl")
    assert ticked.header.url == ticks
    assert len(ticked.store) > 5


def _frames_of(tab: LiveTab) -> list[tuple[Kind, Opcode, bytes]]:
    store = tab.session.store
    return [(store.kind(i), store.opcode(i), store.payload(i)) for i in range(len(store))]


async def test_a_new_tab_connects_on_its_own_and_keys_go_round(
    demo_server: DemoServerThread,
) -> None:
    app = build_app(ConnectionSettings(demo_server.url("/echo")), connect_now=True)
    async with app.run_test(size=SIZE) as pilot:
        first = _live(app, 1)
        await wait_for(pilot, lambda: first.session.state is ReadyState.OPEN)
        await pilot.press("ctrl+n")
        await wait_for(pilot, lambda: len(app.tabs) == 2 and app.tabs.current is not first)
        second = _live(app, 2)
        assert second.session.state is ReadyState.CLOSED  # a new tab waits for a URL
        await wait_for(pilot, lambda: app.focused is app.screen.query_one("#url"))
        await pilot.press(*demo_server.url("/echo"), "enter")
        await wait_for(pilot, lambda: second.session.state is ReadyState.OPEN)
        assert first.session.state is ReadyState.OPEN
        await pilot.press("ctrl+pageup")
        await wait_for(pilot, lambda: app.tabs.current is first)
        await pilot.press("alt+right")
        await wait_for(pilot, lambda: app.tabs.current is second)
        # A click on a tab's name shows it.
        bar = app.screen.query_one(TabBar)
        await pilot.click(TabBar, offset=(3, 0))
        await wait_for(pilot, lambda: app.tabs.current is first)
        assert bar.display
        await pilot.press("alt+2", "alt+w")
        await wait_for(pilot, lambda: len(app.tabs) == 1)
        await wait_for(pilot, lambda: second.session.state is ReadyState.CLOSED)
        assert first.session.state is ReadyState.OPEN
        closed = second.session.last_event
        assert getattr(closed, "code", None) == 1001
        await pilot.press("alt+w")  # the last tab stays
        await pilot.pause(0.1)
        assert len(app.tabs) == 1
