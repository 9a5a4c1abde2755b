"""The README's "Save, open, replay" commands, run as written against the demo server.

Only the hosts change: ``ws://host/feed`` and ``wss://staging/feed`` become the demo server's
tick feed. ``sockscope --open`` is the TUI and is driven by tests/tui/test_app_files.py and
the tmux tests; every other line runs here, in order, in one folder, as a user would.
"""

from __future__ import annotations

import os
import shlex
import shutil
import signal
import subprocess
import sys
from pathlib import Path

import orjson

import sockscope
from sockscope.servers.demo import DemoServerThread

README = Path(__file__).resolve().parents[1] / "README.md"
SOURCE_ROOT = str(Path(sockscope.__file__).resolve().parents[1])


def readme_commands() -> list[list[str]]:
    """The command lines of the README's "Save, open, replay" block, comments dropped."""
    text = README.read_text(encoding="utf-8")
    block = text.split("## Save, open, replay", 1)[1].split("```sh\n", 1)[1].split("```", 1)[0]
    return [shlex.split(line, comments=True) for line in block.splitlines() if line.strip()]


def with_demo_hosts(args: list[str], feed: str) -> list[str]:
    return [feed if arg in ("ws://host/feed", "wss://staging/feed") else arg for arg in args]


def sockscope_command(args: list[str]) -> list[str]:
    assert args[0] == "sockscope"
    return [sys.executable, "-m", "sockscope", *args[1:]]


def run(args: list[str], cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        sockscope_command(args), cwd=cwd, env=ENV, capture_output=True, text=True, timeout=60,
        stdin=subprocess.DEVNULL,
    )  # fmt: skip


def run_until_ctrl_c(args: list[str], cwd: Path, ready: str) -> tuple[int, str]:
    """Start a command that runs until Ctrl+C; send it once ``ready`` shows on its output."""
    with subprocess.Popen(
        sockscope_command(args), cwd=cwd, env=ENV, text=True, stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
    ) as process:  # fmt: skip
        assert process.stdout is not None
        seen = []
        while ready not in (line := process.stdout.readline()):
            assert line, f"ended before {ready!r}: {''.join(seen)}"
            seen.append(line)
        process.send_signal(signal.SIGINT)
        rest, _ = process.communicate(timeout=20)
    return process.returncode, "".join(seen) + rest


ENV = {**os.environ, "PYTHONPATH": SOURCE_ROOT}


def test_the_readme_save_open_replay_commands_run_as_written(
    demo_server: DemoServerThread, tmp_path: Path
) -> None:
    feed = demo_server.url("/ticks?rate=200")
    commands = [with_demo_hosts(args, feed) for args in readme_commands()]
    assert [args[1] for args in commands] == [
        "--open", "record", "record", "replay", "replay", "serve", "convert",
    ]  # fmt: skip
    _, record_count, record_forever, check, replay_json, serve, convert = commands

    done = run(record_count, tmp_path)
    assert done.returncode == 0, done.stderr
    assert "wrote feed.jsonl" in done.stderr

    code, output = run_until_ctrl_c(record_forever, tmp_path, ready=" recv ")
    assert code == 0, output
    assert "Traceback" not in output

    checked = run(check, tmp_path)
    assert checked.returncode == 0, checked.stdout + checked.stderr
    assert "the recording" in checked.stdout and "differ from" not in checked.stdout

    replayed = run(replay_json, tmp_path)
    assert replayed.returncode == 0, replayed.stderr
    assert orjson.loads(replayed.stdout)["complete"] is True
    assert (tmp_path / "new.jsonl").is_file()

    code, output = run_until_ctrl_c(serve, tmp_path, ready="mock server on")
    assert code == 0, output
    assert "Traceback" not in output

    shutil.copy(tmp_path / "feed.jsonl", tmp_path / "session.jsonl")
    converted = run(convert, tmp_path)
    assert converted.returncode == 0, converted.stderr
    assert orjson.loads((tmp_path / "session.har").read_bytes())["log"]["entries"]
