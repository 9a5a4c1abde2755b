"""Replaying a log: the plan read from a store, and the engine against real local servers.

`sockscope replay` end to end is in test_replay_command.py.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable

import pytest

from sockscope.core.events import Closed
from sockscope.core.replay.plan import RecordedClose, ReplayError, ReplayPlan
from sockscope.core.replay.replayer import Replayer
from sockscope.core.replay.values import Message
from sockscope.core.session.session import Session
from sockscope.core.settings import ConnectionSettings
from sockscope.core.store.frames import FrameStore, Kind, Opcode
from sockscope.servers.demo import DemoServerThread
from sockscope.servers.mock import start_mock_server

T0 = 1_763_632_800.0
MESSAGES = ["one", '{"n": 2}', "three"]


def text(value: str) -> Message:
    return Message(Opcode.TEXT, value.encode())


def store_of(*rows: tuple[float, Kind, str], url: str = "ws://example.test/app") -> FrameStore:
    store = FrameStore()
    store.append_event(T0, Kind.OPEN, {"url": url, "subprotocol": "chat.v1"})
    for offset, kind, data in rows:
        store.append(T0 + offset, kind, Opcode.TEXT, data.encode())
    return store


# -- the plan ----------------------------------------------------------------------


def test_a_plan_holds_the_first_connections_messages_timed_from_its_open() -> None:
    store = FrameStore()
    store.append_event(T0 - 5, Kind.ERROR, {"message": "refused", "cause": "x"})
    store.append_event(T0, Kind.OPEN, {"url": "ws://a.test/x", "subprotocol": "chat.v1"})
    store.append(T0 + 0.5, Kind.SEND, Opcode.TEXT, b"q1")
    store.append(T0 + 0.6, Kind.RECV, Opcode.PING, b"")  # control frames are not replayed
    store.append(T0 + 0.7, Kind.RECV, Opcode.BINARY, b"\x00a1")
    store.append(T0 + 2.0, Kind.SEND, Opcode.BINARY, b"\xffq2")
    store.append_event(T0 + 3, Kind.CLOSE, {"code": 1000})
    store.append_event(T0 + 9, Kind.OPEN, {"url": "ws://a.test/x"})
    store.append(T0 + 10, Kind.SEND, Opcode.TEXT, b"second connection")
    plan = ReplayPlan.from_store(store, "ws://header.test/")
    assert (plan.url, plan.subprotocol) == ("ws://a.test/x", "chat.v1")
    assert [(s.at, s.message) for s in plan.sends] == [
        (0.5, text("q1")),
        (2.0, Message(Opcode.BINARY, b"\xffq2")),
    ]
    assert plan.responses == [Message(Opcode.BINARY, b"\x00a1")]
    assert plan.warnings == ("The log holds 2 connections; connection 1 is replayed.",)
    assert (plan.connection, plan.connections) == (1, 2)
    second = ReplayPlan.from_store(store, "ws://header.test/", connection=2)
    assert [(s.at, s.message) for s in second.sends] == [(1.0, text("second connection"))]
    assert second.responses == [] and second.subprotocol is None
    assert second.warnings == ("The log holds 2 connections; connection 2 is replayed.",)
    for missing in (0, 3):
        with pytest.raises(
            ReplayError, match=f"holds 2 connections: there is no connection {missing}"
        ):
            ReplayPlan.from_store(store, connection=missing)


def test_a_log_without_an_open_row_is_timed_from_its_first_message() -> None:
    store = FrameStore()
    store.append(T0 + 1, Kind.SEND, Opcode.TEXT, b"q")
    store.append(T0 + 1.5, Kind.RECV, Opcode.TEXT, b"a")
    plan = ReplayPlan.from_store(store, "ws://header.test/")
    assert plan.url == "ws://header.test/"
    assert [(item.kind, item.at) for item in plan.script] == [(Kind.SEND, 0.0), (Kind.RECV, 0.5)]


def close_payload(code: int, reason: str = "") -> bytes:
    return code.to_bytes(2, "big") + reason.encode()


def test_a_plan_keeps_the_first_close_and_replays_the_clients_own() -> None:
    client_first = store_of((0.5, Kind.SEND, "q"))
    client_first.append(T0 + 2.0, Kind.SEND, Opcode.CLOSE, close_payload(4000, "done"))
    client_first.append(T0 + 2.1, Kind.RECV, Opcode.CLOSE, close_payload(4000, "done"))
    plan = ReplayPlan.from_store(client_first)
    assert plan.close == RecordedClose(Kind.SEND, 2.0, 4000, "done")
    assert plan.client_close == (4000, "done")
    assert [item.message for item in plan.script] == [text("q")]  # closes are not messages

    server_first = store_of((0.5, Kind.SEND, "q"))
    server_first.append(T0 + 1.0, Kind.RECV, Opcode.CLOSE, close_payload(4001, "bye"))
    server_first.append(T0 + 1.0, Kind.SEND, Opcode.CLOSE, close_payload(4001, "bye"))
    plan = ReplayPlan.from_store(server_first)
    assert plan.close == RecordedClose(Kind.RECV, 1.0, 4001, "bye")
    assert plan.client_close == (1000, "")  # the client only answered the server's close

    no_status = store_of()
    no_status.append(T0 + 1.0, Kind.SEND, Opcode.CLOSE, b"")  # 1005: may not be sent again
    plan = ReplayPlan.from_store(no_status)
    assert plan.close == RecordedClose(Kind.SEND, 1.0, 1005, "")
    assert plan.client_close == (1000, "")
    assert ReplayPlan.from_store(store_of((0.5, Kind.SEND, "q"))).close is None

    not_utf8 = store_of()
    not_utf8.append(T0 + 1.0, Kind.SEND, Opcode.CLOSE, (4000).to_bytes(2, "big") + b"\xff\xfe")
    assert ReplayPlan.from_store(not_utf8).client_close == (1000, "")  # not sent altered


def test_a_close_before_any_message_does_not_time_a_log_without_an_open_row() -> None:
    store = FrameStore()
    store.append(T0, Kind.RECV, Opcode.CLOSE, close_payload(1001, "away"))
    store.append(T0 + 60, Kind.SEND, Opcode.TEXT, b"q")
    plan = ReplayPlan.from_store(store, "ws://header.test/")
    assert [item.at for item in plan.script] == [0.0]
    assert plan.close == RecordedClose(Kind.RECV, 0.0, 1001, "away")


def test_the_schedule_scales_the_recorded_gaps_and_fast_has_none() -> None:
    plan = ReplayPlan.from_store(
        store_of((0.5, Kind.SEND, "a"), (1.0, Kind.SEND, "b"), (40.0, Kind.SEND, "c"))
    )
    assert plan.schedule(1.0) == [0.5, 1.0, 40.0]
    assert plan.schedule(2.0) == [0.25, 0.5, 20.0]
    assert plan.schedule(0.5) == [1.0, 2.0, 80.0]
    assert plan.schedule(None) == [0.0, 0.0, 0.0]
    assert plan.long_gaps == 0


def test_a_gap_longer_than_a_minute_waits_a_minute_and_says_so() -> None:
    plan = ReplayPlan.from_store(
        store_of((0.5, Kind.SEND, "a"), (1e12, Kind.SEND, "b"), (1e12 + 2, Kind.SEND, "c"))
    )
    assert plan.schedule(1.0) == [0.5, 60.5, 62.5]
    assert plan.long_gaps == 1
    assert "1 gap between the client's messages is longer than 60 s" in plan.gap_warning


def test_settings_take_the_recorded_url_and_subprotocol_unless_told_otherwise() -> None:
    plan = ReplayPlan.from_store(store_of(url="wss://[redacted]@example.test/app"))
    with pytest.raises(ReplayError, match=r"credentials redacted: give the URL .* --url"):
        plan.settings_for(ConnectionSettings())
    settings = plan.settings_for(ConnectionSettings(), "http://example.test/other")
    assert (settings.url, settings.subprotocols) == ("ws://example.test/other", ("chat.v1",))
    own = ConnectionSettings(subprotocols=("mine",))
    assert plan.settings_for(own, "ws://x.test/").subprotocols == ("mine",)
    with pytest.raises(ReplayError, match="does not say which URL"):
        ReplayPlan.from_store(FrameStore()).settings_for(ConnectionSettings())
    with pytest.raises(ReplayError, match="Unsupported URL scheme"):
        plan.settings_for(ConnectionSettings(), "ftp://x.test/")


# -- the engine --------------------------------------------------------------------


def echo_plan(gap: float = 0.01) -> ReplayPlan:
    rows = []
    for i, message in enumerate(MESSAGES):
        rows += [(i * gap, Kind.SEND, message), (i * gap, Kind.RECV, message)]
    return ReplayPlan.from_store(store_of(*rows))


def settings(url: str) -> ConnectionSettings:
    return ConnectionSettings(url=url).validated()


async def test_a_replay_sends_in_order_records_everything_and_closes_1000(
    demo_server: DemoServerThread,
) -> None:
    plan, session = echo_plan(), Session()
    progress: list[tuple[int, int]] = []
    replayer = Replayer(
        plan, settings(demo_server.url("/echo")), session, on_progress=lambda *p: progress.append(p)
    )
    result = await replayer.run()
    assert result.complete and result.responses == plan.responses
    assert progress == [(0, 3), (1, 3), (2, 3), (3, 3)]
    assert result.closed is not None
    assert (result.closed.code, result.closed.by) == (1000, "client")
    store = session.store
    sent = [store.payload(i) for i in range(len(store)) if store.kind(i) is Kind.SEND]
    assert sent == [*(m.encode() for m in MESSAGES), b"\x03\xe8"]  # then the close frame
    assert store.kind(0) is Kind.OPEN and store.kind(len(store) - 1) is Kind.CLOSE
    assert store.info(1) == {"message": "Replaying 3 messages from the log at 1x."}


async def test_a_replay_closes_with_the_recorded_clients_code_and_reason(
    demo_server: DemoServerThread,
) -> None:
    store = store_of((0.0, Kind.SEND, "one"), (0.0, Kind.RECV, "one"))
    store.append(T0 + 0.1, Kind.SEND, Opcode.CLOSE, close_payload(4000, "done"))
    session = Session()
    replayer = Replayer(ReplayPlan.from_store(store), settings(demo_server.url("/echo")), session)
    result = await replayer.run()
    assert result.closed is not None
    assert (result.closed.code, result.closed.reason, result.closed.by) == (4000, "done", "client")
    store = session.store
    sent_closes = [
        store.payload(i)
        for i in range(len(store))
        if store.kind(i) is Kind.SEND and store.opcode(i) is Opcode.CLOSE
    ]
    assert sent_closes == [close_payload(4000, "done")]


async def test_fast_does_not_wait_for_the_recorded_gaps(demo_server: DemoServerThread) -> None:
    plan = echo_plan(gap=3600.0)
    replayer = Replayer(plan, settings(demo_server.url("/echo")), Session(), speed=None)
    result = await asyncio.wait_for(replayer.run(), 10)  # the recorded gaps add up to 2 hours
    assert result.responses == plan.responses


async def wait_for(condition: Callable[[], bool]) -> None:
    while not condition():
        await asyncio.sleep(0.01)


async def test_step_mode_sends_one_message_per_step(demo_server: DemoServerThread) -> None:
    session = Session()
    replayer = Replayer(echo_plan(), settings(demo_server.url("/echo")), session, step=True)
    task = asyncio.create_task(replayer.run())
    await wait_for(lambda: session.opened is not None)
    await asyncio.sleep(0.1)
    assert replayer.sent == 0
    replayer.step_once()
    await wait_for(lambda: replayer.sent == 1)
    await wait_for(lambda: session.store.frames_in == 1)
    await asyncio.sleep(0.1)
    assert replayer.sent == 1
    replayer.step_once()
    replayer.step_once()
    result = await task
    assert result.complete and len(result.responses) == 3


async def test_pause_holds_the_replay_and_resume_finishes_it(
    demo_server: DemoServerThread,
) -> None:
    session = Session()
    replayer = Replayer(echo_plan(), settings(demo_server.url("/echo")), session)
    replayer.pause()
    task = asyncio.create_task(replayer.run())
    await wait_for(lambda: session.opened is not None)
    await asyncio.sleep(0.1)
    assert replayer.paused and replayer.sent == 0
    replayer.resume()
    result = await task
    assert result.complete and len(result.responses) == 3


async def test_a_refused_connection_is_a_replay_error_and_is_recorded() -> None:
    session = Session()
    replayer = Replayer(echo_plan(), settings("ws://127.0.0.1:9/"), session)
    with pytest.raises(ReplayError, match="refused"):
        await replayer.run()
    assert session.store.kind(len(session.store) - 1) is Kind.ERROR


async def test_a_server_that_closes_midway_ends_an_incomplete_replay() -> None:
    expected = ReplayPlan.from_store(store_of((0, Kind.SEND, "something else")))
    mock = await start_mock_server(expected, fast=True, on_unexpected="close")
    try:
        session = Session()
        replayer = Replayer(echo_plan(), settings(mock.url()), session, step=True)
        task = asyncio.create_task(replayer.run())
        replayer.step_once()
        await wait_for(lambda: isinstance(session.last_event, Closed))
        replayer.step_once()
        result = await task
    finally:
        await mock.close()
    assert (result.sent, result.complete) == (1, False)
    assert result.closed is not None and result.closed.code == 1008
    notes = [session.store.info(i).get("message") for i in range(len(session.store))]
    assert "The connection closed after 1 of 3 messages." in notes
