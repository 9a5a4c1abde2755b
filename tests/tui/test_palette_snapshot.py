"""How the palette looks with ``pin`` typed: the ping command first, its key and id.

Regenerate with ``pytest tests/tui/test_palette_snapshot.py --snapshot-update`` after an
intended change, and look at the SVG before committing it.
"""

from __future__ import annotations

from collections.abc import Callable

from textual.command import CommandList, CommandPalette
from textual.pilot import Pilot
from textual.widgets import Input

from sockscope.core.settings import ConnectionSettings
from sockscope.tui.factory import build_app

from .helpers import wait_for
from .scenes import SIZE, URL, session_rows, steady_cursors

SnapCompare = Callable[..., bool]


async def open_palette_with_pin(pilot: Pilot[None]) -> None:
    app = pilot.app
    await pilot.pause()
    steady_cursors(app)  # type: ignore[arg-type]
    await pilot.press("ctrl+p")
    await wait_for(pilot, lambda: isinstance(app.screen, CommandPalette))
    app.screen.query_one(Input).cursor_blink = False
    await pilot.press(*"pin")
    listed = app.screen.query_one(CommandList)
    await wait_for(pilot, lambda: listed.option_count > 0)
    await pilot.pause(0.3)  # the palette gathers its hits in batches; let it finish


def test_palette_with_pin_typed(snap_compare: SnapCompare) -> None:
    app = build_app(ConnectionSettings(URL), session=session_rows())
    assert snap_compare(app, terminal_size=SIZE, run_before=open_palette_with_pin)
