"""``{{NAME}}`` variables: values from env files, then a saved connection's, and dynamic ones.

A scope answers a name the way Postman's does: the ``--env`` files first (later files
win), then the saved connection's ``variables``; ``{{$guid}}``, ``{{$timestamp}}``,
``{{$isoTimestamp}}`` and ``{{$randomInt}}`` are made afresh at each use. An unknown
name is a :class:`VariableError` naming it. ``{{$.path}}`` (a reply rule's reference to
the matched message) is not a variable and is left as it is.
"""

from __future__ import annotations

import random
import re
import time
import uuid
from collections.abc import Callable, Iterable, Mapping
from datetime import UTC, datetime
from io import StringIO
from pathlib import Path
from typing import NamedTuple

from sockscope.core.settings import ConnectionSettings, SettingsError

#: ``{{ NAME }}`` or ``{{$dynamic}}``; spaces inside the braces are allowed.
REFERENCE = re.compile(r"\{\{\s*(\$?[A-Za-z_][A-Za-z0-9_.-]*)\s*\}\}")


class VariableError(SettingsError):
    """An unknown variable or an unreadable env file: one sentence for the user."""


def _iso_now() -> str:
    return datetime.now(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


DYNAMIC: Mapping[str, Callable[[], str]] = {
    "$guid": lambda: str(uuid.uuid4()),
    "$timestamp": lambda: str(int(time.time())),
    "$isoTimestamp": _iso_now,
    "$randomInt": lambda: str(random.randint(0, 1000)),  # Postman's range
}


class Scope(NamedTuple):
    """Where variables come from: env files' values win over the saved connection's."""

    env: Mapping[str, str] = {}
    variables: Mapping[str, str] = {}

    def value(self, name: str) -> str:
        if name in self.env:
            return self.env[name]
        if name in self.variables:
            return self.variables[name]
        if name in DYNAMIC:
            return DYNAMIC[name]()
        if name.startswith("$"):
            known = ", ".join("{{" + key + "}}" for key in DYNAMIC)
            raise VariableError(f"Unknown dynamic variable {{{{{name}}}}} (known: {known}).")
        raise VariableError(
            f"Unknown variable {{{{{name}}}}}: define {name} in an --env file"
            " or in the saved connection's variables."
        )

    def with_variables(self, variables: Mapping[str, str]) -> Scope:
        return self._replace(variables=variables)


def resolve(text: str, scope: Scope) -> str:
    """``text`` with every ``{{NAME}}`` replaced; raises :class:`VariableError`."""
    if "{{" not in text:
        return text
    return REFERENCE.sub(lambda match: scope.value(match.group(1)), text)


def names_in(text: str) -> list[str]:
    """The variable names ``text`` refers to, in order (dynamic ones with their ``$``)."""
    return REFERENCE.findall(text)


#: Env values shorter than this are not taken for secrets when put back as ``{{NAME}}``.
SHORTEST_SECRET = 4


def unresolve(text: str, values: Mapping[str, str], *, shortest: int = 1) -> str:
    """``text`` with each occurrence of a value put back as ``{{NAME}}``.

    Longer values first, so a value that holds another is taken whole. Values shorter
    than ``shortest`` are left alone (a ``1`` would turn every digit into a reference).
    """
    ordered = sorted(
        ((name, value) for name, value in values.items() if len(value) >= max(1, shortest)),
        key=lambda pair: len(pair[1]),
        reverse=True,
    )
    if not ordered:
        return text
    pattern = re.compile("|".join(re.escape(value) for _, value in ordered))
    by_value = {value: name for name, value in reversed(ordered)}
    return pattern.sub(lambda match: "{{" + by_value[match.group(0)] + "}}", text)


def read_env_files(paths: Iterable[Path]) -> dict[str, str]:
    """The variables of dotenv files, later files winning; a bad file is a :class:`VariableError`.

    A name without a value (``NAME`` alone on a line) defines nothing. Values are taken as
    written: no ``${NAME}`` expansion, which would read the process environment.
    """
    from dotenv import dotenv_values  # only commands given --env pay for it

    values: dict[str, str] = {}
    for path in paths:
        try:
            text = Path(path).read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as exc:
            reason = exc.strerror if isinstance(exc, OSError) else "it is not UTF-8 text"
            raise VariableError(f"Cannot read the env file {str(path)!r}: {reason}.") from None
        parsed = dotenv_values(stream=StringIO(text), interpolate=False)
        values.update({name: value for name, value in parsed.items() if value is not None})
    return values


def without_env_values(settings: ConnectionSettings, env: Mapping[str, str]) -> ConnectionSettings:
    """``settings`` with every ``--env`` value put back as ``{{NAME}}`` (an export of the
    connection never carries one: it is a secret the user kept in a file)."""
    if not env:
        return settings

    def back(text: str) -> str:
        return unresolve(text, env, shortest=SHORTEST_SECRET)

    return settings._replace(
        url=back(settings.url),
        headers=tuple((name, back(value)) for name, value in settings.headers),
        subprotocols=tuple(back(value) for value in settings.subprotocols),
        origin=None if settings.origin is None else back(settings.origin),
        on_open=tuple(back(value) for value in settings.on_open),
    )
