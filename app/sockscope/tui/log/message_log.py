"""The message log: one line per row of the store, rendered only where visible.

The log is a *view* over a :class:`FrameStore` (:class:`LogRows` maps its positions to
rows): rows from ``view_start`` on, or, when a filter is active, an ``array('I')`` of
matching store indexes (matched by :class:`FilterScan`). Nothing per row is kept besides
that array and the cache of rendered lines (:class:`RowLines`), so a million rows scroll
like ten. When the store drops its oldest rows (``max_frames``), :meth:`refresh_rows`
renumbers the view and keeps the rows on screen where they were. This module keeps the
view's height, the tail it follows and the cursor.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from textual import events
from textual.binding import Binding
from textual.message import Message
from textual.reactive import reactive, var
from textual.scroll_view import ScrollView
from textual.strip import Strip

from sockscope.core.store.frames import FrameStore
from sockscope.tui.log.filter_scan import FilterScan
from sockscope.tui.log.row_lines import Kinds, Labels, RowLines
from sockscope.tui.log.rows import LogRows
from sockscope.tui.log.virtual_height import set_rows_height

if TYPE_CHECKING:
    from sockscope.tui.log.keepalive_filter import RowMatcher


class MessageLog(ScrollView, can_focus=True):
    """Every event of the session, one aligned line each: time, direction, opcode, size."""

    DEFAULT_CSS = """
    MessageLog {
        background: $surface;
        overflow-x: hidden;
        overflow-y: scroll;
        /* The bottom border carries "N of M" and "N new" as its subtitle. */
        border-bottom: solid $foreground 20%;
        border-subtitle-align: right;
        border-subtitle-color: $warning;
        &:focus { background-tint: $foreground 5%; border-bottom: solid $primary; }
        & > .message-log--time { color: $text-muted; }
        & > .message-log--size { color: $text-muted; }
        & > .message-log--sent { color: $accent; }
        & > .message-log--received { color: $success; }
        & > .message-log--event { color: $warning; text-style: bold; }
        & > .message-log--error { color: $error; text-style: bold; }
        & > .message-log--keepalive { text-style: dim; }
        & > .message-log--cursor {
            background: $block-cursor-blurred-background;
            color: $block-cursor-blurred-foreground;
        }
        &:focus > .message-log--cursor {
            background: $block-cursor-background;
            color: $block-cursor-foreground;
        }
    }
    """

    COMPONENT_CLASSES = {
        f"message-log--{part}"
        for part in ("time", "size", "sent", "received", "event", "error", "keepalive", "cursor")
    }

    BINDINGS = [
        Binding("up", "cursor(-1)", "Up", show=False),
        Binding("down", "cursor(1)", "Down", show=False),
        Binding("pageup", "page(-1)", "Page up", show=False),
        Binding("pagedown", "page(1)", "Page down", show=False),
        Binding("home", "first", "First row", show=False),
        Binding("end", "last", "Last row (follow)", show=False),
        Binding("t", "toggle_time", "Time", id="log.toggle_time", tooltip="Absolute/relative"),
        Binding(
            "slash", "app.filter", "Filter", id="log.filter", show=False, tooltip="Filter the log"
        ),
    ]

    relative_time: reactive[bool] = reactive(False)
    """Show times as ``+1.234s`` since the session's first row instead of the clock."""

    unseen: reactive[int] = reactive(0)
    """Rows that arrived while the user was scrolled away from the tail."""

    cursor_number: var[int | None] = var(None)
    """The session number (store index plus rows dropped) of the row the cursor last moved
    onto; it stays when that row is hidden or dropped. A watched ``var``, not a message, so
    the inspector is drawn in the same frame as the cursor (docs/performance.md)."""

    class FilterCounted(Message):
        """With a filter active: ``shown`` of ``total`` rows match (``scanning``: not done)."""

        def __init__(self, shown: int, total: int, scanning: bool, log: MessageLog) -> None:
            super().__init__()
            self.shown = shown
            self.total = total
            self.scanning = scanning
            self.log = log

        @property
        def control(self) -> MessageLog:
            return self.log

        def can_replace(self, message: Message) -> bool:
            return isinstance(message, MessageLog.FilterCounted)

    def __init__(
        self,
        store: FrameStore,
        *,
        live: bool = True,
        name: str | None = None,
        id: str | None = None,
        classes: str | None = None,
    ) -> None:
        """``live``: rows are messages arriving, the view follows them and counts the new
        ones; else the store is a recording (it may still be loading), read from the top."""
        super().__init__(name=name, id=id, classes=classes)
        self.store = store
        self.live = live
        self.rows = LogRows(store)
        self._scan = FilterScan(store, self.rows, self.run_worker, self._renumber, self._shown)
        self._lines = RowLines(self, store, self.rows)
        self._subtitle = ""
        """What the border's subtitle says ("N of M", "N new")."""
        self._following = live
        """The view is at the tail (kept across resizes and growth, unlike the offset)."""

    def show_labels(self, labels: Labels | None, kinds: Kinds | None = None) -> None:
        """Show rows as a protocol layer reads them (keepalives dim, errors red), or raw."""
        self._lines.labels, self._lines.kinds = labels, kinds
        self._lines.restyle()
        self.refresh()

    # -- the view ------------------------------------------------------------

    @property
    def row_count(self) -> int:  # in the view: matching rows when a filter is active
        return self.rows.row_count

    @property
    def scanning(self) -> bool:
        """True while a filter has rows left to match."""
        return self.rows.scanning

    @property
    def selected(self) -> int | None:
        """Store index of the cursor row."""
        return self.rows.selected

    def index_at(self, position: int) -> int:
        """The store index shown at view ``position``."""
        return self.rows.index_at(position)

    def on_mount(self) -> None:
        self.refresh_rows()  # (Textual calls ScrollView.on_mount as well)

    def refresh_rows(self) -> None:
        """Take in the rows added to (or dropped from) the store since the last call.

        Cheap: O(new rows), plus O(matching rows) after the store dropped rows.
        """
        rows = self.rows
        renumbered = self._renumber()
        total = len(self.store)
        if total == rows.known:
            if renumbered:
                self._post_count()
            return
        rows.known = total
        self._scan.take_new(total)
        self._shown()

    def _renumber(self) -> bool:
        """Catch up with rows the store dropped, keeping the rows on screen where they are.

        Returns whether there was anything to catch up with.
        """
        top = self.scroll_offset.y
        gone = self.rows.renumber()
        if gone is None:
            return False
        self.unseen = min(self.unseen, self.row_count)
        # The rows on screen moved up by ``gone`` positions: scroll up as much (first: the
        # smaller height would clamp the old offset to the tail, and the log would follow it).
        height = max(0, self.virtual_size.height - gone)
        if self._following:
            self._set_height(height)
            self._scroll_to_tail()
        else:
            self.scroll_to(y=max(0, top - gone), animate=False, immediate=True)
            self._set_height(height)
        self.refresh()
        return True

    def clear_view(self) -> None:
        """Hide every row so far; the store (the recorded session) keeps them."""
        self._scan.cancel()
        self._renumber()
        self.rows.hide_all()
        self.unseen = 0
        self._resize()
        self._post_count()

    def set_filter(self, compiled: RowMatcher | None) -> None:
        """Show only the rows ``compiled`` matches (``None``: every row)."""
        self._scan.cancel()
        self._renumber()
        self._scan.set(compiled)
        self.rows.filter(compiled is not None)
        self.unseen = 0
        self._resize()
        if self.selected is not None and self.rows.is_shown(self.selected):
            self.select(self.rows.position_near(self.selected))
        elif self.live:
            self._scroll_to_tail()
        else:  # a recording is read from the top
            self._following = False
            self.scroll_home(animate=False, immediate=True)
        if compiled is not None:
            self._scan.scan_some()  # small sessions are filtered at once
            self._show_new_rows()
            if self.scanning:
                self._scan.start()
        self._post_count()

    def _shown(self) -> None:
        """Show the rows taken in so far and count them."""
        self._show_new_rows()
        self._post_count()

    def _post_count(self) -> None:
        """Show "N of M" and "N new" in the border; tell the app the filter's count."""
        parts = []
        if self.rows.matches is not None:
            shown, total = self.row_count, self.rows.total
            parts.append(f"{shown:,} of {total:,}" + (" filtering…" if self.scanning else ""))
            self.post_message(self.FilterCounted(shown, total, self.scanning, self))
        if self.unseen:
            parts.append(f"{self.unseen:,} new ↓")
        subtitle = " · ".join(parts)
        if subtitle != self._subtitle:  # setting it repaints the whole log, even unchanged
            self._subtitle = self.border_subtitle = subtitle

    # -- following the tail ----------------------------------------------------

    def _show_new_rows(self) -> None:
        """Show the rows added since the last call: follow the tail, or count them as "N new".

        The virtual height is the number of rows shown so far.
        """
        shown = self.virtual_size.height
        added = self.row_count - shown
        if added > 0:
            self._set_height(self.row_count)
            if self._following:
                self._scroll_to_tail()
            elif self.live:
                self.unseen += added
            # Rows added below a full view are not on screen: only the scrollbar changes
            # (a log loading into a viewer that stays at its top draws nothing new).
            if shown < self.scroll_offset.y + self.scrollable_content_region.height:
                self.refresh()

    def _scroll_to_tail(self) -> None:
        if self.size:  # before the first layout, on_resize scrolls once the height is known
            self.scroll_end(animate=False, immediate=True, x_axis=False)

    def _resize(self) -> None:
        self._set_height(self.row_count)
        self.refresh()

    def _set_height(self, rows: int) -> None:
        set_rows_height(self, rows)

    def watch_unseen(self) -> None:
        self._post_count()

    def watch_scroll_y(self, old_value: float, new_value: float) -> None:
        super().watch_scroll_y(old_value, new_value)
        self._following = self.is_vertical_scroll_end
        if self.unseen and self._following:
            self.unseen = 0

    def on_resize(self) -> None:
        if self._following:
            self._scroll_to_tail()

    # -- rendering -----------------------------------------------------------

    def notify_style_update(self) -> None:
        # Also called on focus and blur (the cursor looks different when focused).
        super().notify_style_update()
        self._lines.restyle()

    def watch_relative_time(self) -> None:
        self.refresh()

    def render_line(self, y: int) -> Strip:
        width = self.scrollable_content_region.width
        return self._lines.line(self.scroll_offset.y + y, width, self.relative_time)

    # -- the cursor ----------------------------------------------------------

    def select(self, position: int) -> None:
        """Put the cursor on view ``position`` (clamped), scroll to it, set ``cursor_number``."""
        if not self.row_count:
            return
        position = max(0, min(position, self.row_count - 1))
        index = self.index_at(position)
        if index != self.selected:
            self.rows.selected = index
            self.refresh()
            self.cursor_number = self.rows.number(index)
        top, height = self.scroll_offset.y, self.scrollable_content_region.height
        if position < top:
            self.scroll_to(y=position, animate=False)
        elif position >= top + height:
            self.scroll_to(y=position - height + 1, animate=False)

    def action_cursor(self, step: int) -> None:
        if self.selected is None:  # a fresh cursor starts at the edge of the screen
            top = self.scroll_offset.y
            start = top - 1 if step > 0 else top + self.scrollable_content_region.height
        else:
            start = self.rows.position_near(self.selected)
            if step > 0 and not self.rows.is_shown(self.selected):
                start -= 1  # a hidden row sits just before the row at its position
        self.select(start + step)

    def action_page(self, direction: int) -> None:
        self.action_cursor(direction * max(1, self.scrollable_content_region.height - 1))

    def action_first(self) -> None:
        self.select(0)

    def action_last(self) -> None:
        self.select(self.row_count - 1)
        self._scroll_to_tail()

    def action_toggle_time(self) -> None:
        self.relative_time = not self.relative_time

    def on_click(self, event: events.Click) -> None:
        offset = event.get_content_offset(self)
        if offset is not None and self.scroll_offset.y + offset.y < self.row_count:
            self.select(self.scroll_offset.y + offset.y)
