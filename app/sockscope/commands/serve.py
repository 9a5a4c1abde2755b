"""``sockscope serve``: run the demo server, or a log's mock server, until Ctrl+C."""

from __future__ import annotations

import asyncio
import errno
import os
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Protocol

import click

from sockscope.commands.headless import connection_option, fail, load_plans, say
from sockscope.core.replay.json_paths import IgnorePathError, parse_ignore
from sockscope.core.text.display import safe_line
from sockscope.core.wording import plural
from sockscope.servers.demo import ENDPOINTS, start_demo_server
from sockscope.servers.mock import OnUnexpected, start_mock_server


class _Server(Protocol):
    async def close(self) -> None: ...


#: Starts a server and returns it with the banner to print.
Starter = Callable[[], Awaitable[tuple[_Server, str]]]


def _endpoint_lines(prefix: str) -> list[str]:
    """Each endpoint (its path after prefix) over its description: fits 80 columns."""
    return [f"  {prefix}{path}\n      {description}" for path, description in ENDPOINTS]


# "\b" keeps click from rewrapping the list into one paragraph.
_EPILOG = "\b\nEndpoints:\n" + "\n".join(_endpoint_lines(""))


def _listen_error(host: str, port: int, error: OSError) -> str:
    """One sentence for why the server could not listen."""
    if error.errno == errno.EADDRINUSE:
        return f"Port {port} on {host} is already in use; pick another with --port (0 = any free)."
    # asyncio wraps bind errors in a long sentence; the errno's own words are clearer.
    # (Resolver errors carry negative errnos: their strerror is already short.)
    code = error.errno or 0
    why = os.strerror(code) if code > 0 else error.strerror or str(error)
    return f"Cannot listen on {host}:{port}: {why}."


def _demo(host: str, port: int) -> Starter:
    async def start() -> tuple[_Server, str]:
        server = await start_demo_server(host, port)
        lines = [f"sockscope demo server on {server.url('')}", *_endpoint_lines(server.url(""))]
        return server, "\n".join(lines)

    return start


def _mock(
    host: str,
    port: int,
    log: Path,
    entry: str | None,
    connection: int | None,
    fast: bool,
    on_unexpected: OnUnexpected,
    ignore: list[str],
) -> Starter:
    """Load the log now (a bad one exits 2 before anything listens); serve it when started."""
    try:
        for path in ignore:
            parse_ignore(path)
    except IgnorePathError as exc:
        fail(str(exc))
    plans = load_plans(log, entry, connection)

    async def start() -> tuple[_Server, str]:
        server = await start_mock_server(
            plans,
            host,
            port,
            fast=fast,
            on_unexpected=on_unexpected,
            ignore=ignore,
            report=lambda line: say(f"sockscope: {line}"),
        )
        banner = (
            f"sockscope mock server on {server.url('/')} (any path)"
            f" replaying {safe_line(str(log))}:"
            + (
                f" {len(plans)} connections in turn (client n gets connection n),"
                if len(plans) > 1
                else ""
            )
            + f" {plural(sum(len(p.sends) for p in plans), 'client message')} and"
            f" {plural(sum(len(p.responses) for p in plans), 'server message')}"
        )
        return server, banner

    return start


async def _run(host: str, port: int, start: Starter) -> int:
    """Serve until cancelled; returns the exit status if the server cannot start."""
    try:
        server, banner = await start()
    except OSError as error:
        say(f"sockscope: error: {_listen_error(host, port, error)}")
        return 2
    try:
        click.echo(banner)
        click.echo("Press Ctrl+C to stop.")
        await asyncio.Event().wait()  # until Ctrl+C cancels this task
    finally:
        await server.close()
    return 0


@click.command("serve", epilog=_EPILOG)
@click.pass_context
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on.")
@click.option(
    "--port",
    default=8765,
    show_default=True,
    type=click.IntRange(0, 65535),
    help="Port to listen on; 0 picks a free one.",
)
@click.option(
    "--replay",
    "log",
    type=click.Path(path_type=Path),
    metavar="LOG",
    help="Be a mock server: play the server side of LOG (JSONL or HAR) to every client.",
)
@click.option(
    "--entry",
    metavar="N|TEXT",
    help="With --replay of a HAR file: the WebSocket entry, by number (from 1) or URL part.",
)
@connection_option(
    "With --replay of a log that holds several (reconnects): serve only the Nth"
    " (default: client n gets connection n, the last one after that)."
)
@click.option("--fast", is_flag=True, help="With --replay: answer at once, not as recorded.")
@click.option(
    "--on-unexpected",
    type=click.Choice(["ignore", "close"]),
    default="ignore",
    show_default=True,
    help="With --replay: what to do with a client message the log did not expect "
    "(close uses code 1008).",
)
@click.option(
    "--ignore",
    multiple=True,
    metavar="PATH",
    help="With --replay: a JSON path to leave out when comparing client messages "
    "($.ts, $..id; repeatable).",
)
def serve(
    ctx: click.Context,
    host: str,
    port: int,
    log: Path | None,
    entry: str | None,
    connection: int | None,
    fast: bool,
    on_unexpected: OnUnexpected,
    ignore: tuple[str, ...],
) -> None:
    """Run the demo WebSocket server: echo, ticks, binary, close codes, chat, rejections.

    With --replay LOG, run a mock server instead: each connection, whatever its path,
    gets the recorded server messages in order, each sent once the recorded client
    messages before it have come (compared as `replay --check` compares).
    """
    if log is None and (
        entry or connection is not None or fast or ignore or on_unexpected != "ignore"
    ):
        fail(
            "--entry, --connection, --fast, --on-unexpected and --ignore"
            " only apply with --replay LOG."
        )
    if log is None:
        start = _demo(host, port)
    else:
        start = _mock(host, port, log, entry, connection, fast, on_unexpected, list(ignore))
    # asyncio.run turns Ctrl+C into a cancellation of _run (so the server closes
    # cleanly), then raises KeyboardInterrupt here: the normal way to stop.
    try:
        status = asyncio.run(_run(host, port, start))
    except KeyboardInterrupt:
        status = 0
    ctx.exit(status)
