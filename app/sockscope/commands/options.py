"""Connection options shared by every command that opens a connection."""

from __future__ import annotations

import json
import math
from collections.abc import Callable
from typing import Any, TypeVar

import click

from sockscope.core.settings import (
    DEFAULT_MAX_SIZE,
    DEFAULT_OPEN_TIMEOUT,
    DEFAULT_PING_INTERVAL,
    ConnectionSettings,
    SettingsError,
    normalize_url,
    parse_header,
)

F = TypeVar("F", bound=Callable[..., Any])


class FiniteFloat(click.FloatRange):
    """A number of seconds (or a factor) for an option: NaN and infinities are usage errors.

    click's ``float`` takes ``nan`` and ``inf``, and a range check lets NaN through
    (every comparison with it is false): a NaN timeout waited forever, a NaN speed
    crashed. Every float option of every command uses this type.
    """

    name = "number"

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> Any:
        number = click.FLOAT.convert(value, param, ctx)
        if not math.isfinite(number):
            self.fail(f"{value!r} is not a finite number.", param, ctx)
        return super().convert(number, param, ctx)


def seconds(*, positive: bool = False) -> FiniteFloat:
    """A finite number of seconds: at least 0, or above 0 when ``positive``."""
    return FiniteFloat(min=0, min_open=positive)


_OPTIONS: list[Callable[[F], F]] = [
    click.option("-H", "--header", "headers", multiple=True, metavar="'NAME: VALUE'",
                 help="Add a request header (repeatable)."),
    click.option("-s", "--subprotocol", "subprotocols", multiple=True, metavar="NAME",
                 help="Offer a subprotocol (repeatable)."),
    click.option("--user-agent", help="Send this User-Agent header."),
    click.option("-k", "--insecure", is_flag=True, help="Do not verify TLS certificates."),
    click.option("--ca", "ca_file", metavar="FILE", help="Trust this CA bundle (PEM)."),
    click.option("--cert", "cert_file", metavar="FILE", help="Client certificate (PEM)."),
    click.option("--key", "key_file", metavar="FILE", help="Client certificate's key (PEM)."),
    click.option("--proxy", metavar="URL",
                 help="HTTP or SOCKS proxy (default: the environment's proxy settings)."),
    click.option("--no-proxy", is_flag=True, help="Ignore proxy settings in the environment."),
    click.option("--no-compression", is_flag=True, help="Do not offer permessage-deflate."),
    click.option("--ping-interval", type=seconds(), default=DEFAULT_PING_INTERVAL,
                 show_default=True, metavar="SECONDS", help="Keepalive ping interval; 0 disables."),
    click.option("--open-timeout", type=seconds(positive=True), default=DEFAULT_OPEN_TIMEOUT,
                 show_default=True, metavar="SECONDS",
                 help="Give up if the handshake takes longer."),
    click.option("--max-size", type=int, default=DEFAULT_MAX_SIZE, show_default=True,
                 metavar="BYTES", help="Largest incoming message accepted (close 1009 above)."),
    click.option("--on-open", "on_open", multiple=True, metavar="MSG",
                 help="Send this text message after each open (repeatable)."),
    click.option("--reconnect", is_flag=True,
                 help="Reconnect with backoff after an abnormal close (re-sending --on-open)."),
    click.option("--protocol", default="auto", show_default=True, metavar="NAME",
                 help="Protocol spoken on top (socket.io, graphql-transport-ws, stomp, mqtt,"
                      " json-rpc…; raw: none). docs/protocols.md"),
    click.option("--protocol-option", "protocol_options", multiple=True, metavar="NAME=VALUE",
                 help="An option of the protocol layer (repeatable; docs/protocols.md)."),
    click.option("--auth", metavar="JSON", help="Socket.IO: the auth object sent on join."),
    click.option("--init-payload", metavar="JSON",
                 help="GraphQL: the payload of connection_init."),
    click.option("--env", "env_files", multiple=True, metavar="FILE",
                 type=click.Path(exists=True, dir_okay=False),
                 help="Read {{VARIABLES}} from this dotenv file (repeatable, later files win)."),
]  # fmt: skip


