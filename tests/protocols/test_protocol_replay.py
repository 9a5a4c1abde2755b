"""Replaying a protocol log: keepalives answered live, not replayed nor compared.

A test-only ping/pong protocol (registered by monkeypatching the registry) against a
real local websockets server that pings every 50 ms and hangs up on a pong it did not
ask for; and JSON-RPC against npm's rpc-websockets.
"""

from __future__ import annotations

import asyncio
from collections.abc import Iterator, Sequence
from pathlib import Path

import pytest
from click.testing import CliRunner
from websockets.asyncio.server import ServerConnection

from node_servers import node_server
from server_thread import ServerThread
from sockscope.commands.record import record
from sockscope.commands.replay import replay
from sockscope.core.formats.load import load_log
from sockscope.core.protocols import registry
from sockscope.core.protocols.base import ProtocolLayer
from sockscope.core.protocols.message import Direction, Message, MessageKind
from sockscope.core.replay.plan import ReplayPlan
from sockscope.core.replay.protocol import without
from sockscope.core.store.frames import Kind, Opcode
from sockscope.core.wire.commands import SendText
from sockscope.core.wire.plugin import Link
from sockscope.servers.mock import MockServer

PING_EVERY = 0.05


class PingPongLayer(ProtocolLayer):
    """The server says "ping", the client must say "pong"; anything else is an event."""

    name = "pingpong"
    title = "ping/pong (test)"

    @classmethod
    def detects_url(cls, url: str) -> bool:
        return url.rstrip("/").endswith("/pingpong")

    def decode(self, direction: Direction, opcode: Opcode, payload: bytes) -> Sequence[Message]:
        if payload in (b"ping", b"pong"):
            return (Message(MessageKind.KEEPALIVE, payload.decode()),)
        return (Message(MessageKind.EVENT, "text", payload.decode(errors="replace")),)

    def answer(self, link: Link, message: Message) -> None:
        if message.name == "ping":
            link.submit(SendText("pong"))


@pytest.fixture(autouse=True)
def pingpong_registered(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(registry.BUILT_IN, "pingpong", f"{__name__}:PingPongLayer")


async def pinging(ws: ServerConnection) -> None:
    """Ping every PING_EVERY; echo other messages 100 ms later; close 4000 on a pong
    that answers no ping, 4001 when three pings go unanswered."""
    unanswered = 0

    async def pings() -> None:
        nonlocal unanswered
        while True:
            await asyncio.sleep(PING_EVERY)
            if unanswered >= 3:
                await ws.close(4001, "ping timeout")
                return
            unanswered += 1
            await ws.send("ping")

    async def echo(text: str) -> None:
        await asyncio.sleep(0.1)
        await ws.send(f"echo {text}")

    tasks = {asyncio.create_task(pings())}
    try:
        async for data in ws:
            if data == "pong":
                if not unanswered:
                    await ws.close(4000, "a pong for no ping")
                    return
                unanswered -= 1
            else:
                tasks.add(asyncio.create_task(echo(str(data))))
    finally:
        for task in tasks:
            task.cancel()


@pytest.fixture
def pingpong_url() -> Iterator[str]:
    with ServerThread(pinging) as url:
        yield url + "pingpong"


def _record(url: str, log: Path, *args: str) -> None:
    result = CliRunner().invoke(
        record, [url, "-o", str(log), "--send", "hello", "--send", "bye", "-q", *args]
    )
    assert result.exit_code == 0, result.output


def test_a_recorded_ping_pong_log_replays_with_check(pingpong_url: str, tmp_path: Path) -> None:
    log, again = tmp_path / "pings.jsonl", tmp_path / "again.jsonl"
    _record(pingpong_url, log, "--duration", "0.6")
    recorded = ReplayPlan.from_store(load_log(log).store)
    pongs = [item for item in recorded.sends if item.message.payload == b"pong"]
    pings = [m for m in recorded.responses if m.payload == b"ping"]
    assert len(pongs) >= 3 and len(pings) >= 3  # the recording answered pings on its own

    # No --protocol: auto picks the layer from the log's URL, as live.
    result = CliRunner().invoke(replay, [str(log), "--check", "-o", str(again)])
    assert result.exit_code == 0, result.output
    assert "All 2 responses match the recording." in result.output
    assert "sent 2 of 2 messages" in result.output  # hello and bye, not the pongs

    store = load_log(again).store
    frames = [
        (store.kind(i), store.payload(i)) for i in range(len(store)) if store.kind(i).is_frame
    ]
    live_pings = frames.count((Kind.RECV, b"ping"))
    live_pongs = frames.count((Kind.SEND, b"pong"))
    assert live_pings >= 1 and live_pongs == live_pings  # every live ping answered live
    closes = [store.info(i) for i in range(len(store)) if store.kind(i) is Kind.CLOSE]
    assert closes and closes[-1]["code"] == 1000  # never 4000 (a replayed pong) or 4001


def test_the_plan_leaves_out_what_the_layer_does_by_itself(
    pingpong_url: str, tmp_path: Path
) -> None:
    log = tmp_path / "pings.jsonl"
    _record(pingpong_url, log, "--duration", "0.3")
    plan = ReplayPlan.from_store(load_log(log).store)
    client = without(plan, PingPongLayer())
    assert [item.message.payload for item in client.sends] == [b"hello", b"bye"]
    assert sorted(m.payload for m in client.responses) == [b"echo bye", b"echo hello"]
    # A mock server drops keepalives both ways: it neither pings on the recorded
    # schedule nor waits for the client's pongs.
    mock = MockServer(plan)
    played = mock.plans[0].script
    assert all(item.message.payload not in (b"ping", b"pong") for item in played)
    assert len(played) == 4


def test_a_json_rpc_log_replays_with_check(tmp_path: Path) -> None:
    log = tmp_path / "rpc.jsonl"
    call = '{"jsonrpc": "2.0", "method": "sum", "params": [1, 2, 3], "id": 1}'
    with node_server("jsonrpc_server.js") as port:
        url = f"ws://127.0.0.1:{port}/"
        result = CliRunner().invoke(
            record, [url, "-o", str(log), "--send", call, "--count", "1", "--protocol", "json-rpc"]
        )
        assert result.exit_code == 0, result.output
        result = CliRunner().invoke(replay, [str(log), "--check", "--protocol", "json-rpc"])
    assert result.exit_code == 0, result.output
    assert "The 1 response matches the recording." in result.output
