"""The inspector's decoded view: a real server's MessagePack frame, and "e" cycling."""

from __future__ import annotations

import cbor2
import msgpack
from textual.app import App
from textual.containers import VerticalScroll
from websockets.asyncio.server import ServerConnection

from server_thread import ServerThread
from sockscope.core.events import ReadyState
from sockscope.core.settings import ConnectionSettings
from sockscope.core.store.frames import Kind, Opcode
from sockscope.core.text.inspect import Mode
from sockscope.tui.factory import build_app
from sockscope.tui.log.message_log import MessageLog
from sockscope.tui.widgets.inspector import Inspector

from .helpers import frames, screen_lines, visible_text, wait_for

SIZE = (160, 40)
EVENT = {"op": 0, "t": "MESSAGE_CREATE", "d": {"content": "hi", "attachment": b"\x89PNG"}}
#: CBOR's [117, 74] is also a MessagePack map ({24: 74}): two decoders fit, neither alone.
BOTH = cbor2.dumps([117, 74])
EVENT_FRAME = msgpack.packb(EVENT)


def body(app: App[None]) -> str:
    return " ".join(visible_text(app.query_one("#inspector-body")).split())


def modes(app: App[None]) -> str:
    return visible_text(app.query_one("#inspector-modes"))


def showing(inspector: Inspector, payload: bytes) -> bool:
    return inspector.row is not None and inspector.row.payload == payload


async def _send_binary(websocket: ServerConnection) -> None:
    await websocket.send(EVENT_FRAME)
    await websocket.send(BOTH)
    await websocket.wait_closed()


async def test_a_messagepack_frame_opens_decoded_and_e_cycles_decoders() -> None:
    with ServerThread(_send_binary) as url:
        app = build_app(ConnectionSettings(url), connect_now=True)
        async with app.run_test(size=SIZE) as pilot:
            await wait_for(pilot, lambda: app.session.state is ReadyState.OPEN)
            await wait_for(pilot, lambda: (Kind.RECV, Opcode.BINARY, BOTH) in frames(app))
            store = app.session.store
            rows = [i for i in range(len(store)) if store.opcode(i) is Opcode.BINARY]
            log, inspector = app.query_one(MessageLog), app.query_one(Inspector)
            await wait_for(pilot, lambda: log.row_count == len(store))
            log.focus()
            log.select(rows[0])
            await wait_for(pilot, lambda: showing(inspector, EVENT_FRAME))
            await pilot.pause()  # the body is mounted with the first row
            assert inspector.mode is Mode.DECODED and inspector.decoder == "msgpack"
            assert '"t": "MESSAGE_CREATE"' in inspector.shown_text
            assert '"attachment": "bytes: 89 50 4e 47"' in inspector.shown_text
            assert "Decoded as MessagePack" in body(app)
            assert " e decoded: msgpack " in modes(app)
            inspector.query_one(VerticalScroll).focus()
            await pilot.pause()
            assert "e Decoded" in screen_lines(app)[-1]  # the key bar names the key
            log.focus()

            log.select(rows[1])  # ambiguous: opens as hex, as any binary frame did
            await wait_for(pilot, lambda: showing(inspector, BOTH))
            assert inspector.mode is Mode.HEX and inspector.decoders == ["msgpack", "cbor"]
            seen = []
            for _ in range(3):
                await pilot.press("e")
                await pilot.pause()
                seen.append((inspector.decoder, inspector.shown_text.replace("\n", "")))
            assert inspector.mode is Mode.DECODED
            assert seen[0][0] == "msgpack" and '"24": 74' in seen[0][1]
            assert seen[1] == ("cbor", "[  117,  74]")
            assert seen[2] == seen[0]
            assert "1 of 2 decoders that fit: press e for the next" in body(app)
            await pilot.press("x")
            assert inspector.mode is Mode.HEX
