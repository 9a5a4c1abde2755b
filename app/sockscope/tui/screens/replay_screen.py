"""A replay running: its progress, the new session's rows live, and keys to steer it.

The :class:`~sockscope.core.replay.replayer.Replayer` runs as an async worker of this screen (so
leaving the screen cancels it) and records into its own new session; the screen reads
that session's store on a timer, as the live view does, and never blocks on the socket.
When the replay ends, the diff of recorded vs new responses opens by itself.
"""

from __future__ import annotations

from pathlib import Path

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal
from textual.screen import Screen
from textual.timer import Timer
from textual.widgets import Label, ProgressBar, Static
from textual.worker import Worker, WorkerState

from sockscope.core.events import DriverEvent, RowsGrew
from sockscope.core.formats.errors import LogError
from sockscope.core.formats.journal import JournalWriter
from sockscope.core.formats.model import LogHeader, iso_time, now_iso
from sockscope.core.paths import default_journal_path
from sockscope.core.replay.diff import DiffReport, compare
from sockscope.core.replay.plan import ReplayError, ReplayPlan
from sockscope.core.replay.replayer import Replayer, ReplayResult
from sockscope.core.session.session import Session
from sockscope.core.store.frames import Opcode
from sockscope.core.text.display import describe_close, preview, safe_line
from sockscope.tui.messages import FramesRecorded
from sockscope.tui.save_source import SaveSource
from sockscope.tui.screens.diff_screen import DiffScreen
from sockscope.tui.screens.replay_setup import ReplayRequest
from sockscope.tui.widgets.key_bar import KeyBar
from sockscope.tui.widgets.session_view import SessionView

FLUSH_EVERY = 0.5
NEXT_WIDTH = 40


def pace(replayer: Replayer) -> str:
    """How the replay sends: "at 2x", "as fast as possible" or "step by step"."""
    if replayer.step:
        return "step by step"
    return "as fast as possible" if replayer.speed is None else f"at {replayer.speed:g}x"


