"""Startup: from launching the process to the first frame, against a hello-world Textual app.

Both apps start in fresh processes (imports included: that is what a user waits for)
and run headless at 160x50 until their first frame is written (:class:`FrameClock`).
sockscope starts the way the ``sockscope`` command with no argument does: its console
script imports ``sockscope.cli``, whose ``open`` command parses the (empty) arguments and
builds the app with the defaults, the session journal included (written under a scratch
``XDG_STATE_HOME``): the full screen, nothing connected.

Both run with compiled bytecode cached, as after any install: the children write it to a
scratch ``PYTHONPYCACHEPREFIX`` (not the source tree) in an untimed first launch each.
Without it (``PYTHONDONTWRITEBYTECODE`` in a checkout) every sockscope module would be
compiled at each start while Textual's come precompiled from site-packages.
Runs are interleaved and repeated; the best of each is kept.
"""

from __future__ import annotations

import tempfile
import time
from functools import partial
from typing import TYPE_CHECKING, Any

from bench import child
from bench.table import Row, passed

if TYPE_CHECKING:
    from textual.app import App

FULL_REPEATS = 10
GOAL_RATIO = 1.4
SIZE = (160, 50)


async def _first_paint(which: str, launched: str) -> float:
    """Seconds from ``launched`` (epoch) to the app's first frame.

    Each app's own code runs first, as its launch would (sockscope's imports Textual
    itself, with its own settings); the clock is imported after.
    """
    app = _sockscope() if which == "sockscope" else _hello()
    from bench.frameclock import FrameClock

    clock = FrameClock(app)
    async with app.run_test(size=SIZE) as pilot:
        while clock.first is None:
            await pilot.pause(0.001)
        painted = time.time() - (time.perf_counter() - clock.first)
    return painted - float(launched)


def _sockscope() -> App[Any]:
    """What the ``sockscope`` console script builds: ``sockscope.cli``'s ``open`` command."""
    from sockscope.cli import build_tui, open_command
    from sockscope.commands.options import settings_from_options

    params = open_command.make_context("open", []).params
    params.pop("urls")  # none: the bare `sockscope`
    settings, notice = settings_from_options(None, params)
    return build_tui(settings, params, connect_now=False, notice=notice)


def _hello() -> App[Any]:
    from bench.hello import Hello

    return Hello()


def _launch(which: str, scratch: str) -> float:
    env = {
        "PYTHONPYCACHEPREFIX": f"{scratch}/pycache",
        "PYTHONDONTWRITEBYTECODE": "",
        "XDG_STATE_HOME": f"{scratch}/state",  # where the session journal goes
    }
    return float(child.measure("startup", which, time.time(), env=env))


def run(quick: bool = False) -> list[Row]:
    repeats = 1 if quick else FULL_REPEATS
    ours, hello = [], []
    with tempfile.TemporaryDirectory(prefix="sockscope-bench-startup-") as scratch:
        _launch("sockscope", scratch)
        _launch("hello", scratch)
        for _ in range(repeats):
            ours.append(_launch("sockscope", scratch))
            hello.append(_launch("hello", scratch))
    best, base = min(ours), min(hello)
    return [
        Row(
            "startup: launch to first frame",
            f"{best * 1000:.0f} ms",
            f"{base * 1000:.0f} ms (hello-world Textual app)",
            best / base,
            f"<= {GOAL_RATIO}x",
            passed(best / base <= GOAL_RATIO),
        )
    ]


MEASUREMENTS: dict[str, Any] = {app: partial(_first_paint, app) for app in ("sockscope", "hello")}

if __name__ == "__main__":
    child.serve(MEASUREMENTS)
