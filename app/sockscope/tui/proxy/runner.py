"""The proxy inside the app: its server on the app's event loop, its callbacks turned into tabs.

The :class:`~sockscope.core.proxy.server.ProxyServer` calls back from its own tasks (a
client came, a message is held, a client ended). Those tasks relay frames, so they never
touch a widget: each callback posts the UI's part to the app (``call_later``) and
returns at once. A held message waits for the user in the core, never in the UI.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from textual.signal import Signal

from sockscope.core.proxy.breakpoints import HeldFrame
from sockscope.core.proxy.relay import ProxiedConnection
from sockscope.core.proxy.setup import ProxySetup

if TYPE_CHECKING:
    from sockscope.tui.app import SockscopeApp
    from sockscope.tui.proxy.connection_tab import ProxyTab

STOPPED = "sockscope quit"


class ProxyRunner:
    """Starts and stops the proxy; a tab for each client connection, not shown at once."""

    def __init__(self, app: SockscopeApp, setup: ProxySetup) -> None:
        self.app = app
        self.setup = setup
        self.server = setup.server(
            on_held=self._held, on_connection=self._connected, on_ended=self._ended
        )
        self.tabs: dict[int, ProxyTab] = {}
        """Each client connection's tab, by its number (1 = the first client)."""
        self.error: str | None = None
        """Why the proxy could not listen (the app then ends)."""
        self.listening = False
        self.changed: Signal[None] = Signal(app, "proxy-changed")
        """Published when a client comes or ends, or a message is held or decided."""

    async def start(self) -> bool:
        """Listen; False (and :attr:`error` says why) when it cannot."""
        try:
            await self.setup.start(self.server)
        except OSError as exc:
            self.error = self.setup.cannot_listen(exc)
            return False
        self.listening = True
        return True

    async def stop(self) -> None:
        """Forward what is held, close every connection (1001), stop listening."""
        if self.listening:
            self.listening = False
            await self.server.stop()

    def held(self, number: int) -> list[HeldFrame]:
        """Client connection ``number``'s messages held now and not decided yet."""
        return self.server.connections[number - 1].held

    # -- the server's callbacks (on its tasks: the UI's part is posted) ---------------

    def _connected(self, relay: ProxiedConnection) -> None:
        self.app.call_later(self._add_tab, relay)

    def _held(self, held: HeldFrame) -> None:
        held.decided.add_done_callback(lambda _: self.app.call_later(self._held_changed, held))
        self.app.call_later(self._held_changed, held)

    def _ended(self, relay: ProxiedConnection) -> None:
        self.app.call_later(self._publish)

    # -- on the app -------------------------------------------------------------------

    def _add_tab(self, relay: ProxiedConnection) -> None:
        from sockscope.tui.proxy.connection_tab import ProxyTab

        tab = self.tabs[relay.number] = ProxyTab(self, relay)
        self.app.tabs.add(tab)
        self._publish()

    def _held_changed(self, held: HeldFrame) -> None:
        tab = self.tabs.get(held.connection)
        if tab is None:
            return
        tab.held_changed()
        tabs = self.app.tabs
        if not held.decided.done() and tabs.current is not tab:
            number = tabs.index(tab) + 1
            key = f"alt+{number}" if number <= 9 else "the tab bar"
            self.app.notify(
                f"{tab.title()}: a {held.way.label} message is held ({key} shows it).",
                title="Breakpoint",
                markup=False,
            )
        self._publish()

    def _publish(self) -> None:
        self.changed.publish(None)
