"""Fixtures of the fault suite: servers that fail on purpose, all on 127.0.0.1, all stopped."""

from __future__ import annotations

import datetime
import ssl
import subprocess
import sys
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
import trustme
from websockets.asyncio.server import Server

from .servers import Behaviour, FaultServer, start_tls_echo, write_self_signed

StartServer = Callable[[Behaviour], Awaitable[FaultServer]]


@pytest.fixture
async def fault_server() -> AsyncIterator[StartServer]:
    """Start a :class:`FaultServer` with a behaviour: ``await fault_server(then_reset(...))``."""
    servers: list[FaultServer] = []

    async def start(behaviour: Behaviour) -> FaultServer:
        server = await FaultServer(behaviour).start()
        servers.append(server)
        return server

    yield start
    for server in servers:
        await server.close()


@pytest.fixture
def streaming_process() -> Iterator[tuple[subprocess.Popen[str], int]]:
    """A WebSocket server in its own process, streaming text frames: (process, port)."""
    script = Path(__file__).with_name("servers.py")
    process = subprocess.Popen([sys.executable, str(script)], stdout=subprocess.PIPE, text=True)
    try:
        assert process.stdout is not None
        yield process, int(process.stdout.readline())
    finally:
        process.kill()
        process.wait()
        if process.stdout is not None:
            process.stdout.close()


@dataclass(frozen=True)
class TlsUrls:
    """wss:// URLs of echo servers whose certificates are wrong in one way each."""

    self_signed: str
    self_signed_file: str
    """The self-signed certificate itself: what ``--ca`` must trust to connect."""
    wrong_host: str
    expired: str
    ca_file: str
    """The CA that signed the wrong-host and expired certificates."""


def _server_context(configure: Callable[[ssl.SSLContext], None]) -> ssl.SSLContext:
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    configure(context)
    return context


@pytest.fixture
async def tls_urls(tmp_path: Path) -> AsyncIterator[TlsUrls]:
    """Three TLS echo servers: self-signed, for another host name, expired."""
    ca = trustme.CA()
    ca_file = tmp_path / "ca.pem"
    ca.cert_pem.write_to_path(str(ca_file))
    past = datetime.datetime.now(datetime.UTC) - datetime.timedelta(days=2)
    cert_file, key_file = write_self_signed(tmp_path)
    contexts = [
        _server_context(lambda c: c.load_cert_chain(cert_file, key_file)),
        _server_context(ca.issue_cert("elsewhere.example").configure_cert),
        _server_context(
            ca.issue_cert(
                "127.0.0.1", not_before=past, not_after=past + datetime.timedelta(days=1)
            ).configure_cert
        ),
    ]
    servers: list[Server] = [await start_tls_echo(context) for context in contexts]
    urls = [f"wss://127.0.0.1:{next(iter(s.sockets)).getsockname()[1]}/" for s in servers]
    yield TlsUrls(urls[0], str(cert_file), urls[1], urls[2], str(ca_file))
    for server in servers:
        server.close()
        await server.wait_closed()
