"""``sockscope replay LOG``: send a log's client messages again, and check the responses."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Callable
from pathlib import Path
from typing import Any

import click
import orjson

from sockscope.commands.headless import (
    connection_option,
    fail,
    keep_flushing,
    load_plans,
    no_reconnect,
    open_journal,
    output_option,
    say,
    secrets_option,
    warn,
)
from sockscope.commands.options import (
    FiniteFloat,
    headless_connection_options,
    seconds,
    settings_from_options,
)
from sockscope.core.formats.journal import JournalWriter
from sockscope.core.formats.redact import redact_url
from sockscope.core.replay.diff import DiffReport, compare
from sockscope.core.replay.json_paths import IgnorePathError, parse_ignore
from sockscope.core.replay.plan import ReplayError, ReplayPlan
from sockscope.core.replay.replayer import DEFAULT_TIMEOUT, Replayer, ReplayResult
from sockscope.core.session.session import Session
from sockscope.core.settings import ConnectionSettings
from sockscope.core.wording import plural
from sockscope.core.workspace.saved import is_saved_connection


async def _replay_all(replayers: list[Replayer]) -> list[ReplayResult]:
    """Replay each connection in turn, on one session (and so one journal)."""
    flushing = asyncio.create_task(keep_flushing(replayers[0].session))
    try:
        return [await replayer.run() for replayer in replayers]
    finally:
        flushing.cancel()


def _run(replayers: list[Replayer], journal: JournalWriter | None) -> list[ReplayResult]:
    with journal or contextlib.nullcontext():
        try:
            return asyncio.run(_replay_all(replayers))
        except ReplayError as exc:
            fail(str(exc))
        except KeyboardInterrupt:
            sent = sum(replayer.sent for replayer in replayers)
            total = sum(len(replayer.plan.sends) for replayer in replayers)
            fail(f"Interrupted after {sent} of {plural(total, 'message')}.")


def _outcome(result: ReplayResult, plan: ReplayPlan) -> str:
    closed = result.closed
    how = f"; closed {closed.code} by {closed.by}" if closed is not None else ""
    return (
        f"sent {result.sent} of {plural(result.total, 'message')},"
        f" received {plural(len(result.responses), 'response')}"
        f" ({len(plan.responses)} recorded){how}"
    )


def _json_report(
    url: str, result: ReplayResult, plan: ReplayPlan, report: DiffReport | None
) -> dict[str, object]:
    closed = result.closed
    return {
        "url": url,
        "connection": plan.connection,
        "sent": result.sent,
        "total": result.total,
        "complete": result.complete,
        "received": len(result.responses),
        "recorded": len(plan.responses),
        "closed": closed.info() if closed is not None else None,
        "check": report.to_json() if report is not None else None,
    }


@click.command("replay")
@click.argument("log", type=click.Path(path_type=Path))
@click.option(
    "--url",
    help="Replay against this URL or saved connection (NAME.sockscope.yaml, its on_open"
    " left out: the log has it); default: the one LOG recorded.",
)
@click.option(
    "--speed",
    type=FiniteFloat(min=0, min_open=True),
    metavar="X",
    help="Scale the recorded timing: 2 is twice as fast, 0.5 half as fast (default 1).",
)
@click.option("--fast", is_flag=True, help="Send as fast as possible, without the recorded gaps.")
@click.option(
    "--check", is_flag=True, help="Compare the responses with the recorded ones; exit 1 if not."
)
@click.option(
    "--ignore",
    multiple=True,
    metavar="PATH",
    help="With --check: leave out this JSON path ($.ts, $..id, $.items[*].id; repeatable).",
)
@click.option("--unordered", is_flag=True, help="With --check: responses may come in any order.")
@click.option(
    "--timeout",
    type=seconds(),
    default=DEFAULT_TIMEOUT,
    show_default=True,
    metavar="SECONDS",
    help="How long to wait for responses after the last one is due.",
)
@output_option("Record the new session to FILE (JSONL).")
@click.option(
    "--report",
    type=click.Choice(["text", "json"]),
    default="text",
    show_default=True,
    help="Print the outcome (and the diff, with --check) as text or JSON on stdout.",
)
@click.option(
    "--entry",
    metavar="N|TEXT",
    help="For a HAR file: the WebSocket entry to replay, by number (from 1) or URL part.",
)
@connection_option(
    "Of a log that holds several (reconnects): replay only the Nth (default: each in turn)."
)
@click.option(
    "--strict",
    is_flag=True,
    help="With --check: responses beyond the recorded ones are differences too"
    " (waits for quiet after them).",
)
@secrets_option
@headless_connection_options
def replay(
    log: Path,
    url: str | None,
    speed: float | None,
    fast: bool,
    check: bool,
    ignore: tuple[str, ...],
    unordered: bool,
    timeout: float,
    output: Path | None,
    report: str,
    entry: str | None,
    connection: int | None,
    strict: bool,
    include_secrets: bool,
    **options: Any,
) -> None:
    """Replay the client side of LOG (JSONL or HAR) and record the server's responses.

    Each connection of the log (or only the one --connection names) is opened again in
    turn and its client messages are sent with their recorded timing (scaled by --speed,
    or none with --fast; a recorded gap over a minute waits a minute); after the last
    one, the replay waits until as many responses as were recorded have come (up to
    --timeout) and closes as the recorded client did. With --check the responses are
    compared with the recorded ones: JSON by value (key order does not
    matter, --ignore leaves out fields that change every run), anything else exactly.

    Exit status: 0 ok, 1 the responses differ (--check) or the server closed before
    every message was sent, 2 could not replay (one line on stderr says why).
    """
    if speed is not None and fast:
        fail("Use --speed or --fast, not both.")
    try:
        for path in ignore:
            parse_ignore(path)
    except IgnorePathError as exc:
        fail(str(exc))
    plans = load_plans(log, entry, connection)
    saved = is_saved_connection(url)
    base, _ = settings_from_options(url if saved else None, options)
    if saved:  # the log holds what the file's on_open sent: sending it again would double it
        url, base = base.url, base._replace(on_open=())
    no_reconnect(base, "replay")
    try:
        targets = [plan.settings_for(base, url) for plan in plans]
    except ReplayError as exc:
        fail(str(exc))
    journal = open_journal(output, targets[0].url, include_secrets) if output else None
    session = Session(journal=journal)
    rate = None if fast else (speed or 1.0)
    pace = "as fast as possible" if rate is None else f"at {rate:g}x"

    def announce(settings: ConnectionSettings, plan: ReplayPlan) -> Callable[[int, int], None]:
        def opened(sent: int, total: int) -> None:
            if sent == 0 and report == "text":
                which = f" (connection {plan.connection} of {plan.connections})"
                say(
                    f"sockscope: replaying {plural(total, 'message')} to {redact_url(settings.url)}"
                    f" {pace}" + (which if len(plans) > 1 else "")
                )

        return opened

    try:
        replayers = [
            Replayer(
                plan,
                settings,
                session,
                speed=rate,
                timeout=timeout,
                on_progress=announce(settings, plan),
                strict=strict,
            )
            for plan, settings in zip(plans, targets, strict=True)
        ]
    except ReplayError as exc:  # a --protocol plug-in that fails to load
        fail(str(exc))
    results = _run(replayers, journal)
    if session.journal_error:
        warn(session.journal_error)
    failed, reports = False, []
    for replayer, settings, result in zip(replayers, targets, results, strict=True):
        plan, layer = replayer.plan, replayer.layer  # less what the protocol does itself
        diff = (
            compare(plan.responses, result.responses, ignore, unordered, strict, layer)
            if check
            else None
        )
        failed |= not result.complete or (diff is not None and not diff.ok)
        reports.append(_json_report(redact_url(settings.url), result, plan, diff))
        if report == "text":
            which = f"connection {plan.connection}: " if len(plans) > 1 else ""
            say(f"sockscope: {which}{_outcome(result, plan)}")
            if diff is not None:
                click.echo(diff.text())
    if report == "json":
        shown: object = reports[0] if len(reports) == 1 else {"connections": reports}
        click.echo(orjson.dumps(shown, option=orjson.OPT_INDENT_2).decode())
    raise SystemExit(1 if failed else 0)
