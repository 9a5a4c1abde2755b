"""Servers that fail on purpose, for the fault-injection suite.

:class:`FaultServer` is a raw asyncio TCP server on 127.0.0.1 (port 0). It speaks just
enough HTTP and WebSocket to get a client where a fault can hurt, then runs one
*behaviour*: answer the handshake with an error, never answer, send a frame that breaks
the rules, or vanish without a close frame. The same server answering a ``CONNECT``
with an error is a refusing HTTP proxy.

Run as a script (``python servers.py``), it is a WebSocket server in its own process
that prints its port and streams text frames until it is killed: the test SIGKILLs it.
"""

from __future__ import annotations

import asyncio
import base64
import contextlib
import datetime
import hashlib
import ipaddress
import socket
import ssl
import struct
from collections.abc import Awaitable, Callable, Sequence
from http import HTTPStatus
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID
from websockets.asyncio.server import Server, ServerConnection, serve

_GUID = b"258EAFA5-E914-47DA-95CA-C5AB0DC85B11"
TEXT, BINARY, CLOSE, PING, PONG = 0x1, 0x2, 0x8, 0x9, 0xA


def encode_frame(opcode: int, payload: bytes) -> bytes:
    """One unmasked, final frame as a server writes it (no check of the payload)."""
    head = bytes([0x80 | opcode])
    size = len(payload)
    if size < 126:
        return head + bytes([size]) + payload
    if size < 2**16:
        return head + bytes([126]) + struct.pack("!H", size) + payload
    return head + bytes([127]) + struct.pack("!Q", size) + payload


def close_payload(code: int, reason: str) -> bytes:
    return struct.pack("!H", code) + reason.encode()


class Peer:
    """One client of a :class:`FaultServer`, seen from the server."""

    def __init__(
        self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter, requests: list[str]
    ) -> None:
        self.reader = reader
        self.writer = writer
        self._requests = requests

    async def read_head(self) -> list[str]:
        """The request line and header lines of the HTTP request (noted in ``requests``)."""
        head = (await self.reader.readuntil(b"\r\n\r\n")).decode("latin-1").split("\r\n")
        self._requests.append(head[0])
        return head[:-2]

    async def accept(self, head: list[str]) -> None:
        """Complete the WebSocket handshake (no extension, no subprotocol)."""
        key = next(
            line.split(":", 1)[1].strip()
            for line in head
            if line.lower().startswith("sec-websocket-key:")
        )
        accept = base64.b64encode(hashlib.sha1(key.encode() + _GUID).digest()).decode()
        self.writer.write(
            b"HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\n"
            b"Connection: Upgrade\r\nSec-WebSocket-Accept: " + accept.encode() + b"\r\n\r\n"
        )

    def send(self, opcode: int, payload: bytes) -> None:
        self.writer.write(encode_frame(opcode, payload))

    async def read_frame(self) -> tuple[int, bytes]:
        """The next frame from the client (which masks every frame)."""
        first, second = await self.reader.readexactly(2)
        size = second & 0x7F
        if size == 126:
            (size,) = struct.unpack("!H", await self.reader.readexactly(2))
        elif size == 127:
            (size,) = struct.unpack("!Q", await self.reader.readexactly(8))
        mask = await self.reader.readexactly(4)
        data = await self.reader.readexactly(size)
        return first & 0x0F, bytes(b ^ mask[i % 4] for i, b in enumerate(data))

    async def read_until_close(self, *, answer_pings: bool = True) -> bytes:
        """Read frames until the client's close frame; return its payload."""
        while True:
            opcode, payload = await self.read_frame()
            if opcode == CLOSE:
                return payload
            if opcode == PING and answer_pings:
                self.send(PONG, payload)

    def reset(self) -> None:
        """Close with a TCP RST instead of a FIN (SO_LINGER with a zero timeout)."""
        sock = self.writer.get_extra_info("socket")
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        self.writer.transport.abort()


Behaviour = Callable[[Peer], Awaitable[None]]


