"""The limit of ingest: picows (a Cython WebSocket client) draining the firehose.

picows parses frames in C and hands each to a plain callback, with no message queue,
no future and no task per frame: the fastest a Python process takes frames off a socket.
It is the bench extra's (``pip install sockscope[bench]``), never a user's dependency;
without it :func:`drain` raises :class:`Missing` and the row says how to install it.

Like the bare websockets client, it takes each data frame's payload as ``bytes`` (what any
client hands its user) and keeps nothing; its rate counts from the end of the handshake
to the ``count``th data frame.
"""

from __future__ import annotations

import asyncio
import time

INSTALL = "pip install sockscope[bench]"


class Missing(Exception):
    """picows is not installed."""


async def drain(url: str, count: int) -> tuple[int, float, float]:
    """(frames, seconds, start epoch) of picows taking ``count`` data frames from ``url``."""
    try:
        from picows import WSFrame, WSListener, WSMsgType, WSTransport, ws_connect
    except ImportError:
        raise Missing(f"not run: {INSTALL}") from None

    data = (WSMsgType.TEXT, WSMsgType.BINARY)
    done: asyncio.Future[float] = asyncio.get_running_loop().create_future()

    class Drain(WSListener):
        received = 0
        start = 0.0

        def on_ws_connected(self, transport: WSTransport) -> None:
            self.start = time.time()

        def on_ws_frame(self, transport: WSTransport, frame: WSFrame) -> None:
            if frame.msg_type not in data:
                return
            frame.get_payload_as_bytes()
            self.received += 1
            if self.received == count and not done.done():
                done.set_result(time.time())
                transport.disconnect()

        def on_ws_disconnected(self, transport: WSTransport) -> None:
            if not done.done():
                done.set_result(time.time())

    transport, listener = await ws_connect(Drain, url, max_frame_size=2**31)
    end = await done
    await transport.wait_disconnected()
    assert isinstance(listener, Drain)
    return listener.received, end - listener.start, listener.start
