"""`sockscope replay` end to end, as the issue tells it.

Record a session against the demo server (`sockscope record`), serve it with
`sockscope serve --replay`, replay it with `--check` (exit 0); against a server that
changes one field, exit 1 with the diff naming `$.ts`; with `--ignore '$.ts'`, exit 0.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import signal
import subprocess
import sys
import threading
from collections.abc import Awaitable, Callable, Coroutine, Iterator
from pathlib import Path
from typing import Any, TypeVar

import orjson
import pytest
from click.testing import CliRunner, Result
from websockets.asyncio.server import Server, ServerConnection, serve

import sockscope
from sockscope.commands.convert import convert
from sockscope.commands.record import record
from sockscope.commands.replay import replay
from sockscope.core.formats.jsonl import read_jsonl
from sockscope.core.formats.load import load_log
from sockscope.core.replay.plan import ReplayPlan
from sockscope.core.store.frames import Kind, Opcode
from sockscope.servers.demo import DemoServerThread
from sockscope.servers.mock import MockServer, start_mock_server

T = TypeVar("T")
MESSAGES = [
    '{"id": 1, "ts": 1763632800.1, "text": "hello"}',
    '{"id": 2, "ts": 1763632800.2, "user": {"name": "ann"}}',
    '{"id": 3, "ts": 1763632800.3, "items": [1, 2]}',
]


@contextlib.contextmanager
def in_thread(
    start: Callable[[], Coroutine[Any, Any, T]], stop: Callable[[T], Coroutine[Any, Any, None]]
) -> Iterator[T]:
    """A server on its own loop and thread, so the command can run asyncio in this one."""
    loop = asyncio.new_event_loop()
    thread = threading.Thread(target=loop.run_forever, daemon=True)
    thread.start()
    try:
        server = asyncio.run_coroutine_threadsafe(start(), loop).result(5)
        try:
            yield server
        finally:
            asyncio.run_coroutine_threadsafe(stop(server), loop).result(5)
    finally:
        loop.call_soon_threadsafe(loop.stop)
        thread.join(5)
        loop.close()


async def _stop(server: Server) -> None:
    server.close()
    await server.wait_closed()


async def _ts_changer(ws: ServerConnection) -> None:
    """Echoes JSON with "ts" one second later: the one field that differs from the log."""
    async for message in ws:
        value = orjson.loads(message)
        value["ts"] += 1
        await ws.send(orjson.dumps(value).decode())


async def _reverser(ws: ServerConnection) -> None:
    """Answers the three messages only once all have come, last first."""
    got = [await ws.recv() for _ in MESSAGES]
    for message in reversed(got):
        await ws.send(message)
    await ws.wait_closed()


def serving(
    handler: Callable[[ServerConnection], Awaitable[None]],
) -> contextlib.AbstractContextManager[Server]:
    async def start() -> Server:
        return await serve(handler, "127.0.0.1", 0)

    return in_thread(start, _stop)


def url_of(server: Server) -> str:
    return f"ws://127.0.0.1:{server.sockets[0].getsockname()[1]}/"


@pytest.fixture(scope="module")
def recorded(demo_server: DemoServerThread, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A session recorded by `sockscope record` against the demo server's /echo."""
    path = tmp_path_factory.mktemp("replay") / "recorded.jsonl"
    sends = [arg for message in MESSAGES for arg in ("--send", message)]
    result = CliRunner().invoke(
        record, [demo_server.url("/echo"), "-o", str(path), *sends, "--count", "3", "-q"]
    )
    assert result.exit_code == 0, result.output
    return path


def run(*args: str | Path) -> Result:
    return CliRunner().invoke(replay, [str(arg) for arg in args])


def test_serve_replay_of_a_recording_passes_replay_check(recorded: Path) -> None:
    source_root = str(Path(sockscope.__file__).resolve().parents[1])
    env = {**os.environ, "PYTHONPATH": source_root}
    command = [sys.executable, "-m", "sockscope", "serve", "--replay", str(recorded), "--port", "0"]
    with subprocess.Popen(
        command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env
    ) as process:
        assert process.stdout is not None
        banner = process.stdout.readline()
        url = banner.split()[4]
        assert banner.startswith("sockscope mock server on ws://127.0.0.1:")
        assert "3 client messages and 3 server messages" in banner
        result = run(recorded, "--url", url, "--check")
        process.send_signal(signal.SIGINT)
        _, stderr = process.communicate(timeout=10)
    assert result.exit_code == 0, result.output
    assert result.stdout == "All 3 responses match the recording.\n"
    assert "sent 3 of 3 messages, received 3 responses (3 recorded); closed 1000" in result.stderr
    assert "client 1: end of the script (3 received, 3 sent)" in stderr
    assert process.returncode == 0


