"""Log files that are not what they claim: pipes, endless files, deep JSON, wild times.

Every reader (convert, replay, serve --replay, the TUI's --open) goes through
the same opening code; each case is driven through the real command line.
"""

from __future__ import annotations

import os
import subprocess
import sys
import threading
from pathlib import Path

import pytest
from websockets.asyncio.client import connect
from websockets.exceptions import ConnectionClosed

from sockscope.core.formats.errors import LogError
from sockscope.core.formats.journal import write_store
from sockscope.core.formats.load import load_log
from sockscope.core.formats.model import LogHeader
from sockscope.core.replay.plan import ReplayPlan
from sockscope.core.store.frames import FrameStore, Kind, Opcode
from sockscope.servers.demo import DemoServerThread
from sockscope.servers.mock import start_mock_server


def sockscope(*args: str | Path, timeout: float = 60) -> subprocess.CompletedProcess[str]:
    """The real command line; the timeout only stops a hang from stalling the suite."""
    return subprocess.run(
        [sys.executable, "-m", "sockscope", *map(str, args)],
        capture_output=True,
        text=True,
        timeout=timeout,
        stdin=subprocess.DEVNULL,
        env={**os.environ, "PYTHONPATH": os.pathsep.join(sys.path)},
    )


def one_error_line(result: subprocess.CompletedProcess[str]) -> str:
    assert result.returncode == 2, result.stderr
    lines = result.stderr.splitlines()
    assert len(lines) == 1 and lines[0].startswith("sockscope: error: "), result.stderr
    return lines[0]


@pytest.fixture
def fifo(tmp_path: Path) -> Path:
    path = tmp_path / "pipe.jsonl"
    os.mkfifo(path)
    return path


@pytest.mark.parametrize(
    "command",
    [
        ["convert", "{log}", "{out}"],
        ["replay", "{log}"],
        ["serve", "--port", "0", "--replay", "{log}"],
    ],
    ids=["convert", "replay", "serve"],
)
def test_a_fifo_is_refused_not_waited_on(fifo: Path, tmp_path: Path, command: list[str]) -> None:
    args = [a.format(log=fifo, out=tmp_path / "out.har") for a in command]
    line = one_error_line(sockscope(*args))
    assert line == f"sockscope: error: Cannot open {fifo}: it is a pipe (FIFO), not a regular file."


def test_a_fifo_or_a_device_is_refused_by_the_loader_the_tui_uses(fifo: Path) -> None:
    errors: list[str] = []

    def load_both() -> None:
        for path in (fifo, Path("/dev/zero")):
            try:
                load_log(path)
            except LogError as exc:
                errors.append(str(exc))

    loader = threading.Thread(target=load_both, daemon=True)  # a hang must not hold pytest
    loader.start()
    loader.join(60)
    assert errors == [
        f"Cannot open {fifo}: it is a pipe (FIFO), not a regular file.",
        "Cannot open /dev/zero: it is a device, not a regular file.",
    ]


def test_a_directory_is_called_a_directory(tmp_path: Path) -> None:
    line = one_error_line(sockscope("convert", tmp_path, tmp_path / "out.har"))
    assert line.endswith(f"Cannot open {tmp_path}: it is a directory.")


def test_a_har_over_the_size_limit_is_refused_saying_the_limit(tmp_path: Path) -> None:
    from sockscope.core.formats.har import MAX_HAR_BYTES

    huge = tmp_path / "huge.har"
    with huge.open("wb") as handle:
        handle.truncate(MAX_HAR_BYTES + 1)  # sparse: no disk, and never read
    line = one_error_line(sockscope("convert", huge, tmp_path / "out.jsonl"))
    assert line == (
        f"sockscope: error: {huge}: it is larger than 1 GiB, the most sockscope reads as HAR"
    )


def test_a_jsonl_header_line_over_1_mib_says_so(tmp_path: Path) -> None:
    log = tmp_path / "long.jsonl"
    log.write_bytes(b'{"sockscope": 1, "pad": "' + b"x" * 2**20 + b'"}\n')
    line = one_error_line(sockscope("convert", log, tmp_path / "out.har"))
    assert line.startswith(f"sockscope: error: {log} line 1: the first line is longer than 1 MiB")


