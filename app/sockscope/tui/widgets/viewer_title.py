"""The log viewer's title line: the log's name, URL, rows, and how far it is loaded."""

from __future__ import annotations

from collections.abc import Callable

from rich.text import Text
from textual.widget import Widget

from sockscope.core.formats.model import LoadedLog
from sockscope.core.text.display import safe_line


def describe_log(
    name: str, log: LoadedLog, loading: bool = False, read: tuple[int, int] | None = None
) -> Text:
    """The viewer's title line; while ``loading``, how much is ``read`` (bytes read, in
    all), when the loader has said so."""
    text = Text()
    text.append(" LOG ", style="bold reverse")
    text.append(f" {safe_line(name)}", style="bold")
    text.append(f" │ {safe_line(log.header.url) or 'no URL'} │ {len(log.store):,} rows")
    if not loading:
        text.append(f" │ recorded {safe_line(log.header.created)}")
    elif read is None:
        text.append(" │ loading…", style="bold")
    else:
        done, total = read
        text.append(f" │ loading… {100 * done // max(total, 1)}%", style="bold")
    return text


class ViewerTitle(Widget):
    """One line: the log's name, URL and rows, and how far it is loaded (its viewer's).

    Repainted, never laid out again: while a big log loads, the line changes several times
    a second, and each layout of the screen took the loading thread's time (the GIL).
    """

    DEFAULT_CSS = "ViewerTitle { height: 1; }"

    def __init__(self, title: Callable[[], Text], *, id: str | None = None) -> None:
        """``title``: the line as it reads now (the viewer's :func:`describe_log`)."""
        super().__init__(id=id)
        self._title = title

    def render(self) -> Text:
        return self._title()
