"""What a front end needs to run the proxy: where it listens, where it goes, how it records.

The command line makes one (``sockscope proxy``) and hands it to the headless loop or to
the TUI, which builds its :class:`~sockscope.core.proxy.server.ProxyServer` with
callbacks of its own (:meth:`ProxySetup.server`).
"""

from __future__ import annotations

import ssl
from collections.abc import Callable
from typing import NamedTuple

from sockscope.core.proxy.breakpoints import HeldFrame
from sockscope.core.proxy.pipe import DEFAULT_HOLD_TIMEOUT
from sockscope.core.proxy.relay import ProxiedConnection
from sockscope.core.proxy.server import DEFAULT_LISTEN, ProxyServer, SessionFactory
from sockscope.core.session.session import Session
from sockscope.core.settings import ConnectionSettings


def _no_callback(relay: ProxiedConnection) -> None:
    """Nothing to do when a connection ends (no ``--record``)."""


class ProxySetup(NamedTuple):
    """The proxy's settings (the upstream URL is ``settings.url``) and its listener."""

    settings: ConnectionSettings
    host: str = DEFAULT_LISTEN[0]
    port: int = DEFAULT_LISTEN[1]
    tls: ssl.SSLContext | None = None
    hold_timeout: float = DEFAULT_HOLD_TIMEOUT
    new_session: SessionFactory = lambda number, url: Session()
    """Each client connection's session (``--record`` journals each)."""
    on_ended: Callable[[ProxiedConnection], None] = _no_callback
    """Called as each client connection ends, before the front end's own callback."""

    def server(
        self,
        *,
        on_held: Callable[[HeldFrame], None] = lambda held: None,
        on_connection: Callable[[ProxiedConnection], None] = _no_callback,
        on_ended: Callable[[ProxiedConnection], None] = _no_callback,
    ) -> ProxyServer:
        """The proxy server, not started yet (:meth:`start` starts it where this says)."""

        def ended(relay: ProxiedConnection) -> None:
            self.on_ended(relay)
            on_ended(relay)

        return ProxyServer(
            self.settings,
            self.new_session,
            hold_timeout=self.hold_timeout,
            on_held=on_held,
            on_connection=on_connection,
            on_ended=ended,
        )

    async def start(self, server: ProxyServer) -> None:
        """Listen with ``server`` where this setup says (OSError if it cannot)."""
        await server.start(self.host, self.port, self.tls)

    def cannot_listen(self, exc: OSError) -> str:
        """Why :meth:`start` failed, in one sentence."""
        return f"Cannot listen on {self.host}:{self.port}: {exc.strerror or exc}."
