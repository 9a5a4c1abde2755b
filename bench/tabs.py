"""Key to frame in tabs: typing in one tab while another drinks a firehose (issue 17).

The app (headless, 160x50) opens two live tabs, as ``sockscope ECHO FIREHOSE`` does: the
first on the demo server's ``/echo`` (``sockscope serve``, its own process), the second on
an endless 100 B firehose (:mod:`bench.firehose`, its own process, as fast as the app takes
frames). The first tab is shown, its composer has the focus; once the hidden tab holds
:data:`FLOWING` frames, letters and backspaces are typed into the composer and each is
timed by the key-to-frame harness (:mod:`bench.frameclock`) to the first frame written with
the editor's text changed. Then the firehose tab is closed (its connection with it).

Two rows. The issue's claim (a firehose in one tab never slows typing in another) is
judged against the same typing with the first tab alone (no second tab), in its own
process of the same run, with the under-load row's allowance for a feed's work (1.6x).
The absolute goal is judged as for the other key-to-frame rows: against the hello-world
Textual app answering its keys, idle, in its own process of the same run.
"""

from __future__ import annotations

import asyncio
import statistics
import time
from typing import Any

from bench import child
from bench.firehose import Firehose
from bench.ingest import settings_for
from bench.scroll import against_hello, hello_keys, summary
from bench.soak import demo_server
from bench.table import Row, passed
from bench.under_load import ENDLESS, FLOWING, FRAME_SIZE, GOAL_RATIO, SIZE

KEYS = (*"sockscope", *("backspace",) * 9)
"""A word typed and rubbed out: the editor's text stays one short line."""
FULL_PRESSES, QUICK_PRESSES = 60, 5
GAP = 0.03
"""Seconds between keys: someone typing fast."""


async def _typing(echo: str, firehose: str, presses: str) -> dict[str, Any]:
    """Type into tab 1's composer (tab 2 on ``firehose``, unless it is "")."""
    from bench.frameclock import time_keys
    from sockscope.core.events import ReadyState
    from sockscope.tui.factory import build_app

    more = (settings_for(firehose),) if firehose else ()
    app = build_app(settings_for(echo), connect_now=True, more=more)
    async with app.run_test(size=SIZE):
        first = app.live_tabs()[0]
        while len(app.tabs) != 1 + len(more) or app.tabs.current is not first:
            await asyncio.sleep(0.01)
        while first.session.state is not ReadyState.OPEN:
            await asyncio.sleep(0.01)
        hidden = app.live_tabs()[1:]
        while any(tab.session.store.frames_in < FLOWING for tab in hidden):
            await asyncio.sleep(0.01)
        editor = first.main_screen.composer.editor
        editor.focus()
        while app.focused is not editor:
            await asyncio.sleep(0.01)
        before, start = sum(tab.session.store.frames_in for tab in hidden), time.perf_counter()
        latencies = await time_keys(app, KEYS, int(presses), lambda: editor.text, gap=GAP)
        flowed = sum(tab.session.store.frames_in for tab in hidden) - before
        rate = flowed / (time.perf_counter() - start)
        for tab in hidden:  # closing the tab closes its connection (1001 going away)
            await app.tabs.close(tab)
            while tab.session.state is not ReadyState.CLOSED:
                await asyncio.sleep(0.01)
    return {"latencies": latencies, "rate": rate}


def run(quick: bool = False) -> list[Row]:
    presses = QUICK_PRESSES if quick else FULL_PRESSES
    with demo_server() as base, Firehose() as firehose:
        echo = f"{base}/echo"
        loaded = child.measure("tabs", "typing", echo, firehose.url(ENDLESS, FRAME_SIZE), presses)
        alone = child.measure("tabs", "typing", echo, "", presses)
    hello = hello_keys(presses)
    figure = (
        f"key to frame typing in tab 1, {FRAME_SIZE} B firehose in tab 2"
        f" ({loaded['rate'] / 1000:.0f}k frames/s meanwhile)"
    )
    ratio = statistics.median(loaded["latencies"]) / statistics.median(alone["latencies"])
    return [
        Row(
            figure,
            summary(loaded["latencies"]),
            f"{summary(alone['latencies'])} (the same typing, tab 1 alone)",
            ratio,
            f"<= {GOAL_RATIO}x",
            passed(ratio <= GOAL_RATIO),
        ),
        against_hello(f"{figure}, vs hello-world", loaded["latencies"], hello, GOAL_RATIO),
    ]


MEASUREMENTS: dict[str, Any] = {"typing": _typing}

if __name__ == "__main__":
    child.serve(MEASUREMENTS)
