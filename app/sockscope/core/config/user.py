"""The user's settings as the app uses them, and where the file is.

Reading the file needs pydantic-settings (``model.py``), whose import costs ~0.2 s: it is
imported only when a ``config.yaml`` exists, so a launch without one pays nothing.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, NamedTuple

from platformdirs import user_config_path

#: The saved connection files' ``options`` keys (docs/collections.md) that a config may
#: give a default for, with the command line's parameter each one sets.
CONNECTION_KEYS = {
    "ping": "ping_interval",
    "open_timeout": "open_timeout",
    "max_size": "max_size",
    "compression": "no_compression",  # the flag says the opposite
    "reconnect": "reconnect",
    "insecure": "insecure",
    "user_agent": "user_agent",
    "origin": "origin",
    "proxy": "proxy",
    "no_proxy": "no_proxy",
    "ca": "ca_file",
    "protocol": "protocol",
}


class UserConfig(NamedTuple):
    """What ``config.yaml`` says; every field unset (None or empty) means the default."""

    theme: str | None = None
    """A Textual theme's name (``textual-dark``, ``nord``…)."""
    max_frames: int | None = None
    """``--max-frames`` when the command line gives none."""
    journal_dir: Path | None = None
    """Where session journals go instead of the state directory's ``sessions``."""
    connection: tuple[tuple[str, Any], ...] = ()
    """Defaults for connection options, ``(key, value)`` with keys of :data:`CONNECTION_KEYS`."""
    keymap: tuple[tuple[str, str], ...] = ()
    """``(binding id, keys)``: rebinds an action (``ping: f12``, ``inspector.copy: y``)."""
    path: Path | None = None
    """The file these came from (None: there was none)."""
    problems: tuple[str, ...] = ()
    """One sentence per mistake in the file, each naming the file and the key; what was
    wrong is left at its default, the rest is used."""

    def command_defaults(self) -> dict[str, Any]:
        """The command line's defaults these settings change, by click parameter name."""
        defaults: dict[str, Any] = {}
        for key, value in self.connection:
            name = CONNECTION_KEYS[key]
            defaults[name] = (not value) if key == "compression" else value
        if self.max_frames is not None:
            defaults["max_frames"] = self.max_frames
        return defaults


def config_path() -> Path:
    """``config.yaml`` in the platform's user config directory (``$XDG_CONFIG_HOME``)."""
    return user_config_path("sockscope", appauthor=False) / "config.yaml"


def load_user_config(path: Path | None = None) -> UserConfig:
    """The settings of ``path`` (default :func:`config_path`); none when there is no file.

    Never raises: a file that cannot be read or parsed gives the defaults and one problem.
    """
    path = path or config_path()
    if not path.is_file():
        return UserConfig(path=None)
    from sockscope.core.config.model import read_config

    return read_config(path)
