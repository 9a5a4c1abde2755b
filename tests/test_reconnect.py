"""Reconnect policy: who gets a retry, and how long the waits grow."""

from __future__ import annotations

import random

from sockscope.core.events import Closed, Failed
from sockscope.core.wire.reconnect import Backoff, should_reconnect


def test_backoff_grows_exponentially_with_jitter_and_a_cap() -> None:
    backoff = Backoff(base=1.0, cap=8.0, rng=random.Random(7))
    delays = [backoff.next_delay() for _ in range(6)]
    ceilings = [1, 2, 4, 8, 8, 8]
    for delay, ceiling in zip(delays, ceilings, strict=True):
        assert ceiling / 2 <= delay <= ceiling
    backoff.reset()
    assert backoff.next_delay() <= 1.0


def test_who_is_reconnected() -> None:
    assert should_reconnect(Closed(1006, "", False, "network"))
    assert should_reconnect(Closed(1012, "restart", True, "server"))
    assert should_reconnect(Failed("Connection refused", "x"))
    assert should_reconnect(Failed("502", "x", status=502))
    assert not should_reconnect(Failed("403", "x", status=403))
    assert not should_reconnect(Closed(1000, "bye", True, "server"))
    assert not should_reconnect(Closed(4001, "unauthorized", True, "server"))
