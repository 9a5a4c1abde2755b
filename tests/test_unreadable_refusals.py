"""A server refusing the handshake with an HTTP response websockets cannot read.

Each hostile answer comes from a raw asyncio server; ``sockscope record`` must say what
was wrong with it in one line, not that the server did not speak HTTP at all, and keep
the status wherever websockets could read it.
"""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner

from sockscope.commands.record import record

MIB = 2**20
CHUNKS = b"".join(b"10000\r\n" + b"y" * 0x10000 + b"\r\n" for _ in range(20)) + b"0\r\n\r\n"
NO_HTTP = "did not answer with a valid HTTP response"


class RawServer:
    """A raw asyncio server on its own thread: reads a request head, sends ``answer``."""

    def __init__(self) -> None:
        self.answer = b""
        self.port = 0
        self._loop: asyncio.AbstractEventLoop | None = None
        self._stop: asyncio.Event | None = None
        self._thread = threading.Thread(target=asyncio.run, args=(self._serve(),))
        self._ready = threading.Event()

    async def _handle(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            await reader.readuntil(b"\r\n\r\n")
            writer.write(self.answer)
            await writer.drain()
        except (ConnectionError, asyncio.IncompleteReadError):
            pass  # the client stopped reading: what it read is what the test checks
        finally:
            writer.close()

    async def _serve(self) -> None:
        self._loop, self._stop = asyncio.get_running_loop(), asyncio.Event()
        async with await asyncio.start_server(self._handle, "127.0.0.1", 0) as server:
            self.port = server.sockets[0].getsockname()[1]
            self._ready.set()
            await self._stop.wait()

    def start(self) -> None:
        self._thread.start()
        assert self._ready.wait(10)

    def stop(self) -> None:
        assert self._loop is not None and self._stop is not None
        self._loop.call_soon_threadsafe(self._stop.set)
        self._thread.join(10)


@pytest.fixture
def raw_server() -> Iterator[RawServer]:
    server = RawServer()
    server.start()
    yield server
    server.stop()


def record_once(answer: bytes, server: RawServer, tmp_path: Path) -> str:
    server.answer = answer
    url = f"ws://127.0.0.1:{server.port}/"
    result = CliRunner().invoke(record, [url, "-o", str(tmp_path / "x.jsonl")])
    assert result.exit_code == 2
    assert result.stderr.count("\n") == 1 and result.stderr.startswith("sockscope: error: ")
    return result.stderr


@pytest.mark.parametrize(
    ("answer", "said"),
    [
        (b"HTTP/1.1 403 Forbidden\r\nContent-Length: %d\r\n\r\n" % (2 * MIB) + b"x" * 2 * MIB,
         "(body too large: 2097152 bytes)"),
        (b"HTTP/1.1 403 Forbidden\r\n\r\n" + b"z" * 2 * MIB, "(the body is too long: read "),
        (b"HTTP/1.1 403 Forbidden\r\nTransfer-Encoding: chunked\r\n\r\n" + CHUNKS,
         "(chunk too large: 65536 bytes after 1048576 bytes)"),
        (b"HTTP/1.1 403 Forbidden\r\nX-Big: " + b"a" * MIB + b"\r\nContent-Length: 0\r\n\r\n",
         "(a header line is too long: "),
        (b"HTTP/1.1 403 Forbid\x01den\r\nContent-Length: 4\r\n\r\nnope",
         "(invalid HTTP reason phrase: Forbid␁den)"),
    ],
    ids=["body-over-1-MiB", "body-to-eof-over-1-MiB", "chunked-over-1-MiB", "1-MB-header",
         "control-in-reason"],
)  # fmt: skip
def test_an_unreadable_refusal_says_what_was_wrong(
    answer: bytes, said: str, raw_server: RawServer, tmp_path: Path
) -> None:
    line = record_once(answer, raw_server, tmp_path)
    assert "the rest of the response could not be read" in line
    assert said in line and NO_HTTP not in line
    # The status line came whole before what could not be read: the status is kept.
    assert line.startswith("sockscope: error: Handshake refused: 403 Forbid")


def test_a_chunked_refusal_keeps_its_status_and_body(raw_server: RawServer, tmp_path: Path) -> None:
    answer = b"HTTP/1.1 403 Forbidden\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nnope!\r\n0\r\n\r\n"
    assert "Handshake refused: 403 Forbidden — nope!" in record_once(answer, raw_server, tmp_path)


def test_an_answer_that_is_no_http_still_says_so(raw_server: RawServer, tmp_path: Path) -> None:
    assert NO_HTTP in record_once(b"SSH-2.0-OpenSSH_9.6\r\n\r\n", raw_server, tmp_path)
