"""Keep a bug in one handler from taking the whole session down.

Textual stops a widget's message loop after an unhandled exception, and key
presses then have nowhere to go. The handlers that touch untrusted data (rows,
payloads, filters) are wrapped with :func:`guarded`: when the app has
``survive_errors`` set (the command line sets it; tests leave it off so that a
bug fails them loudly) an exception there goes to the app's ``report_bug`` and
the app carries on, so the user can keep working and save the session.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Concatenate, ParamSpec, TypeVar, cast

from textual.dom import DOMNode

P = ParamSpec("P")
R = TypeVar("R")
N = TypeVar("N", bound=DOMNode)


def guarded(
    method: Callable[Concatenate[N, P], R],
) -> Callable[Concatenate[N, P], R | None]:
    """Run ``method``; with ``app.survive_errors``, report an exception instead of raising."""

    @functools.wraps(method)
    def wrapper(self: N, *args: P.args, **kwargs: P.kwargs) -> R | None:
        try:
            return method(self, *args, **kwargs)
        except Exception as error:
            app = self.app
            if not getattr(app, "survive_errors", False):
                raise
            app.report_bug(error)  # type: ignore[attr-defined]
            return None

    return cast(Callable[Concatenate[N, P], R | None], wrapper)
