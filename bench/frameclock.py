"""When does a key reach the screen? Key events in the driver's way, frames at the write.

Pilot's ``press`` sleeps until the app is idle (an ~80 ms floor), so it cannot time a
key. Here a key is handed to the driver's ``send_message`` (what the terminal driver
does when the user types), and a frame counts when ``App._display`` writes it: the
point where Textual turns the compositor's update into escape codes for the terminal.
Headless drivers skip that encoding, so the clock does it (and throws the result away):
a frame is timed with the work a real terminal would cost.

``_display`` is private to Textual (checked with 8.2.8): if an upgrade renames it,
:class:`FrameClock` fails at once rather than timing nothing.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Sequence
from functools import partial
from time import perf_counter
from typing import Any

from rich.console import RenderableType
from textual import events
from textual._compositor import CompositorUpdate
from textual.app import App
from textual.screen import Screen


class FrameClock:
    """Hooks ``app._display``; answers "when was the first frame written after X held?"."""

    def __init__(self, app: App[Any]) -> None:
        self._app = app
        self._write = app._display
        self._waiting: list[tuple[Callable[[], bool], asyncio.Future[float]]] = []
        self.frames = 0
        self.first: float | None = None
        """When the first frame was written (``perf_counter``)."""
        app._display = self._display  # type: ignore[method-assign]

    def _display(self, screen: Screen[Any], renderable: RenderableType | None) -> None:
        self._write(screen, renderable)
        if renderable is None:
            return
        app = self._app
        if app.is_headless and isinstance(renderable, CompositorUpdate):
            renderable.render_segments(app.console)
        now = perf_counter()
        self.frames += 1
        if self.first is None:
            self.first = now
        still = []
        for condition, future in self._waiting:
            if future.done():
                continue
            if condition():
                future.set_result(now)
            else:
                still.append((condition, future))
        self._waiting = still

    async def frame_when(self, condition: Callable[[], bool], timeout: float = 30.0) -> float:
        """The ``perf_counter`` time of the first frame written while ``condition()`` held."""
        future: asyncio.Future[float] = asyncio.get_running_loop().create_future()
        self._waiting.append((condition, future))
        try:
            return await asyncio.wait_for(future, timeout)
        except TimeoutError:
            raise TimeoutError(f"No frame within {timeout} s showed {condition}.") from None


def press(app: App[Any], key: str) -> float:
    """Deliver ``key`` as the terminal driver would; return the ``perf_counter`` time.

    A one-character key is typed (it carries its character, as a letter the user types
    does); any other (``home``, ``backspace``) is a key with no character.
    """
    driver = app._driver
    assert driver is not None, "the app is not running"
    event = events.Key(key, key if len(key) == 1 else None)
    event.set_sender(app)
    sent = perf_counter()
    driver.send_message(event)
    return sent


def _changed(state: Callable[[], object], before: object, shown: Callable[[], bool]) -> bool:
    return state() != before and shown()


async def time_keys(
    app: App[Any],
    keys: Sequence[str],
    presses: int,
    state: Callable[[], object],
    shown: Callable[[], bool] = lambda: True,
    gap: float = 0.03,
) -> list[float]:
    """Milliseconds from each key's delivery to the first frame showing all it changed.

    Keys cycle through ``keys``; a key is answered once ``state()`` differs from before it
    and ``shown()`` holds (the rest of what it changes). One cycle of keys first, untimed:
    first presses run code paths for the first time. After each key the user "reads" for
    ``gap`` seconds.
    """
    clock = FrameClock(app)
    latencies = []
    for n in range(-len(keys), presses):
        before = state()
        sent = press(app, keys[n % len(keys)])
        answered = await clock.frame_when(partial(_changed, state, before, shown))
        if n >= 0:
            latencies.append((answered - sent) * 1000)
        await asyncio.sleep(gap)
    return latencies
