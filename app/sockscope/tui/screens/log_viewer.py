"""A saved log, opened from disk, shown beside the live session (which keeps running)."""

from __future__ import annotations

import asyncio
import threading
from functools import partial

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.screen import Screen
from textual.widgets import Footer, ProgressBar, Static

from sockscope.core.display import safe_line
from sockscope.core.formats.model import LoadedLog
from sockscope.core.replay import ReplayPlan
from sockscope.core.settings import ConnectionSettings
from sockscope.tui.save_source import SaveSource
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

    DEFAULT_CSS = """
    LogViewerScreen #viewer-progress { height: 1; padding: 0 1; }
    LogViewerScreen #viewer-progress.-done { display: none; }
    """

    def __init__(
        self,
        name: str,
        log: LoadedLog,
        *,
        loading: bool = False,
        painted: threading.Event | None = None,
    ) -> None:
        super().__init__()
        self.log_name = name
        self.loaded = log
        self._painted = painted
        """Set after the first paint (a loading thread waits for it)."""
        self.rows_loading = loading
        """True while a thread still adds rows to the store (it only grows)."""

    def compose(self) -> ComposeResult:
        yield Static(describe_log(self.log_name, self.loaded), id="viewer-title")
        bar = ProgressBar(total=100, show_eta=True, id="viewer-progress")
        bar.set_class(not self.rows_loading, "-done")
        yield bar
        yield SessionView(self.loaded.store, id="viewer-session")
        yield Footer()

    def on_mount(self) -> None:
        view = self.query_one(SessionView)
        view.message_log.focus()
        if self._painted is not None:
            self.call_after_refresh(self._painted.set)
        if not self.rows_loading:
            self._warn()

    def _warn(self) -> None:
        for warning in self.loaded.warnings:
            self.notify(warning, title="While loading", severity="warning", markup=False)

    def load_progressed(self, done: int, total: int) -> None:
        """The loading thread read ``done`` of ``total`` bytes: show the rows so far."""
        if not self.query(ProgressBar):  # not composed yet: it shows the rows when it is
            return
        self.query_one(ProgressBar).update(total=max(total, 1), progress=done)
        self.query_one("#viewer-title", Static).update(describe_log(self.log_name, self.loaded))
        self.query_one(SessionView).refresh_rows()

    def load_finished(self) -> None:
        self.rows_loading = False
        if not self.query(ProgressBar):  # not composed yet: compose and mount see it is done
            return
        self.query_one(ProgressBar).add_class("-done")
        self.query_one("#viewer-title", Static).update(describe_log(self.log_name, self.loaded))
        self.query_one(SessionView).refresh_rows()
        self._warn()

    def save_source(self) -> SaveSource | None:
        """ctrl+s here saves the opened log again (as .jsonl or .har: a conversion)."""
        if self.rows_loading:
            self.notify("The log is still loading; save it when it is complete.")
            return None
        return SaveSource(self.loaded.store, self.loaded.header, "sockscope-log")

    def action_filter(self) -> None:
        self.query_one(SessionView).open_filter()

    def action_replay(self) -> None:
        if self.rows_loading:
            self.notify("The log is still loading; replay it when it is complete.")
            return
        # Reading a million rows' messages takes ~1 s: in a thread, the screen stays live.
        self.run_worker(self._set_up_replay(), group="replay", exclusive=True)

    async def _set_up_replay(self) -> None:
        replan = partial(ReplayPlan.from_store, self.loaded.store, self.loaded.header.url)
        plan = await asyncio.to_thread(replan)
        # The live connection's TLS and proxy options apply to the replay too.
        live = getattr(self.app, "settings", None)

        def chosen(request: ReplayRequest | None) -> None:
            if request is not None:
                self.app.push_screen(ReplayScreen.start(request.plan, request))

        self.app.push_screen(
            ReplaySetupScreen(plan, live if isinstance(live, ConnectionSettings) else None, replan),
            chosen,
        )
