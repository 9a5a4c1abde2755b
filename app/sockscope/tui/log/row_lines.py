"""The log's rows as lines of the screen: rendered on first sight, then kept in a cache.

Lines are cached by the row's number in the session (never reused, unlike a store index
after ``max_frames`` drops rows), the width, whether the cursor is on it and the time
format; a style change (focus, theme) drops them all.
"""

from __future__ import annotations

from collections.abc import Callable

from rich.style import Style
from textual.cache import LRUCache
from textual.strip import Strip
from textual.widget import Widget

from sockscope.core.protocols.message import MessageKind
from sockscope.core.store.frames import FrameStore
from sockscope.tui.log.row_format import RowStyles, row_text
from sockscope.tui.log.rows import LogRows

Labels = Callable[[int], str | None]
"""What a protocol layer made of a row, by the row's number in the session."""
Kinds = Callable[[int], MessageKind | None]
"""The kind of a row's first decoded message (keepalives are dimmed, errors in red)."""


class RowLines:
    """Strips of a log's rows, in the styles of its ``message-log--*`` component classes."""

    def __init__(self, widget: Widget, store: FrameStore, rows: LogRows) -> None:
        self.widget = widget
        self.store = store
        self.rows = rows
        self._cache: LRUCache[tuple[int, int, bool, bool], Strip] = LRUCache(1024)
        """Lines by (row number in the session, width, selected, relative time)."""
        self._palette: tuple[Style, Style, RowStyles, Style] | None = None
        self.labels: Labels | None = None
        self.kinds: Kinds | None = None

    def restyle(self) -> None:
        """Forget every line and style: the widget's look changed."""
        self._cache.clear()
        self._palette = None

    def line(self, position: int, width: int, relative_time: bool) -> Strip:
        """The line of view ``position`` (blank past the last row)."""
        rows = self.rows
        if position >= rows.row_count:
            return Strip.blank(width, self._styles()[0])
        index = rows.index_at(position)
        live = rows.live(index)
        if live < 0:  # dropped a moment ago: refresh_rows renumbers the view soon
            return Strip.blank(width, self._styles()[0])
        selected = index == rows.selected
        key = (rows.number(index), width, selected, relative_time)
        strip = self._cache.get(key)
        if strip is None:
            label = self.labels(key[0]) if self.labels is not None else None
            kind = self.kinds(key[0]) if self.kinds is not None else None
            strip = self._render(live, width, selected, relative_time, label, kind)
            self._cache[key] = strip
        return strip

    def _render(
        self,
        index: int,
        width: int,
        selected: bool,
        relative_time: bool,
        label: str | None,
        kind: MessageKind | None,
    ) -> Strip:
        plain, cursor, row_styles, keepalive = self._styles()
        base = cursor if selected else plain
        if kind is MessageKind.KEEPALIVE:
            base += keepalive
        origin = self.store.first_time if relative_time else None
        error = kind is MessageKind.ERROR
        text = row_text(self.store, index, width, row_styles, origin, base, label, error)
        strip = Strip(text.render(self.widget.app.console), text.cell_len)
        return strip.crop_extend(0, width, base)

    def _styles(self) -> tuple[Style, Style, RowStyles, Style]:
        """Base, cursor, part and keepalive styles, resolved once per style change."""
        if self._palette is None:
            widget = self.widget

            def style(part: str, partial: bool = True) -> Style:
                return widget.get_component_rich_style(f"message-log--{part}", partial=partial)

            base = widget.rich_style
            parts = RowStyles(
                time=style("time"),
                sent=style("sent"),
                received=style("received"),
                event=style("event"),
                error=style("error"),
                size=style("size"),
            )
            cursor = base + style("cursor", partial=False)
            self._palette = (base, cursor, parts, style("keepalive"))
        return self._palette
