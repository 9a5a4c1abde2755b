"""Key to frame under load: the scroll keys timed while the app ingests a firehose.

The app (headless, 160x50) connects to an endless firehose (:mod:`bench.firehose`, 100 B
frames, as fast as the app takes them); once frames flow, the log gets the focus and the
keys of :mod:`bench.scroll` are timed the same way, from the driver to the frame showing
the cursor moved and the inspector showing its row. Then the app disconnects. The baseline
is the limit of answering a key: the hello-world Textual app answering the same keys, idle,
timed the same way in the same run; the goal allows for the load.
"""

from __future__ import annotations

import asyncio
import time
from typing import Any

from bench import child
from bench.firehose import Firehose
from bench.ingest import settings_for
from bench.scroll import against_hello, hello_keys, time_scroll_keys
from bench.table import Row

FRAME_SIZE = 100
ENDLESS = 10**12
"""Frames the firehose offers: more than any run takes in."""
FULL_PRESSES, QUICK_PRESSES = 60, 5
FLOWING = 10_000
"""Frames in the store before the first key: the feed is flowing."""
SIZE = (160, 50)
GOAL_RATIO = 1.6
"""The median key to frame under load, in times the idle hello-world app's."""


async def _under_load(url: str, presses: str) -> dict[str, float | list[float]]:
    from sockscope.core.events import ReadyState
    from sockscope.tui.factory import build_app

    app = build_app(settings_for(url), connect_now=True)
    store = app.session.store
    async with app.run_test(size=SIZE):
        while store.frames_in < FLOWING:
            await asyncio.sleep(0.01)
        before, start = store.frames_in, time.perf_counter()
        latencies = await time_scroll_keys(app, int(presses))
        rate = (store.frames_in - before) / (time.perf_counter() - start)
        app.action_disconnect()  # leave the feed before the app closes
        while app.session.state is not ReadyState.CLOSED:
            await asyncio.sleep(0.01)
    return {"latencies": latencies, "rate": rate}


def run(quick: bool = False) -> list[Row]:
    presses = QUICK_PRESSES if quick else FULL_PRESSES
    with Firehose() as firehose:
        result = child.measure("under_load", "keys", firehose.url(ENDLESS, FRAME_SIZE), presses)
    hello = hello_keys(presses)
    return [
        against_hello(
            f"key to frame under load ({FRAME_SIZE} B firehose,"
            f" {result['rate'] / 1000:.0f}k frames/s meanwhile)",
            result["latencies"],
            hello,
            GOAL_RATIO,
        )
    ]


MEASUREMENTS: dict[str, Any] = {"keys": _under_load}

if __name__ == "__main__":
    child.serve(MEASUREMENTS)