class ReplayScreen(Screen[None]):
    """Space pauses, n sends the next message in step mode, d shows the diff so far."""

    DEFAULT_CSS = """
    ReplayScreen {
        & #replay-title { height: 1; background: $boost; }
        & #replay-progress { height: 1; padding: 0 1; }
        & #replay-progress ProgressBar { width: auto; margin-right: 2; }
        & #replay-count { width: 1fr; }
        & #replay-error { height: auto; padding: 0 1; display: none; }
        & #replay-error.-shown { display: block; }
    }
    """

    BINDINGS = [
        Binding("escape", "stop", "Stop and back", id="replay.stop"),
        Binding("space", "pause", "Pause/resume", id="replay.pause"),
        Binding("n", "step", "Send next", id="replay.step", tooltip="In step mode"),
        Binding("enter", "step", "Send next", show=False),
        Binding("d", "diff", "Diff", id="replay.diff", tooltip="Recorded vs new responses"),
        Binding("ctrl+f", "filter", "Filter", id="replay.filter"),
    ]

    def __init__(
        self, replayer: Replayer, ignore: tuple[str, ...] = (), unordered: bool = False
    ) -> None:
        super().__init__()
        self.replayer = replayer
        self.ignore = ignore
        self.unordered = unordered
        self.result: ReplayResult | None = None
        self.ended: str | None = None
        """How the replay ended ("finished", "failed", ...); None while it runs."""
        self._worker: Worker[ReplayResult] | None = None
        self._timer: Timer | None = None
        self._diff: DiffScreen | None = None
        self.journal_error: str | None = None
        replayer.report = self._reported

    @classmethod
    def start(
        cls, plan: ReplayPlan, request: ReplayRequest, journal_dir: Path | None = None
    ) -> ReplayScreen:
        """A screen that replays ``plan`` as ``request`` asks, into a new session.

        With ``journal_dir`` (where the live sessions are journaled) the replay's session
        is journaled there too, as ``replay-<time>-<host>.jsonl``.
        """
        session = Session()
        screen = cls(
            Replayer(plan, request.settings, session, speed=request.speed, step=request.step),
            request.ignore,
            request.unordered,
        )
        if journal_dir is not None:
            path = journal_dir / f"replay-{default_journal_path(request.settings.url).name}"
            try:
                session.journal = JournalWriter(path, LogHeader(url=request.settings.url))
            except LogError as exc:
                screen.journal_error = f"Not recording the replay to disk: {exc}"
        return screen

    def save_source(self) -> SaveSource:
        """ctrl+s here saves the replay's new session (see :mod:`sockscope.tui.save_source`)."""
        store = self.replayer.session.store
        created = iso_time(store.first_time) if len(store) else now_iso()
        return SaveSource(store, LogHeader(url=self.target, created=created), "sockscope-replay")

    @property
    def total(self) -> int:
        return len(self.replayer.plan.sends)

    @property
    def target(self) -> str:
        return self.replayer.settings.url

    def compose(self) -> ComposeResult:
        yield Static(id="replay-title")
        with Horizontal(id="replay-progress"):
            yield ProgressBar(total=self.total or 1, show_eta=False, id="replay-bar")
            yield Label(id="replay-count", markup=False)
        yield Label(id="replay-error", classes="error", markup=False)
        yield SessionView(self.replayer.session.store, id="replay-session")
        yield KeyBar()

    def on_mount(self) -> None:
        self.query_one(SessionView).message_log.focus()
        self._tick()
        session = self.replayer.session
        if session.journal is not None:
            self._timer = self.set_interval(FLUSH_EVERY, lambda: session.flush_journal(False))
        if self.journal_error:
            self.notify(self.journal_error, severity="error", markup=False)
        self._worker = self.run_worker(
            self.replayer.run(), name="replay", group="replay", exit_on_error=False
        )

    def on_unmount(self) -> None:
        if self._worker is not None:
            self._worker.cancel()
        journal = self.replayer.session.journal
        if isinstance(journal, JournalWriter):
            journal.close()

    def _reported(self, event: DriverEvent) -> None:
        """The replay's driver reports (rows grew, the connection moved on): show them."""
        self.post_message(FramesRecorded(event.total if isinstance(event, RowsGrew) else 0))

    @on(FramesRecorded)
    def _rows_grew(self) -> None:
        self._tick()

    # -- showing progress ------------------------------------------------------

    def _tick(self) -> None:
        replayer = self.replayer
        received = replayer.responses_received
        recorded = len(replayer.plan.responses)
        done = replayer.sent if self.total else int(self.ended is not None)
        self.query_one(ProgressBar).update(total=self.total or 1, progress=done)
        sends = replayer.plan.sends
        upcoming = ""
        if replayer.step and self.ended is None and replayer.sent < len(sends):
            message = sends[replayer.sent].message
            shown = preview(message.payload, message.opcode is Opcode.TEXT, NEXT_WIDTH)
            upcoming = f" · next (n): {shown}"
        self.query_one("#replay-count", Label).update(
            f"sent {replayer.sent} of {self.total} · received {received} ({recorded} recorded)"
            + upcoming
        )
        self.query_one("#replay-title", Static).update(self._title())
        self.query_one(SessionView).refresh_rows()

    def _title(self) -> Text:
        text = Text(no_wrap=True, overflow="ellipsis")
        text.append(" REPLAY ", style="bold reverse")
        text.append(f" → {safe_line(self.target)}", style="bold")
        text.append(f" │ {pace(self.replayer)} │ ")
        state = self.state()
        style = "bold red" if state.startswith("failed") else "bold"
        text.append(state, style=style)
        return text

    def state(self) -> str:
        """What the replay is doing, in a few words."""
        replayer = self.replayer
        if self.ended is not None:
            return self.ended
        if replayer.paused:
            return "paused (space resumes)"
        if replayer.session.opened is None:
            return "connecting…"
        if replayer.sent >= self.total:
            return "waiting for responses…"
        if replayer.step:
            return "press n to send the next message"
        return "sending…"

    # -- the outcome -----------------------------------------------------------

    @on(Worker.StateChanged)
    def _worker_changed(self, event: Worker.StateChanged) -> None:
        worker = self._worker
        if worker is None or event.worker is not worker:
            return
        if event.state is WorkerState.SUCCESS and worker.result is not None:
            self._finished(worker.result)
        elif event.state is WorkerState.ERROR and worker.error is not None:
            self._failed(worker.error)

    def _finished(self, result: ReplayResult) -> None:
        self.result = result
        closed = result.closed
        self.ended = "finished"
        if closed is not None:
            self.ended += f", closed {describe_close(closed.code, closed.reason, closed.was_clean)}"
        if not result.complete:
            self._show_error(
                f"The connection ended after {result.sent} of {result.total} messages."
            )
        self._stop_ticking()
        if self._diff is not None and self.app.screen is self._diff:
            self._diff.set_report(self.report(), self._diff_title())
        elif self.app.screen is self:
            self.action_diff()
        else:
            self.notify(self.report().summary(), title="Replay finished", markup=False)

    def _failed(self, error: BaseException) -> None:
        if isinstance(error, ReplayError):
            message = str(error)
        else:
            message = f"The replay stopped: {type(error).__name__}: {safe_line(str(error))}"
        self.ended = "failed"
        self._show_error(message)
        self._stop_ticking()
        self.notify(message, title="Replay failed", severity="error", markup=False, timeout=15)

    def _show_error(self, message: str) -> None:
        error = self.query_one("#replay-error", Label)
        error.update(message)
        error.add_class("-shown")

    def _stop_ticking(self) -> None:
        self._tick()
        self.refresh_bindings()

    def report(self) -> DiffReport:
        """The recorded responses compared with the new ones received so far.

        While the replay runs, only the responses due by now (to the messages sent) are
        compared: the others answer messages still to come.
        """
        replayer, plan = self.replayer, self.replayer.plan
        recorded = plan.responses if self.ended else plan.responses_due(replayer.sent)
        return compare(
            recorded, replayer.responses(), self.ignore, self.unordered, layer=replayer.layer
        )

    # -- keys --------------------------------------------------------------------

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """Steering keys are greyed out once the replay ended; n shows in step mode only."""
        if action == "step" and not self.replayer.step:
            return False
        if action in ("step", "pause") and self.ended is not None:
            return None
        return True

    def action_stop(self) -> None:
        """Leave: unmounting cancels the worker, which closes the connection."""
        self.app.pop_screen()

    def action_pause(self) -> None:
        replayer = self.replayer
        if replayer.paused:
            replayer.resume()
        else:
            replayer.pause()
        self._tick()

    def action_step(self) -> None:
        self.replayer.step_once()
        self._tick()

    def action_diff(self) -> None:
        self._diff = DiffScreen(self.report(), self._diff_title())
        self.app.push_screen(self._diff)

    def _diff_title(self) -> str:
        return f"replay to {self.target}" + ("" if self.ended else " (so far)")

    def action_filter(self) -> None:
        self.query_one(SessionView).open_filter()
