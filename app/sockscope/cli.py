"""The command line: `sockscope [URL]` opens the TUI; subcommands run headless.

The TUI (and Textual) is imported only by the commands that open it, so the
headless commands start fast and work where no terminal is attached; and the
headless commands (websockets' client and server, the log formats) are imported
only when one of them runs, so the TUI starts fast.
"""

from __future__ import annotations

import gc
import importlib
from collections.abc import Callable, Mapping
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from sockscope import __version__
from sockscope.commands.config import CONFIGURED, current_user_config, read_user_config
from sockscope.commands.options import connection_options, rule_options, settings_from_options
from sockscope.commands.tui_options import PROXY_TUI, tui_options
from sockscope.core.paths import composer_history_path, default_journal_path
from sockscope.core.settings import ConnectionSettings, SettingsError
from sockscope.core.text.display import safe_line

if TYPE_CHECKING:
    from sockscope.core.proxy.setup import ProxySetup
    from sockscope.tui.app import SockscopeApp


#: ``ctx.meta`` key: the subcommand was not typed (a URL or nothing came first).
_IMPLIED = "sockscope.implied_command"


class OneLineUsageError(click.UsageError):
    """``sockscope: error: ...`` and exit 2: what the README promises for bad input.

    click's own usage error prints three lines and names the command path, which for a
    bare ``sockscope URL`` is an ``open`` the user never typed.
    """

    def show(self, file: Any = None) -> None:
        click.echo(f"sockscope: error: {safe_line(self.format_message())}", err=True)

    @classmethod
    def of(cls, exc: click.UsageError, ctx: click.Context) -> OneLineUsageError:
        """The same complaint; a parsing one (not a bad value of ours) points at --help."""
        message = exc.format_message().rstrip()
        if not isinstance(exc.__cause__, SettingsError):
            command = "" if ctx.meta.get(_IMPLIED) else f" {ctx.invoked_subcommand}"
            message = f"{message.rstrip('.')}. See `sockscope{command} --help`."
        return cls(message)


#: The headless commands, by name: imported when run (or listed by ``--help``).
LAZY_COMMANDS = {
    "serve": "sockscope.commands.serve:serve",
    "convert": "sockscope.commands.convert:convert",
    "record": "sockscope.commands.record:record",
    "replay": "sockscope.commands.replay:replay",
    "config": "sockscope.commands.config:config",
    "proxy": "sockscope.commands.proxy:proxy",
}


class DefaultCommandGroup(click.Group):
    """A group whose first argument may be a URL: anything not a command runs ``open``.

    The headless commands are loaded on demand (click's lazy-subcommand pattern):
    importing them all cost the TUI's launch ~0.1 s (docs/performance.md, *Startup*).
    """

    default_command = "open"

    def parse_args(self, ctx: click.Context, args: list[str]) -> list[str]:
        if not args or (
            args[0] not in self.commands
            and args[0] not in LAZY_COMMANDS
            and args[0] not in ("-h", "--help", "--version")
        ):
            args = [self.default_command, *args]
            ctx.meta[_IMPLIED] = True
        return super().parse_args(ctx, args)

    def invoke(self, ctx: click.Context) -> Any:
        """Run the subcommand; a usage error becomes one line (:class:`OneLineUsageError`)."""
        try:
            return super().invoke(ctx)
        except click.UsageError as exc:
            raise OneLineUsageError.of(exc, ctx) from exc

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted([*self.commands, *LAZY_COMMANDS])

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        target = LAZY_COMMANDS.get(cmd_name)
        if target is None:
            return super().get_command(ctx, cmd_name)
        module_name, name = target.split(":")
        command = getattr(importlib.import_module(module_name), name)
        assert isinstance(command, click.Command)
        return command


