"""``sockscope convert IN OUT``: JSONL <-> HAR, each format chosen by its file extension."""

from __future__ import annotations

from pathlib import Path

import click

from sockscope.commands.headless import fail, say, secrets_option, warn
from sockscope.core.formats.errors import LogError
from sockscope.core.formats.load import HAR_SUFFIXES, JSONL_SUFFIXES, load_log, save_log
from sockscope.core.wording import plural


@click.command("convert")
@click.argument("source", metavar="IN", type=click.Path(path_type=Path))
@click.argument("target", metavar="OUT", type=click.Path(path_type=Path))
@click.option(
    "--entry",
    metavar="N|TEXT",
    help="The HAR WebSocket entry to take: its number (from 1) or part of its URL.",
)
@secrets_option
def convert(source: Path, target: Path, entry: str | None, include_secrets: bool) -> None:
    """Convert a session log between sockscope JSONL (.jsonl) and HAR (.har).

    Exit status: 0 converted, 2 could not (one line on stderr says why).
    """
    try:
        if target.suffix.lower() not in (*JSONL_SUFFIXES, *HAR_SUFFIXES):
            raise LogError(
                f"Cannot tell which format to write from {target.name!r}: name it .jsonl or .har."
            )
        log = load_log(source, entry=entry)
        save_log(target, log.store, log.header, not include_secrets)
    except LogError as exc:
        fail(str(exc))
    for warning in log.warnings:
        warn(warning)
    kept = "secrets kept" if include_secrets else "secrets redacted"
    say(f"sockscope: wrote {target} ({plural(len(log.store), 'row')}, {kept})")