def nested(depth: int, leaf: str = "1") -> str:
    """JSON text: ``leaf`` inside ``depth`` arrays."""
    return "[" * depth + leaf + "]" * depth


def test_json_nested_1000_deep_round_trips_through_jsonl_and_har(tmp_path: Path) -> None:
    deep = nested(1000)  # orjson reads up to 1024 levels, but writes only 254
    log = tmp_path / "deep.jsonl"
    log.write_text(
        '{"sockscope":1,"url":"ws://x/","created":"2026-01-01T00:00:00.000Z","tool":"t",'
        f'"extra":{deep}}}\n'
        f'{{"t":1.5,"kind":"note","message":"m","data":{{"k":{deep}}}}}\n'
        '{"t":2.5,"kind":"recv","opcode":"text","text":"' + deep + '","size":2001}\n'
    )
    har, back, same = tmp_path / "deep.har", tmp_path / "back.jsonl", tmp_path / "same.jsonl"
    for source, target in ((log, har), (har, back), (log, same)):
        result = sockscope("convert", source, target, "--include-secrets")
        assert result.returncode == 0, result.stderr
    assert back.read_bytes() == log.read_bytes()
    assert same.read_bytes() == log.read_bytes()


def deep_log(path: Path, sent: str, received: str) -> Path:
    """A log of one connection: the client sent ``sent``, the server answered ``received``."""
    store = FrameStore()
    store.append_event(1.0, Kind.OPEN, {"url": "ws://example.test/"})
    store.append(2.0, Kind.SEND, Opcode.TEXT, sent.encode())
    store.append(3.0, Kind.RECV, Opcode.TEXT, received.encode())
    write_store(path, store, LogHeader(url="ws://example.test/"))
    return path


def test_replay_check_compares_a_reply_nested_1000_deep(
    tmp_path: Path, demo_server: DemoServerThread
) -> None:
    # /echo answers with what was sent: the recorded answer differs from it.
    log = deep_log(tmp_path / "deep.jsonl", nested(1000), nested(1000, "2"))
    url = demo_server.url("/echo")
    result = sockscope("replay", log, "--url", url, "--fast", "--check")
    assert result.returncode == 1, result.stderr
    assert "1 of 1 responses differ from the recording" in result.stdout
    assert "message 1: $: [[[[" in result.stdout
    assert "Traceback" not in result.stderr


async def test_the_mock_server_compares_a_client_message_nested_1000_deep(tmp_path: Path) -> None:
    log = deep_log(tmp_path / "deep.jsonl", nested(1000), "answer")
    plan = ReplayPlan.from_store(load_log(log).store)
    report: list[str] = []
    server = await start_mock_server(plan, fast=True, on_unexpected="close", report=report.append)
    try:
        async with connect(server.url(), max_size=None) as ws:
            await ws.send(nested(1000))  # what the log holds: answered
            assert await ws.recv() == "answer"
        async with connect(server.url()) as ws:
            await ws.send(nested(1000, "2"))  # not what the log holds: closed as unexpected
            with pytest.raises(ConnectionClosed) as closed:
                await ws.recv()
    finally:
        await server.close()
    assert closed.value.rcvd is not None and closed.value.rcvd.code == 1008


def test_a_har_from_year_1_converts_to_a_log_that_reads_back(tmp_path: Path) -> None:
    har = tmp_path / "old.har"
    har.write_text(
        '{"log":{"entries":[{"_resourceType":"websocket",'
        '"startedDateTime":"0001-01-01T00:00:00+14:00","request":{"url":"ws://x/"},'
        '"_webSocketMessages":[{"type":"send","time":1.5,"opcode":1,"data":"x"}]}]}}'
    )
    log, again = tmp_path / "old.jsonl", tmp_path / "again.har"
    assert sockscope("convert", har, log).returncode == 0
    result = sockscope("convert", log, again)
    assert result.returncode == 0, result.stderr
    assert load_log(log).header.created == "0001-01-01T00:00:00.000Z"  # clamped to the calendar
