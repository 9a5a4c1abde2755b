"""Reading ``config.yaml``: ruamel.yaml for the text (it knows each key's line), a
pydantic-settings model for the values.

A mistake never stops the app: each one becomes a sentence naming the file, the line and
the key, that key keeps its default, and the rest of the file is used.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError
from pydantic_settings import BaseSettings, PydanticBaseSettingsSource, SettingsConfigDict
from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap
from ruamel.yaml.error import MarkedYAMLError, YAMLError

from sockscope.core.config.user import UserConfig

Seconds = Annotated[float, Field(ge=0, allow_inf_nan=False)]
PositiveSeconds = Annotated[float, Field(gt=0, allow_inf_nan=False)]
Positive = Annotated[int, Field(gt=0)]
Name = Annotated[str, Field(min_length=1)]


class ConnectionDefaults(BaseModel):
    """The ``connection:`` section: a saved connection file's option names."""

    model_config = ConfigDict(extra="forbid")

    ping: Seconds | None = None
    open_timeout: PositiveSeconds | None = None
    max_size: Positive | None = None
    compression: bool | None = None
    reconnect: bool | None = None
    insecure: bool | None = None
    user_agent: str | None = None
    origin: str | None = None
    proxy: str | None = None
    no_proxy: bool | None = None
    ca: str | None = None
    protocol: Name | None = None


class ConfigFile(BaseSettings):
    """The whole file. Its values come from the YAML only (as the constructor's arguments):
    the environment is the command line's business (``--max-frames`` and the rest)."""

    model_config = SettingsConfigDict(extra="forbid")

    theme: Name | None = None
    max_frames: Positive | None = None
    journal_dir: Path | None = None
    connection: ConnectionDefaults = ConnectionDefaults()
    keymap: dict[Name, Name] = {}

    @classmethod
    def settings_customise_sources(
        cls,
        settings_cls: type[BaseSettings],
        init_settings: PydanticBaseSettingsSource,
        env_settings: PydanticBaseSettingsSource,
        dotenv_settings: PydanticBaseSettingsSource,
        file_secret_settings: PydanticBaseSettingsSource,
    ) -> tuple[PydanticBaseSettingsSource, ...]:
        return (init_settings,)


def _line(document: Any, loc: tuple[int | str, ...]) -> int | None:
    """The line (from 1) of the deepest key of ``loc`` that the document has."""
    line = None
    node = document
    for part in loc:
        if not isinstance(node, CommentedMap) or part not in node:
            break
        line = node.lc.key(part)[0] + 1
        node = node[part]
    return line


def _drop(document: Any, loc: tuple[int | str, ...]) -> bool:
    """Remove the deepest key of ``loc`` that the document has; False when there is none."""
    node, parent, key = document, None, None
    for part in loc:
        if not isinstance(node, CommentedMap) or part not in node:
            break
        parent, key, node = node, part, node[part]
    if parent is None:
        return False
    del parent[key]
    return True


def _sentence(path: Path, document: Any, error: Any) -> str:
    loc = tuple(error["loc"])
    key = ".".join(str(part) for part in loc)
    line = _line(document, loc)
    where = f"{path}, line {line}" if line else str(path)
    if error["type"] == "extra_forbidden":
        fields = ConfigFile.model_fields if len(loc) == 1 else ConnectionDefaults.model_fields
        return f"{where}: unknown key {key!r} (known: {', '.join(fields)}); it is ignored."
    message = str(error["msg"])
    return f"{where}: {key}: {message[:1].lower()}{message[1:]}; the default is used instead."


def read_config(path: Path) -> UserConfig:
    """The settings of the file at ``path`` (which exists); see the module's docstring."""
    try:
        document = YAML(typ="rt").load(path.read_text(encoding="utf-8"))
    except MarkedYAMLError as exc:
        line = f", line {exc.problem_mark.line + 1}" if exc.problem_mark else ""
        return _defaults(path, f"{path}{line}: not valid YAML ({exc.problem}); using the defaults.")
    except (YAMLError, OSError, UnicodeDecodeError) as exc:
        why = getattr(exc, "strerror", None) or exc
        return _defaults(path, f"{path}: cannot be read ({why}); using the defaults.")
    if document is None:
        document = CommentedMap()
    if not isinstance(document, CommentedMap):
        return _defaults(path, f"{path}: not a map of keys (theme, keymap…); using the defaults.")
    problems: list[str] = []
    while True:
        try:
            model = ConfigFile(**document)
            break
        except ValidationError as exc:
            errors = exc.errors()
            problems += [_sentence(path, document, error) for error in errors]
            if not any([_drop(document, tuple(error["loc"])) for error in errors]):
                return _defaults(path, *problems)
    return UserConfig(
        theme=model.theme,
        max_frames=model.max_frames,
        journal_dir=model.journal_dir.expanduser() if model.journal_dir else None,
        connection=tuple(model.connection.model_dump(exclude_none=True).items()),
        keymap=tuple(model.keymap.items()),
        path=path,
        problems=tuple(dict.fromkeys(problems)),
    )


def _defaults(path: Path, *problems: str) -> UserConfig:
    return UserConfig(path=path, problems=problems)
