"""What the main screen does with saved connections: open one, save into the collection.

Kept apart from the main screen, which only routes the sidebar's messages and keys here.
Every failure is one sentence in a notification; nothing here ends the session.
"""

from __future__ import annotations

from functools import partial
from typing import TYPE_CHECKING

from sockscope.core.settings import SettingsError
from sockscope.core.text.display import safe_line
from sockscope.tui.palette.entries import PaletteEntry
from sockscope.tui.workspace import Workspace

if TYPE_CHECKING:
    from collections.abc import Callable
    from pathlib import Path

    from sockscope.core.workspace.saved import SavedConnection
    from sockscope.tui.screens.main_screen import MainScreen
    from sockscope.tui.widgets.collection_sidebar import CollectionSidebar


class SavedConnections:
    """Opens and saves the main screen's saved connections (its :class:`Workspace`)."""

    def __init__(self, screen: MainScreen) -> None:
        self.screen = screen
        self.workspace = screen.workspace
        self._connections: list[PaletteEntry] = []
        """The palette's commands that open the collection's saved connections."""

    @property
    def sidebar(self) -> CollectionSidebar | None:
        from sockscope.tui.widgets.collection_sidebar import CollectionSidebar

        found = self.screen.query(CollectionSidebar)
        return found.first() if found else None

    def mounted(self) -> None:
        """Show the collection and what the saved connection open at launch offers."""
        self._offer_messages()
        self.reload()

    def reload(self) -> None:
        sidebar = self.sidebar
        if sidebar is not None and self.workspace.collection is not None:
            collection = self.workspace.load()
            sidebar.show(collection)
            self._connections = [
                PaletteEntry(
                    f"{verb}: {'/'.join((*entry.folder, entry.connection.name))}",
                    f"Open the saved connection and connect{where} · "
                    + safe_line(entry.connection.settings.url),
                    partial(self.open, entry.connection, new_tab=new_tab),
                )
                for verb, where, new_tab in (
                    ("Connect", "", False),
                    ("Connect in a new tab", " in a tab of its own", True),
                )
                for entry in collection.entries
            ]
        self._offer_palette()

    def _offer_palette(self) -> None:
        """The palette lists the collection's connections and the open one's messages."""
        composer = self.screen.composer
        messages = [
            PaletteEntry(
                f"Saved message: {message.name}",
                f"Put it in the composer ({message.mode}) · F3 lists them",
                partial(composer.use_saved, message),
            )
            for message in composer.saved_messages
        ]
        from sockscope.tui.app import SockscopeApp

        app = self.screen.app
        if isinstance(app, SockscopeApp):  # (a test may host the screen elsewhere)
            app.palette_entries[:] = [*self._connections, *messages]

    def toggle_sidebar(self) -> None:
        """Go to the sidebar's tree (shown if hidden); from there, hide the sidebar."""
        sidebar = self.sidebar
        if sidebar is None:
            self.screen.notify("No collection: start with --collection DIR.", timeout=3)
            return
        if sidebar.display and sidebar.has_focus_within:
            sidebar.display = False
            self.screen.focus_composer()
        else:
            sidebar.display = True
            sidebar.focus_names()

    def open(self, saved: SavedConnection, *, new_tab: bool = False) -> None:
        """Fill the panel with ``saved`` (variables resolved) and connect; or connect it in
        a new tab (``new_tab``), this tab's open saved connection staying as it is."""
        workspace = Workspace(self.workspace.env, self.workspace.collection) if new_tab else None
        try:
            settings = (workspace or self.workspace).open(saved)
        except SettingsError as exc:
            self.screen.notify(str(exc), title=saved.name, severity="error", markup=False)
            return
        if new_tab:
            from sockscope.tui.app import SockscopeApp

            app = self.screen.app
            if isinstance(app, SockscopeApp):
                app.call_later(partial(app.open_tab, settings, connect_now=True, saved=saved))
            return
        self._offer_messages()
        self.screen.panel.load(settings)
        self.screen.panel.show_error("")
        self.screen.connect(settings)
        self.screen.focus_composer()

    def save(self, new: bool) -> None:
        """Save the panel's connection over the open saved one, or as a new one (named)."""
        try:
            settings = self.screen.panel.settings()
        except SettingsError as exc:
            self.screen.notify(str(exc), title="Not saved", severity="error", markup=False)
            return
        saved = self.workspace.saved
        if not new and saved is not None and saved.path is not None:
            self._saved(lambda: self.workspace.save_over(settings))
            return
        from sockscope.tui.screens.name_screen import NameScreen

        def named(name: str | None) -> None:
            if name is not None:
                self._saved(lambda: self.workspace.save_new(name, settings))

        folder = self.workspace.collection or "this folder"
        hint = f"Saved as NAME.sockscope.yaml in {folder}; --env values are never written."
        current = saved.name if saved is not None else ""
        self.screen.app.push_screen(NameScreen("Save the connection as:", current, hint), named)

    def _saved(self, write: Callable[[], Path]) -> None:
        try:
            path = write()
        except SettingsError as exc:
            self.screen.notify(str(exc), title="Not saved", severity="error", markup=False)
            return
        self.reload()
        self._offer_messages()
        self.screen.notify(f"Saved {safe_line(str(path))}", timeout=4, markup=False)

    def _offer_messages(self) -> None:
        saved = self.workspace.saved
        self.screen.composer.saved_messages = saved.messages if saved is not None else ()
        self._offer_palette()
