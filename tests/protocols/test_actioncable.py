"""Action Cable: frames of the official @rails/actioncable consumer, and a cable server
scripted from the protocol (welcome, pings every few ms) for the subprotocol and pairing."""

from __future__ import annotations

import asyncio
import json

import pytest
from websockets.asyncio.server import ServerConnection

from sockscope.core.events import Opened, ProtocolChosen
from sockscope.core.protocols.actioncable import ActionCableLayer
from sockscope.core.protocols.base import ProtocolError
from sockscope.core.protocols.message import Direction, MessageKind
from sockscope.core.settings import ConnectionSettings
from sockscope.core.store.frames import Opcode

from .captured import decode_all, frames, pair_all, scripted_server
from .speaking import speaking

CHAT = '{"channel":"ChatChannel","room":"1"}'


def test_the_official_consumer_frames_decode_with_identifiers_unwrapped() -> None:
    decoded = decode_all(ActionCableLayer(), frames("actioncable"))
    named = [(d.value[0], m.name, m.kind.value, m.summary) for d, m in decoded]
    assert named == [
        ("r", "welcome", "control", ""),
        ("s", "subscribe", "call", CHAT),
        ("r", "confirm_subscription", "answer", CHAT),
        ("s", "perform speak", "event", 'ChatChannel {"message":"hi","action":"speak"}'),
        ("r", "ping", "keepalive", "1700000000"),
        ("r", "ChatChannel", "event", '{"said":"hi"}'),
        ("s", "subscribe", "call", '{"channel":"SecretChannel"}'),
        ("r", "reject_subscription", "error", '{"channel":"SecretChannel"}'),
        ("r", "disconnect", "control", "unauthorized"),
    ]
    perform = decoded[3][1].payload
    assert perform["identifier"] == {"channel": "ChatChannel", "room": "1"}
    assert perform["data"] == {"message": "hi", "action": "speak"}


def test_subscriptions_pair_with_confirm_or_reject() -> None:
    pairs = pair_all(ActionCableLayer(), frames("actioncable"))
    assert pairs.partner(1) == 2 and pairs.partner(6) == 7 and pairs.in_flight == 0


def test_composer_builds_double_encoded_identifiers() -> None:
    layer = ActionCableLayer()
    (sub,) = layer.encode("subscribe", {"channel": "ChatChannel", "params": '{"room": "1"}'})
    assert json.loads(sub.text) == {"command": "subscribe", "identifier": CHAT}  # type: ignore[union-attr]
    (act,) = layer.encode("perform", {"channel": CHAT, "action": "speak", "data": '{"m": 1}'})
    sent = json.loads(act.text)  # type: ignore[union-attr]
    assert sent["identifier"] == CHAT
    assert json.loads(sent["data"]) == {"m": 1, "action": "speak"}
    with pytest.raises(ProtocolError, match="action"):
        layer.encode("perform", {"channel": "ChatChannel"})
    with pytest.raises(ProtocolError, match="params"):
        layer.encode("subscribe", {"channel": "C", "params": "[]"})
    (bad,) = layer.decode(Direction.RECEIVED, Opcode.TEXT, b"nope")
    assert bad.kind is MessageKind.ERROR
    assert ActionCableLayer.detects_first_frame(Opcode.TEXT, b'{"type":"welcome"}')


async def test_chosen_by_subprotocol_pings_hidden_and_subscribe_confirmed() -> None:
    async def cable(ws: ServerConnection) -> None:
        await ws.send('{"type":"welcome"}')

        async def pings() -> None:
            for n in range(1000):
                await ws.send(json.dumps({"type": "ping", "message": n}))
                await asyncio.sleep(0.02)

        pinging = asyncio.create_task(pings())
        try:
            async for text in ws:
                identifier = json.loads(text)["identifier"]
                await ws.send(
                    json.dumps({"identifier": identifier, "type": "confirm_subscription"})
                )
        finally:
            pinging.cancel()

    async with (
        scripted_server(cable, subprotocols=["actioncable-v1-json"]) as port,
        speaking(
            ConnectionSettings(
                f"ws://127.0.0.1:{port}/cable", subprotocols=("actioncable-v1-json",)
            )
        ) as s,
    ):
        view = s.plugin.view
        await s.until(lambda: s.plugin.view is not None and len(s.session.store) >= 4)
        view = s.plugin.view
        assert view is not None
        for command in view.layer.encode("subscribe", {"channel": "ChatChannel"}):
            s.driver.submit(command)
        await s.until(lambda: view.pairs.partner(_row(view, "subscribe")) is not None)
    # The welcome may be read before the open is handled: either sign picks the layer.
    (opened,) = [e for e in s.events if isinstance(e, Opened)]
    assert opened.subprotocol == "actioncable-v1-json"
    chosen = [e.name for e in s.events if isinstance(e, ProtocolChosen)]
    assert set(chosen) == {"actioncable"}
    rows = range(s.session.store.dropped, s.session.store.dropped + len(s.session.store))
    pings = [r for r in rows if view.messages(r) and view.messages(r)[0].name == "ping"]
    assert pings and all(view.is_keepalive(r) for r in pings)
    partner = view.pairs.partner(_row(view, "subscribe"))
    assert partner is not None and view.messages(partner)[0].name == "confirm_subscription"


def _row(view: object, name: str) -> int:
    from sockscope.core.protocols.view import ProtocolView

    assert isinstance(view, ProtocolView)
    store = view.store
    for row in range(store.dropped, store.dropped + len(store)):
        messages = view.messages(row)
        if messages and messages[0].name == name:
            return row
    return -1
