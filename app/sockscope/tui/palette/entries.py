"""One command of the palette, whoever offers it (a key, copy-as, a saved connection)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, NamedTuple


class PaletteEntry(NamedTuple):
    """A command as the palette lists it; ``run`` is called after the palette closes.

    The sidebar (saved connections, saved messages) offers its own through
    ``SockscopeApp.palette_entries``.
    """

    title: str
    """What is typed to find it (fuzzy matched) and shown."""
    help: str
    """The line under the title: what it does, and its key if it has one."""
    run: Callable[[], Any]
    binding_ids: tuple[str, ...] = ()
    """The key bindings (by id, as the keymap names them) this command runs."""
