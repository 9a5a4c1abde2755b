"""The command line: `sockscope [URL]` opens the TUI; subcommands run headless."""

from __future__ import annotations

import click

from sockscope import __version__


class DefaultCommandGroup(click.Group):
    """A group whose first argument may be a URL: anything not a command runs ``open``."""

    default_command = "open"

    def parse_args(self, ctx: click.Context, args: list[str]) -> list[str]:
        if not args or (args[0] not in self.commands and args[0] not in ("--help", "--version")):
            args = [self.default_command, *args]
        return super().parse_args(ctx, args)


@click.group(cls=DefaultCommandGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, "--version", prog_name="sockscope")
def main() -> None:
    """sockscope: a full-screen terminal WebSocket debugger.

    \b
    sockscope [URL] [OPTIONS]   open the TUI (connects at once when a URL is given)
    sockscope demo              open the TUI on the built-in demo server
    """
