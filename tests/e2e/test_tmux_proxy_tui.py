"""End to end in a real terminal: ``sockscope proxy`` in the TUI, a client script through it.

The upstream is a real websockets server run by the test (it keeps what it saw); the
client is a separate Python process. A breakpoint added with keys holds the client's
message; edited and forwarded with keys, the edit reaches the server and its echo the
client.
"""

from __future__ import annotations

import contextlib
import json
import re
import subprocess
import sys
import textwrap
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from websockets.exceptions import ConnectionClosed
from websockets.sync.server import Server, ServerConnection, serve

from .test_tmux import Tmux, tmux  # noqa: F401  (tmux: the fixture)

pytestmark = pytest.mark.e2e

CLIENT = textwrap.dedent(
    """
    import asyncio, json, sys
    from websockets.asyncio.client import connect

    async def main(base):
        said = {}
        async with connect(base + "/feed?x=1", additional_headers={"Cookie": "session=e2e"},
                           subprotocols=["chat.v1"], open_timeout=10) as ws:
            said["subprotocol"] = ws.subprotocol
            await ws.send("hello through the proxy")
            said["text"] = await ws.recv()
            await ws.send(bytes(range(256)))
            said["binary"] = (await ws.recv()) == bytes(range(256))
            await ws.send("hold me please")
            said["held"] = await asyncio.wait_for(ws.recv(), 30)
            await ws.close(4001, "client done")
        async with connect(base + "/bye", subprotocols=["chat.v1"]) as ws:
            await ws.send("close me")
            await ws.wait_closed()
            said["server_close"] = [ws.close_code, ws.close_reason]
        print(json.dumps(said), flush=True)

    asyncio.run(main(sys.argv[1]))
    """
)


class Upstream:
    """A websockets server on a thread: echoes, closes with 4002 on "close me", remembers."""

    def __init__(self) -> None:
        self.seen: list[dict[str, object]] = []
        self.got: list[str | bytes] = []
        self.closes: list[tuple[int | None, str | None]] = []

    def handle(self, ws: ServerConnection) -> None:
        request = ws.request
        assert request is not None
        self.seen.append(
            {"path": request.path, "cookie": request.headers.get("Cookie"),
             "subprotocol": ws.subprotocol}
        )  # fmt: skip
        with contextlib.suppress(ConnectionClosed):  # a close code other than 1000
            for message in ws:
                self.got.append(message)
                if message == "close me":
                    ws.close(4002, "server done")
                    break
                ws.send(message)
        self.closes.append((ws.close_code, ws.close_reason))


def rows_with(screen: str, *texts: str) -> list[str]:
    return [line for line in screen.splitlines() if all(text in line for text in texts)]


@pytest.fixture
def upstream() -> Iterator[tuple[Upstream, str]]:
    state = Upstream()
    server: Server = serve(
        state.handle,
        "127.0.0.1",
        0,
        subprotocols=["chat.v1"],  # type: ignore[list-item]
    )
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield state, f"ws://127.0.0.1:{server.socket.getsockname()[1]}"
    finally:
        server.shutdown()
        thread.join(5)


def test_a_breakpoint_holds_a_client_message_until_it_is_edited(
    tmux: Tmux,  # noqa: F811
    upstream: tuple[Upstream, str],
    tmp_path: Path,
) -> None:
    state, url = upstream
    tmux.start(sys.executable, "-m", "sockscope", "proxy", url, "--listen", "127.0.0.1:0")
    screen = tmux.wait_for(lambda s: "Clients connect to ws://" in s, "the proxy to listen")
    found = re.search(r"Clients connect to (ws://127\.0\.0\.1:\d+)", screen)
    assert found is not None
    tmux.send("b")
    tmux.wait_for(lambda s: "Hold the messages that match" in s, "the breakpoint dialog")
    tmux.send("hold me", literal=True)
    tmux.send("Enter")
    tmux.wait_for(lambda s: bool(rows_with(s, "client → server", "hold me")), "the rule")

    script = tmp_path / "client.py"
    script.write_text(CLIENT)
    client = subprocess.Popen(
        [sys.executable, str(script), found.group(1)], stdout=subprocess.PIPE, text=True
    )
    try:
        tmux.wait_for(lambda s: "message is held" in s, "the hold to be told")
        tmux.send("Enter")  # on the proxy's list of connections: shows the first one's tab
        tmux.wait_for(lambda s: "Held client → server" in s, "the held message's panel")
        assert "hold me please" in tmux.screen()
        tmux.send("e")
        tmux.wait_for(lambda s: "Send edit" in s, "the editor")
        tmux.send("C-a")
        tmux.send("edited by hand", literal=True)
        tmux.send("Enter")
        out, _ = client.communicate(timeout=20)
    finally:
        client.kill()
    said = json.loads(out)
    assert said == {
        "subprotocol": "chat.v1",
        "text": "hello through the proxy",
        "binary": True,
        "held": "edited by hand",
        "server_close": [4002, "server done"],
    }
    assert state.seen[0] == {"path": "/feed?x=1", "cookie": "session=e2e", "subprotocol": "chat.v1"}
    assert state.got == ["hello through the proxy", bytes(range(256)), "edited by hand",
                         "close me"]  # fmt: skip
    assert (4001, "client done") in state.closes
    # The edit both ways in the connection's log: sent (→) and its echo (←).
    tmux.wait_for(lambda s: len(rows_with(s, "edited by hand", "text")) == 2, "the log's rows")
    tmux.send("C-q")
    # The TUI's last screen scrolls the shell's line out of sight: read the history too.
    tmux.wait_for(lambda _: "sockscope exited with status 0" in history(tmux), "the quit")
    # Every connection was journaled, as a live session is: one log to replay.
    said = history(tmux).replace("\n", "")  # a long line wraps
    assert re.search(r"wrote \S+\.jsonl \(2\s?connections\)", said), said
    (journal,) = (tmp_path / "state").rglob("*.jsonl")
    assert b"edited by hand" in journal.read_bytes()


def history(tmux: Tmux) -> str:  # noqa: F811  (tmux: the fixture's type)
    return tmux.run("capture-pane", "-p", "-S", "-100", "-t", "sockscope")
