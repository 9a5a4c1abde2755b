"""KeyBar: one node that looks and acts as Textual's Footer, its keys drawn, not mounted."""

from __future__ import annotations

import pytest
from textual.app import App, ComposeResult
from textual.binding import Binding
from textual.widgets import Footer, Input, Static

from sockscope.tui.widgets.key_bar import KeyBar


class Box(Static, can_focus=True):
    """Focused first: its key is shown until the focus moves to the input."""

    BINDINGS = [Binding("f9", "app.nine", "Nine", tooltip="The ninth")]


class Keys(App[None]):
    """A few keys: one disabled (check_action None), one hidden (False); Footer or ours."""

    BINDINGS = [
        Binding("f2", "two", "Two", tooltip="The second"),
        Binding("f3", "three", "Three", tooltip="Disabled"),
        Binding("f4", "four", "Four"),
        Binding("f5", "hidden", "Hidden"),
    ]

    def __init__(self, ours: bool) -> None:
        super().__init__()
        self.ours = ours
        self.ran: list[str] = []
        self.bells = 0

    def compose(self) -> ComposeResult:
        yield Box("box", id="box")
        yield Input(id="input")
        yield KeyBar() if self.ours else Footer()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        return {"three": None, "hidden": False}.get(action, True)

    def action_two(self) -> None:
        self.ran.append("two")

    def action_three(self) -> None:
        self.ran.append("three")

    def action_nine(self) -> None:
        self.ran.append("nine")

    def bell(self) -> None:
        self.bells += 1


@pytest.mark.parametrize("width", [80, 48])  # 48: every key just fits
@pytest.mark.parametrize("theme", ["textual-dark", "textual-light", "ansi-dark"])
async def test_it_looks_as_textuals_footer(theme: str, width: int) -> None:
    """The same screen, byte for byte: keys, a disabled one, hovers, a focus change."""
    last = width - 1
    steps: list[tuple[str, tuple[int, int] | str]] = [
        ("hover", (1, 4)),  # the first key
        ("hover", (min(12, last), 4)),  # the second (or the palette's, when narrow)
        ("hover", (20, 4) if width > 20 else (0, 4)),  # the disabled one
        ("hover", (last, 4)),  # the palette's key, docked right
        ("hover", (width - 12, 4)),  # its left border
        ("press", "tab"),  # the input: the box's key goes
        ("hover", (3, 4)),
        ("hover", (0, 0)),  # off the bar
    ]
    shots: dict[bool, list[str]] = {}
    for ours in (False, True):
        app = Keys(ours)
        async with app.run_test(size=(width, 5)) as pilot:
            app.theme = theme
            await pilot.pause()
            shots[ours] = [app.export_screenshot()]
            for _action, arg in steps:
                if isinstance(arg, str):
                    await pilot.press(arg)
                else:
                    await pilot.hover(None, offset=arg)
                await pilot.pause()
                shots[ours].append(app.export_screenshot())
    for step, (textual, ours_shot) in enumerate(zip(shots[False], shots[True], strict=True)):
        assert textual == ours_shot, (theme, width, [("start", ""), *steps][step])


async def test_a_click_on_a_key_runs_it_and_a_disabled_key_rings_the_bell() -> None:
    app = Keys(ours=True)
    async with app.run_test(size=(80, 5)) as pilot:
        await pilot.pause()
        await pilot.click(KeyBar, offset=(1, 0))  # f9, the focused box's key
        await pilot.click(KeyBar, offset=(10, 0))  # f2
        await pilot.pause()
        assert app.ran == ["nine", "two"] and app.bells == 0
        await pilot.click(KeyBar, offset=(20, 0))  # f3: disabled
        await pilot.click(KeyBar, offset=(50, 0))  # between keys: nothing
        await pilot.pause()
        assert app.ran == ["nine", "two"] and app.bells == 1
        await pilot.click(KeyBar, offset=(75, 0))  # the palette's key
        await pilot.pause()
        assert app.screen.__class__.__name__ == "CommandPalette"


async def test_it_mounts_nothing_and_takes_the_hovered_keys_tooltip() -> None:
    app = Keys(ours=True)
    async with app.run_test(size=(80, 5)) as pilot:
        await pilot.pause()
        bar = app.query_one(KeyBar)
        assert not bar.children and not bar.can_focus
        assert not app.query("FooterKey")
        await pilot.hover(KeyBar, offset=(1, 0))
        assert bar.tooltip == "The ninth"
        await pilot.hover(KeyBar, offset=(10, 0))
        assert bar.tooltip == "The second"
        await pilot.hover(KeyBar, offset=(75, 0))
        assert bar.tooltip == "Open the command palette"
        await pilot.hover(KeyBar, offset=(50, 0))
        assert bar.tooltip is None
        await pilot.hover(KeyBar, offset=(1, 0))
        await pilot.press("tab")  # new bindings: redrawn, still nothing mounted
        await pilot.pause()
        assert app.focused is app.query_one(Input)
        assert not bar.children and not app.query("FooterKey")
        assert bar.tooltip == "The second"  # f2's key is under the mouse now


async def test_keys_that_do_not_fit_are_dropped_whole_the_last_ones_first() -> None:
    """Footer cuts the last key it shows ("f3 Thr"); the bar leaves it and those after out."""
    app = Keys(ours=True)
    async with app.run_test(size=(30, 5)) as pilot:
        bar = app.query_one(KeyBar)
        await pilot.pause()
        assert bar.render_line(0).text == " f9 Nine  f2 Two  ▏^p palette "
        await pilot.click(bar, offset=(10, 0))  # f2
        await pilot.click(bar, offset=(17, 0))  # where f3 would start: nothing there
        await pilot.pause()
        assert app.ran == ["two"] and app.bells == 0
        await pilot.resize_terminal(40, 5)
        await pilot.pause()
        assert bar.render_line(0).text == " f9 Nine  f2 Two  f3 Three  ▏^p palette "
        await pilot.resize_terminal(12, 5)
        await pilot.pause()
        assert bar.render_line(0).text == "▏^p palette "
