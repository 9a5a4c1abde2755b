"""The open saved connection's messages, by name: the one chosen goes into the composer."""

from __future__ import annotations

from collections.abc import Sequence

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Label, OptionList
from textual.widgets.option_list import Option

from sockscope.core.text.display import safe_line
from sockscope.core.workspace.saved import SavedMessage


def _label(message: SavedMessage) -> Text:
    label = Text(safe_line(message.name), style="bold")
    label.append(f"  {message.mode}  ", style="dim")
    label.append(safe_line(message.body)[:60], style="dim")
    return label


class SavedMessagesScreen(ModalScreen[SavedMessage | None]):
    """Returns the message chosen (Enter or a click), or None (escape)."""

    DEFAULT_CSS = """
    SavedMessagesScreen { align: center middle; }
    SavedMessagesScreen OptionList { height: auto; max-height: 16; }
    """

    BINDINGS = [Binding("escape", "dismiss(None)", "Cancel")]

    def __init__(self, title: str, messages: Sequence[SavedMessage]) -> None:
        super().__init__()
        self._title = title
        self._messages = tuple(messages)

    def compose(self) -> ComposeResult:
        with Vertical(id="saved-messages-dialog", classes="dialog"):
            yield Label(self._title, classes="dialog-title", markup=False)
            yield OptionList(
                *(Option(_label(m), id=str(n)) for n, m in enumerate(self._messages)),
                id="saved-messages",
            )

    @on(OptionList.OptionSelected)
    def _chosen(self, event: OptionList.OptionSelected) -> None:
        self.dismiss(self._messages[int(event.option.id or 0)])
