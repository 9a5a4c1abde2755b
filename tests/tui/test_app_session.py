"""Drive the real app against the real demo server: connect, send, inspect, close."""

from __future__ import annotations

from typing import Any

from sockscope.core.events import ReadyState
from sockscope.core.settings import ConnectionSettings
from sockscope.core.store.frames import FrameStore, Kind, Opcode
from sockscope.servers.demo import DemoServerThread
from sockscope.tui.factory import build_app
from sockscope.tui.log.message_log import MessageLog
from sockscope.tui.widgets.composer import Composer

from .helpers import frames, visible_text, wait_for

SIZE = (160, 40)


async def test_connect_send_text_and_see_the_echo(demo_server: DemoServerThread) -> None:
    app = build_app(ConnectionSettings(demo_server.url("/echo")), connect_now=True)
    async with app.run_test(size=SIZE) as pilot:
        await wait_for(pilot, lambda: app.session.state is ReadyState.OPEN)
        assert app.focused is app.query_one(Composer).editor
        await pilot.press(*"hello", "enter")
        await wait_for(pilot, lambda: (Kind.RECV, Opcode.TEXT, b"hello") in frames(app))
        assert (Kind.SEND, Opcode.TEXT, b"hello") in frames(app)
        await pilot.pause(0.1)
        rendered = visible_text(app.query_one(MessageLog))
        assert "hello" in rendered
        assert "OPEN" in str(app.query_one("#status").render())


async def test_json_and_binary_modes_send_the_right_frames(demo_server: DemoServerThread) -> None:
    app = build_app(ConnectionSettings(demo_server.url("/echo")), connect_now=True)
    async with app.run_test(size=SIZE) as pilot:
        await wait_for(pilot, lambda: app.session.state is ReadyState.OPEN)
        composer = app.query_one(Composer)
        from sockscope.core.text.compose import ComposeMode

        composer.set_mode(ComposeMode.JSON)
        await pilot.pause()
        composer.editor.load_text('{"a": 1,')
        await pilot.press("enter")
        await pilot.pause()
        assert "Invalid JSON at line 1" in str(composer.query_one("#composer-error").render())
        composer.editor.load_text('{"a": 1}')
        await pilot.press("enter")
        await wait_for(pilot, lambda: (Kind.RECV, Opcode.TEXT, b'{"a": 1}') in frames(app))
        composer.set_mode(ComposeMode.HEX)
        await pilot.pause()
        composer.editor.load_text("00 ff 7f")
        await pilot.press("enter")
        await wait_for(pilot, lambda: (Kind.RECV, Opcode.BINARY, b"\x00\xff\x7f") in frames(app))


async def test_close_with_code_shows_the_close_row(demo_server: DemoServerThread) -> None:
    app = build_app(ConnectionSettings(demo_server.url("/echo")), connect_now=True)
    async with app.run_test(size=SIZE) as pilot:
        await wait_for(pilot, lambda: app.session.state is ReadyState.OPEN)
        await pilot.press("f7")
        await pilot.pause()
        app.screen.query_one("#close-code").value = "4000"  # type: ignore[attr-defined]
        app.screen.query_one("#close-reason").value = "done here"  # type: ignore[attr-defined]
        await pilot.click("#do-close")
        await wait_for(pilot, lambda: app.session.state is ReadyState.CLOSED)
        store = app.session.store
        last = len(store) - 1
        assert store.kind(last) is Kind.CLOSE
        assert store.info(last) == {
            "code": 4000,
            "reason": "done here",
            "was_clean": True,
            "by": "client",
        }
        log = app.query_one(MessageLog)
        await wait_for(pilot, lambda: '4000 application code "done here"' in visible_text(log))


async def test_handshake_refusal_shows_status_and_body(demo_server: DemoServerThread) -> None:
    url = demo_server.url("/reject?status=403&body=invalid+token")
    app = build_app(ConnectionSettings(url), connect_now=True)
    async with app.run_test(size=SIZE) as pilot:
        await wait_for(pilot, lambda: len(app.session.store) > 0)
        store = app.session.store
        assert store.kind(0) is Kind.ERROR
        assert store.info(0)["status"] == 403
        assert "403 Forbidden — invalid token" in store.info(0)["message"]
        await pilot.pause(0.1)
        assert "Handshake refused: 403 Forbidden" in visible_text(app.query_one(MessageLog))
        status = str(app.main_screen.status_line.render())
        assert "CLOSED" in status and "403 Forbidden — invalid token" in status
        await pilot.press("ctrl+g", "home")
        await pilot.pause(0.1)
        shown = " ".join(visible_text(app.query_one("#inspector-body")).split())
        assert "403 Forbidden — invalid token" in shown


