"""Breakpoints hold matching messages one way while the other way flows; injection."""

from __future__ import annotations

import asyncio

from tests.proxy.helpers import ended, notes, proxy_to, rows, upstream
from websockets.asyncio.client import connect
from websockets.asyncio.server import ServerConnection

from sockscope.core.proxy.breakpoints import HeldFrame, Way
from sockscope.core.store.frames import Kind


class Server:
    """An upstream that keeps what it receives and sends what the test tells it to."""

    def __init__(self) -> None:
        self.received: asyncio.Queue[str | bytes] = asyncio.Queue()
        self.to_send: asyncio.Queue[str] = asyncio.Queue()

    async def __call__(self, ws: ServerConnection) -> None:
        async def push() -> None:
            while True:
                await ws.send(await self.to_send.get())

        pushing = asyncio.create_task(push())
        try:
            async for message in ws:
                await self.received.put(message)
        finally:
            pushing.cancel()


async def test_a_held_message_waits_for_its_edit_while_the_other_way_flows() -> None:
    server, held = Server(), asyncio.Queue[HeldFrame]()
    async with upstream(server) as url, proxy_to(url, on_held=held.put_nowait) as proxy:
        proxy.breakpoints.add(Way.TO_SERVER, r'"op":\s*"buy"')
        async with connect(proxy.url) as ws:
            await ws.send('{"op": "buy", "qty": 1}')
            frame = await held.get()
            assert frame.payload == b'{"op": "buy", "qty": 1}' and frame.way is Way.TO_SERVER
            await ws.send("queued behind it")
            server.to_send.put_nowait("news while held")
            assert await ws.recv() == "news while held"  # the other way flows
            assert proxy.held == [frame]
            assert server.received.empty()  # nothing overtook the held message
            frame.edit('{"op": "buy", "qty": 1000}')
            assert await server.received.get() == '{"op": "buy", "qty": 1000}'
            assert await server.received.get() == "queued behind it"
        await ended(proxy)
    store = proxy.connections[0].session.store
    assert rows(store, Kind.SEND) == [(1, b'{"op": "buy", "qty": 1000}'), (1, b"queued behind it")]
    assert any("edited and forwarded" in note and "1000" in note for note in notes(store))


async def test_a_server_message_is_edited_before_the_client_gets_it() -> None:
    server, held = Server(), asyncio.Queue[HeldFrame]()
    async with upstream(server) as url, proxy_to(url, on_held=held.put_nowait) as proxy:
        proxy.breakpoints.add(Way.TO_CLIENT, "$.price")
        async with connect(proxy.url) as ws:
            server.to_send.put_nowait('{"price": 10}')
            server.to_send.put_nowait("after")
            (await held.get()).edit(b"\x01binary now")
            assert await ws.recv() == b"\x01binary now"
            assert await ws.recv() == "after"


async def test_a_dropped_message_never_arrives_and_a_note_says_so() -> None:
    server, held = Server(), asyncio.Queue[HeldFrame]()
    async with upstream(server) as url, proxy_to(url, on_held=held.put_nowait) as proxy:
        proxy.breakpoints.add(Way.TO_SERVER, "^drop")
        async with connect(proxy.url) as ws:
            await ws.send("drop me")
            (await held.get()).drop()
            await ws.send("keep me")
            assert await server.received.get() == "keep me"
        await ended(proxy)
    assert any(n.startswith("held client → server message dropped") for n in
               notes(proxy.connections[0].session.store))  # fmt: skip


async def test_keepalives_are_never_held() -> None:
    """Engine.IO's ping ("2") goes past a held Socket.IO event; the event waits."""
    server, held = Server(), asyncio.Queue[HeldFrame]()
    async with upstream(server) as url, proxy_to(url, on_held=held.put_nowait) as proxy:
        proxy.breakpoints.add(Way.TO_CLIENT, ".")  # everything
        async with connect(proxy.url + "/socket.io/?EIO=4&transport=websocket") as ws:
            server.to_send.put_nowait('42["chat","hi"]')
            event = await held.get()
            server.to_send.put_nowait("2")
            assert await ws.recv() == "2"  # the keepalive, past the held event
            await ws.send("3")  # the client's pong, held by no rule: straight on
            assert await server.received.get() == "3"
            event.forward()
            assert await ws.recv() == '42["chat","hi"]'
        await ended(proxy)
    assert held.empty()


async def test_an_undecided_hold_is_forwarded_after_the_timeout() -> None:
    server = Server()
    async with upstream(server) as url, proxy_to(url, hold_timeout=0.05) as proxy:
        proxy.breakpoints.add(Way.TO_SERVER, "slow")
        async with connect(proxy.url) as ws:
            await ws.send("slow decision")
            assert await server.received.get() == "slow decision"
        await ended(proxy)
    assert any("not decided within 0.05 s" in n for n in notes(proxy.connections[0].session.store))


async def test_stopping_the_proxy_forwards_what_is_held() -> None:
    server, held = Server(), asyncio.Queue[HeldFrame]()
    async with upstream(server) as url, proxy_to(url, on_held=held.put_nowait) as proxy:
        proxy.breakpoints.add(Way.TO_SERVER, "wait")
        async with connect(proxy.url) as ws:
            await ws.send("wait for me")
            await held.get()
            await proxy.stop()
            assert await server.received.get() == "wait for me"
            await ws.wait_closed()
            assert ws.close_code == 1001
    assert any("(the proxy stopped)" in n for n in notes(proxy.connections[0].session.store))


async def test_injected_messages_go_either_way_and_are_recorded() -> None:
    server = Server()
    async with upstream(server) as url, proxy_to(url) as proxy:
        async with connect(proxy.url) as ws:
            await ws.send("hello")
            assert await server.received.get() == "hello"
            relay = proxy.connections[0]
            relay.inject(Way.TO_SERVER, "from sockscope")
            relay.inject(Way.TO_CLIENT, b"\x00to the client")
            assert await server.received.get() == "from sockscope"
            assert await ws.recv() == b"\x00to the client"
        await ended(proxy)
    store = proxy.connections[0].session.store
    assert rows(store, Kind.SEND) == [(1, b"hello"), (1, b"from sockscope")]
    assert rows(store, Kind.RECV) == [(2, b"\x00to the client")]
    assert [n.split(":")[0] for n in notes(store)] == [
        "injected client → server",
        "injected server → client",
    ]