def test_a_changed_field_fails_the_check_and_ignoring_it_passes(recorded: Path) -> None:
    with serving(_ts_changer) as server:
        failed = run(recorded, "--url", url_of(server), "--check", "--fast")
        passed = run(recorded, "--url", url_of(server), "--check", "--fast", "--ignore", "$.ts")
    assert failed.exit_code == 1
    assert failed.stdout.splitlines() == [
        "3 of 3 responses differ from the recording (3 recorded, 3 new).",
        "message 1: $.ts: 1763632800.1 != 1763632801.1",
        "message 2: $.ts: 1763632800.2 != 1763632801.2",
        "message 3: $.ts: 1763632800.3 != 1763632801.3",
    ]
    assert passed.exit_code == 0, passed.output
    assert passed.stdout == "All 3 responses match the recording (ignoring $.ts).\n"


def test_unordered_accepts_responses_in_another_order(recorded: Path) -> None:
    with serving(_reverser) as server:
        ordered = run(recorded, "--url", url_of(server), "--check", "--fast")
        unordered = run(recorded, "--url", url_of(server), "--check", "--fast", "--unordered")
    assert ordered.exit_code == 1
    assert "message 1: $.id: 1 != 3" in ordered.stdout
    assert unordered.exit_code == 0, unordered.output


def test_the_new_session_is_recorded_and_the_report_can_be_json(
    recorded: Path, tmp_path: Path
) -> None:
    plan = ReplayPlan.from_store(read_jsonl(recorded).store)

    async def start() -> MockServer:
        return await start_mock_server(plan, fast=True)

    new = tmp_path / "new.jsonl"
    with in_thread(start, MockServer.close) as mock:
        result = run(recorded, "--url", mock.url(), "--check", "-o", new, "--report", "json")
    assert result.exit_code == 0, result.output
    report = orjson.loads(result.stdout)
    assert (report["sent"], report["received"], report["complete"]) == (3, 3, True)
    assert report["closed"]["code"] == 1000
    assert report["check"]["ok"] is True and report["check"]["messages"] == []
    assert ReplayPlan.from_store(load_log(new).store).responses == plan.responses


def test_connection_picks_which_connection_of_a_log_is_replayed(
    demo_server: DemoServerThread, tmp_path: Path
) -> None:
    # Two recordings joined: a log of two connections, as reconnects leave.
    first, second = tmp_path / "first.jsonl", tmp_path / "second.jsonl"
    for path, message in ((first, "one"), (second, "two")):
        result = CliRunner().invoke(
            record, [demo_server.url("/echo"), "-o", str(path), "--send", message, "--count", "1"]
        )
        assert result.exit_code == 0, result.output
    both = tmp_path / "both.jsonl"
    both.write_bytes(first.read_bytes() + b"".join(second.read_bytes().splitlines(True)[1:]))
    new = tmp_path / "new.jsonl"
    result = run(both, "--connection", "2", "--check", "-o", new)
    assert result.exit_code == 0, result.output
    assert "The log holds 2 connections; connection 2 is replayed." in result.stderr
    assert ReplayPlan.from_store(load_log(new).store).sends[0].message.payload == b"two"


def test_a_har_log_replays_too(recorded: Path, tmp_path: Path) -> None:
    har = tmp_path / "recorded.har"
    assert CliRunner().invoke(convert, [str(recorded), str(har)]).exit_code == 0
    with serving(_ts_changer) as server:
        result = run(har, "--url", url_of(server), "--check", "--fast", "--ignore", "$..ts")
    assert result.exit_code == 0, result.output


