"""One store row as one line of the message log: time, direction, opcode, size, preview.

Everything shown is built from plain strings with :class:`rich.text.Text` (never parsed as
markup) and payload text goes through :mod:`sockscope.core.text.display`, so a hostile payload
is shown literally, control characters made visible.
"""

from __future__ import annotations

from typing import NamedTuple

from rich.style import Style
from rich.text import Text

from sockscope.core.store.frames import FrameStore, Kind, Opcode
from sockscope.core.text.display import event_summary, human_size, preview, safe_line
from sockscope.core.text.labels import (
    describe_close_payload,
    direction_mark,
    format_time,
    opcode_label,
)

TIME_WIDTH = 12
OPCODE_WIDTH = 6
SIZE_WIDTH = 9
#: Cells taken by every column but the preview (with the spaces between them).
FIXED_WIDTH = TIME_WIDTH + 1 + 1 + 1 + OPCODE_WIDTH + 1 + SIZE_WIDTH + 2

_PLAIN = Style()


class RowStyles(NamedTuple):
    """Rich styles of the row parts (the log takes them from its component classes)."""

    time: Style = _PLAIN
    sent: Style = _PLAIN
    received: Style = _PLAIN
    event: Style = _PLAIN
    error: Style = _PLAIN
    size: Style = _PLAIN


def row_preview(store: FrameStore, index: int, width: int) -> str:
    """The one-line, safe summary of a row, at most ``width`` characters."""
    kind, opcode = store.kind(index), store.opcode(index)
    if not kind.is_frame:
        return event_summary(kind, store.info(index))[:width]
    if opcode is Opcode.CLOSE:
        return describe_close_payload(store.payload_head(index, 200))[:width]
    head = store.payload_head(index, width * 4 + 4)
    return preview(head, is_text=opcode is Opcode.TEXT, width=width)


def row_text(
    store: FrameStore,
    index: int,
    width: int,
    styles: RowStyles,
    origin: float | None = None,
    base: Style | None = None,
    label: str | None = None,
    decoded_error: bool = False,
) -> Text:
    """The log line of row ``index``, its columns aligned, fitting ``width`` cells.

    ``label`` is what a protocol layer made of the row (``event chat ["hi"]``): shown
    instead of the raw preview; ``decoded_error``: the layer read it as an error.
    """
    kind, opcode = store.kind(index), store.opcode(index)
    if kind is Kind.SEND:
        mark_style = styles.sent
    elif kind is Kind.RECV:
        mark_style = styles.received
    else:
        mark_style = styles.error if kind is Kind.ERROR else styles.event
    size = human_size(store.size(index)) if kind.is_frame else ""
    text = Text(style=base or "", no_wrap=True, overflow="crop", end="")
    text.append(f"{format_time(store.time(index), origin):>{TIME_WIDTH}} ", styles.time)
    text.append(direction_mark(kind), mark_style)
    text.append(f" {opcode_label(kind, opcode):<{OPCODE_WIDTH}}", mark_style)
    text.append(f" {size:>{SIZE_WIDTH}}  ", styles.size)
    preview_style = styles.error if kind is Kind.ERROR or decoded_error else None
    room = max(0, width - FIXED_WIDTH)
    shown = safe_line(label)[:room] if label is not None else row_preview(store, index, room)
    text.append(shown, preview_style)
    return text
