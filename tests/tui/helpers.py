"""Helpers for pilot tests: wait for a condition while the app keeps running."""

from __future__ import annotations

import html
import re
import time
from collections.abc import Callable

from textual.app import App
from textual.events import Key
from textual.pilot import Pilot
from textual.widget import Widget

from sockscope.core.events import Closed, Failed
from sockscope.core.store.frames import Kind, Opcode
from sockscope.tui.app import SockscopeApp


async def wait_for(
    pilot: Pilot[None], condition: Callable[[], object], timeout: float = 5.0
) -> None:
    """Let the app run until ``condition()`` is true; fail with a clear message otherwise."""
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"condition not met within {timeout} s: {condition}")
        await pilot.pause(0.02)


def ended(app: SockscopeApp) -> bool:
    """The connection has closed or failed (a session not yet connected is CLOSED too)."""
    return isinstance(app.session.last_event, Closed | Failed)


def viewing_log(app: SockscopeApp) -> bool:
    """A log viewer is the screen, composed (its log is mounted)."""
    from sockscope.tui.screens.log_viewer import LogViewerScreen

    return isinstance(app.screen, LogViewerScreen) and bool(app.screen.query("MessageLog"))


def frames(app: SockscopeApp) -> list[tuple[Kind, Opcode, bytes]]:
    """Every frame row of the app's session, in order."""
    store = app.session.store
    return [
        (store.kind(i), store.opcode(i), store.payload(i))
        for i in range(len(store))
        if store.kind(i).is_frame
    ]


def screen_text(app: SockscopeApp) -> str:
    """What the terminal shows, as plain text (from the SVG-free text export)."""
    return app.export_screenshot()


def visible_text(widget: Widget) -> str:
    """The text of every line a Line API widget renders right now."""
    return "\n".join(widget.render_line(y).text for y in range(widget.size.height))


async def click_options_title(pilot: Pilot[None]) -> None:
    """Click the connection panel's "Options" title as a user does (the line under its rule)."""
    await pilot.click("#options", offset=(2, 1))


async def press_as_a_terminal(pilot: Pilot[None], key: str, character: str | None) -> None:
    """Press ``key`` as a terminal reports it: alt+r comes with the character "r" (which
    ``Pilot.press`` leaves out, so an Input's typing of it would go unseen)."""
    pilot.app.post_message(Key(key, character))
    await pilot.pause()


_SVG_TEXT = re.compile(
    r'<text [^>]*x="([\d.]+)" y="[\d.]+" textLength="([\d.]+)" '
    r'clip-path="url\(#[^)]*-line-(\d+)\)">([^<]*)</text>'
)


def screen_lines(app: App[object]) -> list[str]:
    """The screen as the terminal shows it, one string per line (read from the SVG export:
    each run of text there carries its line and its first cell's position)."""
    width, height = app.size
    grid = [[" "] * width for _ in range(height)]
    for x, length, line, escaped in _SVG_TEXT.findall(app.export_screenshot()):
        text = html.unescape(escaped).replace("\xa0", " ")
        column = round(float(x) / (float(length) / len(text)))
        for offset, character in enumerate(text):
            if column + offset < width:
                grid[int(line)][column + offset] = character
    return ["".join(row) for row in grid]
