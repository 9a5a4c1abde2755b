"""A saved connection's ``replies:`` and ``every:`` run in ``record``, variables resolved."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from websockets.asyncio.server import ServerConnection

import sockscope
from server_thread import ServerThread
from sockscope.core.formats.jsonl import read_jsonl
from sockscope.core.store.frames import Kind, Opcode

SAVED = """\
name: beats
url: {url}
replies:
  - match: '$.op == "ping"'
    reply: '{{"op":"pong","n":{{{{$.n}}}},"who":"{{{{AGENT}}}}"}}'
every:
  - seconds: 0.05
    message: 'beat {{{{ROOM}}}}'
variables:
  ROOM: lobby
"""


async def _pings_then_waits(ws: ServerConnection) -> None:
    """An application ping; closes once the pong and three beats came."""
    await ws.send('{"op":"ping","n":41}')
    heard: list[str] = []
    async for message in ws:
        heard.append(str(message))
        if '{"op":"pong","n":41,"who":"agent-7"}' in heard and heard.count("beat lobby") >= 3:
            await ws.close(1000, "enough")


def test_record_runs_a_saved_connections_rules_with_env_variables(tmp_path: Path) -> None:
    out = tmp_path / "out.jsonl"
    env_file = tmp_path / "dev.env"
    env_file.write_text("AGENT=agent-7\n")
    source_root = str(Path(sockscope.__file__).resolve().parents[1])
    env = {**os.environ, "PYTHONPATH": source_root}
    with ServerThread(_pings_then_waits) as url:
        saved = tmp_path / "beats.sockscope.yaml"
        saved.write_text(SAVED.format(url=url))
        command = [sys.executable, "-m", "sockscope", "record", str(saved), "-o", str(out),
                   "--env", str(env_file), "--duration", "60"]  # fmt: skip
        done = subprocess.run(command, capture_output=True, text=True, env=env, timeout=90)
    assert done.returncode == 0, done.stderr
    store = read_jsonl(out).store
    sent = [
        store.payload(i)
        for i in range(len(store))
        if store.kind(i) is Kind.SEND and store.opcode(i) is Opcode.TEXT
    ]
    assert sent.count(b'{"op":"pong","n":41,"who":"agent-7"}') == 1
    assert sent.count(b"beat lobby") >= 3
    assert store.info(len(store) - 1)["reason"] == "enough"
