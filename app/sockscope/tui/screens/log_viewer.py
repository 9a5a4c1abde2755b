"""A saved log, opened from disk, shown beside the live session (which keeps running)."""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.screen import Screen
from textual.widgets import Footer, Static

from sockscope.core.display import safe_line
from sockscope.core.formats.model import LoadedLog
from sockscope.tui.widgets.session_view import SessionView


def describe_log(name: str, log: LoadedLog) -> Text:
    text = Text()
    text.append(" LOG ", style="bold reverse")
    text.append(f" {safe_line(name)}", style="bold")
    text.append(f" │ {safe_line(log.header.url) or 'no URL'} │ {len(log.store):,} rows")
    text.append(f" │ recorded {safe_line(log.header.created)}")
    return text


class LogViewerScreen(Screen[None]):
    """Log, inspector and filter over a loaded store; escape goes back to the live session."""

    BINDINGS = [
        Binding("escape", "app.pop_screen", "Back to live", id="viewer.back"),
        Binding("ctrl+f", "filter", "Filter", id="viewer.filter"),
    ]

    def __init__(self, name: str, log: LoadedLog) -> None:
        super().__init__()
        self.log_name = name
        self.loaded = log

    def compose(self) -> ComposeResult:
        yield Static(describe_log(self.log_name, self.loaded), id="viewer-title")
        yield SessionView(self.loaded.store, id="viewer-session")
        yield Footer()

    def on_mount(self) -> None:
        view = self.query_one(SessionView)
        view.message_log.focus()
        for warning in self.loaded.warnings:
            self.notify(warning, title="While loading", severity="warning", markup=False)

    def action_filter(self) -> None:
        self.query_one(SessionView).open_filter()
