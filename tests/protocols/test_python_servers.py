"""The protocol layers against Python's real servers: python-socketio and strawberry-graphql
(tests/protocols/python_servers.py), as the npm ones are tested in test_socketio.py and
test_graphql.py."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator

import pytest

from sockscope.core.events import Closed, ProtocolChosen, ReadyState
from sockscope.core.protocols.graphql_ws import GraphQLTransportWsLayer, GraphQLWsLayer
from sockscope.core.protocols.message import MessageKind
from sockscope.core.settings import ConnectionSettings

from .python_servers import serving, socketio_app, strawberry_app
from .speaking import speaking
from .test_graphql import rows_named, send, still_open
from .test_socketio import PINGS, pings_answered, received, rows_of


@pytest.fixture
async def sio_port() -> AsyncIterator[int]:
    async with serving(socketio_app()) as port:
        yield port


@pytest.fixture
async def gql_port() -> AsyncIterator[int]:
    async with serving(strawberry_app()) as port:
        yield port


async def test_socketio_session_stays_open_past_the_ping_timeout_on_its_own(
    sio_port: int,
) -> None:
    settings = ConnectionSettings(
        f"http://127.0.0.1:{sio_port}",
        protocol="socket.io",
        protocol_options=(("auth", '{"token": "py"}'),),
    )
    async with speaking(settings) as s:
        # Five pings at 300 ms: well past the 500 ms of silence the server allows.
        await s.until(lambda: pings_answered(s) >= PINGS)
        assert still_open(s)  # one connection all along
        welcome, connected = received(s, "welcome"), received(s, "connected")
    opened = s.session.opened
    assert opened is not None
    assert opened.url == f"ws://127.0.0.1:{sio_port}/socket.io/?EIO=4&transport=websocket"
    assert welcome is not None and welcome.summary == '[{"token":"py"}]'
    assert connected is not None and connected.summary.startswith('/ {"sid":')


async def test_without_the_layer_python_socketio_drops_the_silent_client(sio_port: int) -> None:
    """The control: the 500 ms the test above outlives is real."""
    url = f"ws://127.0.0.1:{sio_port}/socket.io/?EIO=4&transport=websocket"
    async with speaking(ConnectionSettings(url, protocol="raw")) as s:
        await s.until(lambda: any(isinstance(e, Closed) for e in s.events))
    assert pings_answered(s) == 0


async def test_socketio_emit_with_ack_pairs_and_server_events_decode(sio_port: int) -> None:
    settings = ConnectionSettings(f"ws://127.0.0.1:{sio_port}", protocol="socket.io")
    async with speaking(settings) as s:
        await s.until(lambda: received(s, "connected") is not None)
        layer, view = s.plugin.layer, s.plugin.view
        assert layer is not None and view is not None
        for values in (
            {"event": "echo", "args": '["hi", {"n": 1}]', "ack": "yes"},
            {"event": "bytes", "args": '"hello bytes"'},
        ):
            for command in layer.encode("emit", values):
                s.driver.submit(command)
        await s.until(
            lambda: (
                received(s, "ack") is not None
                and received(s, "file", MessageKind.EVENT) is not None
            )
        )
        rows = s.session.store.dropped + len(s.session.store)
    paired = {m.kind: (row, m) for row, m in rows_of(view, rows) if m.id is not None}
    (call_row, call), (ack_row, ack) = paired[MessageKind.CALL], paired[MessageKind.ANSWER]
    assert (call.name, call.id, ack.id) == ("echo", "0", "0")
    assert view.pairs.partner(call_row) == ack_row and view.pairs.in_flight == 0
    latency = view.pairs.latency(ack_row)
    assert latency is not None and latency >= 0
    label = view.label(ack_row)
    assert label is not None and label.startswith('ack ["hi",{"n":1}]') and " ms)" in label
    # python-socketio sends the bytes as a binary attachment after a `451-` header.
    file = received(s, "file", MessageKind.EVENT)
    assert file is not None and file.summary == '[{"name":"f"},<binary 11 B>]'


async def test_socketio_namespaces_against_python_socketio(sio_port: int) -> None:
    settings = ConnectionSettings(f"ws://127.0.0.1:{sio_port}", protocol="socket.io")
    async with speaking(settings) as s:
        await s.until(lambda: received(s, "connected") is not None)
        layer = s.plugin.layer
        assert layer is not None
        for namespace in ("/admin", "/chat"):
            for command in layer.encode("join", {"namespace": namespace}):
                s.driver.submit(command)
        await s.until(lambda: "/chat" in str(received(s, "connected")))
        values = {"event": "msg", "args": '"yo"', "namespace": "/chat", "ack": "yes"}
        for command in layer.encode("emit", values):
            s.driver.submit(command)
        await s.until(lambda: received(s, "ack") is not None)
        assert s.driver.state is ReadyState.OPEN
    error = received(s, "connect_error")
    assert error is not None and error.kind is MessageKind.ERROR
    assert error.summary == "/admin: not authorized"
    ack = received(s, "ack")
    # python-socketio numbers acks per client, so /chat's first ack id need not be 0.
    assert ack is not None and ack.id is not None and ack.id.startswith("/chat,")
    assert ack.summary == '/chat ["got yo"]'


async def test_strawberry_transport_ws_inits_on_its_own_and_groups_operations(
    gql_port: int,
) -> None:
    url = f"ws://127.0.0.1:{gql_port}/graphql"
    async with speaking(ConnectionSettings(url, subprotocols=("graphql-transport-ws",))) as s:
        view = s.plugin.view
        assert view is not None
        await s.until(lambda: rows_named(s, view, "connection_ack"))
        send(s, "graphql", query="subscription Ticks { ticks(upTo: 3) }")
        send(s, "graphql", query='{ hello(name: "py") }')
        send(s, "graphql", query="{ nope }")
        await s.until(lambda: len(rows_named(s, view, "complete")) == 2)
        await s.until(lambda: not view.pairs.in_flight)
        # Past the server's 300 ms init timeout, counted from the open.
        await asyncio.sleep(0.4)
        assert still_open(s)
    modern = GraphQLTransportWsLayer.title
    assert (
        ProtocolChosen("graphql-transport-ws", modern, "subprotocol graphql-transport-ws")
        in s.events
    )
    (init,) = rows_named(s, view, "connection_init")
    (ack,) = rows_named(s, view, "connection_ack")
    assert init < ack and view.kind(ack) is MessageKind.CONTROL
    ticks = view.pairs.group("1")
    names = [view.messages(r)[0].name for r in ticks]
    assert names == ["subscribe", "next", "next", "next", "complete"]
    assert view.pairs.partner(ticks[0]) == ticks[1]
    latency = view.pairs.latency(ticks[1])
    assert latency is not None and latency >= 0
    assert [view.label(r) for r in ticks[2:]] == [
        'next #1 {"ticks":2}',
        'next #1 {"ticks":3}',
        "complete #1",
    ]
    hello = view.pairs.group("2")
    assert view.messages(hello[1])[0].summary == '#2 {"hello":"hello py"}'
    nope = view.pairs.group("3")
    assert view.kind(nope[1]) is MessageKind.ERROR
    assert view.messages(nope[1])[0].summary == "#3 Cannot query field 'nope' on type 'Query'."


async def test_without_the_layer_strawberry_closes_at_its_init_timeout(gql_port: int) -> None:
    url = f"ws://127.0.0.1:{gql_port}/graphql"
    settings = ConnectionSettings(url, subprotocols=("graphql-transport-ws",), protocol="raw")
    async with speaking(settings) as s:
        await s.until(lambda: any(isinstance(e, Closed) for e in s.events))
    (closed,) = [e for e in s.events if isinstance(e, Closed)]
    assert closed.code == 4408


async def test_strawberry_legacy_graphql_ws_keeps_alive_and_runs_operations(
    gql_port: int,
) -> None:
    url = f"ws://127.0.0.1:{gql_port}/graphql"
    async with speaking(ConnectionSettings(url, subprotocols=("graphql-ws",))) as s:
        view = s.plugin.view
        assert view is not None
        await s.until(lambda: rows_named(s, view, "connection_ack"))
        send(s, "graphql", query="subscription { ticks(upTo: 2) }")
        send(s, "graphql", query="{ hello }")
        send(s, "graphql", query="subscription { ticks(upTo: 100000) }")
        await s.until(lambda: len(view.pairs.group("3")) >= 2)
        send(s, "stop", id="3")
        await s.until(lambda: len(rows_named(s, view, "ka")) >= 3 and not view.pairs.in_flight)
        assert still_open(s)
    assert ProtocolChosen("graphql-ws", GraphQLWsLayer.title, "subprotocol graphql-ws") in s.events
    assert all(view.is_keepalive(r) for r in rows_named(s, view, "ka"))
    ticks = [view.messages(r)[0].name for r in view.pairs.group("1")]
    assert ticks == ["start", "data", "data", "complete"]
    # strawberry serves only subscriptions over the legacy protocol: a query is an error.
    refused = view.pairs.group("2")
    assert view.kind(refused[1]) is MessageKind.ERROR
    assert view.messages(refused[1])[0].summary == "#2 queries are not allowed"
    stopped = [view.messages(r)[0].name for r in view.pairs.group("3")]
    assert stopped[0] == "start" and "stop" in stopped
