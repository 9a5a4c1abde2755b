"""Ask for a name in a small dialog (e.g. for a connection saved into the collection)."""

from __future__ import annotations

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Input, Label


class NameScreen(ModalScreen[str | None]):
    """Returns the name typed (Enter), or None (escape); an empty name is not accepted."""

    DEFAULT_CSS = """
    NameScreen { align: center middle; }
    NameScreen #name-hint { color: $text-muted; }
    """

    BINDINGS = [Binding("escape", "dismiss(None)", "Cancel")]

    def __init__(self, question: str, name: str = "", hint: str = "") -> None:
        super().__init__()
        self._question, self._name, self._hint = question, name, hint

    def compose(self) -> ComposeResult:
        with Vertical(id="name-dialog", classes="dialog"):
            yield Label(self._question, markup=False)
            yield Input(self._name, id="name-input")
            yield Label(self._hint, id="name-hint", markup=False)

    @on(Input.Submitted)
    def _submitted(self, event: Input.Submitted) -> None:
        if event.value.strip():
            self.dismiss(event.value.strip())
