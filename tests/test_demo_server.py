"""The demo server's endpoints, seen by a real websockets client, and the `serve` command."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from pathlib import Path

import orjson
import pytest
from click.testing import CliRunner
from websockets.asyncio.client import connect
from websockets.exceptions import ConnectionClosed, InvalidStatus
from websockets.sync.client import connect as connect_sync

import sockscope
from sockscope.commands.serve import serve
from sockscope.servers.demo import BINARY_SAMPLES, ENDPOINTS, DemoServerThread


async def test_echo_keeps_text_as_text_and_binary_as_binary(demo_server: DemoServerThread) -> None:
    messages: list[str | bytes] = ["héllo ␛ {}", "", b"\x00\xff\xfe", b""]
    async with connect(demo_server.url("/echo")) as ws:
        for message in messages:
            await ws.send(message)
            assert await ws.recv() == message  # str != bytes, so the type is checked too


async def test_echo_accepts_messages_above_the_websockets_default_limit(
    demo_server: DemoServerThread,
) -> None:
    big = bytes(range(256)) * 8192  # 2 MiB; websockets refuses 1 MiB+ by default
    async with connect(demo_server.url("/echo"), max_size=None) as ws:
        await ws.send(big)
        assert await ws.recv() == big


async def test_ticks_are_json_with_increasing_seq(demo_server: DemoServerThread) -> None:
    async with connect(demo_server.url("/ticks?rate=50")) as ws:
        ticks = [orjson.loads(await ws.recv()) for _ in range(5)]
    assert [tick["seq"] for tick in ticks] == [1, 2, 3, 4, 5]
    assert {tick["type"] for tick in ticks} == {"tick"}
    timestamps = [tick["ts"] for tick in ticks]
    assert all(isinstance(ts, float) for ts in timestamps)
    assert timestamps == sorted(timestamps)


async def test_binary_sends_non_utf8_frames_then_echoes(demo_server: DemoServerThread) -> None:
    async with connect(demo_server.url("/binary")) as ws:
        received = [await ws.recv() for _ in BINARY_SAMPLES]
        await ws.send("still open")
        assert await ws.recv() == "still open"
    assert received == list(BINARY_SAMPLES)
    for frame in received:
        assert isinstance(frame, bytes)
        with pytest.raises(UnicodeDecodeError):
            frame.decode()


@pytest.mark.parametrize(
    ("query", "code", "reason"),
    [
        ("?code=4001&reason=x", 4001, "x"),
        ("", 1000, ""),
        ("?code=1011&reason=boom+now", 1011, "boom now"),
    ],
)
async def test_close_uses_the_requested_code_and_reason(
    demo_server: DemoServerThread, query: str, code: int, reason: str
) -> None:
    async with connect(demo_server.url("/close" + query)) as ws:
        with pytest.raises(ConnectionClosed) as closed:
            await ws.recv()
    assert closed.value.rcvd is not None
    assert (closed.value.rcvd.code, closed.value.rcvd.reason) == (code, reason)


async def test_chat_broadcasts_to_every_member_including_the_sender(
    demo_server: DemoServerThread,
) -> None:
    async with connect(demo_server.url("/chat")) as alice:
        # Hearing your own message proves the server has you in the room.
        await alice.send("alice here")
        assert await alice.recv() == "alice here"
        async with connect(demo_server.url("/chat")) as bob:
            await bob.send(b"bob\xff")
            assert await bob.recv() == b"bob\xff"
            assert await alice.recv() == b"bob\xff"
            await alice.send("hi bob")
            assert await bob.recv() == "hi bob"
            assert await alice.recv() == "hi bob"


async def test_unknown_path_is_refused_with_404_naming_the_endpoints(
    demo_server: DemoServerThread,
) -> None:
    with pytest.raises(InvalidStatus) as refused:
        await connect(demo_server.url("/nope?x=1"))
    assert refused.value.response.status_code == 404
    body = refused.value.response.body.decode()
    assert "/nope" in body
    for path, _ in ENDPOINTS:
        assert path.partition("?")[0] in body


async def test_reject_answers_with_the_requested_status_and_body(
    demo_server: DemoServerThread,
) -> None:
    with pytest.raises(InvalidStatus) as refused:
        await connect(demo_server.url("/reject?status=403&body=invalid+token"))
    assert refused.value.response.status_code == 403
    assert refused.value.response.body.decode().strip() == "invalid token"


@pytest.mark.parametrize(
    ("path", "complaint"),
    [
        ("/ticks?rate=fast", "rate"),
        ("/ticks?rate=nan", "rate"),
        ("/close?code=1005", "1005"),
        ("/close?code=4000&reason=" + "x" * 124, "123 bytes"),
        ("/reject?status=101", "101"),
        ("/reject?status=abc", "status"),
    ],
)
async def test_bad_parameters_are_refused_with_400_and_a_sentence(
    demo_server: DemoServerThread, path: str, complaint: str
) -> None:
    with pytest.raises(InvalidStatus) as refused:
        await connect(demo_server.url(path))
    assert refused.value.response.status_code == 400
    assert complaint in refused.value.response.body.decode()


def test_stopping_the_thread_closes_clients_with_going_away() -> None:
    server = DemoServerThread()
    port = server.start()
    assert port != 0
    with connect_sync(server.url("/echo")) as ws:
        server.stop()
        with pytest.raises(ConnectionClosed) as closed:
            ws.recv()
    assert closed.value.rcvd is not None
    assert closed.value.rcvd.code == 1001


def test_thread_start_raises_when_the_port_is_taken(demo_server: DemoServerThread) -> None:
    with pytest.raises(OSError):
        DemoServerThread(port=demo_server.port).start()


def test_serve_help_lists_every_endpoint() -> None:
    result = CliRunner().invoke(serve, ["--help"])
    assert result.exit_code == 0
    for path, description in ENDPOINTS:
        assert path in result.output
        assert description in result.output


def test_serve_on_a_taken_port_exits_2_with_one_line(demo_server: DemoServerThread) -> None:
    result = CliRunner().invoke(serve, ["--port", str(demo_server.port)])
    assert result.exit_code == 2
    assert result.stdout == ""
    assert result.stderr.count("\n") == 1
    assert f"Port {demo_server.port} on 127.0.0.1 is already in use" in result.stderr


@pytest.mark.skipif(sys.platform == "win32", reason="SIGINT cannot be sent to a child on Windows")
def test_serve_prints_urls_and_stops_cleanly_on_ctrl_c() -> None:
    source_root = str(Path(sockscope.__file__).resolve().parents[1])
    env = {
        **os.environ,
        "PYTHONPATH": os.pathsep.join([source_root, os.environ.get("PYTHONPATH", "")]),
    }
    code = "from sockscope.commands.serve import serve; serve()"
    with subprocess.Popen(
        [sys.executable, "-c", code, "--port", "0"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=env,
    ) as process:
        assert process.stdout is not None
        banner = [process.stdout.readline() for _ in range(1 + 2 * len(ENDPOINTS))]
        base = banner[0].split()[-1]
        assert base.startswith("ws://127.0.0.1:")
        assert [line.strip() for line in banner[1::2]] == [base + path for path, _ in ENDPOINTS]
        echo = base + "/echo"
        with connect_sync(echo) as ws:
            ws.send("ping")
            assert ws.recv() == "ping"
            process.send_signal(signal.SIGINT)
            with pytest.raises(ConnectionClosed) as closed:
                ws.recv()
        _, stderr = process.communicate(timeout=10)
    assert closed.value.rcvd is not None
    assert closed.value.rcvd.code == 1001
    assert process.returncode == 0
    assert "Traceback" not in stderr
