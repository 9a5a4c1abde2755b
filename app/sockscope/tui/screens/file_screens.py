"""Ask for a file to save the session to, or a log to open."""

from __future__ import annotations

from pathlib import Path
from typing import NamedTuple

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Checkbox, Input, Label

from sockscope.tui.path_suggester import PathSuggester


class SaveRequest(NamedTuple):
    path: Path
    include_secrets: bool


class OpenRequest(NamedTuple):
    path: Path
    entry: str | None
    """For a HAR file with several WebSocket entries: a number (from 1) or part of a URL."""


class SaveScreen(ModalScreen[SaveRequest | None]):
    """The format follows the extension: .jsonl (sockscope) or .har (browsers)."""

    BINDINGS = [Binding("escape", "dismiss(None)", "Cancel")]

    def __init__(self, default: Path, journal: Path | None = None) -> None:
        """``journal``: the file the live journal appends to, which a save must not replace."""
        super().__init__()
        self._default = default
        self._journal = journal

    def compose(self) -> ComposeResult:
        with Vertical(id="save-dialog", classes="dialog"):
            yield Label("Save the session", classes="dialog-title")
            yield Label("File (.jsonl for sockscope, .har for Chrome and other tools)")
            yield Input(str(self._default), id="save-path", suggester=PathSuggester())
            yield Checkbox(
                "include secrets (Authorization, Cookie, URL credentials)", id="save-secrets"
            )
            yield Label("", id="save-error", classes="error", markup=False)
            with Horizontal(classes="dialog-buttons"):
                yield Button("Save", id="do-save", variant="primary")
                yield Button("Cancel", id="cancel")

    @on(Button.Pressed, "#cancel")
    def _cancel(self) -> None:
        self.dismiss(None)

    @on(Input.Submitted)
    @on(Button.Pressed, "#do-save")
    def _submit(self) -> None:
        text = self.query_one("#save-path", Input).value.strip()
        path = Path(text).expanduser()
        if not text or path.suffix.lower() not in (".jsonl", ".ndjson", ".har"):
            self.query_one("#save-error", Label).update("Name the file .jsonl or .har.")
            return
        if not path.parent.is_dir():
            self.query_one("#save-error", Label).update(f"No such folder: {path.parent}")
            return
        if self._journal is not None and _same_file(path, self._journal):
            # A save replaces the file: the journal would go on writing to the old one,
            # and every frame after the save would be lost.
            self.query_one("#save-error", Label).update(
                f"{path.name} is the live journal (it keeps recording there): choose another name."
            )
            return
        request = SaveRequest(path, self.query_one("#save-secrets", Checkbox).value)
        if not path.exists():
            self.dismiss(request)
            return
        from sockscope.tui.screens.confirm_screen import ConfirmScreen

        def answered(replace: bool | None) -> None:
            if replace:
                self.dismiss(request)

        self.app.push_screen(
            ConfirmScreen(f"{path} already exists. Replace it?", yes="Replace"), answered
        )


def _same_file(path: Path, other: Path) -> bool:
    """Whether two names point at one file (through links, or both not there yet)."""
    try:
        return path.samefile(other)
    except OSError:
        return path.resolve() == other.resolve()


class OpenScreen(ModalScreen[OpenRequest | None]):
    """Open a JSONL log or a HAR file in a viewer beside the live session."""

    BINDINGS = [Binding("escape", "dismiss(None)", "Cancel")]

    def __init__(self, path: str = "", entry: str = "", error: str = "") -> None:
        super().__init__()
        self._path, self._entry, self._error = path, entry, error

    def compose(self) -> ComposeResult:
        with Vertical(id="open-dialog", classes="dialog"):
            yield Label("Open a saved log", classes="dialog-title")
            yield Label("File (.jsonl or .har)")
            yield Input(self._path, id="open-path", suggester=PathSuggester())
            yield Label("HAR entry (number or part of the URL; empty if there is one)")
            yield Input(self._entry, id="open-entry")
            yield Label(self._error, id="open-error", classes="error", markup=False)
            with Horizontal(classes="dialog-buttons"):
                yield Button("Open", id="do-open", variant="primary")
                yield Button("Cancel", id="cancel")

    @on(Button.Pressed, "#cancel")
    def _cancel(self) -> None:
        self.dismiss(None)

    @on(Input.Submitted)
    @on(Button.Pressed, "#do-open")
    def _submit(self) -> None:
        text = self.query_one("#open-path", Input).value.strip()
        path = Path(text).expanduser()
        if not text or not path.is_file():
            self.query_one("#open-error", Label).update(f"No such file: {text or '(empty)'}")
            return
        entry = self.query_one("#open-entry", Input).value.strip() or None
        self.dismiss(OpenRequest(path, entry))
