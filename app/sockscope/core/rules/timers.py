"""Timers: a text message sent every N seconds while the connection is open."""

from __future__ import annotations

import math
from collections.abc import Iterable
from typing import NamedTuple

from sockscope.core.rules.errors import RuleError


class TimerRule(NamedTuple):
    seconds: float
    message: str
    """Sent as text; ``{{VARIABLES}}`` in it are resolved at each send."""


def compile_timers(pairs: Iterable[tuple[float | str, str]]) -> tuple[TimerRule, ...]:
    """Timers from plain ``(seconds, message)`` pairs (``--every``, a saved connection's
    ``every:``); a bad interval raises :class:`RuleError`."""
    timers = []
    for seconds, message in pairs:
        try:
            interval = float(seconds)
        except (TypeError, ValueError):
            interval = math.nan
        if not math.isfinite(interval) or interval <= 0:
            raise RuleError(
                f"A timer's interval must be a positive number of seconds, not {seconds!r}."
            )
        if not isinstance(message, str):
            raise RuleError(f"The message of the timer every {interval:g} s must be text.")
        timers.append(TimerRule(interval, message))
    return tuple(timers)


def describe_timers(timers: Iterable[TimerRule]) -> str:
    """``every 5 s`` for one timer, ``every 5 s, 30 s`` for several."""
    return "every " + ", ".join(f"{timer.seconds:g} s" for timer in timers)
