"""The one way to build the app: the command line and the tests both use it."""

from __future__ import annotations

from pathlib import Path

from sockscope.core.session import Session
from sockscope.core.settings import ConnectionSettings
from sockscope.tui.app import SockscopeApp


def build_app(
    settings: ConnectionSettings | None = None,
    *,
    connect_now: bool = False,
    notice: str | None = None,
    session: Session | None = None,
    journal_path: Path | None = None,
    open_path: Path | None = None,
    survive_errors: bool = False,
) -> SockscopeApp:
    return SockscopeApp(
        settings,
        connect_now=connect_now,
        notice=notice,
        session=session,
        journal_path=journal_path,
        open_path=open_path,
        survive_errors=survive_errors,
    )
