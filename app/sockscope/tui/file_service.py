"""Saving, opening and journaling sessions: the app's file work, as a small service.

Each live tab owns one :class:`FileService` over its session; ctrl+s and ctrl+o, the
journal and the emergency copy all go through it. File work runs in threads so the UI
keeps drawing while a million rows are read or written.
"""

from __future__ import annotations

import contextlib
import threading
import time
from collections.abc import Callable
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING, Any

from textual.app import App

from sockscope.core.formats.errors import LogError, LogFormatError
from sockscope.core.paths import errors_dir
from sockscope.core.session.session import Session
from sockscope.tui.save_source import SaveSource, ShowsSession

# The log formats (orjson and all) and the file dialogs are imported when first used:
# importing them cost ~10 ms of the app's startup (docs/performance.md, *Startup*).
if TYPE_CHECKING:
    from textual.timer import Timer

    from sockscope.core.formats.model import LoadedLog, LogHeader
    from sockscope.tui.screens.file_screens import OpenRequest, SaveRequest
    from sockscope.tui.screens.log_viewer import LogViewerScreen
    from sockscope.tui.screens.progress_screen import ProgressScreen

#: How long opening a log may take before a progress dialog shows (seconds).
PROGRESS_DIALOG_AFTER = 0.25
#: How long a loading thread waits for the viewer's first paint (seconds).
FIRST_PAINT_WAIT = 0.5


