"""The proxy's listener: each client connection gets its own upstream connection and session.

websockets' asyncio server listens; its documented hooks carry the handshake: in
``process_request`` the upstream connection is opened *first*, with the client's path,
query, headers and subprotocols (:mod:`~sockscope.core.proxy.handshake`); a refusal is
answered with the upstream's status, reason and body (any other failure with 502), and
``select_subprotocol`` answers the client with the subprotocol the server chose. Then
the handler relays (:class:`~sockscope.core.proxy.relay.ProxiedConnection`).

:class:`ProxyServer` is the API a front end drives: :attr:`~ProxyServer.breakpoints`,
the ``on_held`` callback, :attr:`~ProxyServer.connections` (each with ``inject``), and
:meth:`~ProxyServer.stop`, which forwards whatever is held before closing.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import ssl
from collections.abc import Callable, Sequence
from http import HTTPStatus

from websockets.asyncio.server import Server, ServerConnection, serve
from websockets.http11 import Request, Response
from websockets.typing import Subprotocol

from sockscope.core.events import Failed
from sockscope.core.proxy.breakpoints import Breakpoints, HeldFrame
from sockscope.core.proxy.handshake import refusal, upstream_settings
from sockscope.core.proxy.pipe import DEFAULT_HOLD_TIMEOUT
from sockscope.core.proxy.relay import ProxiedConnection
from sockscope.core.session.session import Session
from sockscope.core.settings import ConnectionSettings

DEFAULT_LISTEN = ("127.0.0.1", 8765)
STOPPED = "the proxy stopped"
#: Added to the upstream's open timeout for the client's whole handshake (which waits for it).
_HANDSHAKE_SLACK = 5.0

_log = logging.getLogger(__name__)
_log.addHandler(logging.NullHandler())  # a library must not print websockets' warnings

#: Makes the session of a new client connection: (its number, the upstream URL) -> Session.
SessionFactory = Callable[[int, str], Session]


class ProxyServer:
    """A WebSocket reverse proxy to ``settings.url``; start it with :meth:`start`."""

    def __init__(
        self,
        settings: ConnectionSettings,
        new_session: SessionFactory = lambda number, url: Session(),
        *,
        hold_timeout: float = DEFAULT_HOLD_TIMEOUT,
        on_held: Callable[[HeldFrame], None] = lambda held: None,
        on_connection: Callable[[ProxiedConnection], None] = lambda relay: None,
        on_ended: Callable[[ProxiedConnection], None] = lambda relay: None,
    ) -> None:
        self.settings = settings
        self.breakpoints = Breakpoints()
        self.connections: list[ProxiedConnection] = []
        """Every client connection so far, in the order they came (open and ended ones)."""
        self.clients = 0
        self._new_session = new_session
        self._hold_timeout = hold_timeout
        self._on_held = on_held
        self._on_connection = on_connection
        self._on_ended = on_ended
        self._relays: dict[ServerConnection, ProxiedConnection] = {}
        self._tasks: set[asyncio.Task[None]] = set()
        self._server: Server | None = None
        self._tls = False
        self.host, self.port = DEFAULT_LISTEN

    async def start(
        self,
        host: str = DEFAULT_LISTEN[0],
        port: int = DEFAULT_LISTEN[1],
        tls: ssl.SSLContext | None = None,
    ) -> None:
        """Listen on host:port (0 picks a free port); OSError if it cannot."""
        settings = self.settings
        self._server = await serve(
            self._handle,
            host,
            port,
            process_request=self._admit,
            select_subprotocol=self._select,
            ssl=tls,
            max_size=settings.max_size,
            ping_interval=settings.ping_interval,
            ping_timeout=settings.ping_interval,
            open_timeout=settings.open_timeout + _HANDSHAKE_SLACK,
            server_header=None,
            logger=_log,
        )
        self.host, self.port = self._server.sockets[0].getsockname()[:2]
        self._tls = tls is not None

    @property
    def url(self) -> str:
        """Where clients connect (``ws://127.0.0.1:8765``)."""
        host = f"[{self.host}]" if ":" in self.host else self.host
        return f"{'wss' if self._tls else 'ws'}://{host}:{self.port}"

    async def _admit(self, ws: ServerConnection, request: Request) -> Response | None:
        """Open the upstream connection first; refuse the client as the server refused it."""
        self.clients += 1
        settings = upstream_settings(self.settings, request)
        relay = ProxiedConnection(
            self.clients,
            settings,
            self._new_session(self.clients, settings.url),
            self.breakpoints,
            hold_timeout=self._hold_timeout,
            on_held=self._on_held,
        )
        self.connections.append(relay)
        self._on_connection(relay)
        outcome = await relay.open()
        if isinstance(outcome, Failed):
            self._ended(relay)
            raw = relay.upstream.refusal
            if raw is not None:
                return refusal(raw)
            return ws.respond(HTTPStatus.BAD_GATEWAY, outcome.message + "\n")
        self._relays[ws] = relay
        self._watch(ws, relay)
        return None

    def _watch(self, ws: ServerConnection, relay: ProxiedConnection) -> None:
        """Close the upstream of a client whose handshake never completes (no handler runs)."""

        async def watch() -> None:
            await ws.wait_closed()
            if self._relays.pop(ws, None) is relay:  # the handler never took it
                await relay.shut()
                await relay.finished()
                self._ended(relay)

        task = asyncio.create_task(watch())
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    def _select(self, ws: ServerConnection, offered: Sequence[Subprotocol]) -> Subprotocol | None:
        relay = self._relays.get(ws)
        chosen = relay.subprotocol if relay is not None else None
        return Subprotocol(chosen) if chosen is not None and chosen in offered else None

    async def _handle(self, ws: ServerConnection) -> None:
        relay = self._relays.pop(ws)
        try:
            await relay.relay(ws)
        finally:
            self._ended(relay)

    def _ended(self, relay: ProxiedConnection) -> None:
        relay.session.flush_journal()
        self._on_ended(relay)

    @property
    def held(self) -> list[HeldFrame]:
        """The messages held at breakpoints now and not decided yet, one a way at most per
        connection."""
        return [held for relay in self.connections for held in relay.held]

    async def stop(self) -> None:
        """Forward what is held, close every client with 1001 (so every upstream too), stop."""
        for relay in self.connections:
            relay.release(STOPPED)
        if self._server is not None:
            self._server.close()
            await self._server.wait_closed()
        for task in list(self._tasks):
            with contextlib.suppress(asyncio.CancelledError):
                await task
