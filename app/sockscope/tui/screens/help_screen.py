"""F1: every key binding of the app and its widgets, in one list."""

from __future__ import annotations

from collections.abc import Mapping

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import VerticalScroll
from textual.keys import format_key
from textual.screen import ModalScreen
from textual.widgets import Label, Static


def _key_names(key: str) -> str:
    """``"slash,ctrl+f"`` -> ``"/, ctrl+f"``: keys as they are printed on the keyboard."""
    return ", ".join(format_key(part.strip()) for part in key.split(","))


def describe_bindings(
    sections: list[tuple[str, list[BindingType]]], keymap: Mapping[str, str] | None = None
) -> Text:
    """A plain table of keys and what they do (no markup parsing); ``keymap`` (binding id
    to keys, config.yaml's) gives the keys the user moved an action to."""
    keymap = keymap or {}
    text = Text()
    for title, bindings in sections:
        text.append(f"{title}\n", style="bold underline")
        for binding in bindings:
            if not isinstance(binding, Binding) or not binding.description:
                continue
            keys = _key_names(keymap.get(binding.id or "", binding.key))
            text.append(f"  {keys:<22}" if len(keys) < 22 else f"  {keys} ", style="bold")
            text.append(f"{binding.description}")
            if binding.tooltip:
                text.append(f" — {binding.tooltip}", style="dim")
            text.append("\n")
        text.append("\n")
    return text


class HelpScreen(ModalScreen[None]):
    """Lists the bindings given to it; escape or F1 closes it."""

    BINDINGS = [
        Binding("escape,f1,q", "dismiss(None)", "Close help"),
    ]

    def __init__(
        self,
        sections: list[tuple[str, list[BindingType]]],
        keymap: Mapping[str, str] | None = None,
    ) -> None:
        """``keymap``: config.yaml's, binding id to keys."""
        super().__init__()
        self._sections = sections
        self._keymap = keymap

    def compose(self) -> ComposeResult:
        with VerticalScroll(id="help-dialog", classes="dialog"):
            yield Label("sockscope — keys", classes="dialog-title")
            yield Static(describe_bindings(self._sections, self._keymap), id="help-body")
            yield Label("Enter sends; ctrl+j (or shift/alt+enter) adds a line in the composer.")
            yield Label("escape closes this help.", classes="dim")
