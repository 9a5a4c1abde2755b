"""Disclosure: one node that looks and acts as Textual's Collapsible, its contents made late."""

from __future__ import annotations

import pytest
from textual.app import App, ComposeResult
from textual.containers import Vertical
from textual.geometry import Offset
from textual.widget import Widget
from textual.widgets import Checkbox, Collapsible, Label, Static

from sockscope.tui.widgets.disclosure import Disclosure

TITLE = (2, 1)  # on the title: the line under the top rule


class Field(Static, can_focus=True):
    """A focusable widget that leaves enter to its ancestors."""


def contents() -> Vertical:
    return Vertical(
        Label("a label", id="label"),
        Checkbox("box", compact=True, id="box"),
        Field("field", id="field"),
        id="contents",
    )


class Page(App[None]):
    CSS = "#contents { height: auto; }"

    def __init__(self) -> None:
        super().__init__()
        self.made = 0

    def compose(self) -> ComposeResult:
        yield Checkbox("before", compact=True, id="before")
        yield Disclosure("Options", self._contents, id="options")

    def _contents(self) -> Widget:
        self.made += 1
        return contents()


async def test_a_click_on_the_title_toggles_it_and_the_contents_are_made_once() -> None:
    app = Page()
    async with app.run_test(size=(60, 12)) as pilot:
        options = app.query_one(Disclosure)
        assert options.collapsed and app.made == 0 and not options.children
        assert options.outer_size.height == 2  # the rule and the title
        await pilot.click("#options", offset=TITLE)
        await pilot.pause()
        assert not options.collapsed and app.made == 1 and app.focused is options
        form = app.query_one("#contents")
        assert form.display and form.region.offset == options.region.offset + Offset(3, 3)
        assert options.outer_size.height == 3 + form.outer_size.height
        await pilot.click("#options", offset=TITLE)  # closed: hidden, not destroyed
        await pilot.pause()
        assert options.collapsed and not form.display and form.parent is options
        assert options.outer_size.height == 2
        await pilot.click("#options", offset=TITLE)  # the same form again
        await pilot.pause()
        assert not options.collapsed and app.made == 1 and form.display
        assert app.query_one("#contents") is form


async def test_enter_on_the_focused_title_toggles_it_and_tab_order_is_kept() -> None:
    app = Page()
    async with app.run_test(size=(60, 12)) as pilot:
        options, before = app.query_one(Disclosure), app.query_one("#before")
        assert app.focused is before
        await pilot.press("tab")
        assert app.focused is options
        await pilot.press("enter")
        await pilot.pause()
        assert not options.collapsed and app.made == 1
        await pilot.press("tab", "tab")  # the contents follow their title
        assert app.focused is app.query_one("#field")
        await pilot.press("enter")  # from inside the contents: not a toggle
        await pilot.pause()
        assert not options.collapsed
        await pilot.press("shift+tab", "shift+tab", "enter")
        await pilot.pause()
        assert app.focused is options and options.collapsed
        await pilot.press("tab")  # hidden contents are skipped
        assert app.focused is before and app.made == 1


async def test_a_click_off_the_title_neither_toggles_nor_focuses() -> None:
    app = Page()
    async with app.run_test(size=(60, 12)) as pilot:
        options, before = app.query_one(Disclosure), app.query_one("#before")
        for offset in ((2, 0), (30, 1)):  # its top rule; right of the title on its line
            await pilot.click("#options", offset=offset)
            assert options.collapsed and app.focused is before
        options.collapsed = False
        await pilot.pause()
        before.focus()
        await pilot.click("#label")  # a Collapsible cannot be focused: nor can this
        await pilot.click("#options", offset=(1, 2))  # the blank above the contents
        assert app.focused is before and not options.collapsed


class Frame(App[None]):
    """Textual's Collapsible (padded as the panel had it) or ours, with the same contents."""

    CSS = "Collapsible { padding: 0; } #contents { height: auto; }"

    def __init__(self, ours: bool) -> None:
        super().__init__()
        self.ours = ours

    def compose(self) -> ComposeResult:
        yield Checkbox("before", compact=True, id="before")
        title = "Options: headers, subprotocols, TLS, proxy…"
        if self.ours:
            yield Disclosure(title, contents, id="options")
        else:
            yield Collapsible(contents(), title=title, id="options")


@pytest.mark.parametrize("theme", ["textual-dark", "textual-light", "ansi-dark"])
async def test_it_looks_as_textuals_collapsible(theme: str) -> None:
    """The same screen, byte for byte, in every state: hovered, focused, open, focus within."""
    steps = [
        ("hover", "#options", TITLE),
        ("press", "tab"),
        ("press", "enter"),
        ("hover", "#before", (0, 0)),
        ("press", "tab"),
        ("hover", "#options", TITLE),
        ("click", "#options", TITLE),
        ("press", "shift+tab"),
    ]
    shots: dict[bool, list[str]] = {}
    for ours in (False, True):
        app = Frame(ours)
        async with app.run_test(size=(60, 10)) as pilot:
            app.theme = theme
            await pilot.pause()
            shots[ours] = [app.export_screenshot()]
            for action, *args in steps:
                if action == "press":
                    await pilot.press(*args)
                elif action == "hover":
                    await pilot.hover(*args)
                else:
                    await pilot.click(*args)
                await pilot.pause()
                shots[ours].append(app.export_screenshot())
    for step, (textual, disclosure) in enumerate(zip(shots[False], shots[True], strict=True)):
        assert textual == disclosure, (theme, ["start", *steps][step])
