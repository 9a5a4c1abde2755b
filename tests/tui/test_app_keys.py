"""Composer keys, ping, filter and inspector through the real app and the demo server."""

from __future__ import annotations

from sockscope.core.events import ReadyState
from sockscope.core.settings import ConnectionSettings
from sockscope.core.store.frames import Kind, Opcode
from sockscope.servers.demo import DemoServerThread
from sockscope.tui.factory import build_app
from sockscope.tui.log.message_log import MessageLog
from sockscope.tui.widgets.composer import Composer
from sockscope.tui.widgets.inspector import Inspector

from .helpers import frames, visible_text, wait_for

SIZE = (160, 40)


async def test_newline_key_history_and_ping(demo_server: DemoServerThread) -> None:
    app = build_app(ConnectionSettings(demo_server.url("/echo")), connect_now=True)
    async with app.run_test(size=SIZE) as pilot:
        await wait_for(pilot, lambda: app.session.state is ReadyState.OPEN)
        editor = app.query_one(Composer).editor
        await pilot.press("a", "ctrl+j", "b", "enter")
        await wait_for(pilot, lambda: (Kind.RECV, Opcode.TEXT, b"a\nb") in frames(app))
        await pilot.press(*"second", "enter")
        await wait_for(pilot, lambda: (Kind.RECV, Opcode.TEXT, b"second") in frames(app))
        assert editor.text == ""
        await pilot.press("up")
        assert editor.text == "second"
        await pilot.press("up")
        assert editor.text == "a\nb"
        await pilot.press("down", "down")
        assert editor.text == ""
        await pilot.press("f6")
        await wait_for(pilot, lambda: any(op is Opcode.PONG for _, op, _ in frames(app)))
        await wait_for(pilot, lambda: "latency" in str(app.main_screen.status_line.render()))


async def test_filter_with_regex_shows_matches_and_count(demo_server: DemoServerThread) -> None:
    app = build_app(ConnectionSettings(demo_server.url("/echo")), connect_now=True)
    async with app.run_test(size=SIZE) as pilot:
        await wait_for(pilot, lambda: app.session.state is ReadyState.OPEN)
        for word in ("apple", "banana", "avocado"):
            await pilot.press(*word, "enter")
        await wait_for(pilot, lambda: app.session.store.frames_in == 3)
        await pilot.press("ctrl+f")
        await pilot.press(*"^a.*o$", "alt+r", "enter")
        log = app.query_one(MessageLog)
        await wait_for(pilot, lambda: "avocado" in visible_text(log))
        shown = visible_text(log)
        assert "banana" not in shown and "apple" not in shown
        assert "2 of 7" in str(app.query_one("#filter-status").render())
        await pilot.press("ctrl+f", "ctrl+a", "backspace", *"([", "enter")
        await pilot.pause(0.2)
        assert "Invalid regex" in str(app.query_one("#filter-status").render())


async def test_binary_frame_in_the_inspector_as_hex(demo_server: DemoServerThread) -> None:
    app = build_app(ConnectionSettings(demo_server.url("/binary")), connect_now=True)
    async with app.run_test(size=SIZE) as pilot:
        await wait_for(pilot, lambda: app.session.store.frames_in >= 3)
        await pilot.press("ctrl+g", "home", "down")
        inspector = app.query_one(Inspector)
        await wait_for(pilot, lambda: inspector.row is not None and inspector.row.size == 8)
        body = " ".join(visible_text(app.query_one("#inspector-body")).split())
        assert "00000000 00 ff fe fd 80 81 c0 c1" in body
        await pilot.press("b")
        await pilot.pause()
        assert "AP/+/YCBwME=" in visible_text(app.query_one("#inspector-body"))
