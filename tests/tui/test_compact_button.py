"""CompactButton is Textual's Button (messages, keys, variants) with a slimmer stylesheet."""

from __future__ import annotations

import pytest
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
        assert send.has_class("-primary") and send.size.height == 1
        assert send.styles.background != ping.styles.background  # primary vs default
        send.variant = "error"
        await pilot.pause()
        assert send.has_class("-error") and not send.has_class("-primary")


class Both(App[None]):
    """Textual's compact Button and ours, side by side, in each variant."""

    def compose(self) -> ComposeResult:
        for variant in VARIANTS:
            yield Button("x", variant, compact=True, id=f"textual-{variant}")
            yield CompactButton("x", variant, id=f"ours-{variant}")


VARIANTS = ("default", "primary", "success", "error")
LOOK = ("background", "color", "text_style", "text_opacity", "tint", "min_width", "height")


@pytest.mark.parametrize("theme", ["textual-dark", "textual-light", "ansi-dark"])
async def test_it_looks_as_textuals_compact_button(theme: str) -> None:
    app = Both()
    async with app.run_test(size=(80, 10)) as pilot:
        app.theme = theme
        app.set_focus(None)
        for disabled in (False, True):
            for button in app.query("Button, CompactButton"):
                button.disabled = disabled
            await pilot.pause()
            for variant in VARIANTS:
                textual = app.query_one(f"#textual-{variant}").styles
                ours = app.query_one(f"#ours-{variant}").styles
                differ = [a for a in LOOK if getattr(textual, a) != getattr(ours, a)]
                assert not differ, (theme, variant, disabled, differ)
