"""The proxy relays a real client's connection to a real server, both ways, unchanged."""

from __future__ import annotations

import asyncio
import os
import ssl
from http import HTTPStatus

import pytest
import trustme
from tests.proxy.helpers import ended, proxy_to, rows, upstream
from websockets.asyncio.client import connect
from websockets.asyncio.server import ServerConnection
from websockets.datastructures import Headers
from websockets.exceptions import ConnectionClosed, InvalidStatus
from websockets.http11 import Request, Response

from sockscope.core.settings import ConnectionSettings
from sockscope.core.store.frames import Kind


async def test_path_query_headers_and_subprotocol_reach_the_server() -> None:
    seen: dict[str, object] = {}

    async def look(ws: ServerConnection) -> None:
        assert ws.request is not None
        seen["path"] = ws.request.path
        seen["headers"] = ws.request.headers
        await ws.send(ws.subprotocol or "")

    client_headers = {
        "Cookie": "session=abc",
        "Authorization": "Bearer t0k",
        "X-Trace": "42",
        "Proxy-Authorization": "Basic c2VjcmV0",
        "Keep-Alive": "timeout=5",
    }
    async with (
        upstream(look, subprotocols=["v2.chat", "v1.chat"]) as url,
        proxy_to(url) as proxy,
        connect(
            proxy.url + "/feed?x=1&y=%20",
            subprotocols=["v1.chat", "v2.chat"],
            origin="https://app.example",  # type: ignore[arg-type]
            additional_headers=client_headers,
        ) as ws,
    ):
        chosen = await ws.recv()
        assert ws.subprotocol == chosen == "v2.chat"  # the server's choice, answered
    headers = seen["headers"]
    assert isinstance(headers, Headers)
    assert seen["path"] == "/feed?x=1&y=%20"
    assert headers["Cookie"] == "session=abc"
    assert headers["Authorization"] == "Bearer t0k"
    assert headers["X-Trace"] == "42"
    assert headers["Origin"] == "https://app.example"
    assert "Proxy-Authorization" not in headers and "Keep-Alive" not in headers
    assert headers.get_all("Sec-WebSocket-Protocol") == ["v1.chat, v2.chat"]


async def test_an_echo_comes_back_byte_for_byte_and_is_recorded_once() -> None:
    big_text = "é" * (3 * 2**20)
    big_binary = os.urandom(5 * 2**20)
    messages: list[str | bytes] = ["hello", b"\x00\xff\x10", big_text, big_binary, "", b""]
    async with upstream(max_size=None) as url, proxy_to(url) as proxy:
        async with connect(proxy.url + "/echo", max_size=None) as ws:
            for message in messages:
                await ws.send(message)
                back = await ws.recv()
                assert type(back) is type(message) and back == message
        await ended(proxy)
    store = proxy.connections[0].session.store
    recorded = [(1 if isinstance(m, str) else 2, m.encode() if isinstance(m, str) else m)
                for m in messages]  # fmt: skip
    assert rows(store, Kind.SEND) == recorded
    assert rows(store, Kind.RECV) == recorded


@pytest.mark.parametrize("compression", ["deflate", None])
async def test_compression_is_negotiated_on_each_hop(compression: str | None) -> None:
    async def extensions(ws: ServerConnection) -> None:
        assert ws.request is not None
        await ws.send(ws.request.headers.get("Sec-WebSocket-Extensions") or "none")

    async with (
        upstream(extensions) as url,
        proxy_to(url) as proxy,
        connect(proxy.url, compression=compression) as ws,
    ):
        offered = await ws.recv()
    assert ("permessage-deflate" in str(offered)) is (compression is not None)


async def test_the_clients_close_reaches_the_server_unchanged() -> None:
    got: asyncio.Future[tuple[int | None, str | None]] = asyncio.Future()

    async def wait_close(ws: ServerConnection) -> None:
        await ws.wait_closed()
        got.set_result((ws.close_code, ws.close_reason))

    async with upstream(wait_close) as url, proxy_to(url) as proxy:
        async with connect(proxy.url) as ws:
            await ws.close(4001, "client says bye")
        assert await got == (4001, "client says bye")
        await ended(proxy)
    store = proxy.connections[0].session.store
    closed = store.info(len(store) - 1)
    assert store.kind(len(store) - 1) is Kind.CLOSE
    assert (closed["code"], closed["reason"], closed["by"]) == (4001, "client says bye", "client")


async def test_the_servers_close_reaches_the_client_unchanged() -> None:
    async def close_soon(ws: ServerConnection) -> None:
        await ws.send("last words")
        await ws.close(4002, "server says bye")

    async with upstream(close_soon) as url, proxy_to(url) as proxy, connect(proxy.url) as ws:
        assert await ws.recv() == "last words"  # delivered before the close
        with pytest.raises(ConnectionClosed):
            await ws.recv()
        assert (ws.close_code, ws.close_reason) == (4002, "server says bye")


async def test_a_server_that_vanishes_closes_the_client_with_1014() -> None:
    async def vanish(ws: ServerConnection) -> None:
        await ws.recv()
        ws.transport.abort()

    async with upstream(vanish) as url, proxy_to(url) as proxy, connect(proxy.url) as ws:
        await ws.send("go")
        with pytest.raises(ConnectionClosed):
            await ws.recv()
        assert ws.close_code == 1014


async def test_a_refused_handshake_reaches_the_client_with_its_status_and_body() -> None:
    def refuse(ws: ServerConnection, request: Request) -> Response:
        response = ws.respond(HTTPStatus.FORBIDDEN, "no entry for you\n")
        response.headers["X-Why"] = "token expired"
        return response

    async with upstream(process_request=refuse) as url, proxy_to(url) as proxy:
        with pytest.raises(InvalidStatus) as caught:
            async with connect(proxy.url + "/private"):
                pass
    response = caught.value.response
    assert response.status_code == 403
    assert response.body == b"no entry for you\n"
    assert response.headers["X-Why"] == "token expired"
    store = proxy.connections[0].session.store
    assert [store.kind(i) for i in range(len(store))] == [Kind.ERROR]


async def test_an_unreachable_server_is_a_502_that_says_why() -> None:
    async with upstream() as url:
        pass  # closed: nothing listens there any more
    async with proxy_to(url) as proxy:
        with pytest.raises(InvalidStatus) as caught:
            async with connect(proxy.url):
                pass
    assert caught.value.response.status_code == 502
    assert b"refused" in (caught.value.response.body or b"").lower()


async def test_upstream_tls_is_verified_with_the_given_ca(tmp_path: os.PathLike[str]) -> None:
    authority = trustme.CA()
    server_context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    authority.issue_cert("localhost").configure_cert(server_context)
    ca_file = os.path.join(tmp_path, "ca.pem")
    authority.cert_pem.write_to_path(ca_file)
    async with upstream(ssl=server_context) as url:
        trusting = proxy_to(url, settings=ConnectionSettings(ca_file=ca_file))
        async with trusting as proxy, connect(proxy.url + "/tls") as ws:
            await ws.send("over tls")
            assert await ws.recv() == "over tls"
        async with proxy_to(url) as proxy:  # without --ca the certificate is not trusted
            with pytest.raises(InvalidStatus) as caught:
                async with connect(proxy.url):
                    pass
            assert caught.value.response.status_code == 502
            assert b"certificate" in (caught.value.response.body or b"")
