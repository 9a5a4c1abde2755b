"""End to end in a real terminal: ``sockscope URL URL`` opens a tab each; keys switch and close."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from sockscope.core.formats.load import load_log
from sockscope.servers.demo import DemoServerThread

from .test_tmux import Tmux, rows_with, tmux  # noqa: F401  (tmux: the fixture)

pytestmark = pytest.mark.e2e


def test_two_urls_open_two_tabs_each_with_its_own_journal(
    tmux: Tmux,  # noqa: F811
    demo_server: DemoServerThread,
    tmp_path: Path,
) -> None:
    echo, ticks = demo_server.url("/echo"), demo_server.url("/ticks?rate=20")
    tmux.start(sys.executable, "-m", "sockscope", echo, ticks)
    # The tab bar names both, the first one shown; both connect.
    tmux.wait_for(
        lambda screen: "1 ● 127.0.0.1" in screen and "2 ● 127.0.0.1" in screen,
        "the tab bar with both tabs open",
    )
    screen = tmux.wait_for(lambda screen: "OPEN" in screen, "the first tab's connection")
    assert "/echo" in screen and "/ticks" in screen
    tmux.send("hello tab one", literal=True)
    tmux.send("Enter")
    tmux.wait_for(lambda screen: len(rows_with(screen, "hello tab one")) == 2, "the echo")
    assert not rows_with(tmux.screen(), '"type":"tick"')  # the ticks go to the other tab
    # alt+right, not alt+2: a terminal sends alt+2 as ESC 2, which Textual 8.2.8 reads
    # as "™" (option+2 on a Mac), so alt+1…9 reach the app only from terminals that speak
    # an extended keyboard protocol (kitty's); tmux 3.3 by default does not.
    tmux.send("M-Right")
    screen = tmux.wait_for(
        lambda screen: len(rows_with(screen, '"type":"tick"')) >= 3, "tab 2's ticks"
    )
    assert not rows_with(screen, "hello tab one")
    # alt+w with the composer focused: the terminal sends ESC w, which Textual reads as
    # alt+w carrying the character "w"; the tab keys take priority over the editor's typing.
    tmux.send("M-w")  # closes the ticks tab: one tab left, so no tab bar
    tmux.wait_for(
        # (not "2 ● " anywhere: a log row's time may end in 2 before its "● open")
        lambda screen: "│ 2 " not in screen and len(rows_with(screen, "hello tab one")) == 2,
        "tab 2 closed and tab 1 shown",
    )
    assert "▊ w" not in tmux.screen()  # the composer typed nothing
    tmux.send("C-PPage")  # one tab: the tab keys do nothing
    tmux.send("C-q")
    tmux.wait_for(lambda screen: "sockscope exited with status 0" in screen, "sockscope to quit")
    journals = sorted((tmp_path / "state" / "sockscope" / "sessions").glob("*.jsonl"))
    assert len(journals) == 2, journals
    logs = {log.header.url: log for log in map(load_log, journals)}
    assert logs.keys() == {echo, ticks}
    echoed = logs[echo].store
    assert b"hello tab one" in [echoed.payload(i) for i in range(len(echoed))]
    assert len(logs[ticks].store) >= 3
