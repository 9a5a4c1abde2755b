"""GraphQL over WebSocket against npm's graphql-ws and subscriptions-transport-ws servers."""

from __future__ import annotations

import asyncio

import pytest

from node_servers import node_server
from sockscope.core.events import Closed, CommandFailed, Failed, ProtocolChosen, ReadyState
from sockscope.core.protocols.base import ProtocolError
from sockscope.core.protocols.graphql_ws import GraphQLTransportWsLayer, GraphQLWsLayer
from sockscope.core.protocols.message import Direction, MessageKind, Pairing
from sockscope.core.protocols.view import ProtocolView
from sockscope.core.settings import ConnectionSettings
from sockscope.core.store.frames import Opcode

from .speaking import Speaking, speaking

# Frames captured from tests/node/graphql_server.js (graphql-ws 6.4.2).
MODERN_CAPTURE = [
    b'{"type":"connection_ack"}',
    b'{"type":"ping"}',
    b'{"id":"2","type":"error","payload":[{"message":"Cannot query field \\"nope\\" on type'
    b' \\"Query\\".","locations":[{"line":1,"column":3}]}]}',
    b'{"id":"3","type":"next","payload":{"data":{"hello":"hello x"}}}',
    b'{"id":"3","type":"complete"}',
]
# Frames captured from tests/node/graphql_legacy_server.js (subscriptions-transport-ws 0.11).
LEGACY_CAPTURE = [
    b'{"type":"ka"}',
    b'{"type":"data","id":"2","payload":{"errors":[{"message":"Cannot query field \\"nope\\"'
    b' on type \\"Query\\".","locations":[{"line":1,"column":3}]}]}}',
    b'{"type":"data","id":"1","payload":{"data":{"ticks":1}}}',
    b'{"type":"complete","id":"1","payload":null}',
]


@pytest.fixture(scope="module")
def modern_port() -> object:
    with node_server("graphql_server.js") as port:
        yield port


@pytest.fixture(scope="module")
def legacy_port() -> object:
    with node_server("graphql_legacy_server.js") as port:
        yield port


def rows_named(s: Speaking, view: ProtocolView, name: str) -> list[int]:
    store = s.session.store
    rows = range(store.dropped, store.dropped + len(store))
    return [r for r in rows if any(m.name == name for m in view.messages(r))]


def still_open(s: Speaking) -> bool:
    ended = [e for e in s.events if isinstance(e, Closed | Failed)]
    return s.driver.state is ReadyState.OPEN and not ended


def send(s: Speaking, mode: str, **values: str) -> None:
    layer = s.plugin.layer
    assert layer is not None
    for command in layer.encode(mode, values):
        s.driver.submit(command)


async def test_modern_session_outlives_the_init_timeout_and_answers_pings(
    modern_port: int,
) -> None:
    settings = ConnectionSettings(
        f"ws://127.0.0.1:{modern_port}/", subprotocols=("graphql-transport-ws",)
    )
    async with speaking(settings) as s:
        await s.until(lambda: s.plugin.view is not None)
        view = s.plugin.view
        assert view is not None
        await s.until(lambda: rows_named(s, view, "pong"))
        # The server closes with 4408 after 500 ms without connection_init: wait well past it.
        await asyncio.sleep(1.0)
        assert still_open(s)
        (init,) = rows_named(s, view, "connection_init")
        (ack,) = rows_named(s, view, "connection_ack")
        assert init < ack and view.kind(ack) is MessageKind.CONTROL
        (ping,) = rows_named(s, view, "ping")
        (pong,) = rows_named(s, view, "pong")
        assert ping < pong and view.is_keepalive(ping) and view.is_keepalive(pong)
    chosen = ProtocolChosen(
        "graphql-transport-ws",
        GraphQLTransportWsLayer.title,
        "subprotocol graphql-transport-ws",
    )
    assert chosen in s.events


