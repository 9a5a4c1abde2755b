"""`sockscope serve --replay LOG` playing the server side of a protocol log to the REAL
npm clients: socket.io-client (its join and the open packet, Engine.IO pings sent live on
the recorded pingInterval, its ack ids mapped) and graphql-ws's createClient (its UUID
operation id mapped onto the recorded one and answered with)."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from click.testing import CliRunner

from node_servers import NODE_DIR, ensure_packages, node_command, node_server
from sockscope.commands.record import record

APP = Path(__file__).resolve().parents[2] / "app"


@contextmanager
def mock(log: Path) -> Iterator[tuple[str, list[str]]]:
    """``sockscope serve --replay LOG`` on a free port: its URL, and (after) its report."""
    env = {**os.environ, "PYTHONPATH": f"{APP}{os.pathsep}{os.environ.get('PYTHONPATH', '')}"}
    process = subprocess.Popen(
        [sys.executable, "-m", "sockscope", "serve", "--replay", str(log), "--port", "0"],
        stderr=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
        env=env,
    )
    report: list[str] = []
    try:
        assert process.stdout is not None
        banner = process.stdout.readline()
        found = re.search(r"on (ws://127\.0\.0\.1:\d+)/", banner)
        assert found, banner
        yield found.group(1), report
    finally:
        process.terminate()
        _, said = process.communicate(timeout=10)
        report += said.splitlines()


def client(script: str, *args: str) -> list[dict[str, object]]:
    ensure_packages()
    done = subprocess.run(
        [node_command("node"), str(NODE_DIR / script), *args],
        cwd=NODE_DIR,
        capture_output=True,
        text=True,
        timeout=30,
    )
    assert done.returncode == 0, (done.stdout, done.stderr)
    return [json.loads(line) for line in done.stdout.splitlines()]


def _record(log: Path, url: str, protocol: str, *args: str) -> None:
    result = CliRunner().invoke(record, [url, "-o", str(log), "-q", "--protocol", protocol, *args])
    assert result.exit_code == 0, result.output


def test_socket_io_client_gets_the_recorded_events(tmp_path: Path) -> None:
    log = tmp_path / "sio.jsonl"
    # Ack id 7: socket.io-client numbers its acks from 0, so the mock must map it.
    sends = ("--send", '42["echo","hi"]', "--send", '427["echo","acked"]', "--count", "5")
    with node_server("socketio_server.js", "/custom/") as port:
        url = f"http://127.0.0.1:{port}"
        _record(log, url, "socket.io", "--protocol-option", "path=/custom/", *sends)
    with mock(log) as (url, report):
        # 1.5 s: three times the client's ping timeout (pingInterval 300 + pingTimeout 200
        # ms, from the recorded open packet): it stays only if the mock pings live.
        printed = client("socketio_client.js", url, "/custom/", "1500")
    assert printed == [
        {"event": "welcome", "args": [{}]},
        {"event": "echo", "args": ["hi"]},
        {"ack": "acked"},  # the ack's one argument
        {"connected": True},
        {"disconnect": "io client disconnect"},  # its own, at the end
    ], report
    # Every client message matched the recorded one (the 41 it leaves with is extra).
    assert not [line for line in report if "instead of" in line], report
    assert "end of the script (3 received, 5 sent)" in " ".join(report)


def test_graphql_ws_client_gets_the_recorded_results(tmp_path: Path) -> None:
    log = tmp_path / "gql.jsonl"
    query = "subscription { ticks(upTo: 3) }"
    subscribe = json.dumps({"id": "1", "type": "subscribe", "payload": {"query": query}})
    with node_server("graphql_server.js") as port:
        url = f"ws://127.0.0.1:{port}"
        _record(log, url, "graphql-transport-ws", "--send", subscribe, "--count", "5")
    with mock(log) as (url, report):
        printed = client("graphql_client.js", url, query)
    assert printed == [
        {"next": {"data": {"ticks": 1}}},
        {"next": {"data": {"ticks": 2}}},
        {"next": {"data": {"ticks": 3}}},
        {"complete": True},
    ], report
    assert not [line for line in report if "unexpected" in line], report
