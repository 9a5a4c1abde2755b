"""Sending faster than the server takes must never stop us reading what it sends.

An echo server that answers each message before reading the next (websockets' own
``async for`` + ``send``; so does ``sockscope serve --replay``) stops reading while it
waits to write its answer. A client that stopped reading while its own writes waited
(the old wire did, past ``WRITE_LIMIT``) left both sides waiting on each other for good:
``replay --fast`` of 100,000 messages hung that way in the benchmark.
"""

from __future__ import annotations

import asyncio
import contextlib
import socket
from collections.abc import AsyncIterator

import pytest
from websockets.asyncio.server import Server, ServerConnection, serve
from websockets.exceptions import ConnectionClosed

from sockscope.core.replay.plan import ReplayPlan
from sockscope.core.replay.replayer import Replayer
from sockscope.core.session.session import Session
from sockscope.core.settings import ConnectionSettings
from sockscope.core.store.frames import FrameStore, Kind, Opcode

#: 8 MiB of client messages: more than the kernel's buffers and our write limit hold.
COUNT = 8_000
SIZE = 1024
#: The replay ends well within this on a loaded machine; the old wire never ended.
ENDS_WITHIN = 60.0
#: The server starts reading once the replay has sent nothing for this long (stuck).
STALLED = 0.3
T0 = 1_763_632_800.0


class GatedEcho:
    """Echoes every message, each answered before the next is read, once ``go`` is set."""

    def __init__(self) -> None:
        self.go = asyncio.Event()

    async def __call__(self, ws: ServerConnection) -> None:
        await self.go.wait()
        with contextlib.suppress(ConnectionClosed):
            async for message in ws:
                await ws.send(message)


def small_buffered_socket() -> socket.socket:
    """A listening socket whose connections buffer little in the kernel (both ways), so
    the server's waits show at once."""
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_SNDBUF, 16 * 1024)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 16 * 1024)
    sock.bind(("127.0.0.1", 0))
    return sock


@pytest.fixture
async def echo() -> AsyncIterator[tuple[GatedEcho, Server]]:
    handler = GatedEcho()
    server = await serve(handler, sock=small_buffered_socket(), max_size=None)
    try:
        yield handler, server
    finally:
        server.close()
        await server.wait_closed()


def plan_of(count: int) -> ReplayPlan:
    store = FrameStore()
    store.append_event(T0, Kind.OPEN, {"url": "ws://127.0.0.1/", "subprotocol": None})
    for seq in range(count):
        payload = b'{"seq":%07d,"pad":"' % seq
        payload += b"x" * (SIZE - len(payload) - 2) + b'"}'
        store.append(T0 + seq * 1e-5, Kind.SEND, Opcode.TEXT, payload)
        store.append(T0 + seq * 1e-5, Kind.RECV, Opcode.TEXT, payload)
    return ReplayPlan.from_store(store)


async def test_a_fast_replay_against_a_server_that_answers_before_reading_ends(
    echo: tuple[GatedEcho, Server],
) -> None:
    handler, server = echo
    port = server.sockets[0].getsockname()[1]
    plan = plan_of(COUNT)
    sent = [0]

    def progress(done: int, _total: int) -> None:
        sent[0] = done

    settings = ConnectionSettings(
        url=f"ws://127.0.0.1:{port}/", compression=False, ping_interval=None, max_size=None
    ).validated()
    session = Session()
    replayer = Replayer(plan, settings, session, speed=None, on_progress=progress)
    replay = asyncio.create_task(replayer.run())
    # The server reads nothing until the replay is stuck on writes it does not take: then
    # our write buffer is past its limit, and the server's answers must still be read.
    before = -1
    while sent[0] != before and not replay.done():
        before = sent[0]
        await asyncio.sleep(STALLED)
    assert sent[0] < COUNT, "the replay never waited for the server: nothing was tested"
    handler.go.set()
    done, _ = await asyncio.wait({replay}, timeout=ENDS_WITHIN)
    if not done:
        stuck_at = sent[0]
        replay.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await replay
        pytest.fail(f"The replay stalled after {stuck_at} of {COUNT} messages.")
    result = replay.result()
    assert (result.sent, len(result.responses)) == (COUNT, COUNT)
    assert result.responses == plan.responses
