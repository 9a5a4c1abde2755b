"""The protocol a proxied connection speaks, read from both ways without ever answering.

A live session's :class:`~sockscope.core.protocols.plugin.ProtocolPlugin` runs its
layer's duties (it answers pings, sends handshakes); a proxy must not: the client and
the server do that themselves, and their keepalives are relayed as they are. So here
the layer only decodes, chosen as ``--protocol auto`` chooses (the URL, the subprotocol
the server chose, or the first messages), and the rows' messages go to a
:class:`~sockscope.core.protocols.view.ProtocolView` for whoever shows the session.
"""

from __future__ import annotations

from collections.abc import Sequence

from sockscope.core.protocols import detect
from sockscope.core.protocols.message import Direction, Message
from sockscope.core.protocols.plugin import DETECT_WITHIN
from sockscope.core.protocols.registry import AUTO, RAW, layer_class
from sockscope.core.protocols.view import ProtocolView
from sockscope.core.settings import ConnectionSettings
from sockscope.core.store.frames import FrameStore, Opcode


class ProxyDecoder:
    """Decodes a proxied connection's messages; :attr:`view` is None while none is known."""

    def __init__(self, store: FrameStore, settings: ConnectionSettings) -> None:
        self._store = store
        self._choice = settings.protocol or AUTO
        self._options = dict(settings.protocol_options)
        self._seen = 0
        self.view: ProtocolView | None = None
        if self._choice not in (AUTO, RAW):
            self._use(detect.Detected(layer_class(self._choice), "chosen"))
        elif self._choice == AUTO:
            self._use(detect.by_url(settings.url))

    def _use(self, found: detect.Detected | None) -> None:
        if found is not None:
            layer = found.layer(self._options)
            layer.reset()
            self.view = ProtocolView(self._store, layer, found.reason)

    def opened(self, subprotocol: str | None) -> None:
        if self.view is None and self._choice == AUTO:
            self._use(detect.by_subprotocol(subprotocol))

    def decode(self, direction: Direction, opcode: Opcode, payload: bytes) -> Sequence[Message]:
        """The message's protocol messages (none while no layer is known)."""
        if self.view is None:
            if self._choice != AUTO or self._seen >= DETECT_WITHIN:
                return ()
            self._seen += 1
            self._use(detect.by_first_frame(opcode, payload))
            if self.view is None:
                return ()
        return self.view.layer.decode(direction, opcode, payload)

    def add(self, row: int, direction: Direction, messages: Sequence[Message]) -> None:
        """Show ``messages`` as what row ``row`` (counted from the session's start) holds."""
        if self.view is not None and messages:
            store = self._store
            self.view.add(row, store.time(row - store.dropped), direction, tuple(messages))


def is_keepalive(messages: Sequence[Message]) -> bool:
    return bool(messages) and all(message.is_keepalive for message in messages)
