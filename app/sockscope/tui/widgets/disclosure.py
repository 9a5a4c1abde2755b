"""A disclosure: a focusable title line that shows or hides the widget below it.

It stands in for Textual's ``Collapsible`` around the connection panel's options, and looks
and acts as that one did (a ▶/▼ title reached with tab, toggled by a click or enter). A
``Collapsible`` is three nodes (itself, its title and its contents), composed, mounted and
styled with the first frame for a title most sessions never click: stubbed out, ~5 ms of
the ~60 ms from ``App()`` to the first frame (docs/performance.md, *Startup*). This is one
node: the title is its own first line, in the style of a component class, and the widget
it discloses is made on the first opening, mounted as its child under the title, and hidden
(not destroyed) when it closes. Interleaved launches: ~3 ms less to the first frame.
"""

from __future__ import annotations

from collections.abc import Callable

from rich.cells import cell_len
from rich.segment import Segment
from rich.style import Style as RichStyle
from textual import events
from textual.actions import SkipAction
from textual.binding import Binding
from textual.geometry import Offset, Size
from textual.reactive import reactive
from textual.strip import Strip
from textual.widget import Widget


class Disclosure(Widget, can_focus=True):
    """A title that discloses the widget ``contents()`` makes the first time it opens."""

    ALLOW_SELECT = False
    COMPONENT_CLASSES = {"disclosure--title", "disclosure--title-hover"}
    # The rules of Textual 8's Collapsible and CollapsibleTitle (its hover and focus looks as
    # component classes), with no padding around the whole (the panel had set none). The
    # contents sit where a Collapsible's would (its padding: 1 0 0 3), under the title line.
    DEFAULT_CSS = """
    Disclosure {
        width: 1fr;
        height: auto;
        background: $surface;
        border-top: hkey $background;
        &:focus-within { background-tint: $foreground 5%; }
        &.-collapsed > * { display: none; }
        & > * { margin: 2 0 0 3; }
        & > .disclosure--title {
            color: $block-cursor-blurred-foreground;
            text-style: $block-cursor-blurred-text-style;
        }
        & > .disclosure--title-hover { color: $foreground; background: $block-hover-background; }
        &:focus > .disclosure--title {
            color: $block-cursor-foreground;
            background: $block-cursor-background;
            text-style: $block-cursor-text-style;
        }
        &:ansi { border-top: hkey ansi_blue; background: $panel; }
    }
    """

    BINDINGS = [Binding("enter", "toggle_collapsed", "Toggle", show=False)]

    collapsed: reactive[bool] = reactive(True, init=False)
    """Whether the contents are hidden (they are made the first time this turns false)."""

    def __init__(
        self, title: str, contents: Callable[[], Widget], *, id: str | None = None
    ) -> None:
        super().__init__(id=id, classes="-collapsed")
        self._label = title
        self._make_contents = contents
        self._contents: Widget | None = None
        self._title_hover = False

    def render_line(self, y: int) -> Strip:
        # The segments a CollapsibleTitle and the Collapsible around it would make: its
        # padding in its background, its label, then the blank of the container.
        width = self.content_region.width
        blank = RichStyle(bgcolor=self.visual_style.rich_style.bgcolor)
        if y:
            return Strip.blank(width, blank)
        # Textual's hover and focus rules for its title (focus wins over hover).
        hover = ("disclosure--title-hover",) if self._title_hover and not self.has_focus else ()
        style = self.get_visual_style("disclosure--title", *hover)
        padding = Segment(" ", RichStyle(bgcolor=style.rich_style.bgcolor))
        symbol = "▶" if self.collapsed else "▼"
        # (The offset in its style is where the label starts in the title, as Textual's.)
        label = Segment(f"{symbol} {self._label}", style.rich_style_with_offset(0, 0))
        return Strip([padding, label, padding]).adjust_cell_length(width, blank)

    def get_content_height(self, container: Size, viewport: Size, width: int) -> int:
        # One line for the title; the contents below it, once mounted, unless hidden.
        if self.collapsed or self._contents is None:
            return 1
        return super().get_content_height(container, viewport, width)

    def action_toggle_collapsed(self) -> None:
        if not self.has_focus:  # the key came from inside the contents
            raise SkipAction()
        self.collapsed = not self.collapsed

    def _watch_collapsed(self, collapsed: bool) -> None:
        self.set_class(collapsed, "-collapsed")
        if not collapsed and self._contents is None:
            self._contents = self._make_contents()
            self.mount(self._contents)
        self.call_after_refresh(self.scroll_visible)

    def _on_title(self, offset: Offset) -> bool:
        """Whether the screen ``offset`` is on the title (its symbol, label and padding)."""
        x, y, width, _ = self.content_region
        title_width = cell_len(self._label) + 4
        return offset.y == y and x <= offset.x < x + min(width, title_width)

    def _update_title_hover(self) -> None:
        """Style the title as hovered while the mouse is on it (Textual hovers a whole node)."""
        hover = self.mouse_hover and self._on_title(self.app.mouse_position)
        if hover != self._title_hover:
            self._title_hover = hover
            self.styles.pointer = "pointer" if hover else "default"
            self.refresh()

    def _watch_mouse_hover(self) -> None:
        # Textual sets it as the mouse comes and goes, and after a frame moved things under it.
        self._update_title_hover()

    def _on_mouse_move(self, event: events.MouseMove) -> None:
        self._update_title_hover()

    async def _on_mouse_down(self, event: events.MouseDown) -> None:
        self._update_title_hover()

    def focus_on_click(self) -> bool:
        # A click on the title focuses it; elsewhere (the contents' labels, the blank around
        # them), it focuses nothing, as in a Collapsible, which cannot be focused.
        return self._on_title(self.app.mouse_position)

    async def _on_click(self, event: events.Click) -> None:
        if self._on_title(event.screen_offset):
            event.stop()
            self.collapsed = not self.collapsed
