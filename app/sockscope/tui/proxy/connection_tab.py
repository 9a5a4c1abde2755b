"""A proxied client connection in a tab of its own: its session, held messages, injection."""

from __future__ import annotations

from functools import partial
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

from sockscope.core.events import ReadyState
from sockscope.core.proxy.breakpoints import HeldFrame
from sockscope.core.proxy.relay import ProxiedConnection
from sockscope.tui.file_service import FileService
from sockscope.tui.tabs.live_tab import session_state
from sockscope.tui.tabs.log_tab import show_log_tab
from sockscope.tui.tabs.tab import Tab, TabState

if TYPE_CHECKING:
    from sockscope.tui.proxy.connection_screen import ProxyConnectionScreen
    from sockscope.tui.proxy.runner import ProxyRunner

CLOSED_TAB = "its tab was closed"


def client_target(url: str) -> str:
    """The path and query of a URL: what tells one client connection from another."""
    parts = urlsplit(url)
    return (parts.path or "/") + (f"?{parts.query}" if parts.query else "")


class ProxyTab(Tab):
    """One client connection: ``#2 /feed?x=1``, held (⏸) while a message of it waits."""

    def __init__(self, runner: ProxyRunner, relay: ProxiedConnection) -> None:
        from sockscope.tui.proxy.connection_screen import ProxyConnectionScreen

        self.runner = runner
        self.relay = relay
        self.session = relay.session
        self.files = FileService(runner.app, relay.session, lambda: relay.settings.url)
        self.files.show_log = partial(show_log_tab, runner.app.tabs)
        self._screen: ProxyConnectionScreen = ProxyConnectionScreen(self)

    @property
    def screen(self) -> ProxyConnectionScreen:
        return self._screen

    def title(self) -> str:
        return f"#{self.relay.number} {client_target(self.relay.settings.url)}"

    def held(self) -> list[HeldFrame]:
        return self.runner.held(self.relay.number)

    def state(self) -> TabState:
        return TabState.HELD if self.held() else session_state(self.session)

    def rows(self) -> int:
        return self.session.store.recorded

    def held_changed(self) -> None:
        """A message of this connection was held or decided: the panel follows."""
        if self._screen.is_mounted:
            self._screen.show_held()

    async def closed(self) -> None:
        """Closing the tab ends the connection: what is held goes on, then 1001 both ways."""
        self.runner.tabs.pop(self.relay.number, None)
        self.relay.release(CLOSED_TAB)
        if self.session.state is not ReadyState.CLOSED:
            await self.relay.shut()