@pytest.mark.parametrize(
    ("args", "complaint"),
    [
        (["missing.jsonl"], "Cannot open missing.jsonl"),
        (["bad.jsonl"], "bad.jsonl line 1: not a sockscope log"),
        (["redacted.jsonl"], "credentials redacted: give the URL to replay against with --url"),
        (["good.jsonl", "--url", "ws://127.0.0.1:9/"], "refused"),
        (["good.jsonl", "--speed", "2", "--fast"], "Use --speed or --fast, not both."),
        (["good.jsonl", "--ignore", "$.items["], "not understood at '['"),
        (["good.jsonl", "-o", "new.har"], "name the file .jsonl"),
        (["good.jsonl", "--reconnect"], "--reconnect is for the TUI"),
        (["good.jsonl", "--connection", "2"], "holds one connection: there is no connection 2"),
    ],
)
def test_what_cannot_run_exits_2_with_one_line(
    args: list[str], complaint: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    header = b'{"sockscope": 1, "url": "ws://127.0.0.1:9/"}\n'
    Path("good.jsonl").write_bytes(header)
    Path("bad.jsonl").write_bytes(b"{oops\n" + header)  # a bad line later is skipped
    Path("redacted.jsonl").write_bytes(b'{"sockscope": 1, "url": "ws://[redacted]@x.test/"}\n')
    result = run(*args)
    assert result.exit_code == 2
    assert result.stdout == ""
    assert result.stderr.startswith("sockscope: error: ") and complaint in result.stderr
    assert result.stderr.count("\n") == 1


def test_the_readme_example_records_ticks_and_checks_them(
    demo_server: DemoServerThread, tmp_path: Path
) -> None:
    """`record …/ticks --count 3`, then `replay --check --ignore '$.ts'`: the ticks go on
    coming after the three recorded, and that is no difference (without --strict)."""
    ticks = tmp_path / "t.jsonl"
    recorded = CliRunner().invoke(
        record, [demo_server.url("/ticks?rate=20"), "-o", str(ticks), "--count", "3", "-q"]
    )
    assert recorded.exit_code == 0, recorded.output
    checked = CliRunner().invoke(
        replay, [str(ticks), "--check", "--ignore", "$.ts", "--timeout", "20"]
    )
    assert checked.exit_code == 0, checked.output
    assert "responses match the recording" in checked.output
    strict = CliRunner().invoke(
        replay,
        [str(ticks), "--check", "--ignore", "$.ts", "--strict", "--timeout", "1"],
    )  # fmt: skip
    assert strict.exit_code == 1, strict.output
    assert "extra" in strict.output


def test_every_connection_of_a_log_is_replayed_in_turn(
    demo_server: DemoServerThread, tmp_path: Path
) -> None:
    """A log with two connections (a reconnect) replays both, each on its own connection."""
    from sockscope.core.events import Closed, Opened
    from sockscope.core.formats.journal import JournalWriter
    from sockscope.core.formats.model import LogHeader
    from sockscope.core.session.session import Session

    url = demo_server.url("/echo")
    log = tmp_path / "two.jsonl"
    with JournalWriter(log, LogHeader(url=url)) as journal:
        session = Session(journal=journal)
        for number, word in ((1, "first"), (2, "second")):
            opened = Opened(url, 101, "Switching Protocols", [], [], None, [])
            session.on_event(100.0 * number, opened)
            session.on_frame(100.0 * number + 0.1, Kind.SEND, Opcode.TEXT, word.encode())
            session.on_frame(100.0 * number + 0.2, Kind.RECV, Opcode.TEXT, word.encode())
            session.on_event(100.0 * number + 0.3, Closed(1006, "", False, "network"))
    out = tmp_path / "again.jsonl"
    result = CliRunner().invoke(replay, [str(log), "--check", "-o", str(out), "--fast"])
    assert result.exit_code == 0, result.output
    assert "connection 1:" in result.output and "connection 2:" in result.output
    again = read_jsonl(out).store
    opens = [i for i in range(len(again)) if again.kind(i) is Kind.OPEN]
    sent = [again.payload(i) for i in range(len(again)) if again.kind(i) is Kind.SEND
            and again.opcode(i) is Opcode.TEXT]  # fmt: skip
    assert len(opens) == 2 and sent == [b"first", b"second"]
    only_second = CliRunner().invoke(replay, [str(log), "--connection", "2", "--fast"])
    assert only_second.exit_code == 0, only_second.output
    assert "replaying 1 message to" in only_second.output
