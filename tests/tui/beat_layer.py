"""A protocol layer for the TUI's tests: JSON ``{"type": …}`` messages, ``beat`` a keepalive.

Plugged into the registry by the tests (as a layer from an entry point would be), it shows
the TUI works with any layer, not only the built-in ones.
"""

from __future__ import annotations

import json
from collections.abc import Sequence

from sockscope.core.protocols.base import ProtocolLayer
from sockscope.core.protocols.message import Direction, Message, MessageKind
from sockscope.core.store.frames import Opcode

KINDS = {"beat": MessageKind.KEEPALIVE, "oops": MessageKind.ERROR}


class BeatLayer(ProtocolLayer):
    name = "beat"
    title = "Beat"

    def decode(self, direction: Direction, opcode: Opcode, payload: bytes) -> Sequence[Message]:
        try:
            kind = str(json.loads(payload)["type"])
        except (ValueError, KeyError, TypeError):
            return (Message(MessageKind.ERROR, "unreadable"),)
        return (Message(KINDS.get(kind, MessageKind.EVENT), kind),)
