"""A saved log, opened from disk, in a tab beside the live sessions (which keep running)."""

from __future__ import annotations

import asyncio
import threading
import time
from functools import partial
from pathlib import Path

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.screen import Screen

from sockscope.core.formats.model import LoadedLog
from sockscope.core.replay.plan import ReplayPlan
from sockscope.core.settings import ConnectionSettings
from sockscope.tui.messages import FramesRecorded
from sockscope.tui.save_source import SaveSource
from sockscope.tui.screens.replay_screen import ReplayScreen
from sockscope.tui.screens.replay_setup import ReplayRequest, ReplaySetupScreen
from sockscope.tui.widgets.key_bar import KeyBar
from sockscope.tui.widgets.session_view import SessionView
from sockscope.tui.widgets.tab_bar import TabBar
from sockscope.tui.widgets.viewer_title import ViewerTitle, describe_log

#: How often, at most, the viewer shows the rows of a log still loading (seconds).
PROGRESS_INTERVAL = 0.25


class LogViewerScreen(Screen[None]):
    """Log, inspector and filter over a loaded store; escape closes the log's tab.

    ctrl+r replays the log's client messages (see :mod:`~sockscope.tui.screens.replay_screen`).
    """

    BINDINGS = [
        Binding(
            "escape",
            "app.close_tab",
            "Close log",
            id="viewer.back",
            tooltip="Close the log's tab: back to the tab it was opened from",
        ),
        Binding("ctrl+f", "filter", "Filter", id="viewer.filter"),
        Binding(
            "ctrl+r",
            "replay",
            "Replay…",
            id="viewer.replay",
            tooltip="Send the log's client messages again and compare the responses",
        ),
    ]

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
        self.read_so_far: tuple[int, int] | None = None
        """(bytes read, bytes in all): set by the loading thread, shown by a timer."""
        self._told_at = 0.0
        """When the loading thread last told that rows grew (monotonic seconds)."""

    def compose(self) -> ComposeResult:
        yield TabBar()
        yield ViewerTitle(self._title, id="viewer-title")
        # A recording opens at its first row, like a file in a pager: and while a big log
        # loads, nothing but the title line and the scrollbar is drawn again (cheap).
        yield SessionView(self.loaded.store, live=False, id="viewer-session")
        yield KeyBar()

    def _title(self) -> Text:
        return describe_log(self.log_name, self.loaded, self.rows_loading, self.read_so_far)

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

    def loading_progressed(self, done: int, total: int) -> None:
        """In the loading thread: the file is read to ``done`` of ``total`` bytes.

        Rows that grew are told as a live session tells them, with ``FramesRecorded``, at
        most every :data:`PROGRESS_INTERVAL` (the first at once, so the first rows show as
        soon as they exist). Posting does not wait for the UI, where a call from the
        thread would (measured: ~0.5 s of a million-row load).
        """
        self.read_so_far = (done, total)
        now = time.monotonic()
        if now - self._told_at >= PROGRESS_INTERVAL:
            self._told_at = now
            self.post_message(FramesRecorded(self.loaded.store.recorded))

    @on(FramesRecorded)
    def _rows_grew(self) -> None:
        if self.rows_loading:
            self._show_progress()

    def _show_progress(self) -> None:
        """Show the rows loaded so far, and how much of the file is read."""
        self.query_one(ViewerTitle).refresh()
        self.query_one(SessionView).refresh_rows()

    def load_finished(self) -> None:
        self.rows_loading = False
        if not self.query(ViewerTitle):  # not composed yet: compose and mount see it is done
            return
        self._show_progress()
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
                journal = getattr(getattr(self.app, "options", None), "journal_path", None)
                journal_dir = journal.parent if isinstance(journal, Path) else None
                self.app.push_screen(ReplayScreen.start(request.plan, request, journal_dir))

        self.app.push_screen(
            ReplaySetupScreen(plan, live if isinstance(live, ConnectionSettings) else None, replan),
            chosen,
        )
