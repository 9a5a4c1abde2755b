"""The tab bar: one line naming every tab, its state and what came since it was last seen.

Each tab's base screen has its own bar; all of them draw the app's one
:class:`~sockscope.tui.tabs.tab_set.TabSet`. A bar redraws when what it would show
changes (it looks four times a second: a firehose in another tab costs one comparison,
not one redraw per batch) and is hidden while there is only one tab, so a single
session looks as it always did.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, cast

from rich.text import Text
from textual import events
from textual.widget import Widget

from sockscope.core.text.display import safe_line

if TYPE_CHECKING:
    from sockscope.tui.tabs.tab import Tab
    from sockscope.tui.tabs.tab_set import TabSet

#: How often a bar checks whether what it shows changed (seconds).
CHECK_EVERY = 0.25
#: Drawn where tabs are left out of a bar too narrow for them all.
MORE_LEFT, MORE_RIGHT = "‹", "›"
#: The widest a tab's title is drawn (cells); longer ones end in an ellipsis.
TITLE_WIDTH = 28


def compact_count(count: int) -> str:
    """``999``, ``12k``, ``3.4M``: an unread count in a few cells."""
    if count < 10_000:
        return str(count)
    if count < 1_000_000:
        return f"{count // 1000}k"
    return f"{count / 1_000_000:.1f}M"


def _window(widths: list[int], current: int, room: int) -> tuple[int, int]:
    """The first and last tab to draw: all that fit in ``room`` cells, the current one always,
    its neighbours added one each side in turn (a marker takes a cell where tabs are left out)."""
    if sum(widths) <= room or not widths:
        return 0, max(0, len(widths) - 1)
    first = last = current
    used = widths[current] + 2 * len(MORE_LEFT)
    grew = True
    while grew:
        grew = False
        if last + 1 < len(widths) and used + widths[last + 1] <= room:
            last += 1
            used += widths[last]
            grew = True
        if first > 0 and used + widths[first - 1] <= room:
            first -= 1
            used += widths[first]
            grew = True
    return first, last


def _title(tab: Tab) -> str:
    title = safe_line(tab.title())
    return title if len(title) <= TITLE_WIDTH else title[: TITLE_WIDTH - 1] + "…"


class TabBar(Widget, can_focus=False):
    """Every tab as ``1 ● host/path ·12``; a click shows it. alt+1…9 do too."""

    DEFAULT_CSS = """
    TabBar {
        dock: top;
        height: 1;
        background: $panel;
        color: $text-muted;
    }
    """

    def __init__(self) -> None:
        super().__init__(id="tab-bar")
        self._shown: tuple[object, ...] = ()
        self._spans: list[tuple[int, int, Tab]] = []

    @property
    def tabs(self) -> TabSet:
        tabs: TabSet = cast("Any", self.app).tabs
        return tabs

    def on_mount(self) -> None:
        self._check()
        self.set_interval(CHECK_EVERY, self._check)
        self.tabs.changed.subscribe(self, lambda _: self._check())

    def on_unmount(self) -> None:
        # A signal's callbacks hold their node: left subscribed, a closed tab's whole
        # screen (and session) would live as long as the app.
        self.tabs.changed.unsubscribe(self)

    def _state(self) -> tuple[object, ...]:
        tabs = self.tabs
        return tuple(
            (tab, tab is tabs.current, tab.title(), tab.state(), tabs.unread(tab)) for tab in tabs
        )

    def _check(self) -> None:
        state = self._state()
        self.display = len(state) > 1
        if state != self._shown:
            self._shown = state
            self._spans = []  # (render makes them again; they held closed tabs)
            self.refresh()

    def render(self) -> Text:
        tabs = self.tabs
        labels = [self._label(number, tab) for number, tab in enumerate(tabs, 1)]
        first, last = _window(
            [label.cell_len for label in labels], self._current(), self.size.width
        )
        line = Text(no_wrap=True, overflow="ellipsis")
        if first > 0:
            line.append(MORE_LEFT, "bold")
        self._spans = []
        for label, tab in zip(labels[first : last + 1], list(tabs)[first : last + 1], strict=True):
            self._spans.append((line.cell_len, line.cell_len + label.cell_len - 1, tab))
            line.append_text(label)
        if last < len(labels) - 1:
            line.append(MORE_RIGHT, "bold")
        return line

    def _current(self) -> int:
        current = self.tabs.current
        return self.tabs.index(current) if current is not None else 0

    def _label(self, number: int, tab: Tab) -> Text:
        """`` 2 ● host/path ·12 │``: the part of the bar a click on shows ``tab``."""
        tabs = self.tabs
        current = tab is tabs.current
        state = tab.state()
        label = Text()
        label.append(f" {number} ", "bold" if current else "")
        label.append(state.glyph, self._color(state.color))
        label.append(f" {_title(tab)}", "bold reverse" if current else "")
        unread = tabs.unread(tab)
        if unread:
            label.append(f" ·{compact_count(unread)}", "bold")
        label.append(" ")
        label.append("│", "dim")
        return label

    def _color(self, name: str) -> str:
        color = getattr(self.app.current_theme, name, None) if name else None
        return color if isinstance(color, str) else "dim"

    def on_click(self, event: events.Click) -> None:
        for start, end, tab in self._spans:
            if start <= event.x < end:
                self.tabs.show(tab)
                return
