"""The composer: write a message in one of several modes and send it.

Besides the built-in modes (text, JSON, binary…) it offers the session's protocol layer's
(JSON-RPC's *call*…): a form of the mode's fields (:class:`ProtocolForm`) in place of the
editor, whose values the layer encodes into the frames to send.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.message import Message
from textual.widgets import Button, Checkbox, Input, Label, TextArea

from sockscope.core.protocols.base import ProtocolError, ProtocolLayer
from sockscope.core.text.compose import ComposeError, ComposeMode, Outgoing, compose
from sockscope.core.text.display import safe_line
from sockscope.core.text.history import ComposeHistory, HistoryEntry
from sockscope.core.wire.commands import Command
from sockscope.tui.widgets.compact_button import CompactButton
from sockscope.tui.widgets.message_editor import MessageEditor
from sockscope.tui.widgets.mode_picker import LayerMode, ModePicker, PickerMode
from sockscope.tui.widgets.protocol_form import Flag, ProtocolForm

if TYPE_CHECKING:
    from sockscope.core.workspace.saved import SavedMessage


class Composer(Vertical):
    """Mode selector, editor and buttons; posts :class:`Composer.MessageComposed`."""

    BINDINGS = [
        Binding("ctrl+t", "next_mode", "Mode", id="composer.mode", show=False,
                tooltip="Cycle the composer's mode"),
        Binding("ctrl+enter", "send", "Send", id="composer.send", show=False,
                tooltip="Send (also from a form)"),
        Binding("f3", "saved_messages", "Saved", id="composer.saved",
                tooltip="Choose one of the open saved connection's messages"),
    ]  # fmt: skip

    class MessageComposed(Message):
        """The user asked to send this message."""

        def __init__(self, composer: Composer, outgoing: Outgoing) -> None:
            super().__init__()
            self.composer = composer
            self.outgoing = outgoing

        @property
        def control(self) -> Composer:
            return self.composer

    class CommandsComposed(Message):
        """The user sent a protocol message: the frames its layer encoded."""

        def __init__(self, composer: Composer, commands: Sequence[Command]) -> None:
            super().__init__()
            self.composer = composer
            self.commands = commands

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
        self.protocol_layer: Callable[[], ProtocolLayer | None] = lambda: None
        """The session's protocol layer now, which encodes a protocol mode's form: the app
        sets it."""
        self._offered: str | None = None
        """The name of the layer whose modes are offered."""
        self.sent_forms: list[tuple[LayerMode, dict[str, str]]] = []
        """Protocol messages sent in this run, recalled with up and down in the form."""
        self._form_pos = 0
        self._form: ProtocolForm | None = None
        self.variables: Callable[[str], str] = lambda text: text
        """Fills ``{{NAME}}`` in a message (raises ValueError naming an unknown one): the
        app sets it."""
        self._saved_messages: Sequence[SavedMessage] = ()

    def compose(self) -> ComposeResult:
        with Horizontal(id="composer-bar"):
            yield ModePicker(id="mode")
            yield Checkbox("minify", id="minify", compact=True)
            yield Label("", id="composer-error", markup=False)
            yield CompactButton("Send ⏎", "primary", id="send")
            yield CompactButton("Ping", id="ping")
            yield CompactButton("Close…", id="close")
        yield MessageEditor(id="editor", soft_wrap=True, show_line_numbers=False)
        yield Label("", id="composer-preview", markup=False)

    @property
    def saved_messages(self) -> Sequence[SavedMessage]:
        """The open saved connection's messages (F3 lists them, shown while there are some)."""
        return self._saved_messages

    @saved_messages.setter
    def saved_messages(self, messages: Sequence[SavedMessage]) -> None:
        self._saved_messages = messages
        self.refresh_bindings()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "saved_messages":
            return bool(self._saved_messages)
        return True

    def use_history(self, history: ComposeHistory) -> None:
        self.history = history
        self._history_pos = len(history.entries)

    @property
    def editor(self) -> MessageEditor:
        return self.query_one(MessageEditor)

    @property
    def mode(self) -> PickerMode:
        return self.query_one(ModePicker).mode

    def set_mode(self, mode: PickerMode) -> None:
        self.query_one(ModePicker).mode = mode

    @property
    def form(self) -> ProtocolForm | None:
        """The protocol mode's form shown in place of the editor, if any."""
        return self._form

    def focus_input(self, tries: int = 5) -> None:
        """Focus where the user types: the form's first field, or the editor. A form
        just mounted may have no field ready for it yet: then again after a refresh."""
        form = self.form
        if form is None:
            self.editor.focus()
        elif not form.focus_first() and tries > 1:
            self.call_after_refresh(self.focus_input, tries - 1)

    def offer_protocol(self, layer: ProtocolLayer | None) -> None:
        """Offer ``layer``'s modes; a layer newly chosen opens in its first mode."""
        self.query_one(ModePicker).offer(layer)
        name = layer.name if layer is not None else None
        if name != self._offered and layer is not None and layer.compose_modes:
            self.set_mode(LayerMode(layer.name, layer.compose_modes[0]))
        self._offered = name

    def action_next_mode(self) -> None:
        self.query_one(ModePicker).action_step(1)

    def show_error(self, text: str) -> None:
        self.query_one("#composer-error", Label).update(text)
        self.set_class(bool(text), "-error")

    @on(ModePicker.Changed)
    def _mode_changed(self) -> None:
        self.show_error("")
        self.editor.language = "json" if self.mode is ComposeMode.JSON else None
        mode = self.mode
        self._show_form(mode if isinstance(mode, LayerMode) else None)

    def _show_form(self, mode: LayerMode | None, values: dict[str, str] | None = None) -> None:
        """The form of ``mode`` in place of the editor (None: the editor).

        Where the user was typing, they type on: a hidden editor or a removed form would
        leave the focus nowhere, and keys typed then would be lost."""
        form = self._form
        was_typing = self.editor.has_focus or (form is not None and form.has_focus_within)
        if form is not None and (form.mode != mode or values is not None):
            form.remove()
            self._form = form = None
        if mode is not None and form is None:
            self._form = ProtocolForm(mode, values)
            self.mount(self._form, before=self.editor)
        self.editor.display = mode is None
        self.query_one("#minify").display = mode is None
        if was_typing:
            self.call_after_refresh(self.focus_input)

    def action_send(self) -> None:
        self.send()

    @on(MessageEditor.Submitted)
    @on(Input.Submitted)  # the form's lines (the composer has no other Input)
    @on(Flag.Submitted)
    @on(Button.Pressed, "#send")
    def send(self) -> None:
        """Validate the editor's text for the current mode and post it."""
        mode = self.mode
        if isinstance(mode, LayerMode):
            self._send_form(mode)
            return
        typed = self.editor.text
        if not typed and mode is not ComposeMode.PING:
            return
        try:  # the history keeps what was typed: {{TOKEN}}, never the token
            resolved = self.variables(typed)
            outgoing = compose(mode, resolved, self.query_one("#minify", Checkbox).value)
        except (ComposeError, ValueError) as exc:  # an unknown variable: nothing is sent
            self.show_error(str(exc))
            return
        reason = self.not_ready()
        if reason is not None:  # the text stays in the editor, to send once connected
            self.show_error(reason)
            return
        self.show_error("")
        self._remember(mode, typed)
        self.editor.clear()
        self.post_message(self.MessageComposed(self, outgoing))

    @on(TextArea.Changed)
    def _edited(self) -> None:
        if not self.editor.text:  # an error about text that is gone says nothing
            self.show_error("")
        self._show_resolved()

    def _show_resolved(self) -> None:
        """Under the editor, while the text holds ``{{``: the message as it would go."""
        typed = self.editor.text
        preview = self.query_one("#composer-preview", Label)
        shown = "{{" in typed
        preview.display = shown
        if not shown:
            return
        try:
            text, bad = "= " + safe_line(self.variables(typed)), False
        except ValueError as exc:
            text, bad = f"✗ {exc}", True
        preview.update(text)
        preview.set_class(bad, "-bad")

    def action_saved_messages(self) -> None:
        """Choose a saved message: its body goes into the editor, in its mode."""
        from sockscope.tui.screens.saved_messages import SavedMessagesScreen

        def chosen(message: SavedMessage | None) -> None:
            if message is not None:
                self.use_saved(message)

        self.app.push_screen(SavedMessagesScreen("Saved messages", self.saved_messages), chosen)

    def use_saved(self, message: SavedMessage) -> None:
        """Put a saved message in the editor, in its mode (F3, or the palette)."""
        try:
            mode = ComposeMode(message.mode.lower())
        except ValueError:
            mode = ComposeMode.TEXT
        self.set_mode(mode)
        self.editor.load_text(message.body)
        self.editor.move_cursor(self.editor.document.end)
        self.editor.focus()
        if mode.value != message.mode.lower():  # after the mode's change clears errors
            why = f"Mode {message.mode!r} is not one of the composer's: shown as text."
            self.call_after_refresh(self.show_error, why)

    @on(Button.Pressed, "#ping")
    def _ping(self) -> None:
        self.post_message(self.MessageComposed(self, Outgoing(data=b"", ping=True)))

    @on(Button.Pressed, "#close")
    def _close(self) -> None:
        self.post_message(self.CloseRequested(self))

    def _remember(self, mode: ComposeMode, typed: str) -> None:
        error = self.history.add(mode, typed)
        if error:
            self.notify(error, severity="warning", markup=False)
        self._history_pos = len(self.history.entries)
        self._draft = HistoryEntry(mode, "")

    def _send_form(self, mode: LayerMode) -> None:
        """Have the layer encode the form; its error is one sentence and nothing is sent."""
        form, layer = self.form, self.protocol_layer()
        if form is None:
            return
        reason = self.not_ready()
        if reason is None and (layer is None or layer.name != mode.layer):
            reason = f"The session does not speak {mode.layer} now."
        if reason is not None or layer is None:
            self.show_error(reason or "")
            return
        values = form.values()
        try:
            commands = layer.encode(mode.mode.name, values)
        except ProtocolError as exc:
            self.show_error(str(exc))
            return
        except Exception as exc:  # a plug-in's bug: said, not a crash
            self.show_error(f"{layer.title} could not encode this: {exc!r}.")
            return
        self.show_error("")
        if not self.sent_forms or self.sent_forms[-1] != (mode, values):
            self.sent_forms.append((mode, values))
        self._form_pos = len(self.sent_forms)
        form.clear()
        self.post_message(self.CommandsComposed(self, commands))

    @on(ProtocolForm.HistoryRequested)
    def _recall_form(self, event: ProtocolForm.HistoryRequested) -> None:
        """Up and down in a form bring back the protocol messages sent, each in its mode."""
        position = max(0, min(len(self.sent_forms), self._form_pos + event.step))
        if position == self._form_pos:
            return
        self._form_pos = position
        if position < len(self.sent_forms):
            mode, values = self.sent_forms[position]
        else:
            mode, values = event.form.mode, {}
        self._show_form(mode, dict(values))  # the focus follows into the new form
        self.set_mode(mode)

    @on(MessageEditor.HistoryRequested, "#editor")
    def _recall(self, event: MessageEditor.HistoryRequested) -> None:
        entries = self.history.entries
        if not entries:
            return
        if self._history_pos >= len(entries) and isinstance(self.mode, ComposeMode):
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
