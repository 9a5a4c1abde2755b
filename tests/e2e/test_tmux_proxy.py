"""End to end in a real terminal: ``sockscope proxy --headless --record``, a client through it."""

from __future__ import annotations

import asyncio
import os
import re
import signal
import sys
from pathlib import Path

import pytest
from websockets.asyncio.client import connect

from sockscope.core.formats.load import load_log
from sockscope.core.store.frames import Kind
from sockscope.servers.demo import DemoServerThread

from .test_tmux import Tmux, tmux  # noqa: F401  (tmux: the fixture)

pytestmark = [
    pytest.mark.e2e,
    pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads /proc"),
]


async def client(url: str) -> tuple[str | bytes, str | bytes, int | None]:
    async with connect(
        f"{url}/echo?room=7",
        additional_headers={"Cookie": "session=e2e"},
        subprotocols=["chat.v1"],  # type: ignore[list-item]
    ) as ws:
        await ws.send("hello through the proxy")
        text = await ws.recv()
        await ws.send(bytes(range(256)))
        binary = await ws.recv()
        await ws.close(4001, "client done")
    return text, binary, ws.close_code


def test_a_client_through_the_proxy_is_recorded(
    tmux: Tmux,  # noqa: F811
    demo_server: DemoServerThread,
    tmp_path: Path,
) -> None:
    out = tmp_path / "proxied.jsonl"
    tmux.start(sys.executable, "-m", "sockscope", "proxy", demo_server.url("/"), "--headless",
               "--listen", "127.0.0.1:0", "--record", str(out), "--include-secrets")  # fmt: skip
    screen = tmux.wait_for(lambda screen: "proxying ws://" in screen, "the proxy to listen")
    found = re.search(r"proxying (ws://127\.0\.0\.1:\d+)", screen)
    assert found is not None
    text, binary, code = asyncio.run(client(found.group(1)))
    assert (text, binary, code) == ("hello through the proxy", bytes(range(256)), 4001)
    tmux.wait_for(lambda screen: "client 1: closed 4001" in screen, "the connection's end")
    # SIGTERM, as CI stops it (Ctrl+C would stop the shell that reports the exit status too).
    shell = tmux.run("display-message", "-p", "-t", "sockscope", "#{pane_pid}").strip()
    children = Path(f"/proc/{shell}/task/{shell}/children").read_text().split()
    os.kill(int(children[0]), signal.SIGTERM)
    screen = tmux.wait_for(lambda screen: "exited with status" in screen, "the proxy to stop")
    assert "sockscope exited with status 0" in screen
    assert "wrote" in screen and "1 connection" in screen
    store = load_log(out).store
    opened = store.info(next(i for i in range(len(store)) if store.kind(i) is Kind.OPEN))
    assert opened["url"] == demo_server.url("/echo?room=7")
    assert ["Cookie", "session=e2e"] in opened["request_headers"]
    assert ["Sec-WebSocket-Protocol", "chat.v1"] in opened["request_headers"]
    sent = [store.payload(i) for i in range(len(store))
            if store.kind(i) is Kind.SEND and store.opcode(i) in (1, 2)]  # fmt: skip
    assert sent == [b"hello through the proxy", bytes(range(256))]
    closed = store.info(len(store) - 1)
    assert (closed["code"], closed["reason"], closed["by"]) == (4001, "client done", "client")
