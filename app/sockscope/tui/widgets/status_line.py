"""The status line: readyState, protocol, extensions, counters, latency, memory limit."""

from __future__ import annotations

from typing import NamedTuple

from rich.text import Text
from textual.widgets import Static

from sockscope.core.events import ProtocolChosen, ReadyState
from sockscope.core.formats.redact import redact_url
from sockscope.core.session.session import Session
from sockscope.core.store.frames import FrameStore
from sockscope.core.text.connection_facts import how_it_ended, offered_subprotocols
from sockscope.core.text.display import human_size, safe_line

STATE_STYLES = {
    ReadyState.CONNECTING: "bold yellow",
    ReadyState.OPEN: "bold green",
    ReadyState.CLOSING: "bold yellow",
    ReadyState.CLOSED: "bold red",
}


class Calls(NamedTuple):
    """A protocol layer's pairing, as the status line says it."""

    in_flight: int
    percentiles: tuple[float, float] | None
    """p50 and p99 of the recent answers' latencies (None before two answers)."""

    def text(self) -> str:
        text = f"{self.in_flight:,} in flight"
        if self.percentiles is not None:
            p50, p99 = self.percentiles
            text += f" · p50 {p50 * 1000:.0f} ms p99 {p99 * 1000:.0f} ms"
        return text


class Status(NamedTuple):
    """What the status line shows."""

    state: ReadyState
    url: str
    store: FrameStore
    protocol: str | None = None
    extensions: tuple[str, ...] = ()
    latency: float | None = None
    reconnect_in: float | None = None
    ended: str | None = None
    """How the connection ended (a failure or a close), shown while CLOSED."""
    max_frames: int | None = None
    """The session keeps only the newest this many rows in memory."""
    journaled: bool = False
    """Every row also goes to the journal on disk."""
    offered: tuple[str, ...] = ()
    """The subprotocols the client offered (none agreed while ``protocol`` is None)."""
    speaking: ProtocolChosen | None = None
    """The protocol layer chosen on top of WebSocket, and why."""
    rules: str | None = None
    """The auto-reply rules and timers running (``1 reply rule · every 5 s``)."""
    rules_paused: bool = False
    calls: Calls | None = None
    """The layer's calls in flight and answer latencies (None: it paired nothing yet)."""

    @classmethod
    def of(
        cls,
        session: Session,
        url: str,
        *,
        speaking: ProtocolChosen | None = None,
        latency: float | None = None,
        reconnect_in: float | None = None,
        rules: str | None = None,
        rules_paused: bool = False,
        calls: Calls | None = None,
    ) -> Status:
        """What ``session`` says of itself; the other facts are the connection's own."""
        opened = session.opened if session.state is ReadyState.OPEN else None
        return cls(
            session.state,
            url,
            session.store,
            opened.subprotocol if opened else None,
            tuple(opened.extensions) if opened else (),
            latency,
            reconnect_in,
            how_it_ended(session.last_event),
            session.max_frames,
            session.journal is not None,
            offered_subprotocols(opened) if opened else (),
            speaking,
            rules,
            rules_paused,
            calls,
        )


def status_text(status: Status) -> Text:
    """The status line as Rich Text (built from parts, never parsed as markup).

    The facts come first (state, how it ended, latency, counters) and the URL, which the
    panel above shows in full, comes last: at 80 columns it is the URL that is cut.
    """
    state, store = status.state, status.store
    text = Text()
    text.append(f" {state.name} ", style=STATE_STYLES[state] + " reverse")
    if status.reconnect_in is not None and state is ReadyState.CLOSED:
        text.append(f" reconnecting in {status.reconnect_in:.1f} s ", style="bold yellow")
    if status.ended and state is ReadyState.CLOSED:
        text.append(f" {safe_line(status.ended)} │", style="bold red")
    if status.latency is not None:
        text.append(f" latency {status.latency * 1000:.1f} ms │")
    text.append(
        f" ↑ {store.frames_out:,} ({human_size(store.bytes_out)})"
        f" ↓ {store.frames_in:,} ({human_size(store.bytes_in)}) │"
    )
    if status.protocol:
        text.append(f" protocol {safe_line(status.protocol)} │")
    elif status.offered and state is ReadyState.OPEN:
        text.append(" no subprotocol agreed", style="bold yellow")
        text.append(" │")
    if status.speaking is not None and status.speaking.name != "raw":
        chosen = status.speaking
        text.append(f" {safe_line(chosen.title)} ({safe_line(chosen.reason)}) │", style="bold")
        if status.calls is not None:
            text.append(f" {status.calls.text()} │")
    if status.rules:
        text.append(
            f" {safe_line(status.rules)}", style="bold yellow" if status.rules_paused else ""
        )
        text.append(" │")
    if status.extensions:
        text.append(f" {safe_line(', '.join(status.extensions))} │")
    if status.max_frames is not None:
        text.append(f" {memory_text(store, status.max_frames, status.journaled)} │")
    text.append(" ")
    text.append(safe_line(redact_url(status.url)) or "not connected", style="bold")
    return text


def memory_text(store: FrameStore, max_frames: int, journaled: bool) -> str:
    """What a session limited to its newest rows keeps, and where the older ones went."""
    text = f"keeping newest {max_frames:,}"
    if store.dropped:
        return f"{text} · {store.dropped:,} older {'in journal' if journaled else 'dropped'}"
    return f"{text} · journal keeps all" if journaled else text


class StatusLine(Static):
    """One line under the connection panel; the app calls :meth:`show`."""

    # One line, cut with an ellipsis where it does not fit: the URL, which comes last.
    DEFAULT_CSS = """
    StatusLine { height: 1; text-wrap: nowrap; text-overflow: ellipsis; }
    """

    _shown: Text | None = None

    def show(self, status: Status) -> None:
        text = status_text(status)
        if text == self._shown:  # the app asks 4 times a second, also when nothing changed
            return
        self._shown = text
        # One line high whatever it says (styles: #status): no need to lay the screen out
        # again, which a firehose's status would otherwise cost on every tick.
        self.update(text, layout=False)
