"""``sockscope curl …`` as a browser copies it, in a real terminal against a real server.

The server checks the handshake itself: the cookie and the origin the curl command
carried arrive, the copied Sec-WebSocket-Key does not (the handshake makes its own).
"""

from __future__ import annotations

import sys
from collections.abc import Iterator

import pytest
from websockets.asyncio.server import ServerConnection

from e2e.test_tmux import Tmux, rows_with, tmux  # noqa: F401 (tmux: the fixture)
from server_thread import ServerThread

pytestmark = pytest.mark.e2e

STALE_KEY = "c3RhbGUga2V5IGZyb20gY2hyb21l"


class CheckingServer:
    def __init__(self) -> None:
        self.seen: list[dict[str, str]] = []
        self.thread = ServerThread(self.handle)

    async def handle(self, connection: ServerConnection) -> None:
        assert connection.request is not None
        headers = {k.lower(): v for k, v in connection.request.headers.raw_items()}
        self.seen.append({**headers, "path": connection.request.path})
        ok = headers.get("cookie") == "a=b" and headers.get("origin") == "http://x"
        await connection.send(
            f"handshake {'checked' if ok else 'WRONG'}: {connection.request.path}"
        )
        async for message in connection:
            await connection.send(message)


@pytest.fixture
def checking_server() -> Iterator[CheckingServer]:
    server = CheckingServer()
    server.thread.start()
    yield server
    server.thread.stop()


def test_sockscope_curl_connects_with_the_cookie_and_origin_kept(
    tmux: Tmux,  # noqa: F811
    checking_server: CheckingServer,
) -> None:
    url = f"http://127.0.0.1:{checking_server.thread.port}/live?room=1"
    tmux.start(
        sys.executable, "-m", "sockscope", "curl", url, "-H", "Cookie: a=b",
        "-H", "Origin: http://x", "-H", f"Sec-WebSocket-Key: {STALE_KEY}",
        "-H", "Upgrade: websocket", "-H", "Connection: Upgrade", "--compressed",
    )  # fmt: skip
    screen = tmux.wait_for(
        lambda screen: "handshake checked: /live?room=1" in screen, "the server's check"
    )
    assert "OPEN" in screen and "WRONG" not in screen
    (seen,) = checking_server.seen
    assert (seen["cookie"], seen["origin"], seen["path"]) == ("a=b", "http://x", "/live?room=1")
    assert seen["sec-websocket-key"] != STALE_KEY
    tmux.send("curl is live", literal=True)
    tmux.send("Enter")
    tmux.wait_for(lambda screen: len(rows_with(screen, "curl is live")) == 2, "the echo")
    tmux.send("C-q")
    tmux.wait_for(lambda screen: "sockscope exited with status 0" in screen, "sockscope to quit")
