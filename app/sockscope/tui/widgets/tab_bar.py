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
#: The widest a tab's title is drawn (cells); longer ones end in an ellipsis.
TITLE_WIDTH = 28


def compact_count(count: int) -> str:
    """``999``, ``12k``, ``3.4M``: an unread count in a few cells."""
    if count < 10_000:
        return str(count)
    if count < 1_000_000:
        return f"{count // 1000}k"
    return f"{count / 1_000_000:.1f}M"


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
            self.refresh()

    def render(self) -> Text:
        tabs = self.tabs
        line = Text(no_wrap=True, overflow="ellipsis")
        self._spans = []
        for number, tab in enumerate(tabs, 1):
            start = line.cell_len
            current = tab is tabs.current
            state = tab.state()
            line.append(f" {number} ", "bold" if current else "")
            line.append(state.glyph, self._color(state.color))
            line.append(f" {_title(tab)}", "bold reverse" if current else "")
            unread = tabs.unread(tab)
            if unread:
                line.append(f" ·{compact_count(unread)}", "bold")
            line.append(" ")
            self._spans.append((start, line.cell_len, tab))
            line.append("│", "dim")
        return line

    def _color(self, name: str) -> str:
        color = getattr(self.app.current_theme, name, None) if name else None
        return color if isinstance(color, str) else "dim"

    def on_click(self, event: events.Click) -> None:
        for start, end, tab in self._spans:
            if start <= event.x < end:
                self.tabs.show(tab)
                return
