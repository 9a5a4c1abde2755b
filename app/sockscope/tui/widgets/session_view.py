"""A session's rows: the message log, the inspector beside it, the filter bar below.

Both the live session and a saved log opened from disk are shown through this
one widget, which routes its parts' messages among themselves and shows the log's
cursor row in the inspector.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, cast

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical

from sockscope.core.protocols.view import ProtocolView
from sockscope.core.store.frames import FrameStore
from sockscope.core.wire.commands import Command
from sockscope.tui.guard import guarded
from sockscope.tui.log.keepalive_filter import RowMatcher, WithoutKeepalives
from sockscope.tui.log.message_log import MessageLog
from sockscope.tui.widgets.inspector import Inspector

if TYPE_CHECKING:  # imported with the bar's first opening (startup: docs/performance.md)
    from sockscope.tui.widgets.filter_bar import FilterBar


class SessionView(Vertical):
    """Log + inspector + filter over one store."""

    DEFAULT_CSS = """
    SessionView {
        height: 1fr;
        & > #rows { height: 1fr; }
        & MessageLog { width: 3fr; }
        & Inspector { width: 2fr; border-left: vkey $foreground 20%; }
    }
    """

    # The inspector's keys also work from the log, where the user's cursor is.
    BINDINGS = [
        Binding("j", "inspect('JSON')", "JSON", show=False),
        Binding("r", "inspect('text')", "Text", show=False),
        Binding("x", "inspect('hex')", "Hex", show=False),
        Binding("b", "inspect('base64')", "Base64", show=False),
        Binding("e", "inspect_decoded", "Decoded", show=False, tooltip="Decoded; again: next"),
        Binding("m", "inspect_more", "More", show=False, tooltip="More of a huge payload"),
        Binding("c", "copy", "Copy", tooltip="Copy the selected payload"),
        # Shown only where they apply (check_action): a protocol layer, a row with a pair.
        Binding("p", "jump_pair", "Pair", id="log.pair", tooltip="Go to the paired row"),
        Binding(
            "k", "keepalives", "Keepalives", id="log.keepalives", tooltip="Hide/show keepalives"
        ),
        Binding("s", "stop_operation", "Stop", id="log.stop", tooltip="Stop this operation"),
    ]

    def __init__(self, store: FrameStore, *, live: bool = True, id: str | None = None) -> None:
        """``live``: see :class:`MessageLog`."""
        super().__init__(id=id)
        self.store = store
        self.live = live
        self.protocol_view: Callable[[], ProtocolView | None] = lambda: None
        """The session's protocol view (the live session's screen sets it)."""
        self.submit: Callable[[Command], object] | None = None
        """Sends a command on the session's connection (the live session's screen sets it)."""
        self.hide_keepalives = False
        self._user_filter: RowMatcher | None = None
        self._row_keys: tuple[bool, bool] | None = None
        """Whether the cursor row has a pair and an operation to stop, as the key bar last
        showed it."""

    def compose(self) -> ComposeResult:
        with Horizontal(id="rows"):
            yield MessageLog(self.store, live=self.live, id="log")
            yield Inspector(id="inspector")
        # The filter bar is mounted by open_filter: most sessions never filter (startup).

    @property
    def message_log(self) -> MessageLog:
        return self.query_one(MessageLog)

    @guarded
    def refresh_rows(self) -> None:
        # query, not query_one: while the app quits, the log may already be gone.
        for log in self.query(MessageLog):
            log.refresh_rows()

    def open_filter(self) -> None:
        """Open the filter bar, mounting it the first time."""
        from sockscope.tui.widgets.filter_bar import FilterBar

        bars = self.query(FilterBar)
        if bars:
            bar = bars.first()
        else:
            bar = FilterBar(id="filter")
            self.mount(bar)
        bar.open()

    @guarded
    def action_inspect(self, mode: str) -> None:
        self.query_one(Inspector).action_mode(mode)

    @guarded
    def action_inspect_decoded(self) -> None:
        self.query_one(Inspector).action_decode()

    @guarded
    def action_inspect_more(self) -> None:
        self.query_one(Inspector).action_more()

    @guarded
    def action_copy(self) -> None:
        self.query_one(Inspector).action_copy()

    def on_mount(self) -> None:
        # A watch, not a message: the inspector changes in the same frame as the cursor.
        self.watch(self.message_log, "cursor_number", self._cursor_moved, init=False)
        self.query_one(Inspector).protocol_view = lambda: self.protocol_view()

    @guarded
    def _cursor_moved(self, number: int | None) -> None:
        if number is None:
            return
        # The log numbers rows as of its last refresh; the store may have dropped more
        # since (--max-frames trims as frames come in). Such a row is gone: show nothing new.
        index = number - self.store.dropped
        if index >= 0:
            self.query_one(Inspector).show_row(self.store, index)
        row_keys = (self._partner() is not None, bool(self._stop_commands()))
        if row_keys != self._row_keys:  # the pair and stop keys come and go with the row
            self._row_keys = row_keys
            self.refresh_bindings()

    def protocol_changed(self) -> None:
        """The session's layer changed: its keys, and keepalives to hide or not."""
        self.refresh_bindings()
        if self.hide_keepalives:
            self._apply_filter()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "keepalives":
            return self.protocol_view() is not None
        if action == "jump_pair":
            return self._partner() is not None
        if action == "stop_operation":
            return bool(self._stop_commands())
        return True

    def _stop_commands(self) -> list[Command]:
        view, number = self.protocol_view(), self.message_log.cursor_number
        if view is None or number is None or self.submit is None:
            return []
        return [c for m in view.messages(number) for c in view.layer.stop_commands(m)]

    def action_stop_operation(self) -> None:
        """Stop the operation of the cursor's row (a subscription: GraphQL ``complete``)."""
        commands = self._stop_commands()
        if self.submit is not None:
            for command in commands:
                self.submit(command)

    def _partner(self) -> int | None:
        view, number = self.protocol_view(), self.message_log.cursor_number
        return None if view is None or number is None else view.pairs.partner(number)

    def action_jump_pair(self) -> None:
        """Put the log's cursor on the row paired with the cursor's (its call or answer)."""
        partner = self._partner()
        if partner is None:
            return
        log = self.message_log
        index = partner - log.rows.dropped
        if index < 0:
            self.notify("The paired row was dropped (--max-frames).", severity="warning")
        elif not log.rows.is_shown(index):
            self.notify("The paired row is hidden by the filter.", severity="warning")
        else:
            log.select(log.rows.position_near(index))

    def action_keepalives(self) -> None:
        self.hide_keepalives = not self.hide_keepalives
        self._apply_filter()
        shown = "hidden" if self.hide_keepalives else "shown"
        self.notify(f"Keepalives {shown} (k).", timeout=2)

    def _apply_filter(self) -> None:
        """The user's filter, without keepalives while they are hidden."""
        view, matcher = self.protocol_view(), self._user_filter
        if self.hide_keepalives and view is not None:
            matcher = WithoutKeepalives(matcher, view.is_keepalive)
        self.message_log.set_filter(matcher)

    @on(MessageLog.FilterCounted)
    @guarded
    def _filter_counted(self, message: MessageLog.FilterCounted) -> None:
        for bar in self.query("#filter"):  # none yet when a filter was set on the log directly
            cast("FilterBar", bar).set_count(message.shown, message.total, message.scanning)

    # The bar's messages by handler name: the bar's module is not imported until it opens.
    @guarded
    def on_filter_bar_filter_changed(self, message: FilterBar.FilterChanged) -> None:
        self._user_filter = message.compiled
        self._apply_filter()

    def on_filter_bar_closed(self) -> None:
        self.message_log.focus()
