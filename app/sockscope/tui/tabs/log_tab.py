"""A log tab: a saved log opened from disk, its viewer the tab's screen.

ctrl+o (and ``--open``) opens each log in a tab of its own, after the others, while the
live tabs go on recording; escape in the viewer (or alt+w) closes it and shows the tab
it was opened from. A replay or a diff of the log pushes on top, inside the tab.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from sockscope.tui.tabs.tab import Tab, TabState

if TYPE_CHECKING:  # the viewer brings the replay screens along (startup: file_service.py)
    from sockscope.tui.screens.log_viewer import LogViewerScreen
    from sockscope.tui.tabs.tab_set import TabSet


class LogTab(Tab):
    """An opened log: never the only tab (the app's keys need a live session)."""

    alone = False

    def __init__(self, viewer: LogViewerScreen, opener: Tab | None = None) -> None:
        self.viewer = viewer
        self.opener = opener

    @property
    def screen(self) -> LogViewerScreen:
        return self.viewer

    def title(self) -> str:
        return self.viewer.log_name

    def state(self) -> TabState:
        return TabState.LOG

    def rows(self) -> int:
        """The rows loaded so far (they grow while the file is read)."""
        return self.viewer.loaded.store.recorded


def show_log_tab(tabs: TabSet, viewer: LogViewerScreen) -> None:
    """Show ``viewer`` in a new tab, opened from the tab shown now."""
    tab = LogTab(viewer, tabs.current)
    tab.files = tabs.current.files if tabs.current is not None else None  # ctrl+s, ctrl+o
    tabs.show(tabs.add(tab))