@click.group(cls=DefaultCommandGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, "--version", prog_name="sockscope")
@click.pass_context
def main(ctx: click.Context) -> None:
    """sockscope: a full-screen terminal WebSocket debugger.

    \b
    sockscope [URL] [OPTIONS]   open the TUI (connects at once when a URL is given;
                                see `sockscope open --help` for every option)
    sockscope demo              open the TUI on the built-in demo server
    sockscope serve             run the demo server alone (--replay LOG: a mock server)
    sockscope record URL -o F   capture a session to a JSONL log without the TUI
    sockscope replay LOG        replay a log's client messages; --check the responses
    sockscope convert IN OUT    convert a log between JSONL and HAR
    sockscope curl ARGS...      open the TUI on a browser's "Copy as cURL" of a WebSocket
    sockscope F.sockscope.yaml  open a saved connection (docs/collections.md)
    sockscope config --path     where the settings file is (docs/config.md)
    sockscope proxy UPSTREAM    a recording reverse proxy (docs/proxy.md)
    """
    if ctx.invoked_subcommand in CONFIGURED:
        read_user_config(ctx, headless=ctx.invoked_subcommand in LAZY_COMMANDS)
    ctx.meta[PROXY_TUI] = run_proxy_tui


def run_proxy_tui(setup: ProxySetup, journal: bool) -> str | None:
    """``sockscope proxy`` in the TUI; why it could not run (it could not listen), or None.

    ``journal``: live tabs opened beside the proxy's journal as ``sockscope URL``'s do."""
    gc.disable()  # as build_tui: the app turns it back on after its first frame
    from sockscope.tui.factory import build_app
    from sockscope.tui.proxy.home_tab import ProxyHomeTab

    config = current_user_config()
    app = build_app(
        proxy=setup,
        journal_for=partial(default_journal_path, folder=config.journal_dir) if journal else None,
        history_path=composer_history_path(),
        survive_errors=True,
        config=config,
    )
    _run(app)
    home = next(tab for tab in app.tabs if isinstance(tab, ProxyHomeTab))
    return home.runner.error


def _run(app: SockscopeApp) -> None:
    """Run the app in the terminal; say where the session went if a bug ended it."""
    app.run()
    if app.emergency_copy is not None:
        click.echo(
            f"sockscope: a bug ended the session; a full copy: {app.emergency_copy}", err=True
        )


def build_tui(
    settings: ConnectionSettings,
    options: dict[str, Any],
    *,
    connect_now: bool,
    notice: str | None = None,
    target: str | None = None,
    more: tuple[ConnectionSettings, ...] = (),
) -> SockscopeApp:
    """The app a TUI command runs, built through the one factory the tests use too.

    Garbage collection is off from here until the app's first frame (the app turns it
    back on): run the app it returns. Importing Textual and building the screen make
    ~100k objects that all live on, and ~90 collections walked them (~15 ms of the
    launch, docs/performance.md).
    """
    from sockscope.commands.workspace_options import tui_workspace

    try:  # target: the URL or saved connection file typed
        workspace = tui_workspace(target, options)
    except SettingsError as exc:
        raise click.UsageError(str(exc)) from exc
    gc.disable()
    from sockscope.tui.factory import build_app

    config = current_user_config()
    journal: Path | None = None
    journal_for: Callable[[str], Path] | None = None
    if not options["no_journal"]:
        journal = options["record"] or default_journal_path(settings.url, folder=config.journal_dir)
        journal_for = partial(default_journal_path, folder=config.journal_dir)
    return build_app(
        settings,
        connect_now=connect_now,
        notice=notice,
        journal_path=journal,
        journal_for=journal_for,
        more=more,
        open_path=options["open_path"],
        max_frames=options["max_frames"],
        history_path=composer_history_path(),
        survive_errors=True,
        config=config,
        **workspace,
    )


def run_tui(
    settings: ConnectionSettings,
    options: dict[str, Any],
    *,
    connect_now: bool,
    notice: str | None = None,
    target: str | None = None,
    more: tuple[ConnectionSettings, ...] = (),
) -> None:
    """Build the app (:func:`build_tui`) and run it in the terminal."""
    app = build_tui(
        settings, options, connect_now=connect_now, notice=notice, target=target, more=more
    )
    _run(app)
    for journal in app.journals():
        if journal.exists():
            click.echo(f"sockscope: session journal: {journal}", err=True)


