"""``sockscope proxy --listen-cert/--listen-key`` serves wss:// to clients; ``--ca`` trusts
a TLS upstream: a real process between a TLS client and a TLS server."""

from __future__ import annotations

import asyncio
import ssl
import sys
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
import trustme
from websockets.asyncio.client import connect
from websockets.asyncio.server import ServerConnection, serve

from .test_proxy_command import start_proxy, stop

pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="signals to a child")


async def _echo(ws: ServerConnection) -> None:
    async for message in ws:
        await ws.send(message)


async def _through(url: str, client_tls: ssl.SSLContext) -> None:
    async with connect(f"{url}/echo?x=1", ssl=client_tls) as ws:
        await ws.send("over tls")
        assert await ws.recv() == "over tls"


async def _tls_upstream(ca: trustme.CA) -> AsyncIterator[str]:
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    ca.issue_cert("127.0.0.1").configure_cert(context)
    async with serve(_echo, "127.0.0.1", 0, ssl=context) as server:
        yield f"wss://127.0.0.1:{next(iter(server.sockets)).getsockname()[1]}"


def test_wss_to_the_proxy_and_wss_to_the_upstream(tmp_path: Path) -> None:
    ca = trustme.CA()
    ca_file, cert, key = tmp_path / "ca.pem", tmp_path / "cert.pem", tmp_path / "key.pem"
    ca.cert_pem.write_to_path(str(ca_file))
    issued = ca.issue_cert("127.0.0.1")
    issued.private_key_pem.write_to_path(str(key))
    cert.write_bytes(b"".join(blob.bytes() for blob in issued.cert_chain_pems))
    client_tls = ssl.create_default_context(cafile=str(ca_file))

    async def scenario() -> str:
        upstream = _tls_upstream(ca)
        upstream_url = await anext(upstream)
        process, url, _ = await asyncio.to_thread(
            start_proxy, upstream_url, "--headless", "--ca", str(ca_file),
            "--listen-cert", str(cert), "--listen-key", str(key), pattern="wss",
        )  # fmt: skip
        try:
            await _through(url, client_tls)
        finally:
            said = await asyncio.to_thread(stop, process)
            await upstream.aclose()
        return said

    said = asyncio.run(scenario())
    assert "client 1: to wss://127.0.0.1" in said


def test_a_listen_key_without_a_cert_is_a_one_line_error(tmp_path: Path) -> None:
    from click.testing import CliRunner

    from sockscope.commands.proxy import proxy

    result = CliRunner().invoke(
        proxy, ["ws://127.0.0.1:1", "--headless", "--listen-key", str(tmp_path / "k.pem")]
    )
    assert result.exit_code == 2
    assert "--listen-key needs --listen-cert" in result.output
