"""End to end in a real terminal: ``python -m sockscope URL`` inside tmux, driven by keys.

tmux gives a real pseudo-terminal, so this checks what no headless test can: the installed
command starts, draws, reads keys, sends and receives over a real socket, never lets a
server's escape sequences reach the terminal, and quits cleanly on ctrl+q.
Skipped only where tmux is missing and ``CI`` is unset; in CI a missing tmux fails.
"""

from __future__ import annotations

import contextlib
import json
import os
import secrets
import shlex
import shutil
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from sockscope.core.formats.load import load_log
from sockscope.core.store.frames import Kind
from sockscope.core.text.display import preview
from sockscope.servers.demo import DemoServerThread

pytestmark = pytest.mark.e2e

SESSION = "sockscope"
#: tmux runs this shell line, so the pane keeps sockscope's exit status after it quits.
REPORT_EXIT = '"$@"; echo "sockscope exited with status $?"'


@dataclass(frozen=True)
class Tmux:
    """One private tmux server (its own socket name), holding one session."""

    socket: str
    config: Path
    env: dict[str, str]

    def run(self, *args: str) -> str:
        command = ["tmux", "-L", self.socket, "-f", str(self.config), *args]
        done = subprocess.run(command, env=self.env, capture_output=True, text=True, timeout=10)
        if done.returncode != 0:
            raise AssertionError(f"{shlex.join(command)} failed: {done.stderr.strip()}")
        return done.stdout

    def start(self, *command: str) -> None:
        """Run ``command`` in a detached 140x40 session."""
        line = shlex.join(["sh", "-c", REPORT_EXIT, "sh", *command])
        self.run("new-session", "-d", "-x", "140", "-y", "40", "-s", SESSION, line)

    def send(self, *keys: str, literal: bool = False) -> None:
        self.run("send-keys", "-t", SESSION, *(["-l"] if literal else []), *keys)

    def screen(self) -> str:
        return self.run("capture-pane", "-p", "-t", SESSION)

    def wait_for(self, condition: Callable[[str], bool], what: str, timeout: float = 10) -> str:
        """Poll the screen until ``condition`` holds; fail showing the last screen."""
        deadline = time.monotonic() + timeout
        while True:
            screen = self.screen()
            if condition(screen):
                return screen
            if time.monotonic() > deadline:
                raise AssertionError(f"waited {timeout} s for {what}; the screen:\n{screen}")
            time.sleep(0.1)


@pytest.fixture
def tmux(tmp_path: Path) -> Iterator[Tmux]:
    if shutil.which("tmux") is None:
        if os.environ.get("CI"):
            pytest.fail("tmux is missing: CI must run the end-to-end test (apt-get install tmux)")
        pytest.skip("tmux is not installed (CI installs it and runs this test)")
    config = tmp_path / "tmux.conf"
    # Keep the pane after the program ends, to read its exit line; a known TERM.
    config.write_text("set -g remain-on-exit on\nset -g default-terminal xterm-256color\n")
    env = {
        **os.environ,
        "LC_ALL": "C.UTF-8",  # tmux draws UTF-8 only when the locale says so
        "TERM": "xterm-256color",
        "XDG_STATE_HOME": str(tmp_path / "state"),  # the session journal goes here
        "XDG_CONFIG_HOME": str(tmp_path / "config"),  # no config.yaml of the user's
        "NO_PROXY": "127.0.0.1",
        "no_proxy": "127.0.0.1",
    }
    server = Tmux(f"sockscope-test-{os.getpid()}-{secrets.token_hex(4)}", config, env)
    yield server
    with contextlib.suppress(AssertionError):  # no server: the test never started one
        socket = Path(server.run("display-message", "-p", "#{socket_path}").strip())
        server.run("kill-server")
        socket.unlink(missing_ok=True)  # tmux leaves the socket file behind


def start_sockscope(tmux: Tmux, url: str) -> None:
    tmux.start(sys.executable, "-m", "sockscope", url)
    tmux.wait_for(lambda screen: "OPEN" in screen, "the connection to open")


