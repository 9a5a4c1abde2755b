"""Ask for a close code and reason, then close the connection with them."""

from __future__ import annotations

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Input, Label

from sockscope.core.text.compose import ComposeError, check_close


class CloseScreen(ModalScreen[tuple[int, str] | None]):
    """Returns (code, reason), or None when cancelled."""

    BINDINGS = [Binding("escape", "dismiss(None)", "Cancel")]

    def compose(self) -> ComposeResult:
        with Vertical(id="close-dialog", classes="dialog"):
            yield Label("Close the connection", classes="dialog-title")
            yield Label("Code (1000 normal, 3000-4999 application codes)")
            yield Input("1000", id="close-code", type="integer")
            yield Label("Reason (at most 123 bytes)")
            yield Input("", id="close-reason")
            yield Label("", id="close-error", classes="error")
            with Horizontal(classes="dialog-buttons"):
                yield Button("Close connection", id="do-close", variant="error")
                yield Button("Cancel", id="cancel")

    @on(Button.Pressed, "#cancel")
    def _cancel(self) -> None:
        self.dismiss(None)

    @on(Input.Submitted)
    @on(Button.Pressed, "#do-close")
    def _submit(self) -> None:
        code_text = self.query_one("#close-code", Input).value.strip() or "1000"
        reason = self.query_one("#close-reason", Input).value
        try:
            code = int(code_text)
            check_close(code, reason)
        except (ValueError, ComposeError) as exc:
            message = str(exc) if isinstance(exc, ComposeError) else "The code must be a number."
            self.query_one("#close-error", Label).update(message)
            return
        self.dismiss((code, reason))
