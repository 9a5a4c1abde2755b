"""Phoenix channels V2: frames of the official `phoenix` client, and a server scripted from
the channel protocol checking the heartbeat and the join."""

from __future__ import annotations

import json

import pytest
from websockets.asyncio.server import ServerConnection

from sockscope.core.events import ProtocolChosen
from sockscope.core.protocols.base import ProtocolError
from sockscope.core.protocols.message import Direction, MessageKind
from sockscope.core.protocols.phoenix import PhoenixLayer
from sockscope.core.settings import ConnectionSettings
from sockscope.core.store.frames import Opcode

from .captured import decode_all, frames, pair_all, scripted_server
from .speaking import speaking


def test_the_official_client_frames_decode_by_name() -> None:
    decoded = decode_all(PhoenixLayer(), frames("phoenix"))
    named = [(d.value[0], m.name, m.kind.value, m.summary) for d, m in decoded]
    assert named[:8] == [
        ("s", "phx_join", "control", 'room:lobby {"name":"ann"}'),
        ("r", "phx_reply", "answer", 'room:lobby ok {"welcome":"ann"}'),
        ("r", "new_msg", "event", 'room:lobby {"body":"from the server"}'),
        ("s", "phx_join", "control", "room:secret {}"),
        ("r", "phx_reply", "error", 'room:secret error {"reason":"unauthorized"}'),
        ("s", "new_msg", "call", 'room:lobby {"body":"hello"}'),
        ("r", "phx_reply", "answer", 'room:lobby ok {"echoed":"hello"}'),
        ("r", "phx_error", "error", "room:lobby crashed"),
    ]
    beats = [m for _, m in decoded[8:-2]]
    assert beats and {m.kind for m in beats} == {MessageKind.KEEPALIVE}
    assert {m.name for m in beats} == {"heartbeat", "phx_reply"}
    assert [m.name for _, m in decoded[-2:]] == ["phx_leave", "phx_reply"]


def test_replies_pair_by_ref() -> None:
    captured = frames("phoenix")
    pairs = pair_all(PhoenixLayer(), captured)
    for row, (direction, text) in enumerate(captured):
        ref = json.loads(text)[1]
        if direction is Direction.SENT:
            partner = pairs.partner(row)
            assert partner is not None, text
            assert json.loads(captured[partner][1])[1:4:2] == [ref, "phx_reply"]
    assert pairs.in_flight == 0


def test_url_composer_and_bad_input() -> None:
    assert PhoenixLayer.detects_url("ws://h/socket/websocket?vsn=2.0.0&token=x")
    assert not PhoenixLayer.detects_url("ws://h/socket/websocket?vsn=1.0.0")
    named = PhoenixLayer().prepare(ConnectionSettings("ws://h/socket?token=x"))
    assert named.url == "ws://h/socket/websocket?token=x&vsn=2.0.0"
    layer = PhoenixLayer()
    (join,) = layer.encode("join", {"topic": "room:1", "payload": '{"a": 1}'})
    layer.decode(Direction.SENT, Opcode.TEXT, join.text.encode())  # type: ignore[union-attr]
    (push,) = layer.encode("push", {"topic": "room:1", "event": "shout", "payload": "{}"})
    assert json.loads(join.text) == ["1", "1", "room:1", "phx_join", {"a": 1}]  # type: ignore[union-attr]
    assert json.loads(push.text) == ["1", "2", "room:1", "shout", {}]  # type: ignore[union-attr]
    with pytest.raises(ProtocolError, match="object"):
        layer.encode("push", {"topic": "t", "event": "e", "payload": "[1]"})
    (bad,) = layer.decode(Direction.RECEIVED, Opcode.TEXT, b'{"topic": "v1"}')
    assert bad.kind is MessageKind.ERROR and "array" in bad.summary


async def test_heartbeats_with_fresh_refs_and_a_join_from_the_composer() -> None:
    got: list[list[object]] = []

    async def channel_server(ws: ServerConnection) -> None:
        async for text in ws:
            join_ref, ref, topic, _, _ = message = json.loads(text)
            got.append(message)
            reply = {"status": "ok", "response": {}}
            await ws.send(json.dumps([join_ref, ref, topic, "phx_reply", reply]))

    async with scripted_server(channel_server) as port:
        url = f"ws://127.0.0.1:{port}/socket/websocket?vsn=2.0.0"
        settings = ConnectionSettings(url, protocol_options=(("heartbeat", "0.05"),))
        async with speaking(settings) as s:
            await s.until(lambda: len(got) >= 2)
            layer = s.plugin.layer
            assert layer is not None
            for command in layer.encode("join", {"topic": "room:1", "payload": "{}"}):
                s.driver.submit(command)
            view = s.plugin.view
            assert view is not None
            await s.until(lambda: any(m[3] == "phx_join" for m in got) and not view.pairs.in_flight)
    beats = [m for m in got if m[3] == "heartbeat"]
    assert beats[0] == [None, "1", "phoenix", "heartbeat", {}]
    assert len({m[1] for m in beats}) == len(beats)  # a fresh ref each time
    join = next(m for m in got if m[3] == "phx_join")
    assert join[0] == join[1] and join[2] == "room:1"
    assert ProtocolChosen("phoenix", "Phoenix channels", "the URL") in s.events
    rows = range(s.session.store.dropped, s.session.store.dropped + len(s.session.store))
    joined = next(r for r in rows if view.messages(r) and view.messages(r)[0].name == "phx_join")
    label = view.label(view.pairs.partner(joined) or 0)
    assert label is not None and label.startswith("phx_reply room:1 ok") and "ms)" in label