async def test_without_the_layer_the_server_closes_at_its_init_timeout(modern_port: int) -> None:
    """The control: the 500 ms the test above outlives is real."""
    url = f"ws://127.0.0.1:{modern_port}/"
    settings = ConnectionSettings(url, subprotocols=("graphql-transport-ws",), protocol="raw")
    async with speaking(settings) as s:
        await s.until(lambda: any(isinstance(e, Closed) for e in s.events))
    (closed,) = [e for e in s.events if isinstance(e, Closed)]
    assert closed.code == 4408


async def test_modern_operations_group_by_id_with_the_first_answer_latency(
    modern_port: int,
) -> None:
    url = f"ws://127.0.0.1:{modern_port}/"
    async with speaking(ConnectionSettings(url, protocol="graphql-transport-ws")) as s:
        view = s.plugin.view
        assert view is not None
        await s.until(lambda: rows_named(s, view, "connection_ack"))
        send(s, "graphql", query="subscription Ticks { ticks(upTo: 3) }")
        send(s, "graphql", query="query ($n: String) {\n hello(name: $n) }", variables='{"n": "x"}')
        send(s, "graphql", query="mutation { bump(by: 2) }", operationName="")
        send(s, "graphql", query="{ nope }")
        await s.until(
            lambda: len(rows_named(s, view, "complete")) == 3 and not view.pairs.in_flight
        )
        assert still_open(s)
    ticks = view.pairs.group("1")
    names = [view.messages(r)[0].name for r in ticks]
    assert names == ["subscribe", "next", "next", "next", "complete"]
    assert view.pairs.partner(ticks[0]) == ticks[1]
    latency = view.pairs.latency(ticks[1])
    assert latency is not None and latency >= 0
    assert view.label(ticks[0]) == "subscribe #1 subscription Ticks { ticks(upTo: 3) }"
    assert [view.label(r) for r in ticks[2:4]] == ['next #1 {"ticks":2}', 'next #1 {"ticks":3}']
    label = view.label(ticks[1])
    assert label is not None and label.startswith('next #1 {"ticks":1}') and "ms)" in label
    hello = view.pairs.group("2")
    assert view.label(hello[0]) == "subscribe #2 query ($n: String) {"
    assert view.messages(hello[1])[0].summary == '#2 {"hello":"hello x"}'
    assert view.messages(view.pairs.group("3")[1])[0].summary == '#3 {"bump":2}'
    nope = view.pairs.group("4")
    assert view.kind(nope[1]) is MessageKind.ERROR
    assert view.messages(nope[1])[0].summary == '#4 Cannot query field "nope" on type "Query".'


async def test_stopping_an_operation_sends_complete_in_its_group(modern_port: int) -> None:
    url = f"ws://127.0.0.1:{modern_port}/"
    async with speaking(ConnectionSettings(url, protocol="graphql-transport-ws")) as s:
        view = s.plugin.view
        assert view is not None
        await s.until(lambda: rows_named(s, view, "connection_ack"))
        send(s, "graphql", query="subscription { ticks(upTo: 100000) }")
        await s.until(lambda: len(view.pairs.group("1")) >= 3)
        send(s, "stop", id="1")
        await s.until(lambda: rows_named(s, view, "complete"))
        assert still_open(s)
    (stop,) = rows_named(s, view, "complete")
    assert stop in view.pairs.group("1")
    assert s.session.store.payload(stop - s.session.store.dropped) == (
        b'{"type": "complete", "id": "1"}'
    )


async def test_legacy_session_keeps_alive_and_runs_operations(legacy_port: int) -> None:
    url = f"ws://127.0.0.1:{legacy_port}/graphql"
    async with speaking(ConnectionSettings(url, protocol="graphql-ws")) as s:
        view = s.plugin.view
        assert view is not None
        await s.until(lambda: rows_named(s, view, "connection_ack"))
        send(s, "graphql", query="subscription { ticks(upTo: 2) }")
        send(s, "graphql", query="{ nope }")
        send(s, "graphql", query="subscription { ticks(upTo: 100000) }")
        await s.until(lambda: len(view.pairs.group("3")) >= 2)
        send(s, "stop", id="3")
        await s.until(lambda: len(rows_named(s, view, "ka")) >= 3 and not view.pairs.in_flight)
        assert still_open(s)
    assert all(view.is_keepalive(r) for r in rows_named(s, view, "ka"))
    ticks = [view.messages(r)[0].name for r in view.pairs.group("1")]
    assert ticks == ["start", "data", "data", "complete"]
    nope = view.pairs.group("2")
    assert view.kind(nope[1]) is MessageKind.ERROR and view.pairs.partner(nope[0]) == nope[1]
    stopped = [view.messages(r)[0].name for r in view.pairs.group("3")]
    assert stopped[0] == "start" and "stop" in stopped and stopped[-1] == "complete"
    assert s.session.opened is not None and s.session.opened.subprotocol == "graphql-ws"


