"""A local WebSocket server that sends frames as fast as this machine can.

websockets' own ``send()`` costs a few microseconds per frame, which would make the
server, not the client, the bottleneck (~110k frames/s here). So after the handshake
(done by websockets) each connection gets pre-encoded, unmasked frames written
straight to the transport in ~1 MiB chunks, honouring flow control, and then a
normal close. The client under test does all the decoding work it would do against
any real server.

The server runs in its own process (two cores here: the server must not compete with
the client for one event loop). :class:`Firehose` starts and stops that process;
``python -m bench.firehose [--port P]`` runs it alone, e.g. to try other clients:

    ws://127.0.0.1:P/?count=200000&size=100          200,000 text frames of 100 bytes
    ws://127.0.0.1:P/?count=1000&size=4096&binary=1  binary frames instead of text

A client may leave before the end: the feed then just stops.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from types import TracebackType
from urllib.parse import parse_qsl, urlsplit

from websockets.asyncio.server import ServerConnection, serve
from websockets.frames import Frame, Opcode
from websockets.protocol import State

CHUNK_BYTES = 2**20
READY = "firehose listening on port"


def payload(size: int) -> bytes:
    """A JSON-looking ASCII payload of exactly ``size`` bytes (valid UTF-8 text)."""
    head = b'{"type":"tick","seq":1234567,"pad":"'
    tail = b'"}'
    pad = max(0, size - len(head) - len(tail))
    return (head + b"x" * pad + tail)[:size]


def encoded_chunks(count: int, size: int, *, binary: bool = False) -> Iterator[bytes]:
    """``count`` encoded server frames of ``size`` bytes, joined into ~1 MiB chunks."""
    opcode = Opcode.BINARY if binary else Opcode.TEXT
    frame = Frame(opcode, payload(size)).serialize(mask=False, extensions=[])
    per_chunk = max(1, CHUNK_BYTES // len(frame))
    full, rest = divmod(count, per_chunk)
    chunk = frame * per_chunk
    for _ in range(full):
        yield chunk
    if rest:
        yield frame * rest


async def _handle(ws: ServerConnection) -> None:
    assert ws.request is not None
    query = dict(parse_qsl(urlsplit(ws.request.path).query))
    count = int(query.get("count", "1000"))
    size = int(query.get("size", "100"))
    transport = ws.transport
    try:
        for chunk in encoded_chunks(count, size, binary=query.get("binary") == "1"):
            if ws.state is not State.OPEN:
                return  # the client left before the end (e.g. an endless feed)
            transport.write(chunk)
            await ws.drain()
    except ConnectionError:
        return  # the client was killed mid-feed (e.g. wscat, stopped after N messages)
    await ws.close()


async def _serve(port: int) -> None:
    async with serve(
        _handle, "127.0.0.1", port, compression=None, ping_interval=None, max_size=None
    ) as server:
        print(READY, server.sockets[0].getsockname()[1], flush=True)
        # Serve until stdin closes: the parent closing the pipe (or dying) stops us.
        await asyncio.to_thread(sys.stdin.read)


class Firehose:
    """The firehose server in a child process, for the length of a ``with`` block."""

    def __init__(self) -> None:
        self._process: subprocess.Popen[str] | None = None
        self.port = 0

    def __enter__(self) -> Firehose:
        self._process = subprocess.Popen(
            [sys.executable, "-m", "bench.firehose"],
            cwd=Path(__file__).resolve().parent.parent,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
        )
        assert self._process.stdout is not None
        line = self._process.stdout.readline()
        if not line.startswith(READY):
            self.__exit__(None, None, None)
            raise RuntimeError(f"The firehose server did not start (it said {line!r}).")
        self.port = int(line.rsplit(" ", 1)[1])
        return self

    def url(self, count: int, size: int) -> str:
        return f"ws://127.0.0.1:{self.port}/?count={count}&size={size}"

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        process, self._process = self._process, None
        if process is None:
            return
        assert process.stdin is not None
        process.stdin.close()
        try:
            process.wait(timeout=5)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--port", type=int, default=0, help="port on 127.0.0.1 (0: any free)")
    args = parser.parse_args()
    with contextlib.suppress(KeyboardInterrupt):
        asyncio.run(_serve(args.port))


if __name__ == "__main__":
    main()