@main.command("open")
@click.argument("urls", nargs=-1, metavar="[URL|FILE.sockscope.yaml]...")
@connection_options
@rule_options
@tui_options
def open_command(urls: tuple[str, ...], **options: Any) -> None:
    """Open the TUI; with a URL, connect at once and focus the composer. More URLs open
    more connections, each in a tab of its own (alt+1…9 shows one; the options apply
    to each).

    A URL without a scheme means ws://; http:// and https:// become ws:// and wss://.
    A saved connection file (NAME.sockscope.yaml) works as a URL; {{VARIABLES}} come
    from --env files, then from the file's variables (docs/collections.md).
    """
    url = urls[0] if urls else None
    settings, notice = settings_from_options(url, options)
    if notice:
        click.echo(f"sockscope: {notice}", err=True)
    more = tuple(settings_from_options(other, options)[0] for other in urls[1:])
    run_tui(settings, options, connect_now=bool(url), notice=notice, target=url, more=more)


@main.command("demo")
@connection_options
@rule_options
@tui_options
def demo_command(**options: Any) -> None:
    """Start the built-in demo server on a free local port and open the TUI on /echo."""
    from sockscope.servers.demo import DemoServerThread

    server = DemoServerThread("127.0.0.1", 0)
    server.start()
    try:
        settings, _ = settings_from_options(server.url("/echo"), options)
        run_tui(settings, options, connect_now=True)
    finally:
        server.stop()


@main.command(
    "curl",
    context_settings={"ignore_unknown_options": True, "help_option_names": ["--help"]},
)
@click.argument("curl_args", nargs=-1, type=click.UNPROCESSED)
@click.option(
    "--print",
    "print_only",
    is_flag=True,
    help="Print the connection as a sockscope command line instead of opening the TUI.",
)
@click.option(
    "--save",
    "save_path",
    type=click.Path(dir_okay=False, path_type=Path),
    metavar="FILE.sockscope.yaml",
    help="Save the connection as a saved connection file instead of opening the TUI.",
)
@click.option(
    "--env",
    "env_files",
    multiple=True,
    metavar="FILE",
    type=click.Path(exists=True, dir_okay=False),
    help="Read {{VARIABLES}} from this dotenv file (repeatable, later files win).",
)
@tui_options
def curl_command(
    curl_args: tuple[str, ...], print_only: bool, save_path: Path | None, **options: Any
) -> None:
    """Open the TUI on what a browser's "Copy as cURL" gives for a WebSocket request.

    Paste the command after `sockscope`: the URL, -H (many), -b, -A, -e, -u, -k,
    --cacert, --cert, --key, -x, --compressed, -X, -i, -s, --http1.1 are understood; the
    handshake's own headers (Sec-WebSocket-Key, Upgrade, Connection, Host…) are made
    afresh, Origin, cookies and Sec-WebSocket-Protocol are kept.
    """
    from sockscope.commands.workspace_options import workspace_scope
    from sockscope.core.workspace.curl import parse_curl_args
    from sockscope.core.workspace.saved import resolve_settings

    try:
        request = parse_curl_args(list(curl_args))
        scope, _ = workspace_scope(None, options)
        settings = resolve_settings(request.settings, scope).validated()
    except SettingsError as exc:
        raise click.UsageError(str(exc)) from exc
    for notice in request.notices:
        click.echo(f"sockscope: {safe_line(notice)}", err=True)
    if print_only or save_path is not None:
        _curl_output(settings, request.settings, scope.env, print_only, save_path)
        return
    run_tui(settings, options, connect_now=True)


def _curl_output(
    settings: ConnectionSettings,
    written: ConnectionSettings,
    env: Mapping[str, str],
    print_only: bool,
    save_path: Path | None,
) -> None:
    """``sockscope curl --print`` and ``--save``: the connection as text, no terminal needed.

    The file keeps ``{{VARIABLES}}`` as ``written`` and never an env file's value.
    """
    from sockscope.core.workspace.export import as_sockscope_command
    from sockscope.core.workspace.saved import SavedConnection, default_name
    from sockscope.core.workspace.write import save_connection

    if print_only:
        click.echo(as_sockscope_command(settings).command)
    if save_path is not None:
        try:
            name = default_name(save_path)
            template = SavedConnection(name, written)
            save_connection(save_path, name, settings, template=template, env=env)
        except OSError as exc:
            raise click.UsageError(f"Cannot write {str(save_path)!r}: {exc.strerror}.") from exc
        click.echo(f"sockscope: saved {safe_line(str(save_path))}", err=True)
