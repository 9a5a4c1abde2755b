"""``sockscope proxy UPSTREAM``: a WebSocket reverse proxy that records what goes through.

Headless (``--headless``) it prints a line as each client comes and goes; otherwise the
TUI runs it (a tab for the proxy, one for each client connection). The TUI is not
imported here: the command line puts its runner in ``ctx.meta[PROXY_TUI]``. docs/proxy.md.
"""

from __future__ import annotations

import asyncio
import contextlib
import signal
import ssl
from pathlib import Path
from typing import Any

import click

from sockscope.commands.headless import fail, no_reconnect, say, secrets_option
from sockscope.commands.options import connection_options, seconds, settings_from_options
from sockscope.commands.proxy_log import ConnectionLogs, fail_on
from sockscope.commands.record import KEPT_BYTES, KEPT_ROWS
from sockscope.commands.tui_options import PROXY_TUI
from sockscope.core.events import Closed, Failed, Opened
from sockscope.core.formats.redact import redact_url
from sockscope.core.paths import default_journal_path
from sockscope.core.proxy.pipe import DEFAULT_HOLD_TIMEOUT
from sockscope.core.proxy.relay import ProxiedConnection
from sockscope.core.proxy.server import DEFAULT_LISTEN
from sockscope.core.proxy.setup import ProxySetup
from sockscope.core.session.session import Session
from sockscope.core.text.display import describe_close
from sockscope.core.wording import plural


def parse_listen(text: str) -> tuple[str, int]:
    """``HOST:PORT``, ``:PORT`` (127.0.0.1) or ``[::1]:PORT``; a bad one is a usage error."""
    host, sep, port = text.rpartition(":")
    if not sep or not port.isdigit() or not 0 <= int(port) <= 65535:
        raise click.BadParameter(f"{text!r} is not HOST:PORT (e.g. 127.0.0.1:8765 or :9000).")
    host = host.strip("[]") or DEFAULT_LISTEN[0]
    return host, int(port)


def listener_tls(cert: str | None, key: str | None) -> ssl.SSLContext | None:
    if cert is None:
        if key is not None:
            fail("--listen-key needs --listen-cert.")
        return None
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    try:
        context.load_cert_chain(cert, key)
    except (OSError, ssl.SSLError) as exc:
        fail(f"Cannot serve TLS with {cert}: {exc}.")
    return context


class Reporter:
    """One line on stderr as each client connection opens and ends (unless quiet)."""

    def __init__(self, quiet: bool) -> None:
        self.quiet = quiet

    def say(self, line: str) -> None:
        if not self.quiet:
            say(line)

    def connected(self, relay: ProxiedConnection) -> None:
        self.say(f"client {relay.number}: to {redact_url(relay.settings.url)}")

    def ended(self, relay: ProxiedConnection) -> None:
        ended = relay.session.last_event
        store = relay.session.store
        frames = f"{plural(store.frames_out, 'frame')} sent, {store.frames_in} received"
        if isinstance(ended, Failed):
            self.say(f"client {relay.number}: the server refused: {ended.message}")
        elif isinstance(ended, Closed):
            how = describe_close(ended.code, ended.reason, ended.was_clean)
            self.say(f"client {relay.number}: closed {how} by {ended.by} ({frames})")
        elif isinstance(ended, Opened):
            self.say(f"client {relay.number}: ended ({frames})")


async def run_proxy(setup: ProxySetup, reporter: Reporter) -> None:
    """Listen until Ctrl+C or SIGTERM, then stop cleanly (what is held is forwarded)."""
    proxy = setup.server(on_connection=reporter.connected, on_ended=reporter.ended)
    try:
        await setup.start(proxy)
    except OSError as exc:
        fail(setup.cannot_listen(exc))
    reporter.say(
        f"sockscope: proxying {proxy.url} to {redact_url(proxy.settings.url)} (Ctrl+C stops)"
    )
    stopping = asyncio.Event()
    loop = asyncio.get_running_loop()
    for signum in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(signum, stopping.set)
    try:
        await stopping.wait()
    finally:
        for signum in (signal.SIGINT, signal.SIGTERM):
            loop.remove_signal_handler(signum)
        await proxy.stop()


