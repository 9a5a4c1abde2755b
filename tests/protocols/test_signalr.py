"""SignalR JSON hub protocol: frames of the official @microsoft/signalr client, and a server
scripted from the protocol document checking the handshake and the pings."""

from __future__ import annotations

from collections.abc import Awaitable, Callable

import pytest
from websockets.asyncio.server import ServerConnection

from sockscope.core.events import ProtocolChosen
from sockscope.core.protocols import signalr
from sockscope.core.protocols.base import ProtocolError
from sockscope.core.protocols.message import Direction, MessageKind, Pairing
from sockscope.core.protocols.signalr import SignalRLayer
from sockscope.core.settings import ConnectionSettings
from sockscope.core.store.frames import Opcode

from .captured import decode_all, frames, pair_all, scripted_server
from .speaking import speaking


def test_the_official_client_frames_decode_by_name() -> None:
    decoded = decode_all(SignalRLayer(), frames("signalr"))
    named = [(d.value[0], m.name, m.summary) for d, m in decoded]
    assert named == [
        ("s", "handshake", "json v1"),
        ("r", "handshake ok", ""),
        ("r", "ReceiveMessage", '["ann","hi"]'),
        ("r", "ping", ""),
        ("s", "ping", ""),
        ("s", "Add", "[2,3]"),
        ("r", "completion", "5"),
        ("s", "Counter", "stream [2]"),
        ("r", "item", "1"),
        ("r", "item", "2"),
        ("r", "completion", ""),
        ("s", "Notify", '["fire and forget"]'),
        ("s", "close", ""),
    ]
    kinds = {m.name: m.kind for _, m in decoded}
    assert kinds["ping"] is MessageKind.KEEPALIVE and kinds["Notify"] is MessageKind.EVENT
    assert kinds["Add"] is MessageKind.CALL


def test_invocations_pair_with_completions_and_stream_items_continue() -> None:
    captured = frames("signalr")
    pairs = pair_all(SignalRLayer(), captured)
    rows = {text: row for row, (_, text) in enumerate(captured)}
    add = rows['{"target":"Add","arguments":[2,3],"invocationId":"0","type":1}\x1e']
    assert pairs.partner(add) == add + 1 and pairs.latency(add) == pytest.approx(0.001)
    counter = add + 2
    assert pairs.partner(counter) == counter + 1  # the first item answers, the rest follow
    assert pairs.group("1") == [counter, counter + 1, counter + 1, counter + 1]
    assert pairs.in_flight == 0


def test_detection_composer_and_bad_input() -> None:
    assert SignalRLayer.detects_url("ws://h/chathub?id=token123")
    assert not SignalRLayer.detects_url("ws://h/chathub")
    assert SignalRLayer.detects_first_frame(Opcode.TEXT, b"{}\x1e")
    assert not SignalRLayer.detects_first_frame(Opcode.TEXT, b'{"jsonrpc":"2.0"}')
    layer = SignalRLayer()
    (call,) = layer.encode("invoke", {"target": "Add", "arguments": "[1, 2]"})
    (note,) = layer.encode("invoke", {"target": "Say", "arguments": '["x"]', "result": "no"})
    (decoded,) = layer.decode(Direction.SENT, Opcode.TEXT, call.text.encode())  # type: ignore[union-attr]
    assert (decoded.id, decoded.pairing) == ("0", Pairing.OPENS)
    assert "invocationId" not in note.text  # type: ignore[union-attr]
    with pytest.raises(ProtocolError, match="array"):
        layer.encode("invoke", {"target": "Add", "arguments": "{}"})
    (cut,) = layer.decode(Direction.RECEIVED, Opcode.TEXT, b'{"type":6}')
    assert cut.kind is MessageKind.ERROR and "0x1E" in cut.summary
    (odd,) = layer.decode(Direction.RECEIVED, Opcode.TEXT, b"nope\x1e")
    assert odd.kind is MessageKind.ERROR


def _hub(got: list[str], ping: bool) -> Callable[[ServerConnection], Awaitable[None]]:
    """A hub that records what it gets: handshake answer, then a ping when asked."""

    async def hub(ws: ServerConnection) -> None:
        got.append(str(await ws.recv()))  # the handshake comes first
        await ws.send("{}\x1e")
        if ping:
            await ws.send('{"type":6}\x1e')
        async for record in ws:
            got.append(str(record))

    return hub


async def test_the_handshake_is_sent_and_a_server_ping_answered() -> None:
    got: list[str] = []
    async with scripted_server(_hub(got, ping=True)) as port:
        settings = ConnectionSettings(f"ws://127.0.0.1:{port}/chathub?id=abc")
        async with speaking(settings) as s:
            await s.until(lambda: len(got) >= 2)  # long before the 15 s timer
    assert got == ['{"protocol":"json","version":1}\x1e', '{"type":6}\x1e']
    assert ProtocolChosen("signalr", SignalRLayer.title, "the URL") in s.events


async def test_the_client_pings_on_its_timer(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(signalr, "PING_EVERY", 0.05)
    got: list[str] = []
    async with scripted_server(_hub(got, ping=False)) as port:
        settings = ConnectionSettings(f"ws://127.0.0.1:{port}/hub", protocol="signalr")
        async with speaking(settings) as s:
            await s.until(lambda: got.count('{"type":6}\x1e') >= 2)
    assert got[0] == signalr.HANDSHAKE
