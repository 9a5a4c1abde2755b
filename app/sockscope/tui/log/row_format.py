"""One store row as one line of the message log: time, direction, opcode, size, preview.

Everything shown is built from plain strings with :class:`rich.text.Text` (never parsed as
markup) and payload text goes through :mod:`sockscope.core.text.display`, so a hostile payload
is shown literally, control characters made visible.
"""

from __future__ import annotations

from typing import NamedTuple

from rich.style import Style
from rich.text import Text

from sockscope.core.store.frames import FrameStore, Kind, Opcode, close_parts
from sockscope.core.text.display import (
    clock_time,
    close_code_name,
    elapsed_time,
    event_summary,
    human_size,
    preview,
    safe_line,
)

TIME_WIDTH = 12
OPCODE_WIDTH = 6
SIZE_WIDTH = 9
#: Cells taken by every column but the preview (with the spaces between them).
FIXED_WIDTH = TIME_WIDTH + 1 + 1 + 1 + OPCODE_WIDTH + 1 + SIZE_WIDTH + 2

ARROWS = {Kind.SEND: "→", Kind.RECV: "←"}
EVENT_MARK = "●"
_PLAIN = Style()


class RowStyles(NamedTuple):
    """Rich styles of the row parts (the log takes them from its component classes)."""

    time: Style = _PLAIN
    sent: Style = _PLAIN
    received: Style = _PLAIN
    event: Style = _PLAIN
    error: Style = _PLAIN
    size: Style = _PLAIN


def format_time(t: float, origin: float | None = None) -> str:
    """``12:34:56.789`` (local time), or ``+1.234s`` after ``origin`` when one is given.

    A time no clock can show (1e308, say) is ``invalid time``; the row is kept.
    """
    return clock_time(t) if origin is None else elapsed_time(t, origin)


def opcode_label(kind: Kind, opcode: Opcode) -> str:
    """``text``, ``binary``, ``ping``... for frames; ``open``, ``close``... for events."""
    return opcode.name.lower() if kind.is_frame else kind.name.lower()


def direction_mark(kind: Kind) -> str:
    """``→`` sent, ``←`` received, ``●`` an event of the connection."""
    return ARROWS.get(kind, EVENT_MARK)


def describe_close_payload(payload: bytes) -> str:
    """A CLOSE frame's payload (2-byte code + UTF-8 reason) as one safe line."""
    close = close_parts(payload)
    if close is None:
        return "no status"
    code, reason_bytes = close
    reason = reason_bytes.decode("utf-8", "replace")
    text = f"{code} {close_code_name(code)}"
    return safe_line(f'{text} "{reason}"' if reason else text)


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
) -> Text:
    """The log line of row ``index``, its columns aligned, fitting ``width`` cells."""
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
    preview_style = styles.error if kind is Kind.ERROR else None
    text.append(row_preview(store, index, max(0, width - FIXED_WIDTH)), preview_style)
    return text
