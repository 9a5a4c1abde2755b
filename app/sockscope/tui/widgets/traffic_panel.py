"""The traffic panel: frames a second in and out as sparklines, and message sizes.

Hidden until opened (F4); while open it samples the store twice a second
(:mod:`sockscope.core.session.traffic`): nothing is done per frame, and nothing at all
while it is hidden. The throughput is read back from the time column, so an opened
panel shows the last minute at once.
"""

from __future__ import annotations

import time
from collections.abc import Callable

from rich.text import Text
from textual.containers import Horizontal, Vertical
from textual.timer import Timer
from textual.widget import Widget
from textual.widgets import Label, Sparkline, Static

from sockscope.core.session.traffic import WINDOW, Rates, SizeHistogram, Throughput
from sockscope.core.store.frames import FrameStore

#: Seconds between samples while the panel is open.
TICK = 0.5
#: Size buckets shown (the panel's height less its title): the busiest run of them.
SHOWN_BUCKETS = 6


def rate_text(arrow: str, rates: list[int]) -> str:
    """``↓ 1,204/s  peak 3,310/s`` for the last whole second and the window's peak."""
    now = rates[-1] if rates else 0
    return f"{arrow} {now:,}/s  peak {max(rates, default=0):,}/s"


def size_label(upper: int) -> str:
    """A bucket's exclusive upper bound, a power of two: ``< 128 B``, ``< 4 KiB``."""
    if upper == 1:
        return "0 B"
    for unit, shift in (("GiB", 30), ("MiB", 20), ("KiB", 10)):
        if upper >= 1 << shift:
            return f"< {upper >> shift} {unit}"
    return f"< {upper} B"


def busiest(buckets: list[tuple[int, int]], count: int) -> list[tuple[int, int]]:
    """The run of ``count`` consecutive buckets holding the most messages."""
    if len(buckets) <= count:
        return buckets
    sums = [sum(n for _, n in buckets[i : i + count]) for i in range(len(buckets) - count + 1)]
    start = sums.index(max(sums))
    return buckets[start : start + count]


def histogram_text(buckets: list[tuple[int, int]], total: int, width: int) -> Text:
    """The title and one bar a bucket, scaled to the largest, within ``width`` cells."""
    text = Text(f"Message sizes ({total:,} messages)", style="bold")
    shown = busiest(buckets, SHOWN_BUCKETS)
    if not shown:
        text.append("\nno text or binary messages yet", style="dim")
        return text
    largest = max(n for _, n in shown) or 1
    counts = [f"{n:,}" for _, n in shown]
    room = max(1, width - 9 - max(map(len, counts)) - 2)
    for (upper, n), count in zip(shown, counts, strict=True):
        eighths = round(n / largest * room * 8)
        bar = "█" * (eighths // 8) + (" ▏▎▍▌▋▊▉"[eighths % 8] if eighths % 8 else "")
        if n and not bar:
            bar = "▏"
        text.append(f"\n{size_label(upper):>8} ")
        text.append(bar.ljust(room), style="bold")
        text.append(f" {count}")
    return text


class SizeChart(Static):
    """The histogram's text, redrawn at the width the panel gives it."""

    def __init__(self, histogram: SizeHistogram, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.histogram = histogram

    def render(self) -> Text:
        histogram = self.histogram
        return histogram_text(histogram.buckets(), histogram.total, self.size.width)


class TrafficPanel(Horizontal):
    """Throughput sparklines on the left, message sizes on the right."""

    DEFAULT_CSS = """
    TrafficPanel {
        height: 7;
        display: none;
        padding: 0 1;
        border-bottom: hkey $foreground 20%;
        &.-open { display: block; }
        & > #throughput { width: 1fr; }
        & > #sizes { width: 1fr; margin-left: 2; }
        & .traffic-title { text-style: bold; }
        & .traffic-row { height: 2; }
        & .traffic-rate { width: 30; }
        & Sparkline { width: 1fr; height: 2; }
        & #spark-in > .sparkline--max-color { color: $success; }
        & #spark-in > .sparkline--min-color { color: $success 30%; }
        & #spark-out > .sparkline--max-color { color: $accent; }
        & #spark-out > .sparkline--min-color { color: $accent 30%; }
    }
    """

    def __init__(self, store: FrameStore, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.throughput = Throughput(store)
        self.histogram = SizeHistogram(store)
        self.clock: Callable[[], float] = time.time
        """Wall time (the store's times are ``time.time()``); a fixed scene sets its own."""
        self._timer: Timer | None = None

    def _parts(self) -> list[Widget]:
        """The panel's widgets, mounted when it first opens (most sessions never do)."""
        empty = [0.0] * WINDOW
        rows = [
            Horizontal(
                Label(rate_text(arrow, []), id=f"rate-{name}", classes="traffic-rate"),
                Sparkline(empty, id=f"spark-{name}"),
                classes="traffic-row",
            )
            for arrow, name in (("↓", "in"), ("↑", "out"))
        ]
        title = Label(f"Frames a second, last {WINDOW} s", classes="traffic-title")
        return [Vertical(title, *rows, id="throughput"), SizeChart(self.histogram, id="sizes")]

    @property
    def is_open(self) -> bool:
        return self.has_class("-open")

    def toggle(self) -> None:
        """Open (sampling at once, then every :data:`TICK`) or close (sampling stops)."""
        if self.is_open:
            self.remove_class("-open")
            if self._timer is not None:
                self._timer.pause()
            return
        self.add_class("-open")
        if self._timer is not None:
            self.sample()
            self._timer.resume()
            return
        mounting = self.mount_all(self._parts())

        async def start_once_mounted() -> None:
            await mounting
            self.sample()
            self._timer = self.set_interval(TICK, self.sample)

        self.call_next(start_once_mounted)

    def sample(self) -> None:
        """Read the store again and redraw."""
        rates: Rates = self.throughput.sample(self.clock())
        self.query_one("#rate-in", Label).update(rate_text("↓", rates.received))
        self.query_one("#rate-out", Label).update(rate_text("↑", rates.sent))
        self.query_one("#spark-in", Sparkline).data = [float(n) for n in rates.received]
        self.query_one("#spark-out", Sparkline).data = [float(n) for n in rates.sent]
        before = self.histogram.total
        self.histogram.update()
        if self.histogram.total != before:
            self.query_one(SizeChart).refresh()
