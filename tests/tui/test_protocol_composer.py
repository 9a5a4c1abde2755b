"""The composer offers the session's protocol layer's modes: a form, encoded by the layer."""

from __future__ import annotations

from textual.widgets import Input

from sockscope.core.events import ReadyState
from sockscope.core.protocols.message import MessageKind
from sockscope.core.settings import ConnectionSettings
from sockscope.core.store.frames import Kind, Opcode
from sockscope.core.text.compose import ComposeMode
from sockscope.tui.factory import build_app
from sockscope.tui.widgets.composer import Composer
from sockscope.tui.widgets.message_editor import MessageEditor
from sockscope.tui.widgets.mode_picker import LayerMode, ModePicker

from .helpers import frames, visible_text, wait_for

SIZE = (120, 36)


def _error(app) -> str:  # type: ignore[no-untyped-def]
    return str(app.query_one("#composer-error").render())


async def test_a_call_from_the_form_gets_its_paired_result(rpc_port: int) -> None:
    settings = ConnectionSettings(f"ws://127.0.0.1:{rpc_port}/", protocol="json-rpc")
    app = build_app(settings, connect_now=True)
    async with app.run_test(size=SIZE) as pilot:
        await wait_for(pilot, lambda: app.session.state is ReadyState.OPEN)
        composer = app.query_one(Composer)
        # The layer chosen, the composer opens in its first mode: JSON-RPC's call.
        await wait_for(pilot, lambda: isinstance(composer.mode, LayerMode))
        assert composer.mode.mode.name == "call"
        assert "Call (JSON-RPC 2.0)" in visible_text(app.query_one(ModePicker))
        await wait_for(pilot, lambda: composer.form is not None)
        assert not composer.editor.display
        app.main_screen.focus_composer()
        # The method, the form's first field (focus lands after a refresh: wait under load).
        await wait_for(pilot, lambda: isinstance(app.focused, Input))
        await pilot.press(*"sum")
        app.query_one("#field-1", MessageEditor).load_text("[1, 2, 39]")
        await pilot.press("enter")
        view = app.main_screen.worker_bridge.protocol.view
        assert view is not None
        await wait_for(pilot, lambda: view.pairs.partner(1) == 2)
        assert frames(app)[0][2].startswith(b'{"jsonrpc": "2.0", "method": "sum"')
        assert view.messages(2)[0].summary == "42"

        # The layer's error is one sentence in the composer, and nothing goes out.
        form = composer.form
        assert form is not None
        app.query_one("#field-0", Input).value = ""
        await pilot.press("enter")
        await pilot.pause()
        assert _error(app) == "A call needs a method name."
        app.query_one("#field-0", Input).value = "fail"
        app.query_one("#field-1", MessageEditor).load_text("[1,")
        await pilot.pause()
        assert app.query_one("#field-1").has_class("-invalid")  # checked as typed
        await pilot.press("enter")
        await pilot.pause()
        assert _error(app).startswith("The params are not JSON")
        assert len(frames(app)) == 2

        # A sent call comes back with up, in its mode; a plain mode is still there.
        app.query_one("#field-0", Input).focus()
        await pilot.press("up")
        await pilot.pause()
        assert app.query_one("#field-0", Input).value == "sum"
        composer.set_mode(ComposeMode.TEXT)
        await pilot.pause()
        assert composer.form is None and composer.editor.display
        composer.editor.focus()
        await pilot.press(*'{"jsonrpc":"2.0","method":"fail","id":"x"}', "enter")
        await wait_for(pilot, lambda: view.kind(4) is MessageKind.ERROR)
        assert frames(app)[2][:2] == (Kind.SEND, Opcode.TEXT)
