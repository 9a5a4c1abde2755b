"""The composer's form for a protocol layer's mode, built from the mode's fields.

A line is an ``Input``, text and JSON a :class:`FieldEditor` (Enter sends there too,
ctrl+j adds a line; JSON is checked as it is typed), a choice a ``Select`` and a flag a
:class:`Flag` (space toggles it, Enter sends). A field's text is selected when the field
is focused, as an ``Input``'s is, so typing replaces a default such as ``[]``.
:meth:`ProtocolForm.values` is what :meth:`ProtocolLayer.encode` takes.
"""

from __future__ import annotations

import json
from collections.abc import Mapping

from textual import events, on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.message import Message
from textual.widget import Widget
from textual.widgets import Checkbox, Input, Label, Select, TextArea

from sockscope.core.protocols.base import Field, FieldKind
from sockscope.tui.widgets.message_editor import MessageEditor
from sockscope.tui.widgets.mode_picker import LayerMode

FLAG_VALUES = ("no", "yes")
#: The names' column at least: most forms' names fit and line up from form to form.
LABEL_WIDTH = 12


def json_error(text: str) -> str | None:
    """Why ``text`` is not JSON (None: it is, or nothing is typed yet)."""
    if not text.strip():
        return None
    try:
        json.loads(text)
    except ValueError as exc:
        return f"Not JSON: {exc}."
    return None


class FieldEditor(MessageEditor):
    """A form's text or JSON field: focusing it selects its text, as an ``Input`` does."""

    def on_focus(self, event: events.Focus) -> None:
        if not event.from_app_focus:  # coming back to the terminal keeps the cursor
            self.select_all()


class Flag(Checkbox):
    """A form's flag: space toggles it and Enter sends the form, as from every field.

    The key bar says so: Enter toggles a plain ``Checkbox``, which a user would expect."""

    BINDINGS = [
        Binding("space", "toggle_button", "Toggle"),
        Binding("enter", "submit", "Send"),
    ]

    class Submitted(Message):
        def __init__(self, flag: Flag) -> None:
            super().__init__()
            self.flag = flag

        @property
        def control(self) -> Flag:
            return self.flag

    def action_submit(self) -> None:
        self.post_message(self.Submitted(self))


class ProtocolForm(Vertical):
    """One row per field of a :class:`LayerMode`: its name, then its input."""

    DEFAULT_CSS = """
    ProtocolForm {
        height: auto;
        & > .field { height: auto; }
        & .field > Label { color: $text-muted; }
        & .field > Input, & .field > Select { width: 1fr; }
        & .field > FieldEditor { width: 1fr; height: auto; min-height: 1; max-height: 6; }
        & .field > FieldEditor.-invalid { border-left: outer $error; }
    }
    """

    BINDINGS = [
        Binding("up", "history(-1)", "Previous", show=False),
        Binding("down", "history(1)", "Next", show=False),
    ]

    class HistoryRequested(Message):
        """Up or down where no field takes them: recall a protocol message sent."""

        def __init__(self, form: ProtocolForm, step: int) -> None:
            super().__init__()
            self.form = form
            self.step = step

        @property
        def control(self) -> ProtocolForm:
            return self.form

    def __init__(self, mode: LayerMode, values: Mapping[str, str] | None = None) -> None:
        super().__init__()
        self.mode = mode
        self._start = dict(values or {})

    def compose(self) -> ComposeResult:
        fields = self.mode.mode.fields
        # One column for every name, wide enough for the longest ("operationName").
        names = max([LABEL_WIDTH - 1, *(len(field.name) for field in fields)]) + 1
        for number, field in enumerate(fields):
            value = self._start.get(field.name, field.default)
            with Horizontal(classes="field"):
                label = Label(field.name, markup=False).with_tooltip(field.label)
                label.styles.width = names
                yield label
                yield _input(field, value, f"field-{number}")

    def _widgets(self) -> list[tuple[Field, Widget]]:
        return [
            (field, self.query_one(f"#field-{number}"))
            for number, field in enumerate(self.mode.mode.fields)
        ]

    def values(self) -> dict[str, str]:
        """Every field's value as the layer reads it (a flag: ``yes`` or ``no``)."""
        values = {}
        for field, widget in self._widgets():
            if isinstance(widget, Checkbox):
                values[field.name] = FLAG_VALUES[widget.value]
            elif isinstance(widget, Select):
                chosen = widget.value
                values[field.name] = chosen if isinstance(chosen, str) else field.default
            elif isinstance(widget, TextArea):
                values[field.name] = widget.text
            elif isinstance(widget, Input):
                values[field.name] = widget.value
        return values

    def clear(self) -> None:
        """Empty the text fields after a send (choices and flags stay as they are)."""
        for field, widget in self._widgets():
            if isinstance(widget, TextArea) and field.kind is FieldKind.TEXT:
                widget.clear()

    def focus_first(self) -> bool:
        """Focus the first field; False while none can take the focus yet (just mounted)."""
        for widget in self.query(".field > *"):
            if widget.focusable:
                widget.focus()
                return True
        return False

    def action_history(self, step: int) -> None:
        self.post_message(self.HistoryRequested(self, step))

    @on(MessageEditor.HistoryRequested)
    def _editor_history(self, event: MessageEditor.HistoryRequested) -> None:
        event.stop()
        self.action_history(event.step)

    @on(TextArea.Changed, ".-json")
    def _check_json(self, event: TextArea.Changed) -> None:
        error = json_error(event.text_area.text)
        event.text_area.set_class(error is not None, "-invalid")
        event.text_area.tooltip = error


def _input(field: Field, value: str, widget_id: str) -> Widget:
    if field.kind is FieldKind.FLAG:
        return Flag(field.label, value == "yes", id=widget_id, compact=True)
    if field.kind is FieldKind.CHOICE and field.choices:
        options = [(choice, choice) for choice in field.choices]
        start = value if value in field.choices else field.choices[0]
        return Select(options, value=start, id=widget_id, compact=True, allow_blank=False)
    if field.kind in (FieldKind.TEXT, FieldKind.JSON):
        json_field = field.kind is FieldKind.JSON
        return FieldEditor(
            value,
            id=widget_id,
            soft_wrap=True,
            compact=True,
            language="json" if json_field else None,
            placeholder=field.label,
            classes="-json" if json_field else "",
        )
    return Input(value, placeholder=field.label, id=widget_id, compact=True)
