"""``sockscope record --reply … --every …`` as a user runs it, against a real server."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from click.testing import CliRunner
from websockets.asyncio.server import ServerConnection

import sockscope
from server_thread import ServerThread
from sockscope.cli import main
from sockscope.core.formats.jsonl import read_jsonl
from sockscope.core.store.frames import Kind, Opcode

TICKS = 3


async def _pings_then_waits_for_ticks(ws: ServerConnection) -> None:
    """Sends an application ping; closes once it has the pong and a few ticks."""
    await ws.send('{"op":"ping","n":7}')
    heard: list[str] = []
    async for message in ws:
        heard.append(str(message))
        if '{"op":"pong","n":7}' in heard and heard.count("tick") >= TICKS:
            await ws.close(1000, "enough")


def test_record_answers_pings_and_runs_timers(tmp_path: Path) -> None:
    out = tmp_path / "rules.jsonl"
    source_root = str(Path(sockscope.__file__).resolve().parents[1])
    env = {**os.environ, "PYTHONPATH": source_root}
    with ServerThread(_pings_then_waits_for_ticks) as url:
        command = [sys.executable, "-m", "sockscope", "record", url, "-o", str(out),
                   "--reply", '$.op == "ping"', '{"op":"pong","n":{{$.n}}}',
                   "--every", "0.05", "tick", "--duration", "60"]  # fmt: skip
        done = subprocess.run(command, capture_output=True, text=True, env=env, timeout=90)
    assert done.returncode == 0, done.stderr
    assert "Traceback" not in done.stderr
    store = read_jsonl(out).store
    sent = [
        store.payload(i)
        for i in range(len(store))
        if store.kind(i) is Kind.SEND and store.opcode(i) is Opcode.TEXT
    ]
    assert sent.count(b'{"op":"pong","n":7}') == 1
    assert sent.count(b"tick") >= TICKS
    notes = [store.info(i)["message"] for i in range(len(store)) if store.kind(i) is Kind.NOTE]
    assert any(note.startswith("auto-reply: row") for note in notes)
    assert any("sent by the timer every 0.05 s" in note for note in notes)
    assert store.info(len(store) - 1)["reason"] == "enough"


def test_a_bad_rule_is_one_line_and_exit_2(tmp_path: Path) -> None:
    for args in (["--reply", "(", "x"], ["--reply", "$.n == seven", "x"], ["--every", "0", "x"]):
        result = CliRunner().invoke(
            main, ["record", "ws://127.0.0.1:9/", "-o", str(tmp_path / "x.jsonl"), *args]
        )
        assert result.exit_code == 2, result.output
        assert result.stderr.startswith("sockscope: error: ")
        assert result.stderr.count("\n") == 1 and "Traceback" not in result.output
    assert not (tmp_path / "x.jsonl").exists()
