"""Copy the current connection as a ``sockscope`` command line, a saved connection file, or
a ``websocat``/``wscat`` command (made in ``core/workspace/export.py`` and ``write.py``)."""

from __future__ import annotations

from collections.abc import Callable
from functools import partial
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

from sockscope.core.settings import ConnectionSettings, SettingsError
from sockscope.core.workspace.export import (
    Exported,
    as_sockscope_command,
    as_websocat_command,
    as_wscat_command,
)
from sockscope.core.workspace.variables import without_env_values
from sockscope.tui.clipboard import copy_text
from sockscope.tui.palette.entries import PaletteEntry

if TYPE_CHECKING:
    from sockscope.tui.app import SockscopeApp


def as_saved_file(settings: ConnectionSettings) -> Exported:
    """A ``NAME.sockscope.yaml`` file's text, named after the host."""
    from sockscope.core.workspace.write import connection_yaml

    name = urlsplit(settings.url).hostname or "connection"
    return Exported(connection_yaml(name, settings))


#: What can be copied: the title's end, what the notice calls it, and how it is made.
FORMATS: tuple[tuple[str, str, Callable[[ConnectionSettings], Exported]], ...] = (
    ("sockscope command line", "a sockscope command", as_sockscope_command),
    ("saved connection file (YAML)", "a saved connection file", as_saved_file),
    ("websocat command", "a websocat command", as_websocat_command),
    ("wscat command", "a wscat command", as_wscat_command),
)


def current_settings(app: SockscopeApp) -> ConnectionSettings | None:
    """What the connection panel says now (URL typed, options set), else the last connect's."""
    try:
        return app.main_screen.panel.settings()
    except SettingsError:
        return app.settings if app.settings.url else None


def copy_as(app: SockscopeApp, what: str, export: Callable[[ConnectionSettings], Exported]) -> None:
    settings = current_settings(app)
    if settings is None:
        app.notify("No connection to copy: type a URL first.", severity="warning")
        return
    env = app.main_screen.workspace.env
    exported = export(without_env_values(settings, env))
    where = copy_text(app, exported.command)
    left_out = f" It cannot say: {', '.join(exported.left_out)}." if exported.left_out else ""
    kept = " --env values are left as {{NAME}}." if env else ""
    app.notify(f"Copied {what} to {where}.{left_out}{kept}", markup=False)


def copy_as_entries(app: SockscopeApp) -> list[PaletteEntry]:
    """Copy-as commands for the live tab shown (none on a log's or the proxy's tab)."""
    from sockscope.tui.tabs.live_tab import LiveTab

    if not isinstance(app.tabs.current, LiveTab):
        return []
    return [
        PaletteEntry(
            f"Copy as {title}",
            f"The current connection as {what}, on the clipboard",
            partial(copy_as, app, what, export),
        )
        for title, what, export in FORMATS
    ]
