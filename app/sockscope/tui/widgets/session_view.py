"""A session's rows: the message log, the inspector beside it, the filter bar below.

Both the live session and a saved log opened from disk are shown through this
one widget, which routes its parts' messages among themselves and shows the log's
cursor row in the inspector.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, cast

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical

from sockscope.core.store.frames import FrameStore
from sockscope.tui.guard import guarded
from sockscope.tui.log.message_log import MessageLog
from sockscope.tui.widgets.inspector import Inspector

if TYPE_CHECKING:  # imported with the bar's first opening (startup: docs/performance.md)
    from sockscope.tui.widgets.filter_bar import FilterBar


class SessionView(Vertical):
    """Log + inspector + filter over one store."""

    DEFAULT_CSS = """
    SessionView {
        height: 1fr;
        & > #rows { height: 1fr; }
        & MessageLog { width: 3fr; }
        & Inspector { width: 2fr; border-left: vkey $foreground 20%; }
    }
    """

    # The inspector's keys also work from the log, where the user's cursor is.
    BINDINGS = [
        Binding("j", "inspect('JSON')", "JSON", show=False),
        Binding("r", "inspect('text')", "Text", show=False),
        Binding("x", "inspect('hex')", "Hex", show=False),
        Binding("b", "inspect('base64')", "Base64", show=False),
        Binding("e", "inspect_decoded", "Decoded", show=False, tooltip="Decoded; again: next"),
        Binding("m", "inspect_more", "More", show=False, tooltip="More of a huge payload"),
        Binding("c", "copy", "Copy", tooltip="Copy the selected payload"),
    ]

    def __init__(self, store: FrameStore, *, live: bool = True, id: str | None = None) -> None:
        """``live``: see :class:`MessageLog`."""
        super().__init__(id=id)
        self.store = store
        self.live = live

    def compose(self) -> ComposeResult:
        with Horizontal(id="rows"):
            yield MessageLog(self.store, live=self.live, id="log")
            yield Inspector(id="inspector")
        # The filter bar is mounted by open_filter: most sessions never filter (startup).

    @property
    def message_log(self) -> MessageLog:
        return self.query_one(MessageLog)

    @guarded
    def refresh_rows(self) -> None:
        # query, not query_one: while the app quits, the log may already be gone.
        for log in self.query(MessageLog):
            log.refresh_rows()

    def open_filter(self) -> None:
        """Open the filter bar, mounting it the first time."""
        from sockscope.tui.widgets.filter_bar import FilterBar

        bars = self.query(FilterBar)
        if bars:
            bar = bars.first()
        else:
            bar = FilterBar(id="filter")
            self.mount(bar)
        bar.open()

    @guarded
    def action_inspect(self, mode: str) -> None:
        self.query_one(Inspector).action_mode(mode)

    @guarded
    def action_inspect_decoded(self) -> None:
        self.query_one(Inspector).action_decode()

    @guarded
    def action_inspect_more(self) -> None:
        self.query_one(Inspector).action_more()

    @guarded
    def action_copy(self) -> None:
        self.query_one(Inspector).action_copy()

    def on_mount(self) -> None:
        # A watch, not a message: the inspector changes in the same frame as the cursor.
        self.watch(self.message_log, "cursor_number", self._cursor_moved, init=False)

    @guarded
    def _cursor_moved(self, number: int | None) -> None:
        if number is None:
            return
        # The log numbers rows as of its last refresh; the store may have dropped more
        # since (--max-frames trims as frames come in). Such a row is gone: show nothing new.
        index = number - self.store.dropped
        if index >= 0:
            self.query_one(Inspector).show_row(self.store, index)

    @on(MessageLog.FilterCounted)
    @guarded
    def _filter_counted(self, message: MessageLog.FilterCounted) -> None:
        for bar in self.query("#filter"):  # none yet when a filter was set on the log directly
            cast("FilterBar", bar).set_count(message.shown, message.total, message.scanning)

    # The bar's messages by handler name: the bar's module is not imported until it opens.
    @guarded
    def on_filter_bar_filter_changed(self, message: FilterBar.FilterChanged) -> None:
        self.message_log.set_filter(message.compiled)

    def on_filter_bar_closed(self) -> None:
        self.message_log.focus()
