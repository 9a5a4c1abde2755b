"""End to end in a real terminal: ``sockscope --collection DIR --env FILE``.

A saved connection chosen in the sidebar connects with a header from the env file; its
reply rule answers the server's application ping with the ping's field, and its timer
sends on time with a variable of the file resolved at each send.
"""

from __future__ import annotations

import itertools
import sys
import time
from pathlib import Path

import pytest
from websockets.asyncio.server import ServerConnection

from server_thread import ServerThread

from .test_tmux import SESSION, Tmux, rows_with, tmux  # noqa: F401  (tmux: the fixture)

pytestmark = pytest.mark.e2e

PERIOD = 0.4
SAVED = """\
name: beats
url: ws://127.0.0.1:PORT/
headers:
  X-Token: '{{TOKEN}}'
replies:
  - match: '$.op == "ping"'
    reply: '{"op":"pong","n":{{$.n}}}'
every:
  - {seconds: PERIOD, message: 'beat {{ROOM}}'}
variables:
  ROOM: lobby
"""


class Server:
    """Sends an application ping on open; keeps the token and what it hears, with times."""

    def __init__(self) -> None:
        self.tokens: list[str | None] = []
        self.heard: list[tuple[float, str]] = []

    async def handler(self, ws: ServerConnection) -> None:
        assert ws.request is not None
        self.tokens.append(ws.request.headers.get("X-Token"))
        await ws.send('{"op":"ping","n":41}')
        async for message in ws:
            self.heard.append((time.monotonic(), str(message)))

    def beats(self) -> list[float]:
        return [t for t, message in self.heard if message == "beat lobby"]


def test_a_saved_connection_runs_its_rules_from_the_sidebar(
    tmux: Tmux,  # noqa: F811
    tmp_path: Path,
) -> None:
    server = Server()
    with ServerThread(server.handler) as url:
        port = url.rsplit(":", 1)[1].strip("/")
        folder = tmp_path / "collection"
        folder.mkdir()
        (folder / "beats.sockscope.yaml").write_text(
            SAVED.replace("PORT", port).replace("PERIOD", str(PERIOD))
        )
        env = tmp_path / "dev.env"
        env.write_text("TOKEN=tok-from-env-42\n")
        tmux.start(sys.executable, "-m", "sockscope", "--collection", str(folder),
                   "--env", str(env), "--no-journal")  # fmt: skip
        tmux.wait_for(lambda screen: "beats" in screen, "the sidebar")
        tmux.send("C-b")
        # The key bar offers the sidebar's keys once its tree has the focus; at launch the
        # focus may still move once (see the report), so wait until it stays there.
        steady = 0
        while steady < 5:
            screen = tmux.wait_for(lambda screen: "Save as new" in screen, "the sidebar's focus")
            steady = steady + 1 if "Save as new" in tmux.screen() else 0
            time.sleep(0.1)
        tmux.send("Enter")
        screen = tmux.wait_for(lambda screen: "OPEN" in screen, "the connection to open")
        screen = tmux.wait_for(
            lambda screen: any("→" in row for row in rows_with(screen, '{"op":"pong","n":41}')),
            "the automatic pong",
        )
        assert "1 reply rule · every 0.4 s" in screen
        tmux.wait_for(lambda screen: len(rows_with(screen, "beat lobby")) >= 3, "three beats")
        tmux.send("C-q")
        # The exit line may have scrolled just above the pane: read the history too.
        deadline = time.monotonic() + 10
        while "sockscope exited with status 0" not in (
            history := tmux.run("capture-pane", "-p", "-S", "-50", "-t", SESSION)
        ):
            assert time.monotonic() < deadline, f"sockscope did not quit:\n{history}"
            time.sleep(0.1)
    assert server.tokens == ["tok-from-env-42"]
    assert (t := [m for _, m in server.heard])[0] == '{"op":"pong","n":41}', t
    beats = server.beats()
    assert len(beats) >= 3
    # On time: never sooner than the period (a late beat is the machine's business).
    assert all(b - a >= PERIOD * 0.9 for a, b in itertools.pairwise(beats))
