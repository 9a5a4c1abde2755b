"""Recorded vs new responses, side by side, with what differs marked under each pair.

The pairs are drawn by :class:`~sockscope.tui.widgets.diff_view.DiffView`; this screen
adds the summary, the column header and the keys.
"""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.screen import Screen
from textual.widgets import Static

from sockscope.core.replay.diff import DiffReport
from sockscope.core.text.display import safe_line
from sockscope.tui.widgets.diff_view import GAP, STATUS_WIDTH, DiffView, fit_cell
from sockscope.tui.widgets.key_bar import KeyBar


class DiffScreen(Screen[None]):
    """The diff of a replay; ``m`` shows only the mismatches, escape goes back."""

    DEFAULT_CSS = """
    DiffScreen {
        & #diff-summary { height: auto; padding: 0 1; background: $boost; }
        & #diff-header { height: 1; color: $text-muted; text-style: bold; }
        & DiffView { height: 1fr; }
    }
    """

    BINDINGS = [
        Binding("escape", "app.pop_screen", "Back", id="diff.back"),
        Binding("m", "toggle_mismatches", "Mismatches only", id="diff.mismatches"),
    ]

    def __init__(self, report: DiffReport, title: str = "") -> None:
        super().__init__()
        self.report = report
        self.diff_title = title

    def compose(self) -> ComposeResult:
        yield Static(self._summary(), id="diff-summary")
        yield Static(id="diff-header")
        yield DiffView(self.report, id="diff")
        yield KeyBar()

    def on_mount(self) -> None:
        self.view.focus()
        self.call_after_refresh(self._show_header)

    def on_resize(self) -> None:
        # The columns follow the view's width, known once the new layout is done.
        self.call_after_refresh(self._show_header)

    @property
    def view(self) -> DiffView:
        return self.query_one(DiffView)

    def set_report(self, report: DiffReport, title: str) -> None:
        """Show a newer report (the final one, when the replay ends while this is open)."""
        self.report, self.diff_title = report, title
        self.view.set_report(report)
        self.query_one("#diff-summary", Static).update(self._summary(self.view.only_mismatches))

    def action_toggle_mismatches(self) -> None:
        view = self.view
        view.only_mismatches = not view.only_mismatches
        self.query_one("#diff-summary", Static).update(self._summary(view.only_mismatches))

    def _summary(self, only_mismatches: bool = False) -> Text:
        text = Text()
        text.append(" DIFF ", style="bold reverse")
        if self.diff_title:
            text.append(f" {safe_line(self.diff_title)} │")
        style = "bold green" if self.report.ok else "bold yellow"
        text.append(f" {self.report.summary()}", style=style)
        if only_mismatches:
            text.append(" │ showing mismatches only")
        return text

    def _show_header(self) -> None:
        width = self.view.scrollable_content_region.width
        number, column = self.view.columns(width)
        header = Text(" " * number + "  " + "status".ljust(STATUS_WIDTH) + " ", no_wrap=True)
        header.append_text(fit_cell(Text("recorded"), column))
        header.append(GAP)
        header.append_text(fit_cell(Text("new"), column))
        self.query_one("#diff-header", Static).update(header)
