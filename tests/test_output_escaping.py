"""Text from peers and files reaches the terminal escaped, as the TUI shows it."""

from __future__ import annotations

import asyncio
import json
import os
import signal
import subprocess
import sys
from pathlib import Path

from websockets.asyncio.client import connect

from sockscope.core.formats.journal import write_store
from sockscope.core.formats.model import LogHeader
from sockscope.core.store.frames import FrameStore, Kind, Opcode
from sockscope.servers.demo import DemoServerThread

HOSTILE = "\x1b[2J\x1b]0;pwned\x07\u202eevil\n"
RAW = {chr(c) for c in (*range(0x20), 0x7F, *range(0x80, 0xA0))} | {"\u202e"}


def no_raw_controls(text: str) -> None:
    for line in text.splitlines():
        assert not RAW & set(line), f"raw control character in {line!r}"


def command(*args: str | Path) -> list[str]:
    return [sys.executable, "-m", "sockscope", *map(str, args)]


def run(*args: str | Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        command(*args),
        capture_output=True,
        text=True,
        timeout=60,
        stdin=subprocess.DEVNULL,
        env={**os.environ, "PYTHONPATH": os.pathsep.join(sys.path)},
    )


def test_convert_lists_a_few_har_entries_escaped_and_counts_the_rest(tmp_path: Path) -> None:
    entries = [
        {"_resourceType": "websocket", "request": {"url": f"wss://h/{n}{HOSTILE}"}}
        for n in range(10_000)
    ]
    har = tmp_path / "many.har"
    har.write_text(json.dumps({"log": {"entries": entries}}))
    result = run("convert", har, tmp_path / "out.jsonl")
    assert result.returncode == 2
    no_raw_controls(result.stderr)
    [line] = result.stderr.splitlines()
    assert (
        "it has 10000 WebSocket entries; pick one by number or URL part: 1: wss://h/0␛[2J" in line
    )
    assert line.endswith("; and 9,995 more")
    assert len(line) < 1000


def test_replay_prints_the_log_url_escaped(tmp_path: Path, demo_server: DemoServerThread) -> None:
    url = demo_server.url("/echo?room=\u202eevil")
    store = FrameStore()
    store.append_event(1.0, Kind.OPEN, {"url": url})
    store.append(2.0, Kind.SEND, Opcode.TEXT, b"hi")
    log = tmp_path / "log.jsonl"
    write_store(log, store, LogHeader(url=url))
    result = run("replay", log, "--fast")
    no_raw_controls(result.stderr)
    assert "/echo?room=\\u202eevil as fast as possible" in result.stderr


async def test_serve_replay_prints_a_client_path_and_close_reason_escaped(tmp_path: Path) -> None:
    store = FrameStore()
    store.append_event(1.0, Kind.OPEN, {"url": "ws://example.test/"})
    store.append(2.0, Kind.RECV, Opcode.TEXT, b"hello")
    log = tmp_path / "log.jsonl"
    write_store(log, store, LogHeader(url="ws://example.test/"))
    server = await asyncio.create_subprocess_exec(
        *command("serve", "--port", "0", "--replay", log),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        stdin=subprocess.DEVNULL,
        env={**os.environ, "PYTHONPATH": os.pathsep.join(sys.path)},
    )
    try:
        assert server.stdout is not None and server.stderr is not None
        banner = (await asyncio.wait_for(server.stdout.readline(), 30)).decode()
        url = banner.split(" on ")[1].split(" ")[0]
        async with connect(url + "%E2%80%AEpath%1B[31m") as ws:
            assert await ws.recv() == "hello"
            await ws.close(1000, HOSTILE)
        lines = []
        while not any("closed" in line for line in lines):
            lines.append((await asyncio.wait_for(server.stderr.readline(), 30)).decode())
    finally:
        server.send_signal(signal.SIGINT)
        await asyncio.wait_for(server.wait(), 30)
    text = "".join(lines)
    no_raw_controls(text)
    assert "␛[2J␛]0;pwned␇\\u202eevil␊" in text
