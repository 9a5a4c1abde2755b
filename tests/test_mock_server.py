"""The mock server plays a log's server side to real websockets clients on 127.0.0.1."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from click.testing import CliRunner
from websockets.asyncio.client import ClientConnection, connect
from websockets.exceptions import ConnectionClosed
from websockets.typing import Subprotocol

from sockscope.commands.serve import serve
from sockscope.core.formats.journal import write_store
from sockscope.core.formats.model import LogHeader
from sockscope.core.replay.plan import ReplayPlan
from sockscope.core.store.frames import FrameStore, Kind, Opcode
from sockscope.servers.mock import MockServer, OnUnexpected, start_mock_server

T0 = 1_763_632_800.0
CHROME = Path(__file__).parent / "fixtures" / "chrome.har"
HOUR = 3600.0
QUIET = 0.3
"""How long a test listens to show that nothing comes (the mock would send at once)."""

Row = tuple[float, Kind, str | bytes]
#: A greeting, two questions with their answers (one binary), as the mock should play them.
SCRIPT: list[Row] = [
    (0.0, Kind.RECV, "hello"),
    (0.1, Kind.SEND, '{"q": 1, "ts": 100}'),
    (0.2, Kind.RECV, "answer 1a"),
    (0.3, Kind.RECV, "answer 1b"),
    (0.4, Kind.SEND, b"\x00question 2"),
    (0.5, Kind.RECV, b"\xffanswer 2"),
]


def store_of(rows: list[Row], subprotocol: str | None = None) -> FrameStore:
    store = FrameStore()
    store.append_event(T0, Kind.OPEN, {"url": "ws://example.test/app", "subprotocol": subprotocol})
    for offset, kind, data in rows:
        payload = data.encode() if isinstance(data, str) else data
        store.append(
            T0 + offset, kind, Opcode.TEXT if isinstance(data, str) else Opcode.BINARY, payload
        )
    return store


async def started(
    rows: list[Row],
    *,
    fast: bool = True,
    on_unexpected: OnUnexpected = "ignore",
    ignore: tuple[str, ...] = (),
    subprotocol: str | None = None,
    report: list[str] | None = None,
) -> MockServer:
    plan = ReplayPlan.from_store(store_of(rows, subprotocol))
    lines = report if report is not None else []
    return await start_mock_server(
        plan, fast=fast, on_unexpected=on_unexpected, ignore=ignore, report=lines.append
    )


@pytest.fixture
async def mock() -> AsyncIterator[tuple[MockServer, list[str]]]:
    report: list[str] = []
    server = await started(SCRIPT, report=report)
    yield server, report
    await server.close()


async def nothing_comes(ws: ClientConnection) -> bool:
    try:
        await asyncio.wait_for(ws.recv(), QUIET)
    except TimeoutError:
        return True
    return False


async def test_each_answer_waits_for_its_question(mock: tuple[MockServer, list[str]]) -> None:
    server, report = mock
    async with connect(server.url("/any/path?x=1")) as ws:
        assert await ws.recv() == "hello"
        assert await nothing_comes(ws)
        await ws.send('{"ts":100,"q":1}')  # the same JSON, keys in another order
        assert [await ws.recv(), await ws.recv()] == ["answer 1a", "answer 1b"]
        await ws.send(b"\x00question 2")
        assert await ws.recv() == b"\xffanswer 2"
        assert await nothing_comes(ws)  # the script is over: the mock stays open, silent
        assert ws.close_code is None
    await asyncio.sleep(0.05)
    assert report == [
        "client 1 connected (/any/path?x=1)",
        "client 1: end of the script (2 received, 4 sent)",
        "client 1 closed (1000)",
    ]


async def test_every_connection_gets_the_whole_script(mock: tuple[MockServer, list[str]]) -> None:
    server, _ = mock
    async with connect(server.url()) as first, connect(server.url("/other")) as second:
        assert [await first.recv(), await second.recv()] == ["hello", "hello"]
    assert server.clients == 2


async def test_an_unexpected_message_is_reported_and_ignored(
    mock: tuple[MockServer, list[str]],
) -> None:
    server, report = mock
    async with connect(server.url()) as ws:
        await ws.recv()
        await ws.send("what?")
        await ws.send('{"q": 1, "ts": 100}')
        assert await ws.recv() == "answer 1a"
    assert report[1] == (
        "client 1: unexpected message instead of client message 1: what?"
        ' (expected {"q": 1, "ts": 100})'
    )


@pytest.mark.parametrize(
    ("sent", "reason"),
    [
        (["nope"], "unexpected message instead of client message 1"),
        (['{"q": 1, "ts": 100}', b"\x00question 2", "one more"],
         "unexpected message after the end of the script"),
    ],
)  # fmt: skip
async def test_on_unexpected_close_closes_with_1008_naming_the_problem(
    sent: list[str | bytes], reason: str
) -> None:
    report: list[str] = []
    server = await started(SCRIPT, on_unexpected="close", report=report)
    try:
        async with connect(server.url()) as ws:
            for message in sent:
                await ws.send(message)
            with pytest.raises(ConnectionClosed) as closed:
                while True:
                    await ws.recv()
    finally:
        await server.close()
    assert closed.value.rcvd is not None
    assert (closed.value.rcvd.code, closed.value.rcvd.reason) == (1008, reason)
    assert any(line.endswith("; closing with 1008") and reason in line for line in report)


async def test_ignored_paths_let_changing_client_fields_through() -> None:
    server = await started(SCRIPT, ignore=("$.ts",))
    try:
        async with connect(server.url()) as ws:
            await ws.recv()
            await ws.send('{"q": 1, "ts": 999}')
            assert await ws.recv() == "answer 1a"
    finally:
        await server.close()


async def test_recorded_timing_holds_answers_unless_fast() -> None:
    rows: list[Row] = [(0.0, Kind.SEND, "q"), (HOUR, Kind.RECV, "an hour later")]
    fast = await started(rows, fast=True)
    slow = await started(rows, fast=False)
    try:
        async with connect(fast.url()) as ws:
            await ws.send("q")
            assert await ws.recv() == "an hour later"
        async with connect(slow.url()) as ws:
            await ws.send("q")
            assert await nothing_comes(ws)
    finally:
        await fast.close()
        await asyncio.wait_for(slow.close(), 5)  # a waiting script does not hold up a shutdown


def closed_by_server(at: float) -> ReplayPlan:
    """A script whose server closed with 4001 "bye", ``at`` seconds after the open."""
    store = store_of([(0.0, Kind.SEND, "q"), (0.1, Kind.RECV, "a")])
    store.append(T0 + at, Kind.RECV, Opcode.CLOSE, (4001).to_bytes(2, "big") + b"bye")
    store.append(T0 + at, Kind.SEND, Opcode.CLOSE, (4001).to_bytes(2, "big") + b"bye")
    return ReplayPlan.from_store(store)


async def test_a_server_that_closed_first_is_played_closing_on_time() -> None:
    for fast in (True, False):
        report: list[str] = []
        server = await start_mock_server(closed_by_server(0.2), fast=fast, report=report.append)
        try:
            async with connect(server.url()) as ws:
                await ws.send("q")
                assert await ws.recv() == "a"
                with pytest.raises(ConnectionClosed) as closed:
                    await asyncio.wait_for(ws.recv(), 5)
        finally:
            await server.close()
        assert closed.value.rcvd is not None
        assert (closed.value.rcvd.code, closed.value.rcvd.reason) == (4001, "bye")
        assert "client 1: closing as recorded (4001 bye)" in report
    later = await start_mock_server(closed_by_server(HOUR), fast=False)
    try:
        async with connect(later.url()) as ws:
            await ws.send("q")
            assert await ws.recv() == "a"
            assert await nothing_comes(ws) and ws.close_code is None  # not before its time
    finally:
        await asyncio.wait_for(later.close(), 5)


async def test_the_recorded_subprotocol_is_offered_to_clients_that_ask() -> None:
    server = await started(SCRIPT, subprotocol="chat.v1")
    try:
        offered = [Subprotocol("other"), Subprotocol("chat.v1")]
        async with connect(server.url(), subprotocols=offered) as ws:
            assert ws.subprotocol == "chat.v1"
        async with connect(server.url()) as ws:
            assert ws.subprotocol is None
            assert await ws.recv() == "hello"
    finally:
        await server.close()


def write_log(path: Path, rows: list[Row]) -> Path:
    write_store(path, store_of(rows), LogHeader(url="ws://example.test/app"))
    return path


@pytest.mark.parametrize(
    ("args", "complaint"),
    [
        (["--replay", "missing.jsonl"], "Cannot open missing.jsonl"),
        (["--replay", "bad.jsonl"], "bad.jsonl line 1:"),
        (["--replay", "good.jsonl", "--ignore", "ts"], "must start with $"),
        (["--replay", str(CHROME)], "it has 2 WebSocket entries; pick one"),
        (["--fast"], "only apply with --replay LOG"),
        (["--connection", "2"], "only apply with --replay LOG"),
        (["--replay", "good.jsonl", "--connection", "3"], "there is no connection 3"),
    ],
)
def test_serve_replay_refuses_bad_input_with_one_line(
    args: list[str], complaint: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "bad.jsonl").write_text("not json\n")
    write_log(tmp_path / "good.jsonl", SCRIPT)
    result = CliRunner().invoke(serve, ["--port", "0", *args])
    assert result.exit_code == 2
    assert result.stderr.count("\n") == 1
    assert result.stderr.startswith("sockscope: error: ") and complaint in result.stderr


async def test_a_client_that_reconnects_meets_the_next_recorded_connection() -> None:
    store = FrameStore()
    for number in (1, 2):
        start = T0 + 10 * number
        store.append_event(start, Kind.OPEN, {"url": "ws://example.test/app"})
        store.append(start + 0.1, Kind.SEND, Opcode.TEXT, b"hello")
        store.append(start + 0.2, Kind.RECV, Opcode.TEXT, f"welcome {number}".encode())
        store.append_event(start + 0.3, Kind.CLOSE, {"code": 1006, "was_clean": False})
    plans = [ReplayPlan.from_store(store, connection=n) for n in (1, 2)]
    report: list[str] = []
    server = await start_mock_server(plans, fast=True, report=report.append)
    try:
        answers = []
        for _ in range(3):  # the third client gets the last connection again
            async with connect(server.url("/")) as ws:
                await ws.send("hello")
                answers.append(await ws.recv())
    finally:
        await server.close()
    assert answers == ["welcome 1", "welcome 2", "welcome 2"]
    assert any("client 2 (connection 2) connected" in line for line in report)


async def test_a_recorded_refusal_is_served_as_the_same_refusal() -> None:
    from websockets.exceptions import InvalidStatus

    store = FrameStore()
    refused = {
        "message": "Handshake refused: 401 Unauthorized — no token",
        "cause": "InvalidStatus",
        "status": 401,
        "body": "no token",
        "response_headers": [["WWW-Authenticate", 'Bearer realm="api"'], ["Content-Length", "8"]],
    }
    store.append_event(T0, Kind.ERROR, refused)
    plan = ReplayPlan.from_store(store, "ws://example.test/app")
    assert plan.refusal is not None and plan.refusal.status == 401
    report: list[str] = []
    server = await start_mock_server(plan, fast=True, report=report.append)
    try:
        with pytest.raises(InvalidStatus) as refusal:
            async with connect(server.url("/")):
                pass
    finally:
        await server.close()
    response = refusal.value.response
    assert response.status_code == 401
    assert response.body == b"no token"
    assert response.headers["WWW-Authenticate"] == 'Bearer realm="api"'
    assert any("refused as recorded (401)" in line for line in report)


async def test_a_refused_handshake_keeps_its_response_headers() -> None:
    from websockets.asyncio.server import serve as serve_ws
    from websockets.datastructures import Headers

    from sockscope.core.events import Failed
    from sockscope.core.session.session import Session
    from sockscope.core.settings import ConnectionSettings
    from sockscope.core.wire.connection import Connection

    def refuse(ws: object, request: object) -> object:
        response = ws.respond(403, "go away\n")  # type: ignore[attr-defined]
        response.headers["X-Reason"] = "blocked"
        return response

    async def never(ws: object) -> None:  # pragma: no cover - refused before
        pass

    async with serve_ws(never, "127.0.0.1", 0, process_request=refuse) as running:
        port = running.sockets[0].getsockname()[1]
        session = Session()
        outcome = await Connection(ConnectionSettings(f"ws://127.0.0.1:{port}/"), session).run()
    assert isinstance(outcome, Failed) and outcome.status == 403
    assert Headers(outcome.response_headers)["X-Reason"] == "blocked"
    assert ["X-Reason", "blocked"] in outcome.info()["response_headers"]
