"""Reply patterns: regexes searched, JSONPath tests compared as JSON, bad ones said once."""

from __future__ import annotations

import pytest

from sockscope.core.rules.errors import RuleError
from sockscope.core.rules.match import Incoming, compile_pattern
from sockscope.core.rules.rule_set import RuleSet


def matches(pattern: str, message: str) -> bool:
    return compile_pattern(pattern).matches(Incoming(message))


PING = '{"op": "ping", "n": 7, "name": "a b", "ok": true, "tags": ["x", "y"]}'


@pytest.mark.parametrize(
    ("pattern", "message", "expected"),
    [
        ("ping", "say ping now", True),  # searched, not matched from the start
        ("^ping$", "say ping now", False),
        (r'"op":\s*"ping"', PING, True),
        ('$.op == "ping"', PING, True),
        ("$.op == 'ping'", PING, True),
        ('$.op == "pong"', PING, False),
        ('$.op != "pong"', PING, True),
        ('$.op != "ping"', PING, False),
        ('$.missing != "ping"', PING, True),  # nothing there is unequal to everything
        ('$.missing == "ping"', PING, False),
        ("$.n == 7", PING, True),
        ("$.n == 7.0", PING, True),
        ('$.n == "7"', PING, False),  # a string is not a number
        ("$.n > 5", PING, True),
        ("$.n <= 6", PING, False),
        ('$.n > "5"', PING, False),  # numbers compare with numbers only
        ('$.name >= "a"', PING, True),
        ("$.ok == true", PING, True),
        ("$.ok == 1", PING, False),  # true is not 1
        ('$.tags == ["x", "y"]', PING, True),
        ('$.tags[1] == "y"', PING, True),
        ("$.n", PING, True),  # a bare path: the value exists
        ("$.nothing", PING, False),
        ('$..op == "ping"', '{"data": {"op": "ping"}}', True),
        ('$["odd key"] == "a==b"', '{"odd key": "a==b"}', True),
        ("$.items[?(@.id > 1)]", '{"items": [{"id": 1}, {"id": 2}]}', True),
        ("$.items[?(@.id > 5)]", '{"items": [{"id": 1}, {"id": 2}]}', False),
    ],
)
def test_patterns_match_as_documented(pattern: str, message: str, expected: bool) -> None:
    assert matches(pattern, message) is expected


@pytest.mark.parametrize("message", ["ping", "{not json", "", '{"op": "ping"', "\x00\xff"])
def test_a_message_that_is_not_json_never_matches_a_json_test(message: str) -> None:
    assert not matches('$.op == "ping"', message)
    assert not matches("$.op", message)


def test_big_integers_beyond_64_bits_still_compare() -> None:
    assert matches("$.n == 123456789012345678901234567890", '{"n": 123456789012345678901234567890}')


@pytest.mark.parametrize(
    ("pattern", "says"),
    [
        ("(", "not a valid regex"),
        ("", "empty"),
        ("$.op = 1", "not a comparison"),
        ("$.op == ping", "not a JSON value"),
        ("$.op ==", "not a JSON value"),
        ("$.[", "not a JSONPath"),
    ],
)
def test_a_bad_pattern_is_one_sentence(pattern: str, says: str) -> None:
    with pytest.raises(RuleError, match=says) as raised:
        RuleSet.from_pairs([(pattern, "pong")])
    message = str(raised.value)
    assert "\n" not in message and message.endswith(".")


def test_rules_are_numbered_and_described() -> None:
    rules = RuleSet.from_pairs([("a", "1"), ("b", "2")], [(5, "tick"), ("0.5", "tock")])
    assert [rule.number for rule in rules.replies] == [1, 2]
    assert rules.describe() == "2 reply rules · every 5 s, 0.5 s"
    assert rules.describe(paused=True) == "2 reply rules · every 5 s, 0.5 s · paused"
    assert RuleSet().describe() is None


@pytest.mark.parametrize("seconds", [0, -1, "nan", "inf", "soon"])
def test_a_timer_needs_a_positive_finite_interval(seconds: object) -> None:
    with pytest.raises(RuleError, match="positive number of seconds"):
        RuleSet.from_pairs(every=[(seconds, "tick")])  # type: ignore[list-item]
