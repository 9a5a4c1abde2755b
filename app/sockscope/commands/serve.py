"""``sockscope serve``: run the demo server in the foreground until Ctrl+C."""

from __future__ import annotations

import asyncio
import errno
import os

import click

from sockscope.core.server import ENDPOINTS, DemoServer, start_demo_server


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


def _print_banner(server: DemoServer) -> None:
    click.echo(f"sockscope demo server on {server.url('')}")
    click.echo("\n".join(_endpoint_lines(server.url(""))))
    click.echo("Press Ctrl+C to stop.")


async def _run(host: str, port: int) -> int:
    """Serve until cancelled; returns the exit status if the server cannot start."""
    try:
        server = await start_demo_server(host, port)
    except OSError as error:
        click.echo(_listen_error(host, port, error), err=True)
        return 2
    try:
        _print_banner(server)
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
def serve(ctx: click.Context, host: str, port: int) -> None:
    """Run the demo WebSocket server: echo, ticks, binary, close codes, chat, rejections."""
    # asyncio.run turns Ctrl+C into a cancellation of _run (so the server closes
    # cleanly), then raises KeyboardInterrupt here: the normal way to stop.
    try:
        status = asyncio.run(_run(host, port))
    except KeyboardInterrupt:
        status = 0
    ctx.exit(status)
