"""The list the composer's mode picker opens, below it, or above when the screen ends."""

from __future__ import annotations

from collections.abc import Hashable, Mapping
from typing import Generic, TypeVar

from textual import events, on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.geometry import Region
from textual.screen import ModalScreen
from textual.widgets import OptionList
from textual.widgets.option_list import Option

Mode = TypeVar("Mode", bound=Hashable)


class ModeMenu(ModalScreen[Mode | None], Generic[Mode]):
    """Returns the mode picked, or None (escape, or a click outside the list)."""

    DEFAULT_CSS = """
    ModeMenu { background: transparent; align: left top; }
    """

    BINDINGS = [Binding("escape", "dismiss(None)", "Cancel")]

    def __init__(self, mode: Mode, labels: Mapping[Mode, str], under: Region) -> None:
        super().__init__()
        self._mode = mode
        self._labels = labels
        self._under = under

    def compose(self) -> ComposeResult:
        choices = (Option(label, id=str(n)) for n, label in enumerate(self._labels.values()))
        options = OptionList(*choices, compact=True)
        options.highlighted = list(self._labels).index(self._mode)
        under, height = self._under, len(self._labels)
        room_below = self.app.size.height - under.bottom
        y = under.bottom if room_below >= height else max(0, under.y - height)
        options.styles.offset = (under.x, y)
        options.styles.width = under.width
        yield options

    @on(OptionList.OptionSelected)
    def _picked(self, event: OptionList.OptionSelected) -> None:
        self.dismiss(list(self._labels)[int(event.option.id or 0)])

    def on_click(self, event: events.Click) -> None:
        if event.widget is self:  # outside the list
            self.dismiss(None)
