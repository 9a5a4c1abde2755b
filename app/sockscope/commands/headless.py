"""What the headless commands that connect share: one-line errors, ``-o FILE``, the journal."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from pathlib import Path
from typing import Any, NoReturn, TypeVar

import click

from sockscope.core.formats.errors import LogError
from sockscope.core.formats.journal import FLUSH_INTERVAL, JournalWriter
from sockscope.core.formats.load import HAR_SUFFIXES, load_log
from sockscope.core.formats.model import LogHeader
from sockscope.core.replay.plan import ReplayError, ReplayPlan
from sockscope.core.session.session import Session
from sockscope.core.settings import ConnectionSettings
from sockscope.core.text.display import safe_line

F = TypeVar("F", bound=Callable[..., Any])


def say(line: str) -> None:
    """One line on stderr. Lines hold text from outside (URLs, paths, a peer's close
    reason, a HAR's entries): it is shown as the TUI shows it, control characters
    visible (``␛``, ``␊``), so it can neither restyle the terminal nor split the line."""
    click.echo(safe_line(line), err=True)


def fail(message: str) -> NoReturn:
    """Exit with status 2 ("could not run") after one line on stderr."""
    say(f"sockscope: error: {message}")
    raise SystemExit(2)


def warn(message: str) -> None:
    say(f"sockscope: warning: {message}")


def no_reconnect(settings: ConnectionSettings, command: str) -> None:
    """The headless commands run one connection: say so rather than ignore --reconnect."""
    if settings.reconnect:
        fail(f"--reconnect is for the TUI; `sockscope {command}` runs one connection.")


def output_option(help: str, *, required: bool = False) -> Callable[[F], F]:
    """``-o/--output FILE``: where a command records its session (JSONL)."""
    return click.option(
        "-o",
        "--output",
        required=required,
        type=click.Path(dir_okay=False, path_type=Path),
        metavar="FILE",
        help=help,
    )


def secrets_option(function: F) -> F:
    return click.option(
        "--include-secrets",
        is_flag=True,
        help="Keep Authorization/Cookie headers, URL credentials and token-like query "
        "parameters in the file (redacted by default; printed URLs are always redacted).",
    )(function)


def connection_option(help: str) -> Callable[[F], F]:
    """``--connection N``: which connection of a log that holds several (reconnects)."""
    return click.option("--connection", type=click.IntRange(min=1), metavar="N", help=help)


def load_plans(log: Path, entry: str | None, connection: int | None) -> list[ReplayPlan]:
    """Connection ``connection`` of LOG (None: every one) as replay plans; bad input exits 2.

    Warnings go to stderr: the log's, then each plan's.
    """
    try:
        loaded = load_log(log, entry=entry)
        first = ReplayPlan.from_store(loaded.store, loaded.header.url, connection or 1)
        plans = [first]
        if connection is None:
            plans += [
                ReplayPlan.from_store(loaded.store, loaded.header.url, number)
                for number in range(2, first.connections + 1)
            ]
    except (LogError, ReplayError) as exc:
        fail(str(exc))
    for warning in loaded.warnings:
        warn(warning)
    for plan in plans:
        # Replaying every connection, "connection N is replayed" would be wrong: say nothing.
        told = plan.warnings if connection is not None else ()
        for warning in (*told, *((plan.gap_warning,) if plan.long_gaps else ())):
            warn(warning)
    return plans


def open_journal(path: Path, url: str, include_secrets: bool) -> JournalWriter:
    """The JSONL journal a command records into; a bad name or path exits 2."""
    if path.suffix.lower() in HAR_SUFFIXES:
        fail(
            f"Sessions are recorded as JSONL: name the file .jsonl, not {path.name!r}"
            " (`sockscope convert` makes a HAR of it afterwards)."
        )
    try:
        return JournalWriter(path, LogHeader(url=url), redact=not include_secrets)
    except LogError as exc:
        fail(str(exc))


async def keep_flushing(session: Session) -> None:
    """Flush the session's journal every second, however quiet the connection is."""
    while True:
        await asyncio.sleep(FLUSH_INTERVAL)
        session.flush_journal(wait=False)
