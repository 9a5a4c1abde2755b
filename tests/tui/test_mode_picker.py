"""The composer's mode picker: keys, mouse and ctrl+t pick the mode; the editor follows it."""

from __future__ import annotations

from sockscope.core.events import ReadyState
from sockscope.core.settings import ConnectionSettings
from sockscope.core.store.frames import Kind, Opcode
from sockscope.core.text.compose import ComposeMode
from sockscope.servers.demo import DemoServerThread
from sockscope.tui.factory import build_app
from sockscope.tui.screens.mode_menu import ModeMenu
from sockscope.tui.widgets.composer import Composer
from sockscope.tui.widgets.mode_picker import ModePicker

from .helpers import frames, visible_text, wait_for

SIZE = (120, 30)


async def test_the_list_opens_above_the_picker_and_enter_picks_a_mode(
    demo_server: DemoServerThread,
) -> None:
    app = build_app(ConnectionSettings(demo_server.url("/echo")), connect_now=True)
    async with app.run_test(size=SIZE) as pilot:
        await wait_for(pilot, lambda: app.session.state is ReadyState.OPEN)
        composer = app.query_one(Composer)
        picker = app.query_one(ModePicker)
        assert "Text" in visible_text(picker)
        await pilot.click(ModePicker)
        await wait_for(pilot, lambda: isinstance(app.screen, ModeMenu))
        menu = app.screen.query_one("OptionList")
        assert menu.region.bottom == picker.region.y  # no room below: it opens above
        await pilot.press("down", "enter")
        await wait_for(pilot, lambda: not isinstance(app.screen, ModeMenu))
        assert composer.mode is ComposeMode.JSON and "JSON" in visible_text(picker)
        assert app.focused is picker
        assert composer.editor.language == "json"
        composer.editor.focus()
        await pilot.press(*'{"a": 1}', "enter")
        await wait_for(pilot, lambda: (Kind.RECV, Opcode.TEXT, b'{"a": 1}') in frames(app))


async def test_escape_or_a_click_outside_keeps_the_mode_and_keys_step_through_it() -> None:
    app = build_app()
    async with app.run_test(size=SIZE) as pilot:
        composer = app.query_one(Composer)
        picker = app.query_one(ModePicker)
        picker.focus()
        await pilot.press("enter")
        await wait_for(pilot, lambda: isinstance(app.screen, ModeMenu))
        await pilot.press("down", "escape")
        await wait_for(pilot, lambda: not isinstance(app.screen, ModeMenu))
        assert composer.mode is ComposeMode.TEXT
        await pilot.press("space")
        await wait_for(pilot, lambda: isinstance(app.screen, ModeMenu))
        await pilot.click(offset=(100, 2))  # far from the list
        await wait_for(pilot, lambda: not isinstance(app.screen, ModeMenu))
        assert composer.mode is ComposeMode.TEXT
        await pilot.press("up")  # wraps to the last mode
        assert composer.mode is ComposeMode.PING
        await pilot.press("down", "down")
        assert composer.mode is ComposeMode.JSON
        composer.editor.focus()
        await pilot.press("ctrl+t")
        assert composer.mode is ComposeMode.HEX and "Binary (hex)" in visible_text(picker)
