"""The current connection as a command line: ``sockscope``, ``websocat`` or ``wscat``.

Each word is shell-quoted (``shlex.quote``), so the line can be pasted into a POSIX shell
as it is. What the other tool has no option for is listed in :attr:`Exported.left_out`
rather than dropped without a word. Secret header values are written as they are: this
is what the user asked to copy, and redacting them would make a command that fails.
"""

from __future__ import annotations

import shlex
from typing import NamedTuple

from sockscope.core.settings import ConnectionSettings


class Exported(NamedTuple):
    command: str
    left_out: tuple[str, ...] = ()
    """What the command cannot say, one short phrase each (``--ca``, ``on-open messages``)."""


def as_sockscope_command(settings: ConnectionSettings) -> Exported:
    """``sockscope URL -H … --origin …``: only what differs from the defaults."""
    base = ConnectionSettings()
    words = ["sockscope", settings.url]
    words += [w for name, value in settings.headers for w in ("-H", f"{name}: {value}")]
    words += [w for protocol in settings.subprotocols for w in ("-s", protocol)]
    for flag, value in (
        ("--origin", settings.origin),
        ("--user-agent", settings.user_agent),
        ("--ca", settings.ca_file),
        ("--cert", settings.cert_file),
        ("--key", settings.key_file),
        ("--proxy", settings.proxy),
    ):
        if value is not None:
            words += [flag, value]
    for flag, on in (
        ("-k", settings.insecure),
        ("--no-proxy", settings.no_proxy),
        ("--no-compression", not settings.compression),
        ("--reconnect", settings.reconnect),
    ):
        if on:
            words.append(flag)
    if settings.ping_interval != base.ping_interval:
        words += ["--ping-interval", f"{settings.ping_interval or 0:g}"]
    if settings.open_timeout != base.open_timeout:
        words += ["--open-timeout", f"{settings.open_timeout:g}"]
    left_out: list[str] = []
    if settings.max_size is None:
        left_out.append("no message size limit")
    elif settings.max_size != base.max_size:
        words += ["--max-size", str(settings.max_size)]
    if settings.protocol != base.protocol:
        words += ["--protocol", settings.protocol]
    words += [
        w
        for name, value in settings.protocol_options
        for w in ("--protocol-option", f"{name}={value}")
    ]
    words += [w for message in settings.on_open for w in ("--on-open", message)]
    return Exported(shlex.join(words), tuple(left_out))


def _common_left_out(settings: ConnectionSettings) -> list[str]:
    left_out = []
    if settings.on_open:
        left_out.append("on-open messages")
    if settings.protocol not in ("auto", "raw"):
        left_out.append(f"the {settings.protocol} protocol layer")
    if settings.reconnect:
        left_out.append("reconnect")
    if not settings.compression:
        left_out.append("no compression")
    return left_out


def as_websocat_command(settings: ConnectionSettings) -> Exported:
    """``websocat -H 'Name: value' --origin … --protocol … URL`` (websocat 1.x options)."""
    words = ["websocat"]
    words += [w for name, value in settings.headers for w in ("-H", f"{name}: {value}")]
    if settings.origin is not None:
        words += ["--origin", settings.origin]
    if settings.subprotocols:
        words += ["--protocol", ", ".join(settings.subprotocols)]
    if settings.user_agent is not None:
        words += ["--ua", settings.user_agent]
    if settings.insecure:
        words.append("-k")
    left_out = _common_left_out(settings)
    for what, value in (
        ("--ca", settings.ca_file),
        ("--cert", settings.cert_file),
        ("--key", settings.key_file),
        ("--proxy", settings.proxy),
    ):
        if value is not None:
            left_out.append(what)
    words.append(settings.url)
    return Exported(shlex.join(words), tuple(left_out))


def as_wscat_command(settings: ConnectionSettings) -> Exported:
    """``wscat -c URL -H 'Name: value' -o … -s …`` (wscat 5+ options)."""
    words = ["wscat", "-c", settings.url]
    words += [w for name, value in settings.headers for w in ("-H", f"{name}: {value}")]
    if settings.user_agent is not None:
        words += ["-H", f"User-Agent: {settings.user_agent}"]
    if settings.origin is not None:
        words += ["-o", settings.origin]
    words += [w for protocol in settings.subprotocols for w in ("-s", protocol)]
    if settings.insecure:
        words.append("-n")
    for flag, value in (
        ("--ca", settings.ca_file),
        ("--cert", settings.cert_file),
        ("--key", settings.key_file),
        ("--proxy", settings.proxy),
    ):
        if value is not None:
            words += [flag, value]
    return Exported(shlex.join(words), tuple(_common_left_out(settings)))
