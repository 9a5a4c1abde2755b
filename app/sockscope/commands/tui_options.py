"""Options of the commands that open the TUI, beside the connection options.

Plain click options (no Textual): the command line stays fast to start.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

import click

from sockscope.core.paths import sessions_dir

F = TypeVar("F", bound=Callable[..., Any])

#: ``ctx.meta`` key: runs ``sockscope proxy`` in the TUI, given its ``ProxySetup``; returns
#: why it could not run, or None (the command line sets it: commands never import the TUI).
PROXY_TUI = "sockscope.proxy_tui"


def _no_short_origin(ctx: click.Context, param: click.Parameter, value: Any) -> None:
    """``-o`` was --origin here once, and is --output in the headless commands: say so."""
    if value is not None:
        raise click.UsageError(
            "-o is not an option of the TUI: use --origin URL for the Origin header"
            " (-o/--output names an output file in record and replay)."
        )


def tui_options(function: F) -> F:
    """Options of the commands that open the TUI (beside the connection options)."""
    function = click.option(
        "--record",
        "record",
        type=click.Path(dir_okay=False, path_type=Path),
        help=f"Journal every event to this JSONL file (default: a new file in {sessions_dir()}).",
    )(function)
    function = click.option(
        "--collection",
        type=click.Path(exists=True, file_okay=False, path_type=Path),
        metavar="DIR",
        help="Show this folder of saved connections in a sidebar (ctrl+b; docs/collections.md).",
    )(function)
    function = click.option("--no-journal", is_flag=True, help="Keep the session in memory only.")(
        function
    )
    function = click.option(
        "--max-frames",
        type=click.IntRange(min=1),
        metavar="N",
        help="Keep only the newest N rows in memory, for endless feeds (the journal keeps all).",
    )(function)
    function = click.option(
        "-o",
        "short_origin",
        hidden=True,
        expose_value=False,
        callback=_no_short_origin,
    )(function)
    return click.option(
        "--open",
        "open_path",
        type=click.Path(exists=True, dir_okay=False, path_type=Path),
        help="Open a saved log (.jsonl or .har) in a viewer at start.",
    )(function)
