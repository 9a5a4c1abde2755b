"""Saving, opening and journaling sessions: the file half of the app, as a mixin.

The app's class composes this with its panels and routing; everything here runs
file work in threads so the UI keeps drawing while a million rows are read or written.
"""

from __future__ import annotations

import contextlib
import time
from functools import partial
from pathlib import Path

from textual.app import App

from sockscope.core.formats.errors import LogError, LogFormatError
from sockscope.core.formats.jsonl import JournalWriter
from sockscope.core.formats.load import load_log, save_log
from sockscope.core.formats.model import LoadedLog, LogHeader, iso_time, now_iso
from sockscope.core.paths import errors_dir
from sockscope.core.session import Session
from sockscope.core.settings import ConnectionSettings
from sockscope.tui.app_options import AppOptions
from sockscope.tui.screens.file_screens import OpenRequest, OpenScreen, SaveRequest, SaveScreen
from sockscope.tui.screens.log_viewer import LogViewerScreen
from sockscope.tui.screens.progress_screen import ProgressScreen


class SessionFiles(App[None]):
    """ctrl+s saves the session, ctrl+o opens a log in a viewer; the journal runs throughout."""

    session: Session
    settings: ConnectionSettings
    options: AppOptions

    def _header(self) -> LogHeader:
        store = self.session.store
        created = iso_time(store.time(0)) if len(store) else now_iso()
        return LogHeader(url=self.settings.url, created=created)

    def _start_journal(self) -> None:
        """Append every event to the journal file as it happens (flushed twice a second)."""
        path = self.options.journal_path
        if path is None:
            return
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            self.session.journal = JournalWriter(path, self._header())
        except (LogError, OSError) as exc:
            self.notify(f"Not recording to disk: {exc}", severity="error", markup=False)
            return
        self.set_interval(0.5, self._flush_journal)

    def _flush_journal(self) -> None:
        self.session.flush_journal()
        if self.session.journal_error:
            self.notify(self.session.journal_error, severity="error", markup=False, timeout=30)
            self.session.journal_error = None

    def action_save(self) -> None:
        default = Path.cwd() / time.strftime("sockscope-%Y%m%d-%H%M%S.jsonl")

        def chosen(request: SaveRequest | None) -> None:
            if request is not None:
                self.run_worker(partial(self._save, request), thread=True, group="files")

        self.push_screen(SaveScreen(default), chosen)

    def _save(self, request: SaveRequest) -> None:
        """Runs in a thread: the store only grows, so reading it there is safe."""
        rows = len(self.session.store)
        try:
            save_log(request.path, self.session.store, self._header(), not request.include_secrets)
        except (LogError, OSError) as exc:
            self.call_from_thread(self.notify, str(exc), severity="error", markup=False)
            return
        kept = "secrets kept" if request.include_secrets else "secrets redacted"
        message = f"Saved {rows:,} rows to {request.path} ({kept})."
        self.call_from_thread(self.notify, message, title="Saved", markup=False)

    def action_open(self) -> None:
        def chosen(request: OpenRequest | None) -> None:
            if request is not None:
                self.open_log(request)

        self.push_screen(OpenScreen(), chosen)

    def open_log(self, request: OpenRequest) -> None:
        """Load a log in a thread with a progress bar, then show it in a viewer."""
        progress = ProgressScreen(f"Opening {request.path.name}…")
        self.push_screen(progress)

        def report(done: int, total: int) -> None:
            self.call_from_thread(progress.advance_to, done, total)

        def load() -> None:
            try:
                log = load_log(request.path, request.entry, report)
            except LogFormatError as exc:
                self.call_from_thread(self._open_failed, request, progress, exc)
                return
            except (LogError, OSError) as exc:
                self.call_from_thread(self._open_failed, request, progress, exc)
                return
            self.call_from_thread(self._opened, request, progress, log)

        self.run_worker(load, thread=True, group="files")

    def _opened(self, request: OpenRequest, progress: ProgressScreen, log: LoadedLog) -> None:
        progress.dismiss()
        self.push_screen(LogViewerScreen(request.path.name, log))

    def _open_failed(self, request: OpenRequest, progress: ProgressScreen, exc: Exception) -> None:
        progress.dismiss()
        if isinstance(exc, LogFormatError) and exc.choices:
            listed = "; ".join(f"{c.number}: {c.url} ({c.message_count})" for c in exc.choices)
            self.push_screen(
                OpenScreen(str(request.path), "", f"Pick an entry — {listed}"),
                lambda again: self.open_log(again) if again else None,
            )
            return
        self.notify(str(exc), title="Cannot open", severity="error", markup=False, timeout=15)
        if isinstance(exc, LogFormatError) and exc.partial is not None and len(exc.partial.store):
            exc.partial.warnings.append(f"Showing the rows before the error: {exc}")
            self.push_screen(LogViewerScreen(request.path.name, exc.partial))

    def save_emergency_copy(self) -> Path | str:
        """Save the whole session next to the error reports (a bug is ending the app)."""
        path = errors_dir() / time.strftime("session-%Y%m%d-%H%M%S.jsonl")
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            save_log(path, self.session.store, self._header(), redact=False)
        except (LogError, OSError) as exc:
            return f"(could not save a copy: {exc})"
        return path

    def close_journal(self) -> None:
        if isinstance(self.session.journal, JournalWriter):
            with contextlib.suppress(LogError):
                self.session.journal.close()
