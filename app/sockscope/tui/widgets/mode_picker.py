"""The composer's mode picker: one line that opens a list of the modes.

Textual's ``Select`` would do, but it mounts an overlay with an option list (and parses their
CSS) with the app's first frame: ~10 ms of a ~270 ms start (docs/performance.md, *Startup*).
This picker is one widget; its list is a small screen built when it is opened.
"""

from __future__ import annotations

from rich.text import Text
from textual import events
from textual.binding import Binding
from textual.message import Message
from textual.reactive import reactive
from textual.widget import Widget

from sockscope.core.text.compose import ComposeMode

MODE_LABELS = {
    ComposeMode.TEXT: "Text",
    ComposeMode.JSON: "JSON",
    ComposeMode.HEX: "Binary (hex)",
    ComposeMode.BASE64: "Binary (base64)",
    ComposeMode.FILE: "File (path)",
    ComposeMode.PING: "Ping (payload)",
}


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

    mode: reactive[ComposeMode] = reactive(ComposeMode.TEXT, init=False)

    class Changed(Message):
        def __init__(self, picker: ModePicker, mode: ComposeMode) -> None:
            super().__init__()
            self.picker = picker
            self.mode = mode

        @property
        def control(self) -> ModePicker:
            return self.picker

    def render(self) -> Text:
        label = MODE_LABELS[self.mode].ljust(max(self.size.width - 2, 1))
        return Text.assemble(label, ("▼", "dim"))

    def watch_mode(self, mode: ComposeMode) -> None:
        self.post_message(self.Changed(self, mode))

    def action_step(self, step: int) -> None:
        modes = list(ComposeMode)
        self.mode = modes[(modes.index(self.mode) + step) % len(modes)]

    def action_open(self) -> None:
        from sockscope.tui.screens.mode_menu import ModeMenu

        def chosen(mode: ComposeMode | None) -> None:
            if mode is not None:
                self.mode = mode
            self.focus()

        self.app.push_screen(ModeMenu(self.mode, MODE_LABELS, self.region), chosen)

    def on_click(self, event: events.Click) -> None:
        event.stop()
        self.action_open()
