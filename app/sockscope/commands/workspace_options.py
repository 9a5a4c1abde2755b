"""Saved connections and ``--env`` files on the command line.

A path to a ``NAME.sockscope.yaml`` works wherever a URL does: the file's settings are the
base, and what the command line gives explicitly goes over them (``-H``, ``-s`` and
``--on-open`` add to the file's). ``{{NAME}}`` is then resolved everywhere a user writes
text (``core/workspace/variables.py``), and the env files' values are redacted from what
is saved, as credentials are.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import click

from sockscope.core.formats.redact import redact_values
from sockscope.core.settings import ConnectionSettings, normalize_url
from sockscope.core.workspace.saved import SavedConnection, is_saved_connection, resolve_settings
from sockscope.core.workspace.variables import Scope, read_env_files, resolve

#: A settings field and the options that set it, for putting given options over a file's.
_FIELDS = {
    "origin": ("origin",), "user_agent": ("user_agent",), "insecure": ("insecure",),
    "ca_file": ("ca_file",), "cert_file": ("cert_file",), "key_file": ("key_file",),
    "proxy": ("proxy",), "no_proxy": ("no_proxy",), "compression": ("no_compression",),
    "ping_interval": ("ping_interval",), "open_timeout": ("open_timeout",),
    "max_size": ("max_size",), "reconnect": ("reconnect",), "protocol": ("protocol",),
}  # fmt: skip
_ADDED = ("headers", "subprotocols", "on_open", "protocol_options")


def uses_workspace(url: str | None, options: dict[str, Any]) -> bool:
    """Whether saved connections or variables are in play (else nothing here is loaded)."""
    texts = [url or "", *options.get("headers", ()), *options.get("on_open", ())]
    return (
        is_saved_connection(url)
        or bool(options.get("env_files"))
        or any("{{" in text for text in texts)
    )


def _given(name: str) -> bool:
    """Whether the option was typed (not its default)."""
    ctx = click.get_current_context(silent=True)
    source = ctx.get_parameter_source(name) if ctx is not None else None
    return source in (
        click.core.ParameterSource.COMMANDLINE,
        click.core.ParameterSource.ENVIRONMENT,
    )


def _over(saved: ConnectionSettings, flags: ConnectionSettings) -> ConnectionSettings:
    """The saved settings with the options typed on the command line put over them."""
    changes: dict[str, Any] = {
        field: getattr(flags, field)
        for field, names in _FIELDS.items()
        if any(_given(name) for name in names)
    }
    for field in _ADDED:
        changes[field] = (*getattr(saved, field), *getattr(flags, field))
    return saved._replace(**changes)


def workspace_scope(
    url: str | None, options: dict[str, Any]
) -> tuple[Scope, SavedConnection | None]:
    """The variables a command's texts resolve in, and the saved connection if ``url`` is one.

    Raises ``SettingsError`` (an unreadable env file, a bad saved file): one sentence.
    """
    env = read_env_files(Path(path) for path in options.get("env_files") or ())
    redact_values(env.values())
    if not is_saved_connection(url):
        return Scope(env), None
    from sockscope.core.workspace.parse import read_saved  # YAML only when a file is named

    saved = read_saved(Path(str(url)))
    return saved.scope(env), saved


def apply_workspace(
    url: str | None, flags: ConnectionSettings, options: dict[str, Any]
) -> tuple[ConnectionSettings, str | None]:
    """The settings to connect with, and a notice about the URL (http became ws…)."""
    scope, saved = workspace_scope(url, options)
    settings = flags if saved is None else saved.with_rules(_over(saved.settings, flags))
    settings = resolve_settings(settings, scope, saved.folder if saved else None)
    if saved is not None:
        from sockscope.core.protocols.registry import check_name

        settings = settings._replace(protocol=check_name(settings.protocol))
    if not settings.url:
        return settings, None
    normalized = normalize_url(settings.url)
    return settings.with_url(normalized.url), normalized.notice


def variable_resolver(url: str | None, options: dict[str, Any]) -> Callable[[str], str]:
    """What fills ``{{NAME}}`` in reply rules and timers at each send (the rules' hook).

    Raises ``SettingsError`` (an unreadable env file, a bad saved file): one sentence.
    """
    scope = workspace_scope(url, options)[0] if uses_workspace(url, options) else Scope()
    return lambda text: resolve(text, scope)


def resolve_messages(
    messages: tuple[str, ...], url: str | None, options: dict[str, Any]
) -> tuple[str, ...]:
    """Messages typed on the command line (``--send``), their ``{{NAME}}`` resolved."""
    if not uses_workspace(url, options) and not any("{{" in m for m in messages):
        return messages
    scope, _ = workspace_scope(url, options)
    return tuple(resolve(message, scope) for message in messages)


def tui_workspace(url: str | None, options: dict[str, Any]) -> dict[str, Any]:
    """What the TUI keeps of the workspace: the env values, the collection, the saved file.

    Raises ``SettingsError`` (an unreadable env file, a bad saved file): one sentence.
    """
    collection = options.get("collection")
    if not uses_workspace(url, options) and collection is None:
        return {}
    scope, saved = workspace_scope(url, options)
    return {"env": tuple(scope.env.items()), "collection": collection, "saved": saved}
