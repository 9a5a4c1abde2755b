"""The composer's editor: Enter sends, ctrl+j (or shift/alt+enter) adds a line."""

from __future__ import annotations

from textual import events
from textual.binding import Binding
from textual.message import Message
from textual.widgets import TextArea

NEWLINE_KEYS = ("ctrl+j", "shift+enter", "alt+enter")


class MessageEditor(TextArea):
    """A TextArea where Enter submits and ctrl+j (or shift/alt+enter) adds a line."""

    # TextArea selects all with F7, which the app keeps for Close (and ctrl+a goes to the
    # line's start there; home does that too).
    BINDINGS = [Binding("ctrl+a", "select_all", "Select all", show=False)]

    class Submitted(Message):
        def __init__(self, editor: MessageEditor) -> None:
            super().__init__()
            self.editor = editor

        @property
        def control(self) -> MessageEditor:
            return self.editor

    class HistoryRequested(Message):
        """Up on the first line or down on the last one: recall history."""

        def __init__(self, editor: MessageEditor, step: int) -> None:
            super().__init__()
            self.editor = editor
            self.step = step

        @property
        def control(self) -> MessageEditor:
            return self.editor

    async def _on_key(self, event: events.Key) -> None:
        if event.key == "enter":
            event.stop()
            event.prevent_default()
            self.post_message(self.Submitted(self))
        elif event.key in NEWLINE_KEYS:
            event.stop()
            event.prevent_default()
            self.insert("\n")
        elif event.key == "up" and self.cursor_location[0] == 0:
            event.stop()
            event.prevent_default()
            self.post_message(self.HistoryRequested(self, -1))
        elif event.key == "down" and self.cursor_location[0] == self.document.line_count - 1:
            event.stop()
            event.prevent_default()
            self.post_message(self.HistoryRequested(self, +1))
        else:
            await super()._on_key(event)
