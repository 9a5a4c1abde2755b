"""CompactButton is Textual's Button (messages, keys, variants) with a slimmer stylesheet."""

from __future__ import annotations

from textual import on
from textual.app import App, ComposeResult
from textual.widgets import Button

from sockscope.tui.widgets.compact_button import CompactButton


class Buttons(App[None]):
    def __init__(self) -> None:
        super().__init__()
        self.pressed: list[str | None] = []

    def compose(self) -> ComposeResult:
        yield CompactButton("Send ⏎", "primary", id="send")
        yield CompactButton("Ping", id="ping")

    @on(Button.Pressed)
    def _pressed(self, event: Button.Pressed) -> None:
        self.pressed.append(event.button.id)


async def test_enter_and_a_click_press_it_and_variants_style_it() -> None:
    app = Buttons()
    async with app.run_test(size=(40, 4)) as pilot:
        send, ping = app.query_one("#send", Button), app.query_one("#ping", Button)
        send.focus()
        await pilot.press("enter")
        await pilot.click("#ping")
        await pilot.pause()
        assert app.pressed == ["send", "ping"]
        assert send.has_class("-primary") and send.styles.height.value == 1
        assert send.styles.background != ping.styles.background  # primary vs default
        send.variant = "error"
        await pilot.pause()
        assert send.has_class("-error") and not send.has_class("-primary")
