"""``sockscope record``: capture against the real demo server, stop when told, exit 2 on failure."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from pathlib import Path
from typing import Any

import orjson
import pytest
from click.testing import CliRunner, Result
from websockets.asyncio.server import ServerConnection

import sockscope
from server_thread import ServerThread
from sockscope.commands.record import Recorder, record
from sockscope.core.formats.jsonl import read_jsonl
from sockscope.core.formats.model import LoadedLog
from sockscope.core.store.frames import Kind, Opcode
from sockscope.servers.demo import DemoServerThread


def run(*args: str | Path) -> Result:
    return CliRunner().invoke(record, [str(arg) for arg in args])


def frames(log: LoadedLog, kind: Kind) -> list[bytes]:
    store = log.store
    return [
        store.payload(i)
        for i in range(len(store))
        if store.kind(i) is kind and store.opcode(i) in (Opcode.TEXT, Opcode.BINARY)
    ]


def closing(log: LoadedLog) -> dict[str, object]:
    store = log.store
    assert store.kind(len(store) - 1) is Kind.CLOSE
    return store.info(len(store) - 1)


def test_sends_records_and_prints_a_line_per_frame(
    demo_server: DemoServerThread, tmp_path: Path
) -> None:
    out = tmp_path / "echo.jsonl"
    result = run(demo_server.url("/echo"), "-o", out, "--send", "one", "--send", '{"n":2}',
                 "--count", "2")  # fmt: skip
    assert result.exit_code == 0, result.output
    log = read_jsonl(out)
    assert frames(log, Kind.SEND) == frames(log, Kind.RECV) == [b"one", b'{"n":2}']
    assert closing(log)["code"] == 1000 and closing(log)["by"] == "client"
    lines = result.stderr.splitlines()
    assert [line.split()[1:3] for line in lines if " send " in line or " recv " in line] == [
        ["send", "text"],
        ["send", "text"],
        ["recv", "text"],
        ["recv", "text"],
        ["send", "close"],
        ["recv", "close"],
    ]
    assert lines[0].split()[1:3] == ["open", demo_server.url("/echo")]
    assert lines[-2].split()[1:4] == ["close", "1000", "normal"]
    assert lines[-1] == f"sockscope: wrote {out} (8 rows: 3 frames sent, 3 received)"
    assert result.stdout == ""


def test_quiet_prints_nothing(demo_server: DemoServerThread, tmp_path: Path) -> None:
    out = tmp_path / "quiet.jsonl"
    result = run(demo_server.url("/echo"), "-o", out, "--send", "x", "--count", "1", "-q")
    assert result.exit_code == 0
    assert result.stderr == result.stdout == ""
    assert frames(read_jsonl(out), Kind.RECV) == [b"x"]


def test_count_stops_after_n_messages(demo_server: DemoServerThread, tmp_path: Path) -> None:
    out = tmp_path / "ticks.jsonl"
    result = run(demo_server.url("/ticks?rate=500"), "-o", out, "--count", "5", "-q")
    assert result.exit_code == 0
    log = read_jsonl(out)
    assert len(frames(log, Kind.RECV)) >= 5  # ticks that came while closing are kept too
    assert b'"seq":5' in frames(log, Kind.RECV)[4]
    assert (closing(log)["code"], closing(log)["by"]) == (1000, "client")


def test_a_long_recording_keeps_only_the_newest_rows_in_memory_and_all_in_the_file(
    demo_server: DemoServerThread, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    kept: list[int] = []
    monkeypatch.setattr(Recorder, "on_event", _noting_rows_held(Recorder.on_event, kept))
    out = tmp_path / "ticks.jsonl"
    result = run(
        demo_server.url("/ticks?rate=10000"), "-o", out, "--count", "2000", "-q",
        "--max-frames", "100",
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    seqs = [orjson.loads(payload)["seq"] for payload in frames(read_jsonl(out), Kind.RECV)]
    assert seqs == list(range(1, len(seqs) + 1)) and len(seqs) >= 2000
    assert kept and max(kept) <= 125  # at the close: max_frames plus a quarter of slack


def test_big_frames_are_bounded_by_bytes_in_memory_and_all_in_the_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    async def big(ws: ServerConnection) -> None:
        for n in range(40):
            await ws.send(bytes([n]) * 256 * 1024)
        await ws.close(1000)

    held: list[int] = []
    monkeypatch.setattr(Recorder, "on_event", _noting_bytes_held(Recorder.on_event, held))
    out = tmp_path / "big.jsonl"
    with ServerThread(big) as url:
        result = run(url, "-o", out, "-q", "--max-bytes", str(1024 * 1024))
    assert result.exit_code == 0, result.output
    assert [p[0] for p in frames(read_jsonl(out), Kind.RECV)] == list(range(40))
    # At the close: at most the bound plus a quarter of slack (10 MiB arrived).
    assert held and max(held) <= 1024 * 1024 * 5 // 4


def _noting_bytes_held(on_event: Any, held: list[int]) -> Any:
    def noting(self: Recorder, t: float, event: Any) -> None:
        held.append(self.store.payload_bytes)
        on_event(self, t, event)

    return noting


def _noting_rows_held(on_event: Any, kept: list[int]) -> Any:
    def noting(self: Recorder, t: float, event: Any) -> None:
        on_event(self, t, event)
        kept.append(len(self.store))

    return noting


def test_duration_stops_after_that_long(demo_server: DemoServerThread, tmp_path: Path) -> None:
    out = tmp_path / "ticks.jsonl"
    result = run(demo_server.url("/ticks?rate=50"), "-o", out, "--duration", "0.3", "-q")
    assert result.exit_code == 0
    log = read_jsonl(out)
    assert frames(log, Kind.RECV)
    assert (closing(log)["code"], closing(log)["by"]) == (1000, "client")


def test_a_server_that_closes_ends_the_recording(
    demo_server: DemoServerThread, tmp_path: Path
) -> None:
    out = tmp_path / "closed.jsonl"
    result = run(demo_server.url("/close?code=4001&reason=bye"), "-o", out)
    assert result.exit_code == 0
    assert (closing(read_jsonl(out))["code"], closing(read_jsonl(out))["by"]) == (4001, "server")
    assert ' 4001 application code "bye" · clean by server' in result.stderr


def test_secrets_are_redacted_unless_asked_and_origin_keeps_its_long_option(
    demo_server: DemoServerThread, tmp_path: Path
) -> None:
    url = demo_server.url("/echo").replace("ws://", "ws://ana:hunter2@")
    auth = ["-H", "Authorization: Bearer t0k3n", "--origin", "http://app.test", "--count", "1"]
    redacted, kept = tmp_path / "redacted.jsonl", tmp_path / "kept.jsonl"
    assert run(url, "-o", redacted, *auth, "--send", "x", "-q").exit_code == 0
    assert run(url, "-o", kept, *auth, "--send", "x", "-q", "--include-secrets").exit_code == 0
    assert "hunter2" not in redacted.read_text() and "t0k3n" not in redacted.read_text()
    assert "hunter2" in kept.read_text() and "t0k3n" in kept.read_text()
    headers = read_jsonl(redacted).store.info(0)["request_headers"]
    assert ["Origin", "http://app.test"] in headers


def test_frames_are_printed_safely(demo_server: DemoServerThread, tmp_path: Path) -> None:
    result = run(demo_server.url("/echo"), "-o", tmp_path / "x.jsonl", "--send",
                 "\x1b[2J\x1b]0;pwned\x07", "--count", "1")  # fmt: skip
    assert result.exit_code == 0
    assert "\x1b" not in result.stderr and "\x07" not in result.stderr
    assert "␛[2J␛]0;pwned␇" in result.stderr


@pytest.mark.parametrize(
    ("target", "output", "extra", "complaint"),
    [
        ("ws://127.0.0.1:9/", "out.jsonl", [], "Connection refused by 127.0.0.1:9"),
        ("/reject?status=403&body=nope", "out.jsonl", [], "403"),
        ("/echo", "missing-dir/out.jsonl", [], "Cannot write missing-dir/out.jsonl"),
        ("/echo", "out.har", [], "name the file .jsonl"),
        ("/reject?status=403&body=nope", "out.jsonl", ["--reconnect"], "403"),
    ],
)
def test_what_cannot_record_exits_2_with_one_line(
    target: str,
    output: str,
    extra: list[str],
    complaint: str,
    demo_server: DemoServerThread,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.chdir(tmp_path)
    url = target if target.startswith("ws://") else demo_server.url(target)
    result = run(url, "-o", output, *extra)
    assert result.exit_code == 2
    assert result.stderr.startswith("sockscope: error: ") and complaint in result.stderr
    assert result.stderr.count("sockscope: error:") == 1 and "Traceback" not in result.output


@pytest.mark.skipif(sys.platform == "win32", reason="SIGINT cannot be sent to a child on Windows")
def test_ctrl_c_stops_the_recording_and_closes_1000(
    demo_server: DemoServerThread, tmp_path: Path
) -> None:
    out = tmp_path / "ticks.jsonl"
    source_root = str(Path(sockscope.__file__).resolve().parents[1])
    env = {**os.environ, "PYTHONPATH": source_root}
    command = [sys.executable, "-m", "sockscope", "record", demo_server.url("/ticks?rate=50"),
               "-o", str(out)]  # fmt: skip
    with subprocess.Popen(command, stderr=subprocess.PIPE, text=True, env=env) as process:
        assert process.stderr is not None
        while " recv " not in process.stderr.readline():
            pass
        process.send_signal(signal.SIGINT)
        _, stderr = process.communicate(timeout=10)
    assert process.returncode == 0, stderr
    assert "Traceback" not in stderr
    log = read_jsonl(out)
    assert frames(log, Kind.RECV)
    assert (closing(log)["code"], closing(log)["by"]) == (1000, "client")


async def _three_ticks_per_subscription(ws: ServerConnection) -> None:
    async for message in ws:
        if message == "sub":
            for n in range(3):
                await ws.send(f"tick {n}")


def test_reconnect_survives_a_server_restart_in_one_log(tmp_path: Path) -> None:
    out = tmp_path / "restart.jsonl"
    server = ServerThread(_three_ticks_per_subscription)
    url = server.start()
    source_root = str(Path(sockscope.__file__).resolve().parents[1])
    env = {**os.environ, "PYTHONPATH": source_root}
    command = [sys.executable, "-m", "sockscope", "record", url, "-o", str(out), "--reconnect",
               "--on-open", "sub", "--count", "6"]  # fmt: skip
    with subprocess.Popen(command, stderr=subprocess.PIPE, text=True, env=env) as process:
        assert process.stderr is not None
        try:
            while "tick 2" not in process.stderr.readline():
                pass
            server.stop()  # the server goes away: the recording keeps trying
            server.start()
            _, stderr = process.communicate(timeout=30)
        finally:
            server.stop()
            process.kill()
    assert process.returncode == 0, stderr
    log = read_jsonl(out)
    assert len([r for r in log.store.rows() if r.kind is Kind.OPEN]) == 2
    assert frames(log, Kind.SEND) == [b"sub", b"sub"]
    assert frames(log, Kind.RECV) == [f"tick {n}".encode() for n in (0, 1, 2, 0, 1, 2)]
