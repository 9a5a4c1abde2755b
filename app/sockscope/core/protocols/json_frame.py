"""How a JSON protocol's ``decode`` starts: the frame's JSON, or what to show instead."""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

from sockscope.core.protocols.message import Message, MessageKind
from sockscope.core.store.frames import Opcode


def frame_json(
    opcode: Opcode, payload: bytes, not_json: str, *, text_only: bool = True
) -> tuple[Any, Sequence[Message] | None]:
    """``(value, None)`` for a frame that holds JSON; else ``(None, messages)`` for decode
    to return instead: none for a frame that is not text (``text_only``), a "not JSON"
    error summed up as ``not_json`` for one that does not parse (or nests too deep)."""
    if text_only and opcode is not Opcode.TEXT:
        return None, ()
    try:
        return json.loads(payload), None
    except (ValueError, RecursionError):  # RecursionError: JSON nested too deep
        return None, (Message(MessageKind.ERROR, "not JSON", summary=not_json),)
