"""The rules of one connection: its reply rules and its timers, compiled together."""

from __future__ import annotations

from collections.abc import Iterable
from typing import NamedTuple

from sockscope.core.rules.reply import ReplyRule, compile_replies
from sockscope.core.rules.timers import TimerRule, compile_timers, describe_timers
from sockscope.core.wording import plural


class RuleSet(NamedTuple):
    replies: tuple[ReplyRule, ...] = ()
    timers: tuple[TimerRule, ...] = ()

    @classmethod
    def from_pairs(
        cls,
        replies: Iterable[tuple[str, str]] = (),
        every: Iterable[tuple[float | str, str]] = (),
    ) -> RuleSet:
        """Rules from plain pairs: ``(pattern, reply)`` and ``(seconds, message)``.

        Raises :class:`~sockscope.core.rules.errors.RuleError`, one sentence.
        """
        return cls(compile_replies(replies), compile_timers(every))

    def describe(self, paused: bool = False) -> str | None:
        """``1 reply rule · every 5 s`` (None when there are no rules), for a status line."""
        parts = []
        if self.replies:
            parts.append(plural(len(self.replies), "reply rule"))
        if self.timers:
            parts.append(describe_timers(self.timers))
        if not parts:
            return None
        return " · ".join(parts) + (" · paused" if paused else "")
