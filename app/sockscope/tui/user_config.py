"""config.yaml in the app: the theme, the keymap, and the file's mistakes as notices.

The keymap is Textual's (``App.set_keymap``): binding ids to keys. Every key of the app
has an id (the palette and F1 show them), and ``sockscope config --show`` prints the map.
"""

from __future__ import annotations

import importlib
import inspect
import pkgutil
from typing import TYPE_CHECKING

from textual.dom import DOMNode

from sockscope.tui.palette.actions import own_bindings

if TYPE_CHECKING:
    from sockscope.tui.app import SockscopeApp


def known_binding_ids() -> set[str]:
    """Every binding id of every class of the TUI (each module imported to find them)."""
    import sockscope.tui

    ids: set[str] = set()
    for module_info in pkgutil.walk_packages(sockscope.tui.__path__, "sockscope.tui."):
        module = importlib.import_module(module_info.name)
        for _, cls in inspect.getmembers(module, inspect.isclass):
            if issubclass(cls, DOMNode) and cls.__module__ == module.__name__:
                ids.update(binding.id for binding in own_bindings(cls) if binding.id)
    return ids


def apply_user_config(app: SockscopeApp) -> None:
    """Use the file's theme and keymap now; check the keymap's ids after the first frame."""
    config = app.options.config
    problems = list(config.problems)
    if config.theme is not None:
        if config.theme in app.available_themes:
            app.theme = config.theme
        else:
            themes = ", ".join(sorted(app.available_themes))
            problems.append(
                f"{config.path}: theme: {config.theme!r} is not a theme (one of: {themes});"
                " the default is used instead."
            )
    if config.keymap:
        app.set_keymap(dict(config.keymap))
        app.call_after_refresh(_check_keymap, app)
    for problem in problems:
        _tell(app, problem)


def _check_keymap(app: SockscopeApp) -> None:
    config = app.options.config
    known = known_binding_ids()
    for binding_id, _ in config.keymap:
        if binding_id not in known:
            _tell(
                app,
                f"{config.path}: keymap: no key has the id {binding_id!r} (the palette, ctrl+p,"
                " names them; docs/config.md lists them); it is ignored.",
            )


def _tell(app: SockscopeApp, problem: str) -> None:
    app.notify(problem, title="config.yaml", severity="warning", timeout=15, markup=False)
