"""``sockscope record URL -o FILE``: capture a session without the TUI."""

from __future__ import annotations

import asyncio
import contextlib
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import click

from sockscope.commands.headless import (
    fail,
    keep_flushing,
    open_journal,
    output_option,
    say,
    secrets_option,
)
from sockscope.commands.options import (
    headless_connection_options,
    rule_options,
    seconds,
    settings_from_options,
)
from sockscope.commands.workspace_options import resolve_messages, variable_resolver
from sockscope.core.events import (
    Closed,
    CommandFailed,
    ConnectionEvent,
    DriverEvent,
    Failed,
    NotOpenError,
    Opened,
    ProtocolChosen,
)
from sockscope.core.formats.redact import redact_url
from sockscope.core.protocols.plugin import ProtocolPlugin
from sockscope.core.protocols.registry import RAW
from sockscope.core.rules.plugin import RulesPlugin
from sockscope.core.session.session import Journal, Session
from sockscope.core.settings import ConnectionSettings, SettingsError
from sockscope.core.store.frames import FrameStore, Kind, Opcode, close_parts
from sockscope.core.text.display import (
    close_code_name,
    describe_close,
    human_size,
    preview,
    safe_line,
)
from sockscope.core.wire.commands import Close, Connect, Disconnect, SendText
from sockscope.core.wire.driver import Driver
from sockscope.core.wording import plural

PREVIEW_WIDTH = 100
_DATA = (Opcode.TEXT, Opcode.BINARY)
GREETING_WAIT = 10.0
"""How long --send waits for the server to answer the protocol's handshake."""


def frame_line(elapsed: float, kind: Kind, opcode: Opcode, payload: bytes) -> str:
    """``   0.012  send  text       23 B  {"id":1}``: safe to print (controls made visible)."""
    way = "send" if kind is Kind.SEND else "recv"
    close = close_parts(payload) if opcode is Opcode.CLOSE else None
    if close is not None:
        code, reason = close
        shown = f"{code} {close_code_name(code)} {preview(reason, True, PREVIEW_WIDTH)}"
    else:
        # Only a text frame is text for sure: a ping's or pong's bytes are shown as
        # text when they are UTF-8 text, else as hex (never as U+FFFD).
        shown = preview(payload, opcode is Opcode.TEXT, PREVIEW_WIDTH)
    return f"{elapsed:8.3f}  {way}  {opcode.name.lower():<6} {human_size(len(payload)):>9}  {shown}"


def event_line(elapsed: float, event: ConnectionEvent) -> str | None:
    """An open or close as a line; the URL's credentials are always redacted, as stderr
    often ends up in CI logs (the file keeps them with --include-secrets)."""
    if isinstance(event, Opened):
        extra = f", subprotocol {event.subprotocol}" if event.subprotocol else ""
        what = f"open   {redact_url(event.url)} ({event.status} {event.reason}{extra})"
    elif isinstance(event, Closed):
        what = f"close  {describe_close(event.code, event.reason, event.was_clean)} by {event.by}"
    else:
        return None
    return f"{elapsed:8.3f}  {safe_line(what)}"


#: Rows and payload bytes a recording keeps in memory by default: the file has them all,
#: so an endless feed recorded for hours costs no more memory than a minute of it.
KEPT_ROWS = 10_000
KEPT_BYTES = 32 * 1024 * 1024


class Recorder(Session):
    """A session that prints each frame and event, and counts the messages received."""

    def __init__(
        self,
        journal: Journal,
        count: int | None,
        echo: Callable[[str], None] | None,
        max_frames: int = KEPT_ROWS,
        max_bytes: int = KEPT_BYTES,
    ) -> None:
        super().__init__(journal=journal, max_frames=max_frames, max_bytes=max_bytes)
        self.received = 0
        self.enough = asyncio.Event()
        """Set when ``count`` messages have come."""
        self._count = count
        self._echo = echo
        self._start = time.time()

    def on_frame(self, t: float, kind: Kind, opcode: Opcode, payload: bytes) -> None:
        super().on_frame(t, kind, opcode, payload)
        if self._echo is not None:
            self._echo(frame_line(t - self._start, kind, opcode, payload))
        if kind is Kind.RECV and opcode in _DATA:
            self._count_received(1)

    def on_frames(self, t: float, flags: bytes, payloads: list[bytes]) -> None:
        """Received data frames that came together (the connection's fast path)."""
        super().on_frames(t, flags, payloads)
        if self._echo is not None:
            for flag, payload in zip(flags, payloads, strict=True):
                self._echo(frame_line(t - self._start, *FrameStore.unpack_flags(flag), payload))
        self._count_received(len(payloads))

    def _count_received(self, messages: int) -> None:
        self.received += messages
        if self._count is not None and self.received >= self._count:
            self.enough.set()

    def on_event(self, t: float, event: ConnectionEvent) -> None:
        super().on_event(t, event)
        line = event_line(t - self._start, event) if self._echo is not None else None
        if line is not None and self._echo is not None:
            self._echo(line)


