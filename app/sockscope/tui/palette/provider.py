"""The palette's provider: the keys' commands, copy-as, themes, and the sidebar's own."""

from __future__ import annotations

from functools import partial
from typing import TYPE_CHECKING

from textual.command import DiscoveryHit, Hit, Hits, Provider

from sockscope.tui.palette.actions import binding_entries
from sockscope.tui.palette.copy_as import copy_as_entries
from sockscope.tui.palette.entries import PaletteEntry

if TYPE_CHECKING:
    from textual.screen import Screen

    from sockscope.tui.app import SockscopeApp


def theme_entries(app: SockscopeApp) -> list[PaletteEntry]:
    """One command a theme: found by typing its name (listed only when searched for)."""

    return [
        PaletteEntry(f"Theme: {name}", "Switch to this theme", partial(setattr, app, "theme", name))
        for name in sorted(app.available_themes)
        if name != app.theme
    ]


def palette_entries(app: SockscopeApp, screen: Screen[object]) -> list[PaletteEntry]:
    """What the palette lists with nothing typed, over ``screen``: the keys' commands,
    copy-as (of the live connection), then what the app adds (``palette_entries``)."""
    keymap = dict(app.options.config.keymap)
    return [*binding_entries(screen, keymap), *copy_as_entries(app), *app.palette_entries]


class SockscopeCommands(Provider):
    """Every action of the app by name: typing ``ping`` and enter sends a ping."""

    async def startup(self) -> None:
        from sockscope.tui.app import SockscopeApp

        assert isinstance(self.app, SockscopeApp)
        self._app = self.app
        self._entries = palette_entries(self.app, self.screen)

    async def discover(self) -> Hits:
        for entry in self._entries:
            yield DiscoveryHit(entry.title, entry.run, help=entry.help)

    async def search(self, query: str) -> Hits:
        matcher = self.matcher(query)
        for entry in [*self._entries, *theme_entries(self._app)]:
            score = matcher.match(entry.title)
            if score > 0:
                yield Hit(score, matcher.highlight(entry.title), entry.run, entry.title, entry.help)
