"""Auto-reply rules in the app: an application ping answered, F9 pauses and resumes."""

from __future__ import annotations

from sockscope.core.events import ReadyState
from sockscope.core.settings import ConnectionSettings
from sockscope.core.store.frames import Kind, Opcode
from sockscope.servers.demo import DemoServerThread
from sockscope.tui.factory import build_app

from .helpers import frames, wait_for

SIZE = (160, 40)
RULE = ('$.op == "ping"', '{"op":"pong","n":{{$.n}}}')


def status(app: object) -> str:
    return str(app.query_one("#status").render())  # type: ignore[attr-defined]


def notes(app: object) -> list[str]:
    store = app.session.store  # type: ignore[attr-defined]
    return [store.info(i)["message"] for i in range(len(store)) if store.kind(i) is Kind.NOTE]


async def test_the_app_answers_an_application_ping_and_f9_pauses_it(
    demo_server: DemoServerThread,
) -> None:
    settings = ConnectionSettings(demo_server.url("/echo"), replies=(RULE,))
    app = build_app(settings, connect_now=True)
    async with app.run_test(size=SIZE) as pilot:
        await wait_for(pilot, lambda: app.session.state is ReadyState.OPEN)
        # The echo server sends our ping back: the rule answers it as a server's ping.
        app.main_screen.composer.editor.load_text('{"op":"ping","n":7}')
        await pilot.press("enter")
        pong = (Kind.SEND, Opcode.TEXT, b'{"op":"pong","n":7}')
        await wait_for(pilot, lambda: pong in frames(app))
        await wait_for(pilot, lambda: notes(app))
        assert "auto-reply" in notes(app)[0] and "rule 1" in notes(app)[0]
        await wait_for(pilot, lambda: "1 reply rule" in status(app))
        assert "Rules" in str(app.screen.query_one("KeyBar").render_line(0).text)

        await pilot.press("f9")
        await wait_for(pilot, lambda: "paused" in status(app))
        app.main_screen.composer.editor.load_text('{"op":"ping","n":8}')
        await pilot.press("enter")
        ping = (Kind.RECV, Opcode.TEXT, b'{"op":"ping","n":8}')
        await wait_for(pilot, lambda: ping in frames(app))
        app.main_screen.composer.editor.load_text("done")
        await pilot.press("enter")
        await wait_for(pilot, lambda: (Kind.RECV, Opcode.TEXT, b"done") in frames(app))
        # A reply to the echoed ping would have been queued before "done" went out.
        assert (Kind.SEND, Opcode.TEXT, b'{"op":"pong","n":8}') not in frames(app)

        await pilot.press("f9")
        await wait_for(pilot, lambda: "paused" not in status(app))
        app.main_screen.composer.editor.load_text('{"op":"ping","n":9}')
        await pilot.press("enter")
        await wait_for(
            pilot, lambda: (Kind.SEND, Opcode.TEXT, b'{"op":"pong","n":9}') in frames(app)
        )


async def test_without_rules_the_key_is_not_offered(demo_server: DemoServerThread) -> None:
    app = build_app(ConnectionSettings(demo_server.url("/echo")), connect_now=True)
    async with app.run_test(size=SIZE) as pilot:
        await wait_for(pilot, lambda: app.session.state is ReadyState.OPEN)
        assert "Rules" not in str(app.screen.query_one("KeyBar").render_line(0).text)
        assert "reply rule" not in status(app)
