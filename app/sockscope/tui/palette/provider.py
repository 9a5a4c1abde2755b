"""The palette's provider: the keys' commands, the open tabs, copy-as, themes, and the
sidebar's own."""

from __future__ import annotations

from functools import partial
from typing import TYPE_CHECKING

from textual.command import DiscoveryHit, Hit, Hits, Provider

from sockscope.core.text.display import safe_line
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


def tab_entries(app: SockscopeApp, keyed: list[PaletteEntry]) -> list[PaletteEntry]:
    """``Tab 2: host/path``: one command an open tab, with its key's (alt+2) where it has one."""
    by_ids = {entry.binding_ids: entry for entry in keyed}
    entries = []
    for number, tab in enumerate(app.tabs, 1):
        key = by_ids.get((f"show_tab.{number}",))
        entries.append(
            PaletteEntry(
                f"Tab {number}: {safe_line(tab.title())}",
                key.help if key else "Show this tab",
                partial(app.tabs.show, tab),
                key.binding_ids if key else (),
            )
        )
    return entries


def palette_entries(app: SockscopeApp, screen: Screen[object]) -> list[PaletteEntry]:
    """What the palette lists with nothing typed, over ``screen``: the keys' commands, the
    open tabs (in place of the keys that show tab N), copy-as (of the live connection),
    then what the app adds (``palette_entries``)."""
    keyed = binding_entries(screen, dict(app.options.config.keymap))
    keys = [entry for entry in keyed if not entry.binding_ids[0].startswith("show_tab.")]
    return [*keys, *tab_entries(app, keyed), *copy_as_entries(app), *app.palette_entries]


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