@click.command("proxy")
@click.argument("upstream", metavar="UPSTREAM")
@click.option(
    "--listen",
    default=f"{DEFAULT_LISTEN[0]}:{DEFAULT_LISTEN[1]}",
    show_default=True,
    metavar="HOST:PORT",
    help="Where clients connect (:PORT listens on 127.0.0.1; port 0 picks a free one).",
)
@click.option("--listen-cert", metavar="FILE", help="Serve wss:// with this certificate (PEM).")
@click.option("--listen-key", metavar="FILE", help="The --listen-cert's key (PEM).")
@click.option("--headless", is_flag=True, help="Run without the TUI: a line on stderr per client.")
@click.option(
    "--no-journal",
    is_flag=True,
    help="In the TUI, keep the connections in memory only (else they are journaled to the"
    " sessions folder as if --record were given).",
)
@click.option(
    "--record",
    type=click.Path(dir_okay=False, path_type=Path),
    metavar="FILE",
    help="Record every client connection into FILE (JSONL), one after another.",
)
@click.option(
    "--hold-timeout",
    type=seconds(positive=True),
    default=DEFAULT_HOLD_TIMEOUT,
    show_default=True,
    metavar="SECONDS",
    help="A message held at a breakpoint goes on as it is after this long.",
)
@click.option("-q", "--quiet", is_flag=True, help="Print nothing but errors.")
@secrets_option
@connection_options
def proxy(
    upstream: str,
    listen: str,
    listen_cert: str | None,
    listen_key: str | None,
    headless: bool,
    no_journal: bool,
    record: Path | None,
    hold_timeout: float,
    quiet: bool,
    include_secrets: bool,
    **options: Any,
) -> None:
    """Relay WebSocket clients to UPSTREAM, recording every frame both ways, in the TUI.

    Each client connection opens its own connection to UPSTREAM with the client's path
    and query appended (--listen :9000 wss://api.example.com maps
    ws://localhost:9000/feed?x=1 to wss://api.example.com/feed?x=1), its headers
    (Cookie, Authorization, Origin...) and subprotocols; close codes pass both ways and
    a refused handshake reaches the client as the server refused it. -k, --ca, --cert
    and --key apply to the upstream connection.

    The TUI shows the proxy in tab 1 (the listen URL, the clients, breakpoints: b adds
    one) and each client connection in a tab of its own (its log; a held message: f
    forwards, e edits, d drops; the composer injects either way). ctrl+q stops it;
    headless, Ctrl+C or SIGTERM does. Held messages are forwarded on stopping.
    Exit status: 0 stopped, 2 could not run (one line on stderr says why).
    """
    host, port = parse_listen(listen)
    if options["on_open"] or options["subprotocols"]:
        fail("--on-open and -s are not for the proxy: the client's own messages and"
             " subprotocols go upstream.")  # fmt: skip
    settings, notice = settings_from_options(upstream, options)
    no_reconnect(settings, "proxy")
    if notice and not quiet:
        say(f"sockscope: {notice}")
    tls = listener_tls(listen_cert, listen_key)
    run_tui = click.get_current_context().meta.get(PROXY_TUI)
    in_tui = not headless and run_tui is not None
    if record is None and in_tui and not no_journal:
        record = default_journal_path(settings.url)  # as a live session's journal
    logs = ConnectionLogs(record, settings.url, include_secrets) if record else None
    setup = ProxySetup(settings, host, port, tls, hold_timeout, _memory_session)
    if logs is not None:
        setup = setup._replace(new_session=logs.new_session, on_ended=logs.connection_ended)
    reporter = Reporter(quiet)
    if not in_tui:
        with contextlib.suppress(KeyboardInterrupt):
            asyncio.run(run_proxy(setup, reporter))
    else:
        assert run_tui is not None
        error = run_tui(setup, not no_journal)
        if error is not None:
            fail(error)
    if logs is not None:
        logs.close()
        fail_on(logs)
        reporter.say(f"sockscope: wrote {record} ({plural(logs.connections, 'connection')})")


def _memory_session(number: int, url: str) -> Session:
    """Without --record: each connection's session keeps only its newest rows."""
    return Session(max_frames=KEPT_ROWS, max_bytes=KEPT_BYTES)
