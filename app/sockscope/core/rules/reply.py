"""Reply rules: when a received text message matches, send a reply made from it."""

from __future__ import annotations

from collections.abc import Iterable
from typing import NamedTuple

from sockscope.core.rules.errors import RuleError
from sockscope.core.rules.match import Incoming, Matcher, compile_pattern
from sockscope.core.rules.template import Resolve, Template


class ReplyRule(NamedTuple):
    number: int
    """Counted from 1, in the order given: what notes and errors call the rule."""
    pattern: str
    matcher: Matcher
    template: Template

    def reply_to(self, message: Incoming, resolve: Resolve) -> str:
        """The reply's text; raises :class:`RuleError` (nothing is sent) saying why not."""
        needs_json = bool(self.template.paths)
        return self.template.render(message.document if needs_json else None, resolve)


def compile_replies(pairs: Iterable[tuple[str, str]]) -> tuple[ReplyRule, ...]:
    """Rules from plain ``(pattern, reply)`` pairs (``--reply``, a saved connection's
    ``replies:``); the first bad one raises :class:`RuleError`."""
    rules = []
    for number, (pattern, reply) in enumerate(pairs, start=1):
        if not isinstance(pattern, str) or not isinstance(reply, str):
            raise RuleError(f"Reply rule {number} needs a pattern and a reply, both text.")
        template = Template.compile(reply, f"In the reply of rule {number}")
        rules.append(ReplyRule(number, pattern, compile_pattern(pattern), template))
    return tuple(rules)