def test_captured_modern_frames_decode_by_type() -> None:
    layer = GraphQLTransportWsLayer()
    ack, ping, error, result, complete = (
        layer.decode(Direction.RECEIVED, Opcode.TEXT, frame)[0] for frame in MODERN_CAPTURE
    )
    assert (ack.kind, ping.kind) == (MessageKind.CONTROL, MessageKind.KEEPALIVE)
    assert (error.kind, error.id, error.pairing) == (MessageKind.ERROR, "2", Pairing.ANSWERS)
    assert (result.kind, result.pairing, result.summary) == (
        MessageKind.ANSWER,
        Pairing.CONTINUES,
        '#3 {"hello":"hello x"}',
    )
    assert (complete.pairing, complete.summary) == (Pairing.ANSWERS, "#3")


def test_captured_legacy_frames_decode_by_type() -> None:
    layer = GraphQLWsLayer()
    ka, errors, data, complete = (
        layer.decode(Direction.RECEIVED, Opcode.TEXT, frame)[0] for frame in LEGACY_CAPTURE
    )
    assert ka.is_keepalive
    assert (errors.kind, errors.pairing) == (MessageKind.ERROR, Pairing.CONTINUES)
    assert (data.kind, data.summary) == (MessageKind.ANSWER, '#1 {"ticks":1}')
    assert (complete.kind, complete.pairing) == (MessageKind.ANSWER, Pairing.ANSWERS)


def test_bad_frames_and_bad_composer_input_say_why() -> None:
    layer = GraphQLTransportWsLayer()
    for frame, name in ((b"{nope", "not JSON"), (b"[1]", "no type"), (b'{"type":"x"}', "x")):
        (message,) = layer.decode(Direction.RECEIVED, Opcode.TEXT, frame)
        assert (message.kind, message.name) == (MessageKind.ERROR, name)
    with pytest.raises(ProtocolError, match="needs a document"):
        layer.encode("graphql", {"query": " "})
    with pytest.raises(ProtocolError, match="variables must be a JSON object"):
        layer.encode("graphql", {"query": "{ a }", "variables": "[1]"})
    with pytest.raises(ProtocolError, match="needs its id"):
        layer.encode("stop", {"id": ""})


async def test_the_init_payload_rides_on_connection_init(modern_port: int) -> None:
    url = f"ws://127.0.0.1:{modern_port}/"
    options = (("init-payload", '{"token": "t0k"}'),)
    settings = ConnectionSettings(url, protocol="graphql-transport-ws", protocol_options=options)
    async with speaking(settings) as s:
        view = s.plugin.view
        assert view is not None
        await s.until(lambda: rows_named(s, view, "connection_ack"))
    (init,) = rows_named(s, view, "connection_init")
    assert view.messages(init)[0].payload == {
        "type": "connection_init",
        "payload": {"token": "t0k"},
    }
    assert not [e for e in s.events if isinstance(e, CommandFailed)]


async def test_a_bad_init_payload_is_one_sentence_and_the_session_still_starts(
    modern_port: int,
) -> None:
    url = f"ws://127.0.0.1:{modern_port}/"
    options = (("init-payload", "[1]"),)
    settings = ConnectionSettings(url, protocol="graphql-transport-ws", protocol_options=options)
    async with speaking(settings) as s:
        view = s.plugin.view
        assert view is not None
        await s.until(lambda: rows_named(s, view, "connection_ack"))
    failures = [e.message for e in s.events if isinstance(e, CommandFailed)]
    assert failures == [
        "The init payload must be a JSON object. connection_init was sent without it."
    ]
