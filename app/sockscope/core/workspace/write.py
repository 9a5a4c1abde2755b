"""Writing settings as a saved connection file, new or over an existing one.

What was a ``{{VARIABLE}}`` in the file it came from stays one while its value is unchanged,
and any value an env file gave is put back as ``{{NAME}}`` wherever it appears: env files
hold what must not be committed, so their values never reach a saved file. A secret
header's value that is one of the connection's own variables is written as a reference too.
Over an existing file, its comments, key order and the keys settings do not carry
(``messages``, ``replies``, ``every``, ``variables``) are kept.
"""

from __future__ import annotations

import io
import re
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap
from ruamel.yaml.error import YAMLError

from sockscope.core.settings import SECRET_HEADERS, ConnectionSettings
from sockscope.core.workspace.saved import SavedConnection
from sockscope.core.workspace.variables import (
    DYNAMIC,
    REFERENCE,
    SHORTEST_SECRET,
    Scope,
    unresolve,
)

#: Env values shorter than this are not put back as references: ``1`` would be everywhere.
#: The keys settings fill; the others of an existing file are left as they are.
CONNECTION_KEYS = ("name", "url", "headers", "subprotocols", "origin", "protocol", "options",
                   "on_open")  # fmt: skip


def _template_pattern(template: str, scope: Scope) -> re.Pattern[str] | None:
    """A pattern matching what ``template`` resolves to (any value for a dynamic variable)."""
    parts: list[str] = []
    end = 0
    for match in REFERENCE.finditer(template):
        parts.append(re.escape(template[end : match.start()]))
        name = match.group(1)
        if name in scope.env or name in scope.variables:
            parts.append(re.escape(scope.value(name)))
        elif name in DYNAMIC:
            parts.append(".*?")
        else:
            return None
        end = match.end()
    parts.append(re.escape(template[end:]))
    return re.compile("".join(parts), re.DOTALL)


class _Writer:
    def __init__(self, template: SavedConnection | None, env: Mapping[str, str]) -> None:
        self.template = template
        self.scope = template.scope(env) if template else Scope(env)

    def text(self, value: str, was: str | None, *, secret: bool = False) -> str:
        """``value`` as the file should hold it."""
        if was is not None:
            pattern = _template_pattern(was, self.scope)
            if pattern is not None and pattern.fullmatch(value):
                value = was
        values = dict(self.scope.variables) if secret else {}
        values.update(self.scope.env)
        # Even in text as the file had it: an env value typed out in full is still a secret.
        return unresolve(value, values, shortest=SHORTEST_SECRET)

    def optional(self, value: str | None, was: str | None) -> str | None:
        return None if value is None else self.text(value, was)

    def headers(self, headers: tuple[tuple[str, str], ...]) -> dict[str, str]:
        old = list(self.template.settings.headers) if self.template else []
        written: dict[str, str] = {}
        for name, value in headers:
            was = next((pair for pair in old if pair[0].lower() == name.lower()), None)
            if was is not None:
                old.remove(was)
            secret = name.lower() in SECRET_HEADERS
            written[name] = self.text(value, was[1] if was else None, secret=secret)
        return written

    def texts(self, values: tuple[str, ...], was: tuple[str, ...]) -> list[str]:
        return [self.text(v, was[i] if i < len(was) else None) for i, v in enumerate(values)]


