"""A saved connection: one ``NAME.sockscope.yaml`` file, as data.

The settings are kept as written, ``{{VARIABLES}}`` and all: :meth:`SavedConnection.resolved`
makes the settings to connect with, and the file can be written back (``write.py``) without
an env file's values landing in it. Saved messages, reply rules and timers are plain tuples
for the parts that run them (the composer, the rules engine); they are resolved at each use,
so ``{{$timestamp}}`` in a timer's message is new at each send.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import NamedTuple

from sockscope.core.settings import ConnectionSettings
from sockscope.core.workspace.variables import Scope, resolve

#: What a saved connection's file name ends with.
SUFFIXES = (".sockscope.yaml", ".sockscope.yml")


class SavedMessage(NamedTuple):
    """A message kept by name, sent in a composer mode (text, json, binary, hex…)."""

    name: str
    body: str
    mode: str = "text"


class ReplyRule(NamedTuple):
    """When a received message matches ``match``, send ``reply`` (run by the rules engine)."""

    match: str
    reply: str


class Timer(NamedTuple):
    """Send ``message`` every ``seconds`` while the connection is open."""

    seconds: float
    message: str


class SavedConnection(NamedTuple):
    name: str
    settings: ConnectionSettings
    """As written in the file: variables unresolved, paths as given."""
    variables: tuple[tuple[str, str], ...] = ()
    messages: tuple[SavedMessage, ...] = ()
    replies: tuple[ReplyRule, ...] = ()
    every: tuple[Timer, ...] = ()
    path: Path | None = None

    def scope(self, env: Mapping[str, str] | None = None) -> Scope:
        """Where this connection's ``{{NAME}}`` come from: ``env`` first, then its variables."""
        return Scope(env or {}, dict(self.variables))

    def resolved(self, env: Mapping[str, str] | None = None) -> ConnectionSettings:
        """The settings to connect with; raises ``VariableError`` naming an unknown variable.

        Relative TLS file paths are taken from the file's folder, so a collection can be
        committed with its certificates beside it.
        """
        return resolve_settings(self.settings, self.scope(env), self.folder)

    def with_rules(self, settings: ConnectionSettings) -> ConnectionSettings:
        """``settings`` with this connection's reply rules and timers first (the rules
        engine reads them from the settings; their ``{{NAME}}`` resolve at each send)."""
        return settings._replace(
            replies=(*((r.match, r.reply) for r in self.replies), *settings.replies),
            every=(*((t.seconds, t.message) for t in self.every), *settings.every),
        )

    @property
    def folder(self) -> Path | None:
        return self.path.parent if self.path is not None else None


def resolve_settings(
    settings: ConnectionSettings, scope: Scope, folder: Path | None = None
) -> ConnectionSettings:
    """Every text of ``settings`` a user may write a ``{{NAME}}`` in, resolved."""

    def text(value: str | None) -> str | None:
        return None if value is None else resolve(value, scope)

    def path(value: str | None) -> str | None:
        value = text(value)
        if value and folder is not None and not Path(value).expanduser().is_absolute():
            return str(folder / value)
        return value

    return settings._replace(
        url=resolve(settings.url, scope),
        headers=tuple((resolve(n, scope), resolve(v, scope)) for n, v in settings.headers),
        subprotocols=tuple(resolve(p, scope) for p in settings.subprotocols),
        origin=text(settings.origin),
        user_agent=text(settings.user_agent),
        ca_file=path(settings.ca_file),
        cert_file=path(settings.cert_file),
        key_file=path(settings.key_file),
        proxy=text(settings.proxy),
        on_open=tuple(resolve(m, scope) for m in settings.on_open),
        protocol_options=tuple((n, resolve(v, scope)) for n, v in settings.protocol_options),
    )


def is_saved_connection(target: str | Path | None) -> bool:
    """Whether a command's URL argument names a saved connection file."""
    return target is not None and str(target).lower().endswith(SUFFIXES)


def default_name(path: Path) -> str:
    """``chat.sockscope.yaml`` -> ``chat``."""
    lowered = path.name.lower()
    for suffix in SUFFIXES:
        if lowered.endswith(suffix):
            return path.name[: -len(suffix)]
    return path.stem
