"""The live session's saved connections: ``--env`` values, the collection, the one open.

What the sidebar, the composer and the rules engine share: the ``{{NAME}}`` values (the
env files first, then the open saved connection's ``variables``), opening a saved
connection as settings to connect with, and writing the panel's settings back into the
collection (``core/workspace/write.py``: env values are put back as ``{{NAME}}``, never
written). The YAML side is imported only when a file is read or written.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from pathlib import Path
from typing import TYPE_CHECKING

from sockscope.core.settings import ConnectionSettings, SettingsError

if TYPE_CHECKING:
    from sockscope.core.workspace.collection import Collection
    from sockscope.core.workspace.saved import SavedConnection

SUFFIX = ".sockscope.yaml"


def file_name(name: str) -> str:
    """The file a connection called ``name`` is saved as: ``Chat, staging`` -> ``Chat-staging``."""
    stem = re.sub(r"[^A-Za-z0-9._-]+", "-", name).strip("-.")
    if not stem:
        raise SettingsError("A saved connection's name needs a letter or a digit.")
    return stem + SUFFIX


class Workspace:
    """The env values, the collection folder (if any) and the saved connection open now."""

    def __init__(
        self,
        env: Mapping[str, str] | None = None,
        collection: Path | None = None,
        saved: SavedConnection | None = None,
    ) -> None:
        self.env = dict(env or {})
        self.collection = collection
        self.saved = saved
        """The saved connection open now (chosen in the sidebar, or named at launch)."""

    def resolve(self, text: str) -> str:
        """``text`` with its ``{{NAME}}`` filled; raises ``VariableError`` naming an unknown one."""
        if "{{" not in text:
            return text
        from sockscope.core.workspace.variables import Scope, resolve

        variables = dict(self.saved.variables) if self.saved is not None else {}
        return resolve(text, Scope(self.env, variables))

    def load(self) -> Collection:
        """The collection as it is on disk now (bad files kept with their sentence)."""
        from sockscope.core.workspace.collection import load_collection

        assert self.collection is not None
        return load_collection(self.collection)

    def open(self, saved: SavedConnection) -> ConnectionSettings:
        """The settings to connect ``saved`` with (its rules in them); it is the open one now.

        Raises ``SettingsError``: an unknown variable, a bad value, protocol or rule.
        """
        from sockscope.core.protocols.base import ProtocolError
        from sockscope.core.protocols.registry import check_name
        from sockscope.core.rules.rule_set import RuleSet

        settings = saved.with_rules(saved.resolved(self.env))
        try:
            settings = settings._replace(protocol=check_name(settings.protocol))
        except ProtocolError as exc:
            raise SettingsError(f"{saved.name}: {exc}") from None
        RuleSet.from_pairs(settings.replies, settings.every)
        settings = settings.validated()
        self.saved = saved
        return settings

    def save_over(self, settings: ConnectionSettings) -> Path:
        """Write ``settings`` over the open saved connection's file; raises ``SettingsError``."""
        saved = self.saved
        if saved is None or saved.path is None:
            raise SettingsError("No saved connection is open: save this one as a new one.")
        return self._write(saved.path, saved.name, settings, saved)

    def save_new(self, name: str, settings: ConnectionSettings) -> Path:
        """Write ``settings`` as a new file in the collection; raises ``SettingsError``.

        Saved from an open saved connection, the new file keeps its messages, rules and
        variables; else the rules the session runs (``--reply``, ``--every``) are kept.
        """
        from sockscope.core.workspace.saved import ReplyRule, SavedConnection, Timer

        folder = self.collection or (self.saved.folder if self.saved else None) or Path.cwd()
        path = folder / file_name(name.strip())
        if path.exists():
            raise SettingsError(f"{path} already exists: choose another name.")
        template = self.saved._replace(name=name, path=None) if self.saved else None
        if template is None:
            template = SavedConnection(
                name,
                settings._replace(replies=(), every=()),
                replies=tuple(ReplyRule(*pair) for pair in settings.replies),
                every=tuple(Timer(*pair) for pair in settings.every),
            )
        return self._write(path, name.strip(), settings, template)

    def _write(
        self, path: Path, name: str, settings: ConnectionSettings, template: SavedConnection
    ) -> Path:
        from sockscope.core.workspace.parse import read_saved
        from sockscope.core.workspace.write import save_connection

        try:
            save_connection(path, name, settings, template=template, env=self.env)
        except OSError as exc:
            raise SettingsError(f"Cannot write {str(path)!r}: {exc.strerror or exc}.") from None
        self.saved = read_saved(path)
        return path
