"""The diff of a replay as one Line API view: a line per pair, then one per difference.

A replay may bring back thousands of responses, so :class:`DiffView` renders only the
visible lines: each pair's recorded and new message side by side, then each differing
path, the recorded value in red and the new one in green.
"""

from __future__ import annotations

from rich.style import Style
from rich.text import Text
from textual.cache import LRUCache
from textual.geometry import Size
from textual.reactive import reactive
from textual.scroll_view import ScrollView
from textual.strip import Strip

from sockscope.core.replay.diff import DiffReport, Pair
from sockscope.core.replay.values import show_message
from sockscope.core.text.display import safe_line

STATUS_WIDTH = 9
GAP = " │ "
PARTS = ("number", "same", "different", "missing", "extra", "path", "recorded", "new")
"""The styled parts of a line (component classes ``diff-view--<part>``)."""
_PAIR_ROW = -1
"""The difference index that stands for the pair's own line."""


class DiffView(ScrollView, can_focus=True):
    """Every pair of a report (or only the mismatches), one line each plus its differences."""

    DEFAULT_CSS = """
    DiffView {
        background: $surface;
        overflow-x: hidden;
        overflow-y: scroll;
        &:focus { background-tint: $foreground 5%; }
        & > .diff-view--number { color: $text-muted; }
        & > .diff-view--same { color: $success; }
        & > .diff-view--different { color: $warning; text-style: bold; }
        & > .diff-view--missing { color: $error; text-style: bold; }
        & > .diff-view--extra { color: $accent; text-style: bold; }
        & > .diff-view--path { color: $text-muted; text-style: italic; }
        & > .diff-view--recorded { color: $text-error; background: $error 15%; }
        & > .diff-view--new { color: $text-success; background: $success 15%; }
    }
    """

    COMPONENT_CLASSES = {f"diff-view--{part}" for part in PARTS}

    only_mismatches: reactive[bool] = reactive(False)

    def __init__(self, report: DiffReport, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.report = report
        self.lines: list[tuple[int, int]] = []
        """What each line shows: (pair index, difference index or ``_PAIR_ROW``)."""
        self._cache: LRUCache[tuple[int, int, int], Strip] = LRUCache(1024)
        self._styles: dict[str, Style] | None = None

    def on_mount(self) -> None:
        self._layout()

    def set_report(self, report: DiffReport) -> None:
        self.report = report
        self._cache.clear()
        self._layout()

    def watch_only_mismatches(self) -> None:
        self._layout()
        self.scroll_home(animate=False)

    def _layout(self) -> None:
        lines: list[tuple[int, int]] = []
        for index, pair in enumerate(self.report.pairs):
            if self.only_mismatches and pair.status == "same":
                continue
            lines.append((index, _PAIR_ROW))
            lines.extend((index, d) for d in range(len(pair.differences)))
        self.lines = lines
        self.virtual_size = Size(self.scrollable_content_region.width, len(lines))
        self.refresh()

    def on_resize(self) -> None:
        self._layout()

    def notify_style_update(self) -> None:
        super().notify_style_update()
        self._cache.clear()
        self._styles = None

    def _style(self, part: str) -> Style:
        if self._styles is None:
            self._styles = {
                name: self.get_component_rich_style(f"diff-view--{name}", partial=True)
                for name in PARTS
            }
        return self._styles[part]

    def render_line(self, y: int) -> Strip:
        position = self.scroll_offset.y + y
        width = self.scrollable_content_region.width
        if position >= len(self.lines):
            return Strip.blank(width, self.rich_style)
        pair_index, difference = self.lines[position]
        key = (pair_index, difference, width)
        strip = self._cache.get(key)
        if strip is None:
            text = self._line(self.report.pairs[pair_index], difference, width)
            strip = Strip(text.render(self.app.console), text.cell_len)
            strip = self._cache[key] = strip.crop_extend(0, width, self.rich_style)
        return strip

    def columns(self, width: int) -> tuple[int, int]:
        """The width of the number column and of each payload column."""
        number = max(3, len(str(len(self.report.pairs))))
        lead = number + 2 + STATUS_WIDTH + 1
        return number, max(8, (width - lead - len(GAP)) // 2)

    def _line(self, pair: Pair, difference: int, width: int) -> Text:
        number, column = self.columns(width)
        line = Text(no_wrap=True, overflow="ellipsis")
        if difference == _PAIR_ROW:
            line.append(f"{pair.number:>{number}}  ", self._style("number"))
            line.append(f"{pair.status:<{STATUS_WIDTH}} ", self._style(pair.status))
            left = show_message(pair.recorded) if pair.recorded is not None else "—"
            right = show_message(pair.new) if pair.new is not None else "—"
            line.append_text(fit_cell(Text(left), column))
            line.append(GAP)
            line.append_text(fit_cell(Text(right), column))
            return line
        found = pair.differences[difference]
        line.append(" " * (number + 2 + STATUS_WIDTH + 1))
        line.append_text(self._value(found.path, found.recorded, "recorded", column))
        line.append(GAP)
        line.append_text(self._value(found.path, found.new, "new", column))
        return line

    def _value(self, path: str, value: str, part: str, width: int) -> Text:
        """One side of a difference: the path, then the value in its side's colour."""
        cell = Text()
        cell.append(f"{safe_line(path)} ", self._style("path"))
        cell.append(value, self._style(part))
        return fit_cell(cell, width)


def fit_cell(text: Text, width: int) -> Text:
    """``text`` cut (with an ellipsis) or padded to exactly ``width`` cells."""
    text.truncate(width, overflow="ellipsis", pad=True)
    return text
