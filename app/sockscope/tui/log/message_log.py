"""The message log: one line per row of the store, rendered only where visible.

The log is a *view* over a :class:`FrameStore` (:class:`LogRows` maps its positions to
rows): rows from ``view_start`` on, or, when a filter is active, an ``array('I')`` of
matching store indexes. Nothing per row is kept besides that array and an LRU cache of
rendered lines, so a million rows scroll like ten. When the store drops its oldest rows
(``max_frames``), :meth:`MessageLog.refresh_rows` renumbers the view and keeps the rows on
screen where they were; lines are cached by row number in the session, which never changes.
"""

from __future__ import annotations

import asyncio
from functools import partial
from time import perf_counter
from typing import TYPE_CHECKING

from rich.style import Style
from textual import events
from textual.binding import Binding
from textual.cache import LRUCache
from textual.geometry import Size
from textual.message import Message
from textual.reactive import reactive, var
from textual.scroll_view import ScrollView
from textual.strip import Strip
from textual.worker import Worker

from sockscope.core.store.frames import FrameStore
from sockscope.tui.log.row_format import RowStyles, row_text
from sockscope.tui.log.rows import LogRows

if TYPE_CHECKING:
    from sockscope.core.session.filtering import CompiledFilter

#: New rows matched on the spot when they arrive; larger backlogs go to the scan worker.
SYNC_MATCH_ROWS = 20_000
#: Longest stretch one step of the filter scan keeps the event loop before letting the UI run.
#: A key crosses the loop a few times before its frame is drawn (driver, app, widget) and
#: may wait a step at each: short steps keep a scan from being felt.
SCAN_BUDGET = 0.002
#: What one slice of rows should cost: slices are sized from the rate of the last one, so
#: a step overshoots its budget by about this much, whatever the filter costs per row.
SLICE_COST = 0.0005
#: Bounds of a slice, in rows; the first slice of each filter is the smallest.
MIN_SLICE_ROWS, MAX_SLICE_ROWS = 256, 65_536
#: The scan shows its progress at most this often: a repaint costs more than a step.
SCAN_REPAINT = 0.1


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
        for part in ("time", "size", "sent", "received", "event", "error", "cursor")
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
    """The number in the session (store index plus the rows dropped before it) of the row
    the cursor last moved onto; it stays when that row is hidden or dropped. A ``var`` its
    owner watches, not a message: watchers run as it is set, so what they show (the
    inspector) is drawn in the same frame as the cursor instead of one or two frames later
    (docs/performance.md)."""

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
        self._filter: CompiledFilter | None = None
        self._scan_worker: Worker[None] | None = None
        self._slice_rows = MIN_SLICE_ROWS
        self._scan_running = False
        self._cache: LRUCache[tuple[int, int, bool, bool], Strip] = LRUCache(1024)
        """Lines by (row number in the session, width, selected, relative time)."""
        self._subtitle = ""
        """What the border's subtitle says ("N of M", "N new")."""
        self._following = live
        """The view is at the tail (kept across resizes and growth, unlike the offset)."""
        self._palette: tuple[Style, Style, RowStyles] | None = None

    # -- the view ------------------------------------------------------------

    @property
    def row_count(self) -> int:
        """Rows in the view (matching rows when a filter is active)."""
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
        if self._filter is not None and not self._scan_running:
            if total - rows.scanned <= SYNC_MATCH_ROWS:
                # Up to ``total``: a loading thread may have added rows since.
                rows.take_matches(total, self._filter.matches(self.store, rows.scanned, total))
            else:
                self._start_scan()
        self._show_new_rows()
        self._post_count()

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
        self._cancel_scan()
        self._renumber()
        self.rows.hide_all()
        self.unseen = 0
        self._resize()
        self._post_count()

    def set_filter(self, compiled: CompiledFilter | None) -> None:
        """Show only the rows ``compiled`` matches (``None``: every row)."""
        self._cancel_scan()
        self._renumber()
        self._filter = compiled
        self._slice_rows = MIN_SLICE_ROWS
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
            self._scan_some(compiled)  # small sessions are filtered at once
            self._show_new_rows()
            if self.scanning:
                self._start_scan()
        self._post_count()

    # -- filtering in the background -----------------------------------------

    def _start_scan(self) -> None:
        assert self._filter is not None
        self._scan_running = True
        # A callable, not a coroutine: a scan cancelled before it starts never exists.
        scan = partial(self._scan, self._filter)
        self._scan_worker = self.run_worker(scan, name="filter", group="filter", exclusive=True)

    def _cancel_scan(self) -> None:
        if self._scan_worker is not None:
            self._scan_worker.cancel()
            self._scan_worker = None
        self._scan_running = False

    def _scan_some(self, compiled: CompiledFilter) -> None:
        """Match backlog rows for about ``SCAN_BUDGET`` seconds (whole slices).

        The caller shows them (:meth:`_show_new_rows`) when it sees fit.
        """
        self._renumber()
        rows, now = self.rows, perf_counter()
        deadline = now + SCAN_BUDGET
        while rows.scanning and now < deadline:
            first = rows.scanned
            slices = compiled.iter_matches(self.store, first, rows.known, self._slice_rows)
            rows.take_matches(*next(slices))
            end = perf_counter()
            rate = (rows.scanned - first) / max(end - now, 1e-6)
            now = end
            self._slice_rows = max(MIN_SLICE_ROWS, min(MAX_SLICE_ROWS, int(rate * SLICE_COST)))

    async def _scan(self, compiled: CompiledFilter) -> None:
        """Match the rest of the backlog, letting the UI run between steps.

        The matches found are shown every ``SCAN_REPAINT`` seconds and at the end, not
        after each step: repainting the log and the count after every step would hold
        the event loop longer than the step itself.
        """
        shown = perf_counter()
        while self._filter is compiled and self.scanning:
            await asyncio.sleep(0)
            self._scan_some(compiled)
            if perf_counter() - shown >= SCAN_REPAINT:
                shown = perf_counter()
                self._show_new_rows()
                self._post_count()
        # Reached only when done: a cancelled scan stops at the await above.
        self._scan_running = False
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
        """Make the virtual height ``rows``, without a layout of the screen when it can.

        Setting ``virtual_size`` asks Textual for a layout of the whole screen (~10 ms at
        160x50 here), once per repaint while frames arrive. Only the scrollbar's thumb and the
        scroll limits change, unless the scrollbar appears or goes: then a layout is due.
        """
        shown = self.show_vertical_scrollbar
        self.set_reactive(MessageLog.virtual_size, Size(0, rows))
        self._scroll_update(self.virtual_size)  # the scrollbar and scroll_y (Textual's own)
        if self.show_vertical_scrollbar != shown:
            self.refresh(layout=True)

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
        self._cache.clear()
        self._palette = None

    def watch_relative_time(self) -> None:
        self.refresh()

    def render_line(self, y: int) -> Strip:
        position = self.scroll_offset.y + y
        width = self.scrollable_content_region.width
        if position >= self.row_count:
            return Strip.blank(width, self._styles()[0])
        index = self.index_at(position)
        live = self.rows.live(index)
        if live < 0:  # dropped a moment ago: refresh_rows renumbers the view soon
            return Strip.blank(width, self._styles()[0])
        selected = index == self.selected
        key = (self.rows.number(index), width, selected, self.relative_time)
        strip = self._cache.get(key)
        if strip is None:
            strip = self._cache[key] = self._render_row(live, width, selected)
        return strip

    def _render_row(self, index: int, width: int, selected: bool) -> Strip:
        plain, cursor, row_styles = self._styles()
        base = cursor if selected else plain
        origin = self.store.first_time if self.relative_time else None
        text = row_text(self.store, index, width, row_styles, origin, base)
        strip = Strip(text.render(self.app.console), text.cell_len)
        return strip.crop_extend(0, width, base)

    def _styles(self) -> tuple[Style, Style, RowStyles]:
        """Base style, cursor style and part styles, resolved once per style change."""
        if self._palette is None:
            style = self.get_component_rich_style
            base = self.rich_style
            parts = RowStyles(
                time=style("message-log--time", partial=True),
                sent=style("message-log--sent", partial=True),
                received=style("message-log--received", partial=True),
                event=style("message-log--event", partial=True),
                error=style("message-log--error", partial=True),
                size=style("message-log--size", partial=True),
            )
            self._palette = (base, base + style("message-log--cursor"), parts)
        return self._palette

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
