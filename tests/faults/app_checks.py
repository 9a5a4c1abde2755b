"""What every fault test checks in the app: the log row, the status line, and that it lives on."""

from __future__ import annotations

from textual.pilot import Pilot
from textual.widgets import Checkbox, Input

from sockscope.core.store.frames import Kind, Opcode
from sockscope.tui.app import SockscopeApp
from sockscope.tui.log.message_log import MessageLog
from sockscope.tui.screens.help_screen import HelpScreen
from sockscope.tui.widgets.disclosure import Disclosure
from tui.helpers import click_options_title, frames, visible_text, wait_for

SIZE = (160, 40)


def status(app: SockscopeApp) -> str:
    """The status line as the terminal shows it (cropped to its width)."""
    return visible_text(app.query_one("#status"))


def log_text(app: SockscopeApp) -> str:
    return visible_text(app.query_one(MessageLog))


def last_row(app: SockscopeApp, kind: Kind) -> int:
    """The index of the last row of ``kind`` (fails when there is none)."""
    store = app.session.store
    return next(i for i in reversed(range(len(store))) if store.kind(i) is kind)


async def inspect_last_row(pilot: Pilot[None], app: SockscopeApp) -> str:
    """Select the log's last row with the keyboard; return what the inspector shows, unwrapped."""
    await pilot.press("ctrl+g", "end")
    await pilot.pause()
    return " ".join(visible_text(app.query_one("#inspector-body")).split())


async def wait_for_row(pilot: Pilot[None], app: SockscopeApp, kinds: set[Kind], after: int) -> int:
    """Wait for the first row of one of ``kinds`` at index ``after`` or later; return it."""
    store = app.session.store

    def found() -> int | None:
        return next((i for i in range(after, len(store)) if store.kind(i) in kinds), None)

    await wait_for(pilot, lambda: found() is not None)
    index = found()
    assert index is not None
    return index


async def connect_from_panel(
    pilot: Pilot[None],
    app: SockscopeApp,
    url: str,
    fields: dict[str, str] | None = None,
    insecure: bool = False,
) -> int:
    """Type settings in the connection panel, press enter; return the open or error row."""
    if app.query_one("#options", Disclosure).collapsed:  # open the options as a user does
        await click_options_title(pilot)
    await wait_for(pilot, lambda: app.query("#insecure"))
    for widget_id, value in {"url": url, **(fields or {})}.items():
        app.query_one(f"#{widget_id}", Input).value = value
    app.query_one("#insecure", Checkbox).value = insecure
    after = len(app.session.store)
    await pilot.press("f2", "enter")
    return await wait_for_row(pilot, app, {Kind.OPEN, Kind.ERROR}, after)


async def assert_survived(
    pilot: Pilot[None], app: SockscopeApp, before: list[tuple[Kind, Opcode, bytes]]
) -> None:
    """The status says CLOSED, every frame seen before the fault is kept, keys still work."""
    await pilot.pause()
    assert "CLOSED" in status(app)
    assert frames(app)[: len(before)] == before
    await pilot.press("f1")
    await wait_for(pilot, lambda: isinstance(app.screen, HelpScreen))
    await pilot.press("escape")
    await wait_for(pilot, lambda: not isinstance(app.screen, HelpScreen))
