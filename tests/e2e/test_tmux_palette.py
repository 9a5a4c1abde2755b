"""End to end in a real terminal: the command palette runs ``ping`` by name."""

from __future__ import annotations

import pytest

from sockscope.servers.demo import DemoServerThread

from .test_tmux import Tmux, start_sockscope, tmux  # noqa: F401  (tmux: the fixture)

pytestmark = pytest.mark.e2e


def pong_rows(screen: str) -> list[str]:
    return [line for line in screen.splitlines() if "←" in line and "pong" in line]


def test_the_palette_sends_a_ping(tmux: Tmux, demo_server: DemoServerThread) -> None:  # noqa: F811
    start_sockscope(tmux, demo_server.url("/echo"))
    assert pong_rows(tmux.screen()) == []
    tmux.send("C-p")
    tmux.wait_for(lambda screen: "Leave (disconnect)" in screen, "the palette's commands")
    tmux.send("ping", literal=True)
    tmux.wait_for(lambda screen: "Leave (disconnect)" not in screen, "the palette's search")
    assert "Ping; measure latency · f6 · id ping" in tmux.screen()
    tmux.send("Enter")
    screen = tmux.wait_for(lambda screen: len(pong_rows(screen)) == 1, "the pong row")
    assert "measure latency" not in screen  # the palette closed
    tmux.send("C-q")
    tmux.wait_for(lambda screen: "sockscope exited with status 0" in screen, "sockscope to quit")