async def _capture(
    driver: Driver,
    recorder: Recorder,
    protocol: ProtocolPlugin,
    messages: tuple[str, ...],
    duration: float | None,
) -> None:
    """Send ``messages`` after the first open (and the protocol's handshake, when it has
    one: a server drops a client that speaks first); wait for --count, --duration or the
    end."""
    if not isinstance(await driver.wait_settled(), Opened):
        return
    if messages and not await protocol.greeted(duration or GREETING_WAIT):
        say("The server did not answer the protocol's handshake; sending anyway.")
    try:
        for message in messages:
            await driver.execute(SendText(message))
    except (NotOpenError, OSError):
        pass  # the server closed while we were sending: the log shows it
    finished = asyncio.ensure_future(driver.wait_finished())
    enough = asyncio.ensure_future(recorder.enough.wait())
    try:
        await asyncio.wait(
            (finished, enough), timeout=duration, return_when=asyncio.FIRST_COMPLETED
        )
    finally:
        finished.cancel()
        enough.cancel()


async def _record(
    settings: ConnectionSettings,
    recorder: Recorder,
    messages: tuple[str, ...],
    duration: float | None,
    resolve: Callable[[str], str],
) -> Closed | Failed | None:
    protocol = ProtocolPlugin(recorder)
    plugins = [protocol, RulesPlugin(recorder, resolve=resolve)]
    driver = Driver(recorder, report_to_user, plugins=plugins)
    serving = asyncio.create_task(driver.serve())
    flushing = asyncio.create_task(keep_flushing(recorder))
    driver.submit(Connect(settings))
    try:
        with contextlib.suppress(asyncio.CancelledError):  # Ctrl+C stops as --duration does
            await _capture(driver, recorder, protocol, messages, duration)
        try:
            await driver.execute(Close(1000))
        except (NotOpenError, OSError):  # not open (a reconnect is due): stop retrying
            await driver.execute(Disconnect())
        return await driver.wait_finished()
    finally:
        flushing.cancel()
        serving.cancel()
        await asyncio.gather(serving, flushing, return_exceptions=True)


def report_to_user(event: DriverEvent) -> None:
    """What a headless run tells on stderr of the driver's reports (rows go by themselves)."""
    if isinstance(event, ProtocolChosen) and event.name != RAW:
        say(f"speaking {event.title} ({event.reason})")
    elif isinstance(event, CommandFailed):
        say(event.message)


@click.command("record")
@click.argument("url", metavar="URL|FILE.sockscope.yaml")
@output_option("Record the session to FILE (JSONL; replaced if it exists).", required=True)
@click.option(
    "--send",
    "messages",
    multiple=True,
    metavar="MSG",
    help="Send this text message once connected (repeatable, in order).",
)
@click.option(
    "--count",
    type=click.IntRange(min=1),
    metavar="N",
    help="Stop after N text or binary messages received.",
)
@click.option(
    "--duration",
    type=seconds(positive=True),
    metavar="SECONDS",
    help="Stop this many seconds after connecting.",
)
@click.option(
    "--max-frames",
    type=click.IntRange(min=1),
    default=KEPT_ROWS,
    show_default=True,
    metavar="N",
    help="Rows kept in memory (the file gets every one).",
)
@click.option(
    "--max-bytes",
    type=click.IntRange(min=1),
    default=KEPT_BYTES,
    show_default=True,
    metavar="BYTES",
    help="Payload bytes kept in memory (the file gets every one).",
)
@click.option("-q", "--quiet", is_flag=True, help="Print nothing but errors.")
@secrets_option
@headless_connection_options
@rule_options
def record(
    url: str,
    output: Path,
    messages: tuple[str, ...],
    count: int | None,
    duration: float | None,
    max_frames: int,
    max_bytes: int,
    quiet: bool,
    include_secrets: bool,
    **options: Any,
) -> None:
    """Capture a session without the TUI: connect to URL and record every frame to FILE.

    URL may be a saved connection (NAME.sockscope.yaml, docs/collections.md); with
    --env FILE its {{VARIABLES}} come from a dotenv file first.

    Prints a line per frame on stderr (unless -q). Stops after --count messages,
    after --duration, when the server closes, or on Ctrl+C, and closes with 1000.
    With --reconnect, an abnormal end (a server restart, a dropped network) opens a
    new connection with backoff and re-sends --on-open; the file keeps one open row
    per connection. Only the newest rows stay in memory (--max-frames, --max-bytes).
    Exit status: 0 recorded, 2 could not (one line on stderr says why).
    """
    settings, notice = settings_from_options(url, options)
    try:
        messages = resolve_messages(messages, url, options)
        resolve = variable_resolver(url, options)
    except SettingsError as exc:
        fail(str(exc))
    if notice and not quiet:
        say(f"sockscope: {notice}")
    echo = None if quiet else lambda line: click.echo(line, err=True)
    with open_journal(output, settings.url, include_secrets) as journal:
        recorder = Recorder(journal, count, echo, max_frames, max_bytes)
        ended = asyncio.run(_record(settings, recorder, messages, duration, resolve))
    if isinstance(ended, Failed):
        fail(ended.message)
    if recorder.journal_error:
        fail(recorder.journal_error)
    if not quiet:
        store = recorder.store
        say(
            f"sockscope: wrote {output} ({plural(store.dropped + len(store), 'row')}:"
            f" {plural(store.frames_out, 'frame')} sent,"
            f" {store.frames_in} received)"
        )
