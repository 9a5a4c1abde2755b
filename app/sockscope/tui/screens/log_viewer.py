"""A saved log, opened from disk, shown beside the live session (which keeps running)."""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.screen import Screen
from textual.widgets import Footer, Static

from sockscope.core.display import safe_line
from sockscope.core.formats.model import LoadedLog
from sockscope.core.replay import ReplayPlan
from sockscope.core.settings import ConnectionSettings
from sockscope.tui.screens.replay_screen import ReplayScreen
from sockscope.tui.screens.replay_setup import ReplayRequest, ReplaySetupScreen
from sockscope.tui.widgets.session_view import SessionView


def describe_log(name: str, log: LoadedLog) -> Text:
    text = Text()
    text.append(" LOG ", style="bold reverse")
    text.append(f" {safe_line(name)}", style="bold")
    text.append(f" │ {safe_line(log.header.url) or 'no URL'} │ {len(log.store):,} rows")
    text.append(f" │ recorded {safe_line(log.header.created)}")
    return text


class LogViewerScreen(Screen[None]):
    """Log, inspector and filter over a loaded store; escape goes back to the live session.

    ctrl+r replays the log's client messages (see :mod:`~sockscope.tui.screens.replay_screen`).
    """

    BINDINGS = [
        Binding("escape", "app.pop_screen", "Back to live", id="viewer.back"),
        Binding("ctrl+f", "filter", "Filter", id="viewer.filter"),
        Binding(
            "ctrl+r",
            "replay",
            "Replay…",
            id="viewer.replay",
            tooltip="Send the log's client messages again and compare the responses",
        ),
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

    def action_replay(self) -> None:
        plan = ReplayPlan.from_store(self.loaded.store, self.loaded.header.url)
        for warning in plan.warnings:
            self.notify(warning, title="Replay", severity="warning", markup=False)
        # The live connection's TLS and proxy options apply to the replay too.
        live = getattr(self.app, "settings", None)

        def chosen(request: ReplayRequest | None) -> None:
            if request is not None:
                self.app.push_screen(ReplayScreen.start(plan, request))

        self.app.push_screen(
            ReplaySetupScreen(plan, live if isinstance(live, ConnectionSettings) else None),
            chosen,
        )