def rows_with(screen: str, text: str) -> list[str]:
    """The message log's frame rows (sent or received) that show ``text``."""
    return [line for line in screen.splitlines() if text in line and ("→" in line or "←" in line)]


def test_send_a_message_see_it_echoed_and_quit(tmux: Tmux, demo_server: DemoServerThread) -> None:
    start_sockscope(tmux, demo_server.url("/echo"))
    tmux.send("hello from tmux", literal=True)
    tmux.send("Enter")
    screen = tmux.wait_for(
        lambda screen: len(rows_with(screen, "hello from tmux")) == 2, "the message and its echo"
    )
    sent, echoed = rows_with(screen, "hello from tmux")
    assert "→ text" in sent
    assert "← text" in echoed
    tmux.send("C-q")
    tmux.wait_for(lambda screen: "sockscope exited with status 0" in screen, "sockscope to quit")


def test_a_hostile_frame_cannot_clear_the_screen(tmux: Tmux, demo_server: DemoServerThread) -> None:
    start_sockscope(tmux, demo_server.url("/echo"))
    # A typed ESC starts a key sequence (and tmux's paste turns it into "^["): send the
    # bytes in binary (hex) mode instead; the echo server sends them back as they are.
    tmux.send("C-t", "C-t")  # the composer's modes: text, JSON, binary (hex)
    tmux.wait_for(lambda screen: "Binary (hex)" in screen, "the composer's binary (hex) mode")
    tmux.send(b"\x1b[2J[bold]x".hex(" "), literal=True)
    tmux.send("Enter")
    screen = tmux.wait_for(
        lambda screen: len(rows_with(screen, "␛[2J[bold]x")) == 2, "the frame and its echo"
    )
    sent, echoed = rows_with(screen, "␛[2J[bold]x")
    assert "→ binary" in sent
    assert "← binary" in echoed
    # Had ESC[2J reached the terminal, it would have wiped what was not redrawn since.
    assert "● open" in screen
    assert "Quit" in screen
    assert demo_server.url("/echo") in screen.splitlines()[0]


#: Sent as binary frames; the log shows them as safe text, or as hex when mostly control bytes.
HOSTILE = [
    b"\x1b]0;pwned\x07title",  # sets the window title
    b"\x1b]52;c;ZXZpbA==\x07clip",  # writes the clipboard
    b"A\x00B\x07C\x9b31m and more text",  # NUL, bell, C1 CSI
    "\u202eRLO override".encode(),  # right-to-left override
    b"[red]markup[/red]",  # Rich markup
]


def test_hostile_frames_show_literally_and_do_nothing(
    tmux: Tmux, demo_server: DemoServerThread
) -> None:
    start_sockscope(tmux, demo_server.url("/echo"))
    title = tmux.run("display-message", "-p", "-t", SESSION, "#{pane_title}").strip()
    tmux.send("C-t", "C-t")  # binary (hex) mode: the bytes go out exactly as written
    tmux.wait_for(lambda screen: "Binary (hex)" in screen, "the composer's binary (hex) mode")
    for payload in HOSTILE:
        shown = preview(payload, is_text=False, width=30)
        tmux.send(payload.hex(" "), literal=True)
        tmux.send("Enter")
        tmux.wait_for(lambda screen, s=shown: len(rows_with(screen, s)) == 2, f"echo of {shown}")
    assert tmux.run("display-message", "-p", "-t", SESSION, "#{pane_title}").strip() == title
    assert "evil" not in tmux.run("list-buffers")  # OSC 52 never reached the terminal


def test_the_readme_demo_command_opens_on_the_demo_server(tmux: Tmux, tmp_path: Path) -> None:
    """`sockscope demo`, the README's first command: its own server, connected to /echo."""
    journal = tmp_path / "demo.jsonl"
    tmux.start(sys.executable, "-m", "sockscope", "demo", "--record", str(journal))
    tmux.wait_for(lambda screen: "OPEN" in screen and "/echo" in screen, "the demo to connect")
    tmux.send("hi demo", literal=True)
    tmux.send("Enter")
    tmux.wait_for(lambda screen: len(rows_with(screen, "hi demo")) == 2, "the demo's echo")
    tmux.send("C-q")
    tmux.wait_for(lambda screen: "sockscope exited with status 0" in screen, "sockscope to quit")
    assert b"hi demo" in journal.read_bytes()


