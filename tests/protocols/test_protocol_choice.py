"""Choosing the protocol layer: --protocol on the command line, auto-detection, raw."""

from __future__ import annotations

import asyncio
import subprocess
import sys
import tempfile
from collections.abc import Mapping, Sequence

import pytest
from click.testing import CliRunner
from websockets.asyncio.server import ServerConnection

from server_thread import ServerThread
from sockscope.cli import main
from sockscope.core.events import Opened, ProtocolChosen
from sockscope.core.protocols.base import ProtocolLayer
from sockscope.core.protocols.message import Direction, Message, MessageKind
from sockscope.core.protocols.plugin import DETECT_WITHIN
from sockscope.core.protocols.registry import check_name, names
from sockscope.core.settings import ConnectionSettings
from sockscope.core.store.frames import Opcode
from sockscope.core.wire.commands import SendText
from sockscope.core.wire.plugin import Link

from .speaking import speaking


async def echo(ws: ServerConnection) -> None:
    async for message in ws:
        await ws.send(message)


def test_an_unknown_protocol_is_one_sentence_and_exit_2() -> None:
    result = CliRunner().invoke(
        main, ["record", "ws://127.0.0.1:9/", "-o", "x", "--protocol", "nope"]
    )
    assert result.exit_code == 2
    assert "Unknown protocol 'nope'" in result.output and "json-rpc" in result.output


def test_bad_auth_json_is_refused_before_connecting() -> None:
    result = CliRunner().invoke(main, ["record", "ws://127.0.0.1:9/", "-o", "x", "--auth", "{"])
    assert result.exit_code == 2 and "--auth is not JSON" in result.output


def test_names_include_auto_raw_and_the_built_in_layers() -> None:
    assert names()[:2] == ["auto", "raw"] and "json-rpc" in names()
    assert check_name("raw") == "raw"


async def test_a_plain_echo_session_is_raw_after_a_few_messages_and_stops_listening() -> None:
    with ServerThread(echo) as url:
        async with speaking(ConnectionSettings(url)) as s:
            for n in range(DETECT_WITHIN):
                s.driver.submit(SendText(f"plain {n}"))
            await s.until(lambda: not s.plugin.listening)
    assert ProtocolChosen("raw", "plain WebSocket", "no protocol detected") in s.events
    assert s.plugin.view is None


async def test_raw_never_listens() -> None:
    with ServerThread(echo) as url:
        settings = ConnectionSettings(url, protocol="raw")
        async with speaking(settings) as s:
            assert not s.plugin.listening
            s.driver.submit(SendText('{"jsonrpc": "2.0", "method": "m", "id": 1}'))
            await s.until(lambda: s.session.store.frames_in >= 1)
    assert s.plugin.view is None


def test_record_says_which_protocol_it_speaks() -> None:
    """`record --protocol json-rpc` names the layer on stderr (a real run, a real server)."""
    with ServerThread(echo) as url, tempfile.TemporaryDirectory() as folder:
        done = subprocess.run(
            [sys.executable, "-m", "sockscope", "record", url, "-o", f"{folder}/out.jsonl",
             "--protocol", "json-rpc", "--send", '{"jsonrpc":"2.0","method":"m","id":1}',
             "--count", "1"],
            capture_output=True, text=True, timeout=60,
        )  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert "speaking JSON-RPC 2.0 (chosen)" in done.stderr


class Counting(ProtocolLayer):
    """A layer that counts its starts and what it decoded before and after them."""

    name = "counting"
    title = "Counting"

    def __init__(self, options: Mapping[str, str] | None = None) -> None:
        super().__init__(options)
        self.starts = 0
        self.decoded_before_start = 0
        self.answered: list[bytes] = []

    def reset(self) -> None:
        self.answered.clear()

    def opened(self, link: Link, event: Opened) -> None:
        self.starts += 1

    def decode(self, direction: Direction, opcode: Opcode, payload: bytes) -> Sequence[Message]:
        if not self.starts:
            self.decoded_before_start += 1
        return (Message(MessageKind.EVENT, payload.decode(errors="replace")),)

    def answer(self, link: Link, message: Message) -> None:
        self.answered.append(message.name.encode())


async def greet_at_once(ws: ServerConnection) -> None:
    for n in range(3):
        await ws.send(f"hello {n}")
    await ws.wait_closed()


async def test_messages_before_the_open_hook_find_the_layer_started_once(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A server that speaks first: its frames arrive before the open's hook runs; the layer
    starts once, before decoding them, and nothing it learned is reset afterwards."""
    monkeypatch.setattr("sockscope.core.protocols.plugin.layer_class", lambda name: Counting)
    with ServerThread(greet_at_once) as url:
        async with speaking(ConnectionSettings(url, protocol="counting")) as s:
            await s.until(lambda: s.session.store.frames_in >= 3)
            await asyncio.sleep(0.05)  # let the open's hook run, as it would
            layer = s.plugin.layer
            assert isinstance(layer, Counting)
            assert (layer.starts, layer.decoded_before_start) == (1, 0)
            assert layer.answered == [b"hello 0", b"hello 1", b"hello 2"]
    assert sum(isinstance(e, ProtocolChosen) for e in s.events) == 1