class FileService:
    """ctrl+s saves the session on screen, ctrl+o opens a log in a viewer (a tab of its
    own); the journal runs throughout. Dialogs, notices and threads go through ``app``."""

    def __init__(
        self,
        app: App[Any],
        session: Session,
        url: Callable[[], str],
        journal_path: Path | None = None,
    ) -> None:
        """``url``: the live connection's URL now (the header of what is saved)."""
        self.app = app
        self.show_log: Callable[[LogViewerScreen], object] = app.push_screen
        """Shows an opened log's viewer: pushed over the screen shown here; the app's
        live tabs show it in a tab of its own."""
        self.session = session
        self._url = url
        self.journal_path = journal_path
        self.opening_log = False
        """A log is being opened and neither its viewer nor an error has come yet."""
        self._flushing: Timer | None = None

    def _header(self) -> LogHeader:
        from sockscope.core.formats.model import LogHeader, iso_time, now_iso

        store = self.session.store
        created = iso_time(store.first_time) if len(store) or store.dropped else now_iso()
        return LogHeader(url=self._url(), created=created)

    def start_journal(self) -> None:
        """Append every event to the journal file as it happens (flushed twice a second)."""
        path = self.journal_path
        if path is None:
            return
        from sockscope.core.formats.journal import JournalWriter

        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            self.session.journal = JournalWriter(path, self._header())
        except (LogError, OSError) as exc:
            self.app.notify(f"Not recording to disk: {exc}", severity="error", markup=False)
            return
        self._flushing = self.app.set_interval(0.5, self._flush_journal)

    def _flush_journal(self) -> None:
        self.session.flush_journal(wait=False)
        if self.session.journal_error:
            self.app.notify(self.session.journal_error, severity="error", markup=False, timeout=30)
            self.session.journal_error = None

    def ask_and_save(self) -> None:
        """Save the session on screen: a replay's or an opened log's, else the live one."""
        from sockscope.tui.screens.file_screens import SaveScreen

        source = self._save_source()
        if source is None:
            return
        default = Path.cwd() / time.strftime(f"{source.prefix}-%Y%m%d-%H%M%S.jsonl")

        def chosen(request: SaveRequest | None) -> None:
            if request is not None:
                self.app.run_worker(
                    partial(self._save, request, source), thread=True, group="files"
                )

        self.app.push_screen(SaveScreen(default, self.journal_path), chosen)

    def _save_source(self) -> SaveSource | None:
        for screen in reversed(self.app.screen_stack):  # the topmost screen with a session
            if isinstance(screen, ShowsSession):
                return screen.save_source()
        session = self.session
        return SaveSource(session.store, self._header(), "sockscope", session.journal is not None)

    def _save(self, request: SaveRequest, source: SaveSource) -> None:
        """Runs in a thread: rows are appended meanwhile, but none dropped until it is done."""
        from sockscope.core.formats.load import save_log

        store = source.store
        try:
            with store.held():
                rows, dropped = len(store), store.dropped
                save_log(request.path, store, source.header, not request.include_secrets)
        except (LogError, OSError) as exc:
            self.app.call_from_thread(self.app.notify, str(exc), severity="error", markup=False)
            return
        kept = "secrets kept" if request.include_secrets else "secrets redacted"
        message = f"Saved {rows:,} rows to {request.path} ({kept})."
        if dropped:
            where = "are only in the journal" if source.journaled else "were not kept"
            message += f" The {dropped:,} older rows {where} (max frames)."
        self.app.call_from_thread(self.app.notify, message, title="Saved", markup=False)

    def ask_and_open(self) -> None:
        from sockscope.tui.screens.file_screens import OpenScreen

        def chosen(request: OpenRequest | None) -> None:
            if request is not None:
                self.open_log(request)

        self.app.push_screen(OpenScreen(), chosen)

    def open_log(self, request: OpenRequest) -> None:
        """Load a log in a thread; its viewer opens on the first rows and fills as they come."""
        # On demand: the viewer brings the replay and diff screens (and websockets) along.
        from sockscope.core.formats.load import load_log
        from sockscope.tui.screens.log_viewer import LogViewerScreen
        from sockscope.tui.screens.progress_screen import ProgressScreen

        viewer: list[LogViewerScreen] = []  # set once the first rows exist
        dialog: list[ProgressScreen] = []  # set if the viewer is slow to come
        painted = threading.Event()
        self._set_opening_log(True)

        def show_dialog() -> None:
            dialog.append(ProgressScreen(f"Opening {request.path.name}…"))
            self.app.push_screen(dialog[0])

        # A JSONL log's viewer opens at once (its header is read first); a HAR file is read
        # whole before: only then is a progress dialog worth its first paint (~30 ms).
        dialog_timer = self.app.set_timer(PROGRESS_DIALOG_AFTER, show_dialog)

        def show(log: LoadedLog) -> None:
            dialog_timer.stop()
            self._set_opening_log(False)
            viewer.append(LogViewerScreen(request.path.name, log, loading=True, painted=painted))
            if dialog:
                dialog[0].dismiss()
            self.show_log(viewer[0])

        def started(log: LoadedLog) -> None:
            """In the loading thread: show the viewer, and let it paint before going on.

            Parsing holds the GIL; without this pause the new screen would get its
            first layout only when the whole file is read.
            """
            self.app.call_from_thread(show, log)
            painted.wait(FIRST_PAINT_WAIT)

        def report(done: int, total: int) -> None:
            """In the loading thread: tell the viewer (reports come after ``started``: the
            progress dialog, if any, only pulses)."""
            if viewer:
                viewer[0].loading_progressed(done, total)

        def failed(exc: Exception) -> None:
            dialog_timer.stop()
            self._set_opening_log(False)
            if viewer:  # one notice: the log did open, in part
                rows = len(viewer[0].loaded.store)
                viewer[0].loaded.warnings.append(
                    f"Showing the {rows:,} rows before a damaged line: {exc}."
                )
                viewer[0].load_finished()
            else:
                self._open_failed(request, dialog[0] if dialog else None, exc)

        def load() -> None:
            try:
                load_log(request.path, request.entry, report, started)
            except (LogError, OSError) as exc:
                self.app.call_from_thread(failed, exc)
                return
            except BaseException:  # a bug: the keys must not stay off while it is reported
                self.app.call_from_thread(self._set_opening_log, False)
                raise
            self.app.call_from_thread(lambda: viewer[0].load_finished())

        self.app.run_worker(load, thread=True, group="files")

    def _set_opening_log(self, opening: bool) -> None:
        self.opening_log = opening
        self.app.refresh_bindings()  # the app's keys are off while a log opens

    def _open_failed(
        self, request: OpenRequest, progress: ProgressScreen | None, exc: Exception
    ) -> None:
        from sockscope.tui.screens.file_screens import OpenScreen

        if progress is not None:
            progress.dismiss()
        if isinstance(exc, LogFormatError) and exc.choices:
            listed = "; ".join(f"{c.number}: {c.url} ({c.message_count})" for c in exc.choices)
            self.app.push_screen(
                OpenScreen(str(request.path), "", f"Pick an entry — {listed}"),
                lambda again: self.open_log(again) if again else None,
            )
            return
        self.app.notify(str(exc), title="Cannot open", severity="error", markup=False, timeout=15)

    def save_emergency_copy(self) -> Path | str:
        """Save the whole session next to the error reports (a bug is ending the app)."""
        from sockscope.core.formats.load import save_log

        path = errors_dir() / time.strftime("session-%Y%m%d-%H%M%S.jsonl")
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            save_log(path, self.session.store, self._header(), redact=False)
        except (LogError, OSError) as exc:
            return f"(could not save a copy: {exc})"
        return path

    def close_journal(self) -> None:
        if self._flushing is not None:  # (the app's timer would keep a closed tab alive)
            self._flushing.stop()
        if self.session.journal is None:
            return
        from sockscope.core.formats.journal import JournalWriter

        if isinstance(self.session.journal, JournalWriter):
            with contextlib.suppress(LogError):
                self.session.journal.close()
