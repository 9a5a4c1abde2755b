"""What the log and inspector show of a protocol session: rows' messages and their pairs.

Messages decoded live are kept for the newest rows only (a firehose must not grow a
Python object per row); an older row is decoded again on demand by a fresh layer, which
reads every self-contained frame the same way.
"""

from __future__ import annotations

from sockscope.core.protocols.base import ProtocolLayer
from sockscope.core.protocols.message import Direction, Message, MessageKind
from sockscope.core.protocols.pairing import Pairs
from sockscope.core.store.frames import FrameStore, Kind, Opcode

#: The frames a layer decodes: control frames (close, ping, pong) are the WebSocket's own.
_DATA = (Opcode.TEXT, Opcode.BINARY)
#: Rows whose live-decoded messages are kept.
RECENT_ROWS = 20_000
_KINDS = tuple(MessageKind)
_KIND_CODES = {kind: code for code, kind in enumerate(_KINDS, start=1)}


class ProtocolView:
    """A session's decoded rows (absolute row numbers) and their pairs."""

    def __init__(self, store: FrameStore, layer: ProtocolLayer, reason: str = "") -> None:
        self.store = store
        self.layer = layer
        self.reason = reason
        """Why this layer was chosen ("named", "subprotocol graphql-ws"…)."""
        self.pairs = Pairs()
        self._recent: dict[int, tuple[Message, ...]] = {}
        self._kinds = bytearray()
        """The first message's kind per row (0: nothing decoded), for styling and hiding."""

    @property
    def name(self) -> str:
        return self.layer.name

    def add(self, row: int, t: float, direction: Direction, messages: tuple[Message, ...]) -> None:
        if not messages:
            return
        self._recent[row] = messages
        if len(self._recent) > RECENT_ROWS:
            del self._recent[next(iter(self._recent))]
        if len(self._kinds) <= row:
            self._kinds.extend(bytes(row + 1 - len(self._kinds)))
        self._kinds[row] = _KIND_CODES[messages[0].kind]
        for message in messages:
            self.pairs.note(row, t, direction, message)

    def kind(self, row: int) -> MessageKind | None:
        """The kind of the row's first message, if it decoded to one."""
        code = self._kinds[row] if row < len(self._kinds) else 0
        return _KINDS[code - 1] if code else None

    def is_keepalive(self, row: int) -> bool:
        return self.kind(row) is MessageKind.KEEPALIVE

    def messages(self, row: int) -> tuple[Message, ...]:
        """The row's messages: kept from the live decode, else decoded again now."""
        kept = self._recent.get(row)
        if kept is not None:
            return kept
        index = row - self.store.dropped
        if not 0 <= index < len(self.store):
            return ()
        kind, opcode = self.store.kind(index), self.store.opcode(index)
        if not kind.is_frame or opcode not in _DATA:
            return ()
        # A fresh layer for each row: a stateful one (MQTT's reassembly, Socket.IO's
        # attachments) must not mix bytes of unrelated rows; a partial packet reads as such.
        layer = type(self.layer)(self.layer.option_values)
        direction = Direction.SENT if kind is Kind.SEND else Direction.RECEIVED
        return tuple(layer.decode(direction, opcode, self.store.payload(index)))

    def label(self, row: int) -> str | None:
        """One line for the log: the messages' names and summaries (None: show raw)."""
        messages = self.messages(row)
        if not messages:
            return None
        parts = [f"{m.name} {m.summary}".rstrip() for m in messages]
        partner, latency = self.pairs.partner(row), self.pairs.latency(row)
        if partner is not None and partner < row and latency is not None:
            parts[-1] += f"  ({latency * 1000:.0f} ms)"
        return " · ".join(parts)
