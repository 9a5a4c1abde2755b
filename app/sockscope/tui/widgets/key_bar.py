"""The key bar: one line of the screen's shown bindings, drawn as Textual's ``Footer``.

It stands in for ``Footer`` on every screen, and looks and acts as that one does (a key and
its description per action, disabled keys dim, the key under the mouse highlighted with its
tooltip, a click runs the key, the command palette's key docked at the right). A ``Footer``
is a container that recomposes one ``FooterKey`` widget per key whenever the screen's
bindings change, which is on every focus change: removing, mounting and styling ~11 widgets,
13-27 ms of the UI thread twice per tab press, and ~15 ms of a log viewer's first paint
(docs/performance.md, *The key bar*). This is one node with the Line API: when the bindings
change it lays the keys out again (a list of spans) and refreshes; nothing is mounted.

Unlike ``Footer`` (a scrolling container, which cuts the last key it shows mid-word:
"^s Sav"), the bar shows only the keys that fit whole, the first ones: the bindings'
order is their order of importance. The others stay in the help screen and the palette.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING, NamedTuple

from rich.cells import cell_len
from rich.segment import Segment
from rich.style import Style as RichStyle
from textual import events
from textual.color import Color
from textual.css.styles import StylesBase
from textual.strip import Strip
from textual.widget import Widget

if TYPE_CHECKING:
    from textual.screen import Screen


class _Key(NamedTuple):
    """One key as the bar draws it: where, what, and what a click does."""

    x: int
    """Its first cell (0 for the palette's, which is docked at the right edge)."""
    width: int
    key: str
    key_display: str
    description: str
    enabled: bool
    tooltip: str
    palette: bool


def _offset(x: int) -> RichStyle:
    """The meta Textual's Content gives a segment: where it starts in the widget's content."""
    return RichStyle.from_meta({"offset": (x, 0)})


class KeyBar(Widget, can_focus=False):
    """The screen's shown bindings, one key per action, and the command palette's key."""

    ALLOW_SELECT = False
    COMPONENT_CLASSES = {
        "key-bar--item",
        "key-bar--item-hover",
        "key-bar--item-disabled",
        "key-bar--key",
        "key-bar--description",
        "key-bar--palette-border",
    }
    # Textual 8's Footer and FooterKey rules, a FooterKey's own as component classes (its
    # hover and -disabled rules too). The paddings are drawn as spaces: " key " "description "
    # for the keys (not compact, as Footer's), "key" " description" and a padding-right for
    # the palette's (compact, FooterKey's default), after its left border (vkey).
    DEFAULT_CSS = """
    KeyBar {
        color: $footer-foreground;
        background: $footer-background;
        dock: bottom;
        height: 1;
        & > .key-bar--item { background: $footer-item-background; }
        & > .key-bar--item-hover {
            color: $footer-key-foreground;
            background: $block-hover-background;
        }
        & > .key-bar--item-disabled { text-style: dim; }
        & > .key-bar--key {
            color: $footer-key-foreground;
            background: $footer-key-background;
            text-style: bold;
        }
        & > .key-bar--description {
            color: $footer-description-foreground;
            background: $footer-description-background;
        }
        & > .key-bar--palette-border { color: $foreground 20%; }
    }
    """

    def __init__(self, *, id: str | None = None, classes: str | None = None) -> None:
        super().__init__(id=id, classes=classes)
        self._keys: list[_Key] = []
        self._hover: int | None = None
        """The index in ``_keys`` of the key under the mouse."""
        self._style_cache: dict[tuple[str, ...], RichStyle] = {}

    def on_mount(self) -> None:
        self.screen.bindings_updated_signal.subscribe(self, self._bindings_changed)

    def on_unmount(self) -> None:
        self.screen.bindings_updated_signal.unsubscribe(self)

    def _bindings_changed(self, screen: Screen[object]) -> None:
        # As Footer: the keys stay as they are while the app has no focus.
        if not screen.app.app_focus:
            return
        if self.is_attached and screen is self.screen:
            self._keys = list(self._lay_out())
            self._update_hover(force=True)  # another key may be under the mouse now
            self.refresh()

    def _lay_out(self) -> Iterable[_Key]:
        """The keys Footer.compose would make (groups drawn as single keys), left to right."""
        app = self.app
        active_bindings = self.screen.active_bindings
        first_by_action: dict[str, tuple[str, str, str, bool, str]] = {}
        for _node, binding, enabled, tooltip in active_bindings.values():
            if binding.show and binding.action not in first_by_action:
                first_by_action[binding.action] = (
                    binding.key,
                    app.get_key_display(binding),
                    binding.description,
                    enabled,
                    tooltip,
                )
        x = 0
        for key, display, description, enabled, tooltip in first_by_action.values():
            # " key " and "description " (FooterKey's paddings), or the bare key.
            width = cell_len(display) + (cell_len(description) + 3 if description else 0)
            yield _Key(x, width, key, display, description, enabled, tooltip, False)
            x += width
        if app.ENABLE_COMMAND_PALETTE:
            try:
                _node, binding, enabled, tooltip = active_bindings[app.COMMAND_PALETTE_BINDING]
            except KeyError:
                return
            display = app.get_key_display(binding)
            # Its left border, "key", " description", and its padding-right.
            width = 1 + cell_len(display) + 1 + cell_len(binding.description) + 1
            tooltip = binding.tooltip or binding.description
            yield _Key(0, width, binding.key, display, binding.description, enabled, tooltip, True)

    def _palette_width(self) -> int:
        return sum(key.width for key in self._keys if key.palette)

    def _shown(self) -> list[int]:
        """The indexes of the keys left of the palette's that fit whole, the first ones (a
        description's trailing space may go under the palette's key: its border parts them)."""
        room = self.size.width - self._palette_width()
        return [
            index
            for index, key in enumerate(self._keys)
            if not key.palette and key.x + key.width - bool(key.description) <= room
        ]

    def notify_style_update(self) -> None:
        super().notify_style_update()
        self._style_cache.clear()  # where Textual clears its own caches of styles

    def _style(self, *components: str) -> RichStyle:
        """The Rich style of a node under this one with the components' rules (cached)."""
        style = self._style_cache.get(components)
        if style is None:
            style = self._style_cache[components] = self._fold_styles(components)
        return style

    def _fold_styles(self, components: tuple[str, ...]) -> RichStyle:
        """As ``DOMNode.rich_style`` folds the styles of a FooterKey's ancestors and its own."""
        background = Color(0, 0, 0, 0)
        color = Color(255, 255, 255, 0)
        style = RichStyle()
        opacity = 1.0
        chain: list[StylesBase] = [node.styles for node in reversed(self.ancestors_with_self)]
        chain.extend(self.get_component_styles(name) for name in components)
        for styles in chain:
            has_rule = styles.has_rule
            opacity *= styles.opacity
            if has_rule("background"):
                text_background = background + styles.background.tint(styles.background_tint)
                background += styles.background.tint(styles.background_tint).multiply_alpha(opacity)
            else:
                text_background = background
            if has_rule("color"):
                color = styles.color
            style += styles.text_style
            if has_rule("auto_color") and styles.auto_color:
                color = text_background.get_contrast_text(color.a)
        return style + RichStyle.from_color(
            (background + color).rich_color if (background.a or color.a) else None,
            background.rich_color if background.a else None,
        )

    def _key_segments(self, key: _Key, hover: bool) -> list[Segment]:
        """A FooterKey's segments: its Text's two parts over its own style."""
        item: tuple[str, ...] = ("key-bar--item",)
        if hover:
            item += ("key-bar--item-hover",)
        if not key.enabled:
            item += ("key-bar--item-disabled",)
        item_style = self._style(*item)
        display_width = cell_len(key.key_display)
        key_style = item_style + self._style(*item, "key-bar--key")
        description_style = item_style + self._style(*item, "key-bar--description")
        if key.palette:
            # Textual blends the border's colour over the key's background without its hover.
            border_style = self._style("key-bar--item", "key-bar--palette-border")
            border = Segment("▏", RichStyle.from_color(border_style.color, item_style.bgcolor))
            return [
                border,
                Segment(key.key_display, key_style + _offset(0)),
                Segment(f" {key.description}", description_style + _offset(display_width)),
                Segment(" ", RichStyle.from_color(None, item_style.bgcolor)),
            ]
        if not key.description:
            return [Segment(key.key_display, key_style + _offset(0))]
        return [
            Segment(f" {key.key_display} ", key_style + _offset(0)),
            Segment(f"{key.description} ", description_style + _offset(display_width + 2)),
        ]

    def render_line(self, y: int) -> Strip:
        width = self.size.width
        blank = RichStyle.from_color(None, self.rich_style.bgcolor)
        if y or not self._keys:
            return Strip.blank(width, blank)
        # The keys that fit from the left, the palette's key docked at the right.
        keys: list[Segment] = []
        for index in self._shown():
            keys.extend(self._key_segments(self._keys[index], index == self._hover))
        palette: list[Segment] = []
        for index, key in enumerate(self._keys):
            if key.palette:
                palette = self._key_segments(key, index == self._hover)
        palette_width = self._palette_width()
        start = max(0, width - palette_width)
        palette_strip = Strip(palette).crop(palette_width - (width - start), palette_width)
        if not start:
            return palette_strip
        left = Strip(keys).crop(0, start)
        parts = [left]
        if gap := start - left.cell_length:
            parts.append(Strip.blank(gap, blank))
        parts.append(palette_strip)
        return Strip.join(parts)

    def _key_at(self, x: int) -> int | None:
        """The index of the key at cell ``x`` of the bar (the palette's is over the others)."""
        width = self.size.width
        for index, key in enumerate(self._keys):
            if key.palette and x >= width - key.width:
                return index if x < width else None
        for index in self._shown():
            key = self._keys[index]
            if key.x <= x < key.x + key.width:
                return index
        return None

    def _update_hover(self, force: bool = False) -> None:
        """Highlight the key under the mouse and take its tooltip (Footer hovers one FooterKey)."""
        hover: int | None = None
        if self.mouse_hover and self.is_mounted:
            offset = self.app.mouse_position - self.region.offset
            if offset.y == 0:
                hover = self._key_at(offset.x)
        if force or hover != self._hover:
            self._hover = hover
            self.styles.pointer = "pointer" if hover is not None else "default"
            self.tooltip = self._keys[hover].tooltip or None if hover is not None else None
            self.refresh()

    def _watch_mouse_hover(self) -> None:
        self._update_hover()

    def _on_mouse_move(self, event: events.MouseMove) -> None:
        self._update_hover()

    def _on_leave(self, event: events.Leave) -> None:
        self._update_hover()

    async def _on_mouse_down(self, event: events.MouseDown) -> None:
        index = self._key_at(event.x) if event.y == 0 else None
        if index is None:
            return
        key = self._keys[index]
        if key.enabled:
            self.app.simulate_key(key.key)
        else:
            self.app.bell()
