"""The app's tabs: each a Textual mode; adding, switching and closing them, and unread counts.

A tab's mode keeps its own screen stack, so a dialog or a log viewer opened in one tab
stays there when another is shown. Closing a tab removes its mode: its screens unmount
(a live tab's connection closes with 1001 going away) and then :meth:`Tab.closed` runs.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable, Iterator
from typing import TYPE_CHECKING, Any

from textual.signal import Signal

from sockscope.tui.tabs.tab import Tab

if TYPE_CHECKING:
    from textual.app import App
    from textual.screen import Screen
    from textual.widget import AwaitMount


class TabSet:
    """The tabs in the order the bar shows them, and which one is shown."""

    def __init__(self, app: App[Any]) -> None:
        self._app = app
        self._tabs: list[Tab] = []
        self._seen: dict[str, int] = {}
        """Each tab's row count when it was last shown (its unread count starts there)."""
        self._numbers = itertools.count(1)
        self.current: Tab | None = None
        self.changed: Signal[None] = Signal(app, "tabs-changed")
        """Published when a tab is added, closed or shown (the bars redraw)."""

    def __iter__(self) -> Iterator[Tab]:
        return iter(self._tabs)

    def __len__(self) -> int:
        return len(self._tabs)

    def index(self, tab: Tab) -> int:
        return self._tabs.index(tab)

    def unread(self, tab: Tab) -> int:
        """Rows recorded since ``tab`` was last shown (0 for the tab shown)."""
        if tab is self.current:
            return 0
        return max(0, tab.rows() - self._seen.get(tab.mode, 0))

    def first(self, tab: Tab, screen: Callable[[], Screen[Any]]) -> None:
        """The tab the app starts in, in the app's default mode; ``screen`` makes its
        screen when the app starts."""
        tab.mode = self._app.DEFAULT_MODE
        self._app.add_mode(tab.mode, screen)
        self._tabs.append(tab)
        self.current = tab
        next(self._numbers)

    def add(self, tab: Tab) -> Tab:
        """Add a tab after the others, not shown: until it is, it has no screen mounted
        (its session must run without one)."""
        tab.mode = f"tab-{next(self._numbers)}"
        self._app.add_mode(tab.mode, lambda: tab.screen)
        self._tabs.append(tab)
        self._seen[tab.mode] = 0
        self.changed.publish(None)
        return tab

    def show(self, tab: Tab) -> AwaitMount:
        if self.current is not None and tab is not self.current:
            self._seen[self.current.mode] = self.current.rows()
        self.current = tab
        mounted = self._app.switch_mode(tab.mode)
        self.changed.publish(None)
        return mounted

    def show_number(self, number: int) -> None:
        """Show the tab numbered ``number`` on the bar (1 = the first), if there is one."""
        if 1 <= number <= len(self._tabs):
            self.show(self._tabs[number - 1])

    def step(self, by: int) -> None:
        """Show the next (1) or previous (-1) tab, round the ends."""
        if self.current is not None and len(self._tabs) > 1:
            at = self._tabs.index(self.current)
            self.show(self._tabs[(at + by) % len(self._tabs)])

    def can_close(self, tab: Tab) -> bool:
        """Whether ``tab`` is open and closing it leaves a tab that may be alone."""
        return tab in self._tabs and any(other.alone for other in self._tabs if other is not tab)

    async def close(self, tab: Tab) -> None:
        """Close ``tab`` (if :meth:`can_close`): the tab it was opened from is shown if it
        was, or else its neighbour."""
        if not self.can_close(tab):
            return
        at = self._tabs.index(tab)
        if tab is self.current:
            if tab.opener in self._tabs:
                self.show(tab.opener)
            else:
                self.show(self._tabs[at + 1] if at + 1 < len(self._tabs) else self._tabs[at - 1])
        self._tabs.remove(tab)
        self._seen.pop(tab.mode, None)
        for other in self._tabs:  # (a closed tab's session is not kept for them)
            if other.opener is tab:
                other.opener = None
        self.changed.publish(None)
        await self._app.remove_mode(tab.mode)
        await tab.closed()