async def test_url_typed_in_the_panel_connects(demo_server: DemoServerThread) -> None:
    app = build_app()
    async with app.run_test(size=SIZE) as pilot:
        assert app.focused is app.query_one("#url")
        await pilot.press(*"ftp://x", "enter")
        await pilot.pause()
        assert "Unsupported URL scheme" in str(app.query_one("#settings-error").render())
        app.query_one("#url").value = demo_server.url("/echo")  # type: ignore[attr-defined]
        await pilot.press("enter")
        await wait_for(pilot, lambda: app.session.state is ReadyState.OPEN)


async def test_f8_and_the_panels_button_drop_the_connection(demo_server: DemoServerThread) -> None:
    app = build_app(ConnectionSettings(demo_server.url("/echo")), connect_now=True)
    async with app.run_test(size=SIZE) as pilot:
        await wait_for(pilot, lambda: app.session.state is ReadyState.OPEN)
        await pilot.press("f8")
        await wait_for(pilot, lambda: app.session.state is ReadyState.CLOSED)
        button = app.query_one("#connect")
        await wait_for(pilot, lambda: "Connect" in str(button.render()))
        await pilot.click("#connect")
        await wait_for(pilot, lambda: app.session.state is ReadyState.OPEN)
        assert "Disconnect" in str(button.render())
        # A Button ignores clicks during its 0.2 s press effect; the connection can be
        # open sooner (it was not before the key bar, while Footer recomposed on the focus
        # change the connect makes).
        await wait_for(pilot, lambda: not button.has_class("-active"))
        await pilot.click("#connect")
        await wait_for(pilot, lambda: app.session.state is ReadyState.CLOSED)
        store = app.session.store
        closes = [store.info(i) for i in range(len(store)) if store.kind(i) is Kind.CLOSE]
        assert [info["by"] for info in closes] == ["client", "client"]
        assert [info["code"] for info in closes] == [1001, 1001]


async def test_shift_f8_vanishes_without_a_close_frame(demo_server: DemoServerThread) -> None:
    app = build_app(ConnectionSettings(demo_server.url("/echo"), reconnect=True), connect_now=True)
    async with app.run_test(size=SIZE) as pilot:
        await wait_for(pilot, lambda: app.session.state is ReadyState.OPEN)
        await pilot.press("shift+f8")
        await wait_for(pilot, lambda: app.session.state is ReadyState.CLOSED)
        await pilot.pause(0.3)
        store = app.session.store
        closes = [store.info(i) for i in range(len(store)) if store.kind(i) is Kind.CLOSE]
        assert [(info["code"], info["by"]) for info in closes] == [(1006, "client")]
        sent = [store.opcode(i) for i in range(len(store)) if store.kind(i) is Kind.SEND]
        assert Opcode.CLOSE not in sent  # no close frame went out
        assert app.session.state is ReadyState.CLOSED  # and no reconnect after a choice


async def test_the_inspector_shows_the_cursor_row_in_the_cursor_frame() -> None:
    """The cursor and the inspector change together: nothing is drawn between the two.

    No pause after each move: the inspector must already show the row when the cursor
    lands on it (it watches the log's cursor), so both are in the next frame drawn. Rows
    dropped from the front first (--max-frames) check the number-to-index mapping.
    """
    from sockscope.core.session.session import Session
    from sockscope.tui.widgets.inspector import Inspector

    store = FrameStore()
    for n in range(300):
        store.append(1_700_000_000.0 + n, Kind.RECV, Opcode.TEXT, f'{{"n":{n}}}'.encode())
    assert store.trim_front(100)
    app = build_app(session=Session(store))
    async with app.run_test(size=SIZE) as pilot:
        log, inspector = app.query_one(MessageLog), app.query_one(Inspector)
        log.focus()
        await pilot.pause()
        for move in (log.action_first, lambda: log.action_page(1), log.action_last):
            before = log.selected
            move()
            assert log.selected != before
            assert inspector.row is not None
            assert inspector.row.store_index == log.selected
            assert inspector.row.payload == store.payload(log.selected)
        await pilot.press("up")
        assert inspector.row.payload == b'{"n":298}'


async def test_a_server_ignoring_the_offered_subprotocols_is_said_plainly(
    demo_server: DemoServerThread,
) -> None:
    settings = ConnectionSettings(demo_server.url("/echo"), subprotocols=("chat.v9", "x"))
    app = build_app(settings, connect_now=True)
    said: list[str] = []
    notify = app.notify

    def noting(message: str, *args: Any, **kwargs: Any) -> None:
        said.append(message)  # a notice expires: under load it may be gone before we look
        notify(message, *args, **kwargs)

    app.notify = noting  # type: ignore[method-assign]
    async with app.run_test(size=SIZE) as pilot:
        await wait_for(pilot, lambda: app.session.state is ReadyState.OPEN)
        status = app.query_one("#status")
        await wait_for(pilot, lambda: "no subprotocol agreed" in str(status.render()))
        assert any("none of the subprotocols offered (chat.v9, x)" in n for n in said)
