"""How a row is named wherever it is shown: its time, direction, opcode and close status.

The message log's columns and the inspector's header say the same things the same way.
"""

from __future__ import annotations

from sockscope.core.store.frames import Kind, Opcode, close_parts
from sockscope.core.text.display import clock_time, close_code_name, elapsed_time, safe_line

ARROWS = {Kind.SEND: "→", Kind.RECV: "←"}
EVENT_MARK = "●"


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
