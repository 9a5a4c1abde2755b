"""One proxied client connection: its upstream connection, both ways relayed and recorded.

The upstream hop is an ordinary sockscope :class:`~sockscope.core.wire.connection.Connection`
with the client connection's :class:`~sockscope.core.session.session.Session` as its
sink, so the recording is what went over the upstream wire, as if sockscope were the
client: client to server is ``send``, server to client is ``recv``, each frame recorded
once, pings, pongs and close frames of the upstream hop included. WebSocket pings are
answered on each hop by its own library (websockets answers the client's pings, the
upstream connection the server's); protocol keepalives are relayed as messages, never
answered by sockscope.

Closing: a close from either side closes the other with the same code and reason, once
the messages before it are delivered. A client that vanishes without a close frame
(1006) makes the upstream connection drop too, without a close frame; a server that
does so closes the client with 1014 (bad gateway), as 1006 cannot be sent. A close
frame without a code (1005) is passed on as 1000.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable

from websockets.asyncio.server import ServerConnection
from websockets.exceptions import ConnectionClosed

from sockscope.core.events import Closed, ConnectionEvent, Failed, NotOpenError, Opened
from sockscope.core.protocols.message import Direction
from sockscope.core.proxy.breakpoints import Breakpoints, HeldFrame, Way
from sockscope.core.proxy.decode import ProxyDecoder, is_keepalive
from sockscope.core.proxy.pipe import DEFAULT_HOLD_TIMEOUT, Pipe, Relayed
from sockscope.core.session.session import Session
from sockscope.core.settings import ConnectionSettings
from sockscope.core.store.frames import FrameStore, Kind, Opcode
from sockscope.core.text.display import preview
from sockscope.core.wire.connection import Connection

NO_STATUS, ABNORMAL, BAD_GATEWAY = 1005, 1006, 1014
UPSTREAM_VANISHED = "the server ended without a close frame"
_DATA = (Opcode.TEXT, Opcode.BINARY)


class _UpstreamSink:
    """What the upstream connection reports: recorded, then relayed to the client."""

    def __init__(self, relay: ProxiedConnection) -> None:
        self._relay = relay
        self._session = relay.session

    def on_frame(self, t: float, kind: Kind, opcode: Opcode, payload: bytes) -> None:
        self._session.on_frame(t, kind, opcode, payload)
        if kind is Kind.RECV and opcode in _DATA:
            self._relay.from_server(self._session.store.recorded - 1, opcode, payload)

    def on_frames(self, t: float, flags: bytes, payloads: list[bytes]) -> None:
        self._session.on_frames(t, flags, payloads)
        row = self._session.store.recorded - len(payloads)
        for offset, (flag, payload) in enumerate(zip(flags, payloads, strict=True)):
            self._relay.from_server(row + offset, FrameStore.unpack_flags(flag)[1], payload)

    def on_event(self, t: float, event: ConnectionEvent) -> None:
        self._session.on_event(t, event)
        self._relay.upstream_event(event)


class ProxiedConnection:
    """A client connection and the upstream connection opened for it."""

    def __init__(
        self,
        number: int,
        settings: ConnectionSettings,
        session: Session,
        breakpoints: Breakpoints,
        *,
        hold_timeout: float = DEFAULT_HOLD_TIMEOUT,
        on_held: Callable[[HeldFrame], None] = lambda held: None,
    ) -> None:
        self.number = number
        """1 for the first client, and so on."""
        self.settings = settings
        self.session = session
        self.decoder = ProxyDecoder(session.store, settings)
        self.upstream = Connection(settings, _UpstreamSink(self))
        self.to_server, self.to_client = (
            Pipe(number, way, deliver, breakpoints, timeout=hold_timeout, on_held=on_held,
                 note=self.note)
            for way, deliver in ((Way.TO_SERVER, self._to_server), (Way.TO_CLIENT, self._to_client))
        )  # fmt: skip
        loop = asyncio.get_running_loop()
        self._opened: asyncio.Future[Opened | Failed] = loop.create_future()
        self._closed: asyncio.Future[Closed | Failed] = loop.create_future()
        self._client: ServerConnection | None = None
        self._running: asyncio.Task[Closed | Failed] | None = None
        self._undelivered: set[Way] = set()
        """The ways whose messages could not be delivered (noted once each)."""

    # -- opening ------------------------------------------------------------------------

    async def open(self) -> Opened | Failed:
        """Open the upstream connection; Failed when it could not (the session says why)."""
        self._running = asyncio.create_task(self.upstream.run())
        return await self._opened

    @property
    def subprotocol(self) -> str | None:
        opened = self.session.opened
        return opened.subprotocol if opened is not None else None

    def upstream_event(self, event: ConnectionEvent) -> None:
        if isinstance(event, Opened):
            self.decoder.opened(event.subprotocol)
        if isinstance(event, Opened | Failed) and not self._opened.done():
            self._opened.set_result(event)
        if isinstance(event, Closed | Failed) and not self._closed.done():
            self._closed.set_result(event)
            self.to_server.release("the server had closed")
            self.to_client.end()

    # -- relaying -----------------------------------------------------------------------

    async def relay(self, client: ServerConnection) -> Closed | Failed:
        """Relay both ways until both sides have closed; how the upstream side ended."""
        self._client = client
        to_client = asyncio.create_task(self._to_client_then_close(client))
        to_server = asyncio.create_task(self.to_server.run())
        try:
            async for message in client:
                self._from_client(message)
        except ConnectionClosed:
            pass  # an abnormal end: passed on below
        self.to_client.release("the client had closed")
        self.to_server.end()
        await to_server
        if not self._closed.done():  # the client closed first
            await self._close_upstream(client.close_code, client.close_reason)
        await to_client
        return await self.finished()

    async def finished(self) -> Closed | Failed:
        """Wait for the upstream connection to end."""
        assert self._running is not None
        return await self._running

    def from_server(self, row: int, opcode: Opcode, payload: bytes) -> None:
        """A message from the server, just recorded as row ``row``: on to the client."""
        messages = tuple(self.decoder.decode(Direction.RECEIVED, opcode, payload))
        self.decoder.add(row, Direction.RECEIVED, messages)
        self.to_client.put(Relayed(opcode, payload, is_keepalive(messages), messages=messages))

    def _from_client(self, message: str | bytes) -> None:
        if isinstance(message, str):
            opcode, payload = Opcode.TEXT, message.encode()
        else:
            opcode, payload = Opcode.BINARY, bytes(message)
        messages = tuple(self.decoder.decode(Direction.SENT, opcode, payload))
        self.to_server.put(Relayed(opcode, payload, is_keepalive(messages), messages=messages))

    def inject(self, way: Way, message: str | bytes) -> None:
        """Send a composed message one way, after those already on their way (never held)."""
        opcode = Opcode.TEXT if isinstance(message, str) else Opcode.BINARY
        payload = message.encode() if isinstance(message, str) else bytes(message)
        self.note(f"injected {way.label}: {preview(payload, opcode is Opcode.TEXT, 60)}")
        pipe = self.to_server if way is Way.TO_SERVER else self.to_client
        pipe.put(Relayed(opcode, payload, injected=True))

    @property
    def held(self) -> list[HeldFrame]:
        """Its messages held at a breakpoint now and not decided yet, one a way at most."""
        frames = (self.to_server.held, self.to_client.held)
        return [held for held in frames if held is not None and not held.decided.done()]

    def release(self, why: str) -> None:
        """Forward whatever is held, both ways, and hold nothing more."""
        self.to_server.release(why)
        self.to_client.release(why)

    def note(self, message: str) -> None:
        self.session.note(time.time(), message)

    def _not_delivered(self, way: Way, why: str) -> None:
        if way not in self._undelivered:
            self._undelivered.add(way)
            self.note(f"{way.label} messages from here on were not delivered: {why}")

    async def _to_server(self, item: Relayed) -> None:
        row = self.session.store.recorded
        try:
            if item.opcode is Opcode.TEXT:
                await self.upstream.send_text(item.payload.decode())
            else:
                await self.upstream.send_bytes(item.payload)
        except (NotOpenError, OSError):
            self._not_delivered(Way.TO_SERVER, "the server's side had closed")
            return
        self.decoder.add(row, Direction.SENT, item.messages)

    async def _to_client(self, item: Relayed) -> None:
        client = self._client
        assert client is not None
        if item.injected:  # the client receives it: the recording shows it (after its note)
            self.session.on_frame(time.time(), Kind.RECV, item.opcode, item.payload)
        try:
            await client.send(item.payload, text=item.opcode is Opcode.TEXT)
        except ConnectionClosed:
            self._not_delivered(Way.TO_CLIENT, "the client had closed")

    # -- closing ------------------------------------------------------------------------

    async def _to_client_then_close(self, client: ServerConnection) -> None:
        """Deliver the server's messages, then close the client as the server closed."""
        await self.to_client.run()
        ended = self._closed.result()
        if isinstance(ended, Failed) or ended.code in (None, ABNORMAL):
            await client.close(BAD_GATEWAY, UPSTREAM_VANISHED)
        elif ended.code == NO_STATUS:
            await client.close()
        else:
            await client.close(ended.code, ended.reason)

    async def _close_upstream(self, code: int | None, reason: str | None) -> None:
        """Close the upstream connection as the client closed this one."""
        try:
            if code in (None, ABNORMAL):
                self.upstream.abort()
            elif code == NO_STATUS:
                await self.upstream.close()
            else:
                await self.upstream.close(code, reason or "")
        except NotOpenError:
            pass  # the server closed meanwhile

    async def shut(self) -> None:
        """Close the upstream connection of a client that never finished its handshake."""
        await self._close_upstream(1001, "going away")
