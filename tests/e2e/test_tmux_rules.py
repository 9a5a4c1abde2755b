"""End to end in a real terminal: a reply rule answers an application ping; F9 pauses it."""

from __future__ import annotations

import sys

import pytest

from sockscope.servers.demo import DemoServerThread

from .test_tmux import Tmux, rows_with, tmux  # noqa: F401  (tmux: the fixture)

pytestmark = pytest.mark.e2e


def test_a_reply_rule_answers_an_application_ping(
    tmux: Tmux,  # noqa: F811
    demo_server: DemoServerThread,
) -> None:
    tmux.start(sys.executable, "-m", "sockscope", demo_server.url("/echo"),
               "--reply", '$.op == "ping"', '{"op":"pong","n":{{$.n}}}')  # fmt: skip
    tmux.wait_for(lambda screen: "OPEN" in screen, "the connection to open")
    tmux.wait_for(lambda screen: "1 reply rule" in screen, "the rules in the status line")
    # The echo server sends the ping back, as a server's own ping; the rule answers it.
    tmux.send('{"op":"ping","n":7}', literal=True)
    tmux.send("Enter")
    screen = tmux.wait_for(
        lambda screen: any("→" in row for row in rows_with(screen, '{"op":"pong","n":7}')),
        "the automatic pong",
    )
    assert "auto-reply" in screen
    tmux.send("F9")
    tmux.wait_for(lambda screen: "1 reply rule · paused" in screen, "the rules paused")
    tmux.send("C-q")
    tmux.wait_for(lambda screen: "sockscope exited with status 0" in screen, "sockscope to quit")