def connection_options(function: F) -> F:
    """Decorate a click command with every connection option.

    ``--origin`` has no short form: ``-o`` means ``--output`` in every command that has it.
    """
    for option in reversed(_OPTIONS):
        function = option(function)
    return click.option("--origin", "origin", help="Send this Origin header.")(function)


#: The same options, under the name the headless commands import them by.
headless_connection_options = connection_options


def rule_options(function: F) -> F:
    """``--reply`` and ``--every`` (docs/rules.md): for the commands that keep a connection
    open (the TUI, ``record``), not ``replay``, which sends the log's own messages."""
    function = click.option(
        "--every",
        "every",
        multiple=True,
        type=(seconds(positive=True), str),
        metavar="SECONDS MESSAGE",
        help="Send MESSAGE every SECONDS while open (repeatable; docs/rules.md).",
    )(function)
    return click.option(
        "--reply",
        "replies",
        multiple=True,
        type=(str, str),
        metavar="PATTERN REPLY",
        help="Answer a received message matching PATTERN (a regex, or a JSONPath test like"
        " '$.op == \"ping\"') with REPLY; {{$.n}} inserts its value (repeatable).",
    )(function)


def settings_from_options(
    url: str | None, options: dict[str, Any]
) -> tuple[ConnectionSettings, str | None]:
    """Validated settings and an optional notice; a bad value is a click usage error (exit 2)."""
    # Loaded here: `sockscope` opening the TUI must not pay for the protocol layers.
    from sockscope.commands.workspace_options import apply_workspace, uses_workspace
    from sockscope.core.protocols.base import ProtocolError
    from sockscope.core.protocols.registry import check_name

    workspace = uses_workspace(url, options)
    try:
        notice = None
        if url and not workspace:
            normalized = normalize_url(url)
            url, notice = normalized.url, normalized.notice
        settings = ConnectionSettings(
            url=url or "",
            headers=tuple(parse_header(h) for h in options["headers"]),
            subprotocols=tuple(options["subprotocols"]),
            origin=options["origin"],
            user_agent=options["user_agent"],
            insecure=options["insecure"],
            ca_file=options["ca_file"],
            cert_file=options["cert_file"],
            key_file=options["key_file"],
            proxy=options["proxy"],
            no_proxy=options["no_proxy"],
            compression=not options["no_compression"],
            ping_interval=options["ping_interval"] or None,
            open_timeout=options["open_timeout"],
            max_size=options["max_size"],
            on_open=tuple(options["on_open"]),
            reconnect=options["reconnect"],
            protocol=check_name(options["protocol"]),
            protocol_options=protocol_options(options),
            replies=tuple(options.get("replies", ())),
            every=tuple(options.get("every", ())),
        )
        if workspace:  # a saved connection file, --env, {{VARIABLES}}
            settings, notice = apply_workspace(url, settings, options)
        if settings.replies or settings.every:
            from sockscope.core.rules.rule_set import RuleSet

            RuleSet.from_pairs(settings.replies, settings.every)  # a bad rule: exit 2 now
        if url:
            settings = settings.validated()
    except (SettingsError, ProtocolError) as exc:  # a bad rule is a SettingsError too
        raise click.UsageError(str(exc)) from exc
    return settings, notice


def protocol_options(options: dict[str, Any]) -> tuple[tuple[str, str], ...]:
    """``--protocol-option`` pairs, with ``--auth`` and ``--init-payload`` (checked as JSON)."""
    from sockscope.core.protocols.base import ProtocolError

    pairs = []
    for text in options["protocol_options"]:
        name, sep, value = text.partition("=")
        if not sep or not name.strip():
            raise ProtocolError(f"Protocol option {text!r} is not of the form NAME=VALUE.")
        pairs.append((name.strip(), value))
    for name in ("auth", "init_payload"):
        value = options.get(name)
        if value is None:
            continue
        try:
            json.loads(value)
        except ValueError as exc:
            flag = "--" + name.replace("_", "-")
            raise ProtocolError(f"{flag} is not JSON: {exc}.") from exc
        pairs.append((name.replace("_", "-"), value))
    return tuple(pairs)
