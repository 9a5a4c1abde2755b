"""JSON-RPC 2.0 against npm's rpc-websockets server: calls paired with results by id."""

from __future__ import annotations

import pytest

from node_servers import node_server
from sockscope.core.events import ProtocolChosen
from sockscope.core.protocols.base import ProtocolError
from sockscope.core.protocols.jsonrpc import JsonRpcLayer
from sockscope.core.protocols.message import Direction, MessageKind, Pairing
from sockscope.core.settings import ConnectionSettings
from sockscope.core.store.frames import Opcode
from sockscope.core.wire.commands import SendText

from .speaking import speaking


@pytest.fixture(scope="module")
def rpc_port() -> object:
    with node_server("jsonrpc_server.js") as port:
        yield port


async def test_calls_pair_with_results_and_errors_by_id(rpc_port: int) -> None:
    settings = ConnectionSettings(f"ws://127.0.0.1:{rpc_port}/", protocol="json-rpc")
    async with speaking(settings) as s:
        layer = s.plugin.layer
        assert layer is not None
        for values in ({"method": "sum", "params": "[1, 2, 3]"}, {"method": "fail"}):
            for command in layer.encode("call", values):
                s.driver.submit(command)
        view = s.plugin.view
        assert view is not None
        await s.until(lambda: view.pairs.in_flight == 0 and len(s.session.store) >= 5)
    rows = {view.messages(row)[0].name: row for row in range(1, 5)}
    assert view.pairs.partner(rows["sum"]) == rows["result"]
    assert view.pairs.partner(rows["fail"]) == rows["error"]
    assert view.messages(rows["result"])[0].summary == "6"
    assert view.kind(rows["error"]) is MessageKind.ERROR
    assert "it failed on purpose" in str(view.messages(rows["error"])[0].payload)
    latency = view.pairs.latency(rows["result"])
    assert latency is not None and latency >= 0
    label = view.label(rows["result"])
    assert label is not None and label.startswith("result 6") and "ms)" in label
    assert ProtocolChosen("json-rpc", "JSON-RPC 2.0", "chosen") in s.events


async def test_auto_detects_json_rpc_from_the_first_message(rpc_port: int) -> None:
    async with speaking(ConnectionSettings(f"ws://127.0.0.1:{rpc_port}/")) as s:
        s.driver.submit(
            SendText('{"jsonrpc": "2.0", "method": "sum", "params": [2, 2], "id": "a"}')
        )
        await s.until(lambda: len(s.session.store) >= 3)
    view = s.plugin.view
    assert view is not None and view.pairs.partner(1) == 2
    assert any(
        isinstance(e, ProtocolChosen) and e.name == "json-rpc" and e.reason == "the first message"
        for e in s.events
    )


def test_batches_decode_member_by_member_and_bad_input_says_why() -> None:
    layer = JsonRpcLayer()
    batch = b'[{"jsonrpc":"2.0","method":"a","id":1},{"jsonrpc":"2.0","method":"note"}]'
    call, note = layer.decode(Direction.SENT, Opcode.TEXT, batch)
    assert (call.kind, call.pairing, call.id) == (MessageKind.CALL, Pairing.OPENS, "1")
    assert (note.kind, note.id) == (MessageKind.EVENT, None)
    (bad,) = layer.decode(Direction.RECEIVED, Opcode.TEXT, b"{nope")
    assert bad.kind is MessageKind.ERROR
    with pytest.raises(ProtocolError, match="method"):
        layer.encode("call", {"method": " "})
    with pytest.raises(ProtocolError, match="not JSON"):
        layer.encode("call", {"method": "m", "params": "[1,"})
