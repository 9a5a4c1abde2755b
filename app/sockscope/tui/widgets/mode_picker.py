"""The composer's mode picker: one line that opens a list of the modes.

Textual's ``Select`` would do, but it mounts an overlay with an option list (and parses their
CSS) with the app's first frame: ~10 ms of a ~270 ms start (docs/performance.md, *Startup*).
This picker is one widget; its list is a small screen built when it is opened.
"""

from __future__ import annotations

from typing import NamedTuple

from rich.text import Text
from textual import events
from textual.binding import Binding
from textual.message import Message
from textual.reactive import reactive
from textual.widget import Widget

from sockscope.core.protocols.base import ComposeMode as LayerComposeMode
from sockscope.core.protocols.base import ProtocolLayer
from sockscope.core.text.compose import ComposeMode


class LayerMode(NamedTuple):
    """A composer mode of the session's protocol layer (JSON-RPC's *call*…)."""

    layer: str
    """The layer's name: a mode is sent only while the session speaks it."""
    mode: LayerComposeMode


PickerMode = ComposeMode | LayerMode

MODE_LABELS: dict[PickerMode, str] = {
    ComposeMode.TEXT: "Text",
    ComposeMode.JSON: "JSON",
    ComposeMode.HEX: "Binary (hex)",
    ComposeMode.BASE64: "Binary (base64)",
    ComposeMode.FILE: "File (path)",
    ComposeMode.PING: "Ping (payload)",
}


def _capital(title: str) -> str:
    """``title`` with a capital first letter; the rest kept ("GraphQL", not "Graphql")."""
    return title[:1].upper() + title[1:]


class ModePicker(Widget, can_focus=True):
    """Shows the mode; enter, space or a click opens the list, up and down step through it."""

    DEFAULT_CSS = """
    ModePicker {
        height: 1;
        width: 20;
        background: $surface;
        pointer: pointer;
        &:focus { background: $block-cursor-blurred-background; }
    }
    """

    BINDINGS = [
        Binding("enter,space", "open", "Modes", show=False),
        Binding("down", "step(1)", show=False),
        Binding("up", "step(-1)", show=False),
    ]

    mode: reactive[PickerMode] = reactive[PickerMode](ComposeMode.TEXT, init=False)

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.labels: dict[PickerMode, str] = dict(MODE_LABELS)
        """The modes offered, in order: the protocol layer's first, then the built-in ones."""

    def offer(self, layer: ProtocolLayer | None) -> None:
        """Offer ``layer``'s composer modes (None: only the built-in ones)."""
        modes = layer.compose_modes if layer is not None else ()
        offered: dict[PickerMode, str] = {
            LayerMode(layer.name, mode): f"{_capital(mode.title)} ({layer.title})"
            for mode in modes
            if layer is not None
        }
        self.labels = offered | MODE_LABELS
        if self.mode not in self.labels:
            self.mode = ComposeMode.TEXT
        self.refresh()

    class Changed(Message):
        def __init__(self, picker: ModePicker, mode: PickerMode) -> None:
            super().__init__()
            self.picker = picker
            self.mode = mode

        @property
        def control(self) -> ModePicker:
            return self.picker

    def render(self) -> Text:
        room = max(self.size.width - 2, 1)
        label = self.labels.get(self.mode, "")
        label = label if len(label) <= room else label[: room - 1] + "…"
        return Text.assemble(label.ljust(room), ("▼", "dim"))

    def watch_mode(self, mode: PickerMode) -> None:
        self.post_message(self.Changed(self, mode))

    def action_step(self, step: int) -> None:
        modes = list(self.labels)
        self.mode = modes[(modes.index(self.mode) + step) % len(modes)]

    def action_open(self) -> None:
        from sockscope.tui.screens.mode_menu import ModeMenu

        def chosen(mode: PickerMode | None) -> None:
            if mode is not None:
                self.mode = mode
            self.focus()

        self.app.push_screen(ModeMenu(self.mode, self.labels, self.region), chosen)

    def on_click(self, event: events.Click) -> None:
        event.stop()
        self.action_open()
