"""When and how soon to reconnect after a connection ends abnormally."""

from __future__ import annotations

import random

from sockscope.core.events import Closed, Failed

#: Server-side codes that say "try again": going away, internal error, restart, try later, gateway.
RETRY_CODES = frozenset({1001, 1011, 1012, 1013, 1014})


def should_reconnect(outcome: Closed | Failed) -> bool:
    """Reconnect after failures and abnormal closes, never after a clean, deliberate one."""
    if isinstance(outcome, Failed):
        # A refused handshake (401, 403, 404...) will be refused again: don't hammer it.
        return outcome.status is None or outcome.status >= 500
    return not outcome.was_clean or outcome.code in RETRY_CODES


class Backoff:
    """Exponential backoff with full jitter: ``random(0.5, 1) * min(cap, base * 2**n)``."""

    def __init__(
        self, base: float = 0.5, cap: float = 30.0, rng: random.Random | None = None
    ) -> None:
        self.base = base
        self.cap = cap
        self.attempt = 0
        self.rng = rng or random.Random()

    def next_delay(self) -> float:
        delay: float = min(self.cap, self.base * 2.0**self.attempt)
        self.attempt += 1
        return delay * self.rng.uniform(0.5, 1.0)

    def reset(self) -> None:
        self.attempt = 0