class FaultServer:
    """A TCP server on 127.0.0.1 that runs ``behaviour`` for each client.

    ``requests`` keeps each request line received (e.g. ``CONNECT 127.0.0.1:80 HTTP/1.1``).
    """

    def __init__(self, behaviour: Behaviour) -> None:
        self._behaviour = behaviour
        self._server: asyncio.Server | None = None
        self._peers: set[asyncio.StreamWriter] = set()
        self.requests: list[str] = []

    async def start(self) -> FaultServer:
        self._server = await asyncio.start_server(self._serve, "127.0.0.1", 0)
        return self

    @property
    def port(self) -> int:
        assert self._server is not None
        port: int = self._server.sockets[0].getsockname()[1]
        return port

    def url(self, path: str = "/") -> str:
        return f"ws://127.0.0.1:{self.port}{path}"

    async def _serve(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        self._peers.add(writer)
        try:
            await self._behaviour(Peer(reader, writer, self.requests))
            await writer.drain()
        except (OSError, asyncio.IncompleteReadError):
            pass  # the client left first: that is the client's business
        finally:
            writer.close()
            self._peers.discard(writer)

    async def close(self) -> None:
        if self._server is None:
            return
        self._server.close()
        for writer in list(self._peers):
            writer.transport.abort()
        await self._server.wait_closed()


# -- behaviours ------------------------------------------------------------------------


def refusing(status: int, body: str = "", headers: Sequence[str] = ()) -> Behaviour:
    """Answer the request (a handshake, or a proxy's CONNECT) with an HTTP error."""

    async def behaviour(peer: Peer) -> None:
        await peer.read_head()
        content = body.encode()
        lines = [
            f"HTTP/1.1 {status} {HTTPStatus(status).phrase}",
            "Content-Type: text/plain; charset=utf-8",
            f"Content-Length: {len(content)}",
            "Connection: close",
            *headers,
        ]
        peer.writer.write(("\r\n".join(lines) + "\r\n\r\n").encode() + content)

    return behaviour


async def silent(peer: Peer) -> None:
    """Accept the TCP connection, read the request, and never answer."""
    await peer.read_head()
    await peer.reader.read()  # until the client gives up


async def _open(peer: Peer, frames: Sequence[bytes]) -> None:
    """Complete the handshake and send ``frames`` as text frames."""
    await peer.accept(await peer.read_head())
    for payload in frames:
        peer.send(TEXT, payload)
    await peer.writer.drain()


def then_reset(frames: Sequence[bytes]) -> Behaviour:
    """Send ``frames``, then reset the TCP connection (no close frame)."""

    async def behaviour(peer: Peer) -> None:
        await _open(peer, frames)
        peer.reset()

    return behaviour


def then_drop(frames: Sequence[bytes]) -> Behaviour:
    """Send ``frames``, then close the TCP connection (a FIN, no close frame)."""

    async def behaviour(peer: Peer) -> None:
        await _open(peer, frames)

    return behaviour


def deaf_to_pings(frames: Sequence[bytes]) -> Behaviour:
    """Send ``frames``, then ignore pings; hang up (no close frame) when the client closes."""

    async def behaviour(peer: Peer) -> None:
        await _open(peer, frames)
        await peer.read_until_close(answer_pings=False)

    return behaviour


def then_send(frames: Sequence[bytes], opcode: int, payload: bytes) -> Behaviour:
    """Send ``frames``, then one raw frame (too big, bad UTF-8...); echo the client's close."""

    async def behaviour(peer: Peer) -> None:
        await _open(peer, frames)
        peer.send(opcode, payload)
        peer.send(CLOSE, await peer.read_until_close())

    return behaviour


def then_close(frames: Sequence[bytes], code: int, reason: str) -> Behaviour:
    """Send ``frames``, then close with ``code`` and ``reason``; hang up after the echo."""

    async def behaviour(peer: Peer) -> None:
        await _open(peer, frames)
        peer.send(CLOSE, close_payload(code, reason))
        await peer.read_until_close()

    return behaviour


# -- TLS ---------------------------------------------------------------------------------


def write_self_signed(directory: Path, host: str = "127.0.0.1") -> tuple[Path, Path]:
    """A certificate for ``host`` signed by its own key (as ``openssl req -x509`` makes).

    trustme only issues certificates signed by its CA, so this one is built by hand.
    Returns the certificate and key files (the certificate is also what ``--ca`` trusts).
    """
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, host)])
    now = datetime.datetime.now(datetime.UTC)
    certificate = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(hours=1))
        .not_valid_after(now + datetime.timedelta(days=1))
        .add_extension(
            x509.SubjectAlternativeName([x509.IPAddress(ipaddress.ip_address(host))]),
            critical=False,
        )
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .sign(key, hashes.SHA256())
    )
    cert_file, key_file = directory / "self-signed.pem", directory / "self-signed.key"
    cert_file.write_bytes(certificate.public_bytes(serialization.Encoding.PEM))
    key_file.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    return cert_file, key_file


async def _echo(ws: ServerConnection) -> None:
    async for message in ws:
        await ws.send(message)


async def start_tls_echo(context: ssl.SSLContext) -> Server:
    """A real WebSocket echo server on 127.0.0.1 behind ``context``'s certificate."""
    return await serve(_echo, "127.0.0.1", 0, ssl=context)


# -- the killable process ------------------------------------------------------------------


async def _stream_forever() -> None:
    """The script's body: serve on a free port, print it, stream until killed."""

    async def stream(ws: ServerConnection) -> None:
        n = 0
        while True:
            await ws.send(f"tick {n}")
            n += 1
            await asyncio.sleep(0.01)

    async with serve(stream, "127.0.0.1", 0) as server:
        print(next(iter(server.sockets)).getsockname()[1], flush=True)
        await asyncio.Future()


if __name__ == "__main__":
    with contextlib.suppress(KeyboardInterrupt):
        asyncio.run(_stream_forever())
