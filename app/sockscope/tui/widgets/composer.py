"""The composer: write a message in one of several modes and send it."""

from __future__ import annotations

from collections.abc import Callable

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.message import Message
from textual.widgets import Button, Checkbox, Label, TextArea

from sockscope.core.text.compose import ComposeError, ComposeMode, Outgoing, compose
from sockscope.core.text.history import ComposeHistory, HistoryEntry
from sockscope.tui.widgets.compact_button import CompactButton
from sockscope.tui.widgets.message_editor import MessageEditor
from sockscope.tui.widgets.mode_picker import ModePicker


class Composer(Vertical):
    """Mode selector, editor and buttons; posts :class:`Composer.MessageComposed`."""

    BINDINGS = [
        Binding("ctrl+t", "next_mode", "Mode", show=False, tooltip="Cycle the composer's mode"),
    ]

    class MessageComposed(Message):
        """The user asked to send this message."""

        def __init__(self, composer: Composer, outgoing: Outgoing) -> None:
            super().__init__()
            self.composer = composer
            self.outgoing = outgoing

        @property
        def control(self) -> Composer:
            return self.composer

    class CloseRequested(Message):
        def __init__(self, composer: Composer) -> None:
            super().__init__()
            self.composer = composer

        @property
        def control(self) -> Composer:
            return self.composer

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.history = ComposeHistory()
        """What was sent, with modes (the app may give one saved across runs)."""
        self.not_ready: Callable[[], str | None] = lambda: None
        """Why a message cannot go now (not connected), or None: the app sets it. A
        message refused later by the socket is reported, but the editor is cleared."""
        self._history_pos = 0
        self._draft = HistoryEntry(ComposeMode.TEXT, "")

    def compose(self) -> ComposeResult:
        with Horizontal(id="composer-bar"):
            yield ModePicker(id="mode")
            yield Checkbox("minify", id="minify", compact=True)
            yield Label("", id="composer-error", markup=False)
            yield CompactButton("Send ⏎", "primary", id="send")
            yield CompactButton("Ping", id="ping")
            yield CompactButton("Close…", id="close")
        yield MessageEditor(id="editor", soft_wrap=True, show_line_numbers=False)

    def use_history(self, history: ComposeHistory) -> None:
        self.history = history
        self._history_pos = len(history.entries)

    @property
    def editor(self) -> MessageEditor:
        return self.query_one(MessageEditor)

    @property
    def mode(self) -> ComposeMode:
        return self.query_one(ModePicker).mode

    def set_mode(self, mode: ComposeMode) -> None:
        self.query_one(ModePicker).mode = mode

    def action_next_mode(self) -> None:
        self.query_one(ModePicker).action_step(1)

    def show_error(self, text: str) -> None:
        self.query_one("#composer-error", Label).update(text)
        self.set_class(bool(text), "-error")

    @on(ModePicker.Changed)
    def _mode_changed(self) -> None:
        self.show_error("")
        self.editor.language = "json" if self.mode is ComposeMode.JSON else None

    @on(MessageEditor.Submitted)
    @on(Button.Pressed, "#send")
    def send(self) -> None:
        """Validate the editor's text for the current mode and post it."""
        typed = self.editor.text
        if not typed and self.mode is not ComposeMode.PING:
            return
        try:
            outgoing = compose(self.mode, typed, self.query_one("#minify", Checkbox).value)
        except ComposeError as exc:
            self.show_error(str(exc))
            return
        reason = self.not_ready()
        if reason is not None:  # the text stays in the editor, to send once connected
            self.show_error(reason)
            return
        self.show_error("")
        self._remember(typed)
        self.editor.clear()
        self.post_message(self.MessageComposed(self, outgoing))

    @on(TextArea.Changed)
    def _edited(self) -> None:
        if not self.editor.text:  # an error about text that is gone says nothing
            self.show_error("")

    @on(Button.Pressed, "#ping")
    def _ping(self) -> None:
        self.post_message(self.MessageComposed(self, Outgoing(data=b"", ping=True)))

    @on(Button.Pressed, "#close")
    def _close(self) -> None:
        self.post_message(self.CloseRequested(self))

    def _remember(self, typed: str) -> None:
        error = self.history.add(self.mode, typed)
        if error:
            self.notify(error, severity="warning", markup=False)
        self._history_pos = len(self.history.entries)
        self._draft = HistoryEntry(self.mode, "")

    @on(MessageEditor.HistoryRequested)
    def _recall(self, event: MessageEditor.HistoryRequested) -> None:
        entries = self.history.entries
        if not entries:
            return
        if self._history_pos >= len(entries):
            self._draft = HistoryEntry(self.mode, self.editor.text)
        position = max(0, min(len(entries), self._history_pos + event.step))
        if position == self._history_pos:
            return
        self._history_pos = position
        # Each entry comes back in its own mode: "AAE=" meant base64, not a ping's text.
        mode, text = entries[position] if position < len(entries) else self._draft
        self.set_mode(mode)
        self.editor.load_text(text)
        self.editor.move_cursor(self.editor.document.end)
