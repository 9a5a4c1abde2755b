"""``sockscope proxy --headless --record``: a real process, real clients, one log to replay."""

from __future__ import annotations

import asyncio
import os
import re
import signal
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner
from websockets.asyncio.client import connect

import sockscope
from sockscope.commands.replay import replay
from sockscope.core.formats.jsonl import read_jsonl
from sockscope.core.replay.plan import ReplayPlan
from sockscope.core.store.frames import Kind
from sockscope.servers.demo import DemoServerThread
from sockscope.servers.mock import start_mock_server

pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="signals to a child")


def start_proxy(
    upstream: str, *args: str, pattern: str = "ws"
) -> tuple[subprocess.Popen[str], str, str]:
    """The proxy as a process on a free port, the URL it listens on, what it said first."""
    source_root = str(Path(sockscope.__file__).resolve().parents[1])
    env = {**os.environ, "PYTHONPATH": source_root}
    command = [sys.executable, "-m", "sockscope", "proxy", upstream, "--listen", "127.0.0.1:0",
               *args]  # fmt: skip
    process = subprocess.Popen(command, stderr=subprocess.PIPE, text=True, env=env)
    assert process.stderr is not None
    said = ""
    for line in process.stderr:
        said += line
        found = re.search(rf"proxying ({pattern}://\S+)", line)
        if found:
            return process, found.group(1), said
    process.wait()
    raise AssertionError(f"the proxy did not start (exit {process.returncode})")


def stop(process: subprocess.Popen[str]) -> str:
    process.send_signal(signal.SIGTERM)
    _, stderr = process.communicate(timeout=20)
    assert process.returncode == 0, stderr
    assert "Traceback" not in stderr
    return stderr


async def two_clients(url: str) -> None:
    """Client 1 opens first and ends last; client 2 comes and goes meanwhile."""
    async with connect(f"{url}/echo?room=1") as first:
        await first.send("first: hello")
        assert await first.recv() == "first: hello"
        async with connect(f"{url}/echo") as second:
            await second.send(b"\x00second")
            assert await second.recv() == b"\x00second"
        await first.send("first: bye")
        assert await first.recv() == "first: bye"
        await first.close(4000, "done")


def test_record_every_client_then_replay_and_serve_the_log(
    demo_server: DemoServerThread, tmp_path: Path
) -> None:
    out = tmp_path / "proxied.jsonl"
    process, url, said = start_proxy(demo_server.url("/"), "--headless", "--record", str(out))
    try:
        asyncio.run(two_clients(url))
    finally:
        stderr = stop(process)
    assert "wrote" in stderr and "2 connections" in stderr
    assert "not built yet" not in said  # --headless asked for it
    log = read_jsonl(out)
    store = log.store
    opens = [store.info(i)["url"] for i in range(len(store)) if store.kind(i) is Kind.OPEN]
    assert opens == [demo_server.url("/echo?room=1"), demo_server.url("/echo")]  # as they came
    assert not list(tmp_path.glob("*.client-*.jsonl"))  # every part spliced in

    checked = CliRunner().invoke(replay, [str(out), "--check", "--fast"])
    assert checked.exit_code == 0, checked.output

    async def against_the_mock() -> None:
        plans = [ReplayPlan.from_store(store, log.header.url, n) for n in (1, 2)]
        mock = await start_mock_server(plans, fast=True)
        try:
            await two_clients(mock.url().rstrip("/"))
        finally:
            await mock.close()

    asyncio.run(against_the_mock())


def test_a_bad_listen_address_exits_2_with_one_line() -> None:
    done = subprocess.run(
        [sys.executable, "-m", "sockscope", "proxy", "ws://127.0.0.1:1", "--listen", "nowhere"],
        capture_output=True, text=True,
        env={**os.environ, "PYTHONPATH": str(Path(sockscope.__file__).resolve().parents[1])},
    )  # fmt: skip
    assert done.returncode == 2
    assert done.stderr.count("\n") == 1 and "HOST:PORT" in done.stderr
