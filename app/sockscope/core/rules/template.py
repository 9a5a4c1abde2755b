"""A reply's text, with ``{{$.path}}`` filled from the message it answers.

``{{$.n}}`` becomes the value at that path as JSON text: a number as ``7``, a string
quoted (``"abc"``), an object or array whole; ``{{$}}`` is the whole message. A path
that finds several values (``$..id``) inserts them as a JSON array. The rest of the
text goes through the ``resolve`` hook (``{{VARIABLES}}``), part by part, so what a
server sent is never read as a variable. ``{{$guid}}`` and the like are left to the hook.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any, NamedTuple

from sockscope.core.jsonpath.values import (
    NOT_JSON,
    JsonPath,
    JsonPathError,
    compile_path,
    json_text,
    values_at,
)
from sockscope.core.rules.errors import RuleError

Resolve = Callable[[str], str]
"""Fills ``{{NAME}}`` variables in a text; raises ``ValueError`` naming an unknown one."""

_PLACEHOLDER = re.compile(r"\{\{\s*(\$(?:[.\[][^{}]*)?)\s*\}\}")


def _unchanged(text: str) -> str:
    return text


class Template(NamedTuple):
    literals: tuple[str, ...]
    """The text around the placeholders (one more than there are paths)."""
    paths: tuple[tuple[str, JsonPath], ...]
    """Each placeholder's path, as written and compiled."""

    @classmethod
    def compile(cls, text: str, where: str = "In the reply") -> Template:
        """Split a reply at its ``{{$.path}}`` placeholders; a bad path is a RuleError."""
        pieces = _PLACEHOLDER.split(text)
        try:
            paths = tuple((path, compile_path(path, where)) for path in pieces[1::2])
        except JsonPathError as exc:
            raise RuleError(str(exc)) from exc
        return cls(tuple(pieces[0::2]), paths)

    def render(self, document: Any, resolve: Resolve = _unchanged) -> str:
        """The text for one message (``document``: the message as JSON, or NOT_JSON).

        Raises :class:`RuleError` when the message is not JSON or a path finds nothing.
        """
        parts = [resolve(self.literals[0])]
        for (written, path), literal in zip(self.paths, self.literals[1:], strict=True):
            if document is NOT_JSON:
                raise RuleError(f"the message is not JSON, so {{{{{written}}}}} has no value")
            found = values_at(path, document)
            if not found:
                raise RuleError(f"the message has no value at {written}")
            parts.append(json_text(found[0] if len(found) == 1 else found))
            parts.append(resolve(literal))
        return "".join(parts)
