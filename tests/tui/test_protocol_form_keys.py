"""The protocol form as a terminal user meets it: focus, defaults, Enter, names shown."""

from __future__ import annotations

import json

from textual.app import App, ComposeResult
from textual.widgets import Input

from sockscope.core.events import ReadyState
from sockscope.core.protocols.graphql_ws import GraphQLTransportWsLayer
from sockscope.core.settings import ConnectionSettings
from sockscope.tui.factory import build_app
from sockscope.tui.widgets.composer import Composer
from sockscope.tui.widgets.key_bar import KeyBar
from sockscope.tui.widgets.mode_picker import LayerMode, ModePicker
from sockscope.tui.widgets.protocol_form import FieldEditor, Flag, ProtocolForm

from .helpers import frames, screen_lines, visible_text, wait_for

SIZE = (120, 36)


def _sent(app) -> list[dict[str, object]]:  # type: ignore[no-untyped-def]
    return [json.loads(payload) for kind, _, payload in frames(app) if kind.name == "SEND"]


async def _open_in_call_mode(pilot, app, focus: bool = True) -> Composer:  # type: ignore[no-untyped-def]
    """Wait for JSON-RPC's call form; ``focus``: then focus it with ctrl+e."""
    await wait_for(pilot, lambda: app.session.state is ReadyState.OPEN)
    composer = app.query_one(Composer)
    await wait_for(pilot, lambda: composer.form is not None)
    await pilot.pause()
    if focus:
        await pilot.press("ctrl+e")
    return composer


async def test_keys_typed_at_launch_land_in_the_form(rpc_port: int) -> None:
    """Launched connecting, the composer has the focus; when the layer's form replaces
    the editor, the focus goes with it (it was nowhere: typing did nothing)."""
    settings = ConnectionSettings(f"ws://127.0.0.1:{rpc_port}/", protocol="json-rpc")
    app = build_app(settings, connect_now=True)
    async with app.run_test(size=SIZE) as pilot:
        composer = await _open_in_call_mode(pilot, app, focus=False)
        # The form takes the focus once its fields are ready for it (a refresh or two).
        await wait_for(pilot, lambda: isinstance(app.focused, Input))
        assert app.focused is not None and app.focused.id == "field-0"
        await pilot.press(*"sum")
        assert composer.form is not None and composer.form.values()["method"] == "sum"
        # Back to a plain mode: the editor takes the focus the form had.
        await pilot.press("ctrl+t")
        await wait_for(pilot, lambda: composer.form is None)
        await wait_for(pilot, lambda: app.focused is composer.editor)


async def test_typing_in_a_json_field_replaces_its_default(rpc_port: int) -> None:
    """params starts as ``[]``: tabbing in selects it, so ``[1, 2]`` is not ``[1, 2][]``."""
    settings = ConnectionSettings(f"ws://127.0.0.1:{rpc_port}/", protocol="json-rpc")
    app = build_app(settings, connect_now=True)
    async with app.run_test(size=SIZE) as pilot:
        await _open_in_call_mode(pilot, app)
        await pilot.press(*"sum", "tab")
        assert isinstance(app.focused, FieldEditor)
        await pilot.press(*"[1, 2]", "enter")
        await wait_for(pilot, lambda: len(frames(app)) == 2)
        assert _sent(app)[0]["params"] == [1, 2]


async def test_enter_on_a_flag_sends_the_form_and_space_toggles_it(rpc_port: int) -> None:
    """A flag is the form's last field: Enter there toggled it and nothing was sent."""
    settings = ConnectionSettings(f"ws://127.0.0.1:{rpc_port}/", protocol="json-rpc")
    app = build_app(settings, connect_now=True)
    async with app.run_test(size=SIZE) as pilot:
        await _open_in_call_mode(pilot, app)
        await pilot.press(*"sum", "tab", *"[3]", "tab")
        assert isinstance(app.focused, Flag)
        # The key bar tells what the keys do there (Enter toggles a plain Checkbox).
        shown = visible_text(app.query_one(KeyBar))
        assert "⏎ Send" in shown and "space Toggle" in shown
        await pilot.press("enter")
        await wait_for(pilot, lambda: len(frames(app)) == 2)  # the call and its result
        assert _sent(app)[0]["id"] == 1
        await pilot.press("space", "enter")  # now a notification: no id, no answer
        await wait_for(pilot, lambda: len(_sent(app)) == 2)
        assert "id" not in _sent(app)[1] and _sent(app)[1]["method"] == "sum"


async def test_every_field_name_shows_whole_and_a_mode_keeps_its_capitals() -> None:
    """GraphQL's form: "operationName" wrapped in a 12-column label; the picker said
    "Graphql operation" (str.capitalize lowers the rest)."""
    layer = GraphQLTransportWsLayer()
    mode = LayerMode(layer.name, layer.compose_modes[0])

    class FormApp(App[None]):
        def compose(self) -> ComposeResult:
            yield ModePicker()
            yield ProtocolForm(mode)

    app = FormApp()
    async with app.run_test(size=(80, 10)) as pilot:
        app.query_one(ModePicker).offer(layer)
        app.query_one(ModePicker).mode = mode
        await pilot.pause()
        text = [line for line in screen_lines(app) if line.strip()]
        assert text[0].startswith("GraphQL operation"), text
        assert [line.split()[0] for line in text[1:]] == ["query", "variables", "operationName"]