def connection_data(
    name: str,
    settings: ConnectionSettings,
    *,
    template: SavedConnection | None = None,
    env: Mapping[str, str] | None = None,
) -> dict[str, Any]:
    """The file's keys for ``settings`` (only what differs from the defaults), in file order."""
    writer = _Writer(template, env or {})
    was = template.settings if template else ConnectionSettings()
    base = ConnectionSettings()
    data: dict[str, Any] = {"name": name, "url": writer.text(settings.url, was.url)}
    if settings.headers:
        data["headers"] = writer.headers(settings.headers)
    if settings.subprotocols:
        data["subprotocols"] = writer.texts(settings.subprotocols, was.subprotocols)
    if settings.origin:
        data["origin"] = writer.text(settings.origin, was.origin)
    if settings.protocol != base.protocol:
        data["protocol"] = settings.protocol
    options: dict[str, Any] = {}
    for key, value, old, default in (
        ("user_agent", settings.user_agent, was.user_agent, None),
        ("ca", settings.ca_file, was.ca_file, None),
        ("cert", settings.cert_file, was.cert_file, None),
        ("key", settings.key_file, was.key_file, None),
        ("proxy", settings.proxy, was.proxy, None),
    ):
        if value != default:
            options[key] = writer.optional(value, old)
    for key, flag, default_flag in (
        ("insecure", settings.insecure, base.insecure),
        ("no_proxy", settings.no_proxy, base.no_proxy),
        ("compression", settings.compression, base.compression),
        ("reconnect", settings.reconnect, base.reconnect),
    ):
        if flag != default_flag:
            options[key] = flag
    if settings.ping_interval != base.ping_interval:
        options["ping"] = settings.ping_interval or 0
    if settings.open_timeout != base.open_timeout:
        options["open_timeout"] = settings.open_timeout
    if settings.max_size != base.max_size:
        options["max_size"] = settings.max_size
    if settings.protocol_options:
        old_options = dict(was.protocol_options)
        options["protocol_options"] = {
            n: writer.text(v, old_options.get(n)) for n, v in settings.protocol_options
        }
    if options:
        data["options"] = options
    if settings.on_open:
        data["on_open"] = writer.texts(settings.on_open, was.on_open)
    return data


def _extras(template: SavedConnection) -> dict[str, Any]:
    """A template's keys that settings do not carry, as the file writes them."""
    extras: dict[str, Any] = {}
    if template.messages:
        extras["messages"] = [m._asdict() for m in template.messages]
    if template.replies:
        extras["replies"] = [r._asdict() for r in template.replies]
    if template.every:
        extras["every"] = [t._asdict() for t in template.every]
    if template.variables:
        extras["variables"] = dict(template.variables)
    return extras


def connection_yaml(
    name: str,
    settings: ConnectionSettings,
    *,
    template: SavedConnection | None = None,
    env: Mapping[str, str] | None = None,
    over: str | None = None,
) -> str:
    """The text of a saved connection file; ``over``: the existing file's text, kept around it."""
    data = connection_data(name, settings, template=template, env=env)
    yaml = YAML(typ="rt")
    yaml.default_flow_style = False
    yaml.indent(mapping=2, sequence=4, offset=2)
    document: Any = None
    if over is not None:
        try:
            document = yaml.load(over)
        except YAMLError:
            document = None  # a broken file is replaced whole
    if isinstance(document, CommentedMap):
        for key in CONNECTION_KEYS:
            if key in data and key not in document:
                # Where the key belongs: after the connection keys the file already has.
                place = sum(
                    1 for k in CONNECTION_KEYS[: CONNECTION_KEYS.index(key)] if k in document
                )
                document.insert(min(place, len(document)), key, data[key])
            elif key in data:
                document[key] = data[key]
            elif key in document:
                del document[key]
    else:
        document = {**data, **(_extras(template) if template else {})}
    out = io.StringIO()
    yaml.dump(document, out)
    return out.getvalue()


def save_connection(
    path: Path,
    name: str,
    settings: ConnectionSettings,
    *,
    template: SavedConnection | None = None,
    env: Mapping[str, str] | None = None,
) -> None:
    """Write ``settings`` to ``path``, over the file there if any (see :func:`connection_yaml`).

    Raises ``OSError`` when the file cannot be written.
    """
    over = path.read_text(encoding="utf-8") if path.exists() else None
    text = connection_yaml(name, settings, template=template, env=env, over=over)
    path.write_text(text, encoding="utf-8")