def test_kill_9_during_a_feed_loses_at_most_the_last_second(
    tmux: Tmux, demo_server: DemoServerThread, tmp_path: Path
) -> None:
    """The journal after SIGKILL: every tick in order, none missing, only the tail lost."""
    journal = tmp_path / "feed.jsonl"
    rate = 2000
    url = demo_server.url(f"/ticks?rate={rate}")
    tmux.start(sys.executable, "-m", "sockscope", url, "--record", str(journal))
    tmux.wait_for(lambda screen: "OPEN" in screen, "the feed to open")
    started = time.monotonic()
    time.sleep(2.5)
    shell = tmux.run("display-message", "-p", "-t", SESSION, "#{pane_pid}").strip()
    app_pid = subprocess.run(
        ["pgrep", "-P", shell], capture_output=True, text=True, check=True
    ).stdout.split()[0]
    os.kill(int(app_pid), signal.SIGKILL)
    killed_after = time.monotonic() - started
    tmux.wait_for(lambda screen: "exited with status 137" in screen, "the kill")

    log = load_log(journal)
    seqs = [
        json.loads(log.store.payload(i))["seq"]
        for i in range(len(log.store))
        if log.store.kind(i) is Kind.RECV
    ]
    assert seqs == list(range(1, len(seqs) + 1)), "a tick is missing or out of order"
    # At most the last second (plus scheduling slack on a shared machine) is lost.
    assert len(seqs) >= rate * (killed_after - 1.5), (len(seqs), killed_after)


def test_the_inspector_follows_the_cursor_keys(tmux: Tmux, demo_server: DemoServerThread) -> None:
    """ctrl+g focuses the log; End and Up move its cursor, the inspector shows each row."""
    start_sockscope(tmux, demo_server.url("/echo"))
    for message in ("first words", '{"nested":{"n":42}}'):
        tmux.send(message, literal=True)
        tmux.send("Enter")
        tmux.wait_for(
            lambda screen, message=message: len(rows_with(screen, message)) == 2, "the echo"
        )
    tmux.send("C-g")
    tmux.wait_for(lambda screen: " t Time " in screen, "the log's keys in the key bar")
    tmux.send("End")
    # The last row, the JSON echo, pretty-printed: its inner object on lines of its own.
    tmux.wait_for(
        lambda screen: "← received text" in screen and '"n": 42' in screen, "the JSON inspected"
    )
    tmux.send("Up", "Up")  # past the sent JSON to the echo of "first words"
    screen = tmux.wait_for(lambda screen: '"n": 42' not in screen, "the inspector to move")
    inspector = [line.split("▏", 1)[1] for line in screen.splitlines() if "▏" in line]
    assert any("← received text" in line for line in inspector), screen
    assert any(line.strip() == "first words" for line in inspector), screen
    tmux.send("C-q")
    tmux.wait_for(lambda screen: "sockscope exited with status 0" in screen, "sockscope to quit")


def test_ping_shows_latency_and_shift_f8_vanishes_with_1006(
    tmux: Tmux, demo_server: DemoServerThread
) -> None:
    """The driver's reports reach a real terminal: latency after F6, a 1006 after shift+F8."""
    start_sockscope(tmux, demo_server.url("/echo"))
    tmux.send("F6")
    tmux.wait_for(lambda screen: "latency" in screen, "the ping's round trip")
    tmux.send("S-F8")
    screen = tmux.wait_for(lambda screen: "CLOSED" in screen, "the connection to vanish")
    assert "1006" in screen and "not clean" in screen
    tmux.send("C-q")
    tmux.wait_for(lambda screen: "sockscope exited with status 0" in screen, "sockscope to quit")
