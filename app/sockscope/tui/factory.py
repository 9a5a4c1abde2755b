"""The one way to build the app: the command line and the tests both use it."""

from __future__ import annotations

from typing import Any

from sockscope.core.session.session import Session
from sockscope.core.settings import ConnectionSettings
from sockscope.tui.app import SockscopeApp
from sockscope.tui.app_options import AppOptions


def build_app(
    settings: ConnectionSettings | None = None,
    *,
    session: Session | None = None,
    **options: Any,
) -> SockscopeApp:
    """The app for ``settings``; ``options`` are :class:`AppOptions` fields by name."""
    return SockscopeApp(settings, session, AppOptions(**options))
