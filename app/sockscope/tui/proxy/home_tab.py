"""The proxy's own tab (the first): where clients connect, who came, breakpoints, holds."""

from __future__ import annotations

from typing import TYPE_CHECKING

from sockscope.core.proxy.setup import ProxySetup
from sockscope.tui.proxy.home_screen import ProxyHomeScreen
from sockscope.tui.proxy.runner import ProxyRunner
from sockscope.tui.tabs.live_tab import url_title
from sockscope.tui.tabs.tab import Tab, TabState

if TYPE_CHECKING:
    from sockscope.tui.app import SockscopeApp


class ProxyHomeTab(Tab):
    """Runs the proxy for as long as the app runs: it cannot be closed, ctrl+q stops it."""

    closable = False

    def __init__(self, app: SockscopeApp, setup: ProxySetup) -> None:
        self.runner = ProxyRunner(app, setup)
        self._screen = ProxyHomeScreen(self.runner)

    @property
    def screen(self) -> ProxyHomeScreen:
        return self._screen

    def title(self) -> str:
        return f"proxy → {url_title(self.runner.setup.settings.url)}"

    def state(self) -> TabState:
        if self.runner.error is not None:
            return TabState.FAILED
        return TabState.LISTENING if self.runner.listening else TabState.CONNECTING

    def rows(self) -> int:
        """Client connections so far: the bar counts those that came since it was shown."""
        return len(self.runner.server.connections)
