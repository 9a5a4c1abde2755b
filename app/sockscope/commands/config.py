"""``sockscope config``: where the settings file is, and what it sets (docs/config.md)."""

from __future__ import annotations

import click

from sockscope.core.config.user import UserConfig, config_path, load_user_config
from sockscope.core.text.display import safe_line

#: The commands that connect: config.yaml's defaults apply to them (docs/config.md).
CONFIGURED = ("open", "demo", "curl", "record", "replay")
#: ``ctx.meta`` key: the user's settings, read for a configured command.
_CONFIG = "sockscope.user_config"


def read_user_config(ctx: click.Context, *, headless: bool) -> None:
    """config.yaml's defaults become the command's (its own options still win).

    The TUI shows the file's mistakes in the app; a ``headless`` command prints them.
    """
    config = load_user_config()
    ctx.meta[_CONFIG] = config
    defaults = config.command_defaults()
    if defaults:
        ctx.default_map = dict.fromkeys(CONFIGURED, defaults)
    if headless:
        for problem in config.problems:
            click.echo(f"sockscope: {safe_line(problem)}", err=True)


def current_user_config() -> UserConfig:
    """The settings :func:`read_user_config` read for the command running (none: defaults)."""
    context = click.get_current_context(silent=True)
    return context.meta.get(_CONFIG, UserConfig()) if context else UserConfig()


@click.command("config")
@click.option("--path", "show_path", is_flag=True, help="Print where config.yaml is (or goes).")
@click.option("--show", is_flag=True, help="Print the settings the file gives, after checking.")
def config(show_path: bool, show: bool) -> None:
    """The settings file: the theme, connection defaults, journal directory, --max-frames
    and the keymap. Without an option, says where it is and whether it exists."""
    path = config_path()
    if show_path:
        click.echo(str(path))
    if show:
        loaded = load_user_config(path)
        for problem in loaded.problems:
            click.echo(f"sockscope: {safe_line(problem)}", err=True)
        settings = loaded._replace(path=None, problems=())._asdict()
        for key, value in settings.items():
            if isinstance(value, tuple):
                value = ", ".join(f"{k}={v}" for k, v in value) or "-"
            click.echo(f"{key}: {'-' if value is None else value}")
    if not (show_path or show):
        where = "exists" if path.is_file() else "does not exist yet (the defaults are used)"
        click.echo(f"{path} {where}; see `sockscope config --help`.")
