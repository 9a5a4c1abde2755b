"""The status line: readyState, protocol, extensions, counters and latency."""

from __future__ import annotations

from rich.text import Text
from textual.widgets import Static

from sockscope.core.display import human_size, safe_line
from sockscope.core.events import ReadyState
from sockscope.core.formats.redact import redact_url
from sockscope.core.frames import FrameStore

STATE_STYLES = {
    ReadyState.CONNECTING: "bold yellow",
    ReadyState.OPEN: "bold green",
    ReadyState.CLOSING: "bold yellow",
    ReadyState.CLOSED: "bold red",
}


def status_text(
    state: ReadyState,
    url: str,
    protocol: str | None,
    extensions: list[str],
    store: FrameStore,
    latency: float | None,
    reconnect_in: float | None = None,
    ended: str | None = None,
) -> Text:
    """The status line as Rich Text (built from parts, never parsed as markup)."""
    text = Text()
    text.append(f" {state.name} ", style=STATE_STYLES[state] + " reverse")
    if reconnect_in is not None and state is ReadyState.CLOSED:
        text.append(f" reconnecting in {reconnect_in:.1f} s ", style="bold yellow")
    text.append(" ")
    text.append(safe_line(redact_url(url)) or "not connected", style="bold")
    if protocol:
        text.append(f" │ protocol {safe_line(protocol)}")
    if extensions:
        text.append(f" │ {safe_line(', '.join(extensions))}")
    text.append(
        f" │ ↑ {store.frames_out:,} frames {human_size(store.bytes_out)}"
        f" │ ↓ {store.frames_in:,} frames {human_size(store.bytes_in)}"
    )
    if latency is not None:
        text.append(f" │ latency {latency * 1000:.1f} ms")
    if ended and state is ReadyState.CLOSED:
        text.append(f" │ {safe_line(ended)}", style="bold red")
    return text


class StatusLine(Static):
    """One line under the connection panel; the app calls :meth:`show`."""

    def show(
        self,
        state: ReadyState,
        url: str,
        protocol: str | None,
        extensions: list[str],
        store: FrameStore,
        latency: float | None,
        reconnect_in: float | None = None,
        ended: str | None = None,
    ) -> None:
        self.update(
            status_text(state, url, protocol, extensions, store, latency, reconnect_in, ended)
        )
