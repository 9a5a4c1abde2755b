"""Add a breakpoint: a way (client → server or server → client) and a pattern.

The pattern is a reply rule's (docs/rules.md): a regex searched in the text, or a
JSONPath test (``$.type == "order"``). One that does not compile is said in the dialog,
which stays open to fix it.
"""

from __future__ import annotations

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Input, Label, Select

from sockscope.core.proxy.breakpoints import Breakpoint, Way
from sockscope.core.rules.errors import RuleError


class BreakpointDialog(ModalScreen[Breakpoint | None]):
    """Returns the breakpoint (compiled), or None when cancelled."""

    DEFAULT_CSS = """
    BreakpointDialog { align: center middle; }
    BreakpointDialog #breakpoint-error { height: auto; }
    """
    BINDINGS = [Binding("escape", "dismiss(None)", "Cancel")]

    def compose(self) -> ComposeResult:
        ways = [(way.label, way) for way in Way]
        with Vertical(id="breakpoint-dialog", classes="dialog"):
            yield Label("Hold the messages that match", classes="dialog-title")
            yield Select(ways, value=Way.TO_SERVER, allow_blank=False, id="breakpoint-way")
            yield Label('A regex, or a JSONPath test such as $.type == "order"')
            yield Input("", id="breakpoint-pattern", placeholder="pattern")
            yield Label("", id="breakpoint-error", classes="error", markup=False)
            with Horizontal(classes="dialog-buttons"):
                yield Button("Add", id="add-breakpoint", variant="primary")
                yield Button("Cancel", id="cancel")

    def on_mount(self) -> None:
        self.query_one("#breakpoint-pattern", Input).focus()

    @on(Button.Pressed, "#cancel")
    def _cancel(self) -> None:
        self.dismiss(None)

    @on(Input.Submitted)
    @on(Button.Pressed, "#add-breakpoint")
    def _submit(self) -> None:
        way = self.query_one("#breakpoint-way", Select).value
        pattern = self.query_one("#breakpoint-pattern", Input).value
        error = self.query_one("#breakpoint-error", Label)
        if not pattern:
            error.update("Type a pattern: a regex, or a JSONPath test.")
            return
        assert isinstance(way, Way)
        try:
            rule = Breakpoint(way, pattern)
        except RuleError as exc:
            error.update(str(exc))
            return
        self.dismiss(rule)
