"""Rules run by the connection driver against a real local server."""

from __future__ import annotations

import itertools

from drivers import until
from sockscope.core.rules.plugin import MAX_REPLIES_PER_SECOND
from sockscope.core.store.frames import Kind
from sockscope.core.wire.commands import SendText

from .driving import driving

PONG = (('$.op == "ping"', '{"op":"pong","n":{{$.n}}}'),)


async def test_an_application_ping_is_answered_with_its_field() -> None:
    async with driving(replies=PONG) as run:
        await run.peer.say('{"op":"ping","n":7}')
        await until(lambda: run.peer.heard)
        assert run.peer.heard == ['{"op":"pong","n":7}']
        await until(run.notes)
    store = run.session.store
    kinds = [store.kind(i) for i in range(4)]
    assert kinds == [Kind.OPEN, Kind.RECV, Kind.SEND, Kind.NOTE]
    # The note right after the reply says it was automatic, and what it answered.
    assert run.notes() == ['auto-reply: row 2 answers row 1 (rule 1: $.op == "ping")']


async def test_a_ping_sent_at_open_is_answered_and_noted() -> None:
    async with driving(replies=PONG, greeting='{"op":"ping","n":1}') as run:
        await until(lambda: run.peer.heard)
        await until(run.notes)
    assert run.peer.heard == ['{"op":"pong","n":1}']
    assert run.notes()[0].startswith("auto-reply: row 2 answers row 1")


async def test_only_matching_text_is_answered_and_the_first_rule_wins() -> None:
    rules = (("^hello", "first"), ("hello", "second"))
    async with driving(replies=rules) as run:
        for text in ("say hello", "hello there", "nothing"):
            await run.peer.say(text)
        await run.peer.connection.send(b"hello")  # type: ignore[union-attr]  # binary: no
        await until(lambda: len(run.peer.heard) >= 2)
        run.driver.submit(SendText("done"))
        await until(lambda: "done" in run.peer.heard)
    assert run.peer.heard == ["second", "first", "done"]


async def test_a_missing_path_is_reported_and_nothing_is_sent() -> None:
    async with driving(replies=(('$.op == "ping"', '{"id":{{$.id}}}'),)) as run:
        await run.peer.say('{"op":"ping"}')
        await until(run.failures)
        run.driver.submit(SendText("done"))
        await until(lambda: run.peer.heard)
    assert run.peer.heard == ["done"]
    assert run.failures() == ["Rule 1 matched; nothing sent: the message has no value at $.id."]


async def test_paused_rules_answer_nothing_until_resumed() -> None:
    async with driving(replies=PONG) as run:
        run.rules.pause()
        assert run.rules.describe() == "1 reply rule · paused"
        await run.peer.say('{"op":"ping","n":1}')
        await until(lambda: run.session.store.frames_in >= 1)
        run.driver.submit(SendText("done"))  # a reply would have been queued before this
        await until(lambda: run.peer.heard)
        assert run.peer.heard == ["done"]
        run.rules.resume()
        await run.peer.say('{"op":"ping","n":2}')
        await until(lambda: len(run.peer.heard) >= 2)
    assert run.peer.heard == ["done", '{"op":"pong","n":2}']


async def test_a_timer_sends_while_open_resolving_each_time() -> None:
    counter = itertools.count(1)

    def resolve(text: str) -> str:
        return text.replace("{{N}}", str(next(counter)))

    async with driving(every=((0.05, "tick {{N}}"),), resolve=resolve) as run:
        await until(lambda: len(run.peer.heard) >= 3)
        heard = list(run.peer.heard[:3])
    assert heard == ["tick 1", "tick 2", "tick 3"]
    assert "auto: row 1 sent by the timer every 0.05 s" in run.notes()


async def test_a_timer_whose_message_cannot_be_made_is_reported_and_goes_on() -> None:
    calls = itertools.count()

    def resolve(text: str) -> str:
        if next(calls) == 0:
            raise ValueError("The variable {{TOKEN}} is not defined.")
        return text

    async with driving(every=((0.05, "tick"),), resolve=resolve) as run:
        await until(lambda: run.peer.heard)
    assert run.failures()[0] == (
        "A timer's message was not sent: The variable {{TOKEN}} is not defined."
    )
    assert run.peer.heard[0] == "tick"


async def test_pausing_stops_timers_and_resuming_starts_them() -> None:
    async with driving(every=((0.05, "tick"),)) as run:
        await until(lambda: run.peer.heard)
        assert run.rules.timers_running == 1
        run.rules.pause()
        assert run.rules.timers_running == 0
        run.driver.submit(SendText("done"))
        await until(lambda: "done" in run.peer.heard)
        run.rules.resume()
        assert run.rules.timers_running == 1
        await until(lambda: run.peer.heard[-1] == "tick")


async def test_a_reply_loop_pauses_the_rules() -> None:
    # An echo server sends each reply back, and the rule answers it again: a loop. The
    # clock stands still, so every reply falls within the same second.
    async with driving(replies=(("again", "again"),), echo=True, clock=lambda: 0.0) as run:
        await run.peer.say("again")
        await until(lambda: run.rules.paused)
        await until(lambda: len(run.peer.heard) >= MAX_REPLIES_PER_SECOND)
    assert run.peer.heard == ["again"] * MAX_REPLIES_PER_SECOND
    assert any(f"over {MAX_REPLIES_PER_SECOND} auto-replies" in f for f in run.failures())
