"""What a mock server does for the protocol a log speaks, per client (servers/mock.py).

- Keepalives: the client's are taken silently whenever they come, and the server's own
  (:meth:`ProtocolLayer.server_keepalive`: Engine.IO pings on the open packet's
  pingInterval) are sent live, since the recorded ones were left out of the script.
- Ids the client chooses (:meth:`ProtocolLayer.chosen_id`: a graphql-ws client's UUID
  per operation, a Socket.IO client's ack ids): a live client's message matches the
  recorded one with its id in place of the recorded id, and the recorded server frames
  that echo the recorded id go out with the live one.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Awaitable, Callable

from websockets.exceptions import ConnectionClosed

from sockscope.core.protocols.base import ProtocolLayer
from sockscope.core.protocols.message import Direction
from sockscope.core.replay.protocol import keepalives
from sockscope.core.replay.values import Message

Send = Callable[[str], Awaitable[None]]


class ProtocolPlay:
    """One client's protocol state: a layer reading its messages, the ids it chose."""

    def __init__(self, layer: ProtocolLayer) -> None:
        self.layer = type(layer)(layer.option_values)
        self.layer.reset()
        self._ids: dict[str, str] = {}
        """Recorded id -> the id the live client chose for the same message."""
        self._pending: tuple[str, str] | None = None
        self._pinging: asyncio.Task[None] | None = None

    def is_keepalive(self, message: Message) -> bool:
        """Whether a client message is one of its protocol's keepalives."""
        found = self.layer.decode(Direction.SENT, message.opcode, message.payload)
        return keepalives(self.layer, Direction.SENT, found)

    def as_recorded(self, got: Message, expected: Message) -> Message:
        """The client's message with its id replaced by the recorded message's, when both
        carry one (:meth:`matched` keeps the pair); else the message as it is."""
        layer = self.layer
        live = layer.chosen_id(Direction.SENT, got.opcode, got.payload)
        recorded = layer.chosen_id(Direction.SENT, expected.opcode, expected.payload)
        self._pending = None
        if live is None or recorded is None or live == recorded:
            return got
        self._pending = (recorded, live)
        return Message(got.opcode, layer.with_id(got.opcode, got.payload, recorded))

    def matched(self) -> None:
        """The message :meth:`as_recorded` gave matched: answer its recorded id with the live."""
        if self._pending is not None:
            recorded, live = self._pending
            self._ids[recorded] = live

    def outgoing(self, message: Message, send: Send) -> Message:
        """A recorded server frame as this client gets it (its ids); starts the server's
        keepalives when the frame is the one they follow."""
        layer = self.layer
        for decoded in layer.decode(Direction.RECEIVED, message.opcode, message.payload):
            keepalive = layer.server_keepalive(decoded)
            if keepalive is not None and self._pinging is None:
                self._pinging = asyncio.ensure_future(_every(*keepalive, send))
        recorded = layer.chosen_id(Direction.RECEIVED, message.opcode, message.payload)
        live = self._ids.get(recorded) if recorded is not None else None
        if live is None:
            return message
        return Message(message.opcode, layer.with_id(message.opcode, message.payload, live))

    def stop(self) -> None:
        if self._pinging is not None:
            self._pinging.cancel()


async def _every(seconds: float, text: str, send: Send) -> None:
    """Send ``text`` every ``seconds`` until cancelled or the connection is gone."""
    with contextlib.suppress(ConnectionClosed):
        while True:
            await asyncio.sleep(seconds)
            await send(text)
