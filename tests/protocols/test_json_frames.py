"""The JSON protocols read a frame's JSON alike: a frame that is not JSON is one error."""

from __future__ import annotations

import pytest

from sockscope.core.protocols.actioncable import ActionCableLayer
from sockscope.core.protocols.base import ProtocolLayer
from sockscope.core.protocols.graphql_ws import GraphQLTransportWsLayer, GraphQLWsLayer
from sockscope.core.protocols.jsonrpc import JsonRpcLayer
from sockscope.core.protocols.message import Direction, Message, MessageKind
from sockscope.core.protocols.phoenix import PhoenixLayer
from sockscope.core.store.frames import Opcode

#: JSON deeper than Python's parser goes (it raises RecursionError, not ValueError).
TOO_DEEP = b"[" * 100_000 + b"]" * 100_000

SUMMARIES: list[tuple[type[ProtocolLayer], str]] = [
    (ActionCableLayer, "not an Action Cable message"),
    (PhoenixLayer, "not a Phoenix message"),
    (JsonRpcLayer, "not a JSON-RPC message"),
    (GraphQLTransportWsLayer, "not a GraphQL over WebSocket (graphql-transport-ws) message"),
    (GraphQLWsLayer, "not a GraphQL over WebSocket (legacy graphql-ws) message"),
]


@pytest.mark.parametrize(("layer", "summary"), SUMMARIES)
@pytest.mark.parametrize("payload", [b"{nope", b"\xff\xfe", TOO_DEEP], ids=["bad", "bytes", "deep"])
def test_a_frame_that_is_not_json_is_one_not_json_error(
    layer: type[ProtocolLayer], summary: str, payload: bytes
) -> None:
    decoded = layer().decode(Direction.RECEIVED, Opcode.TEXT, payload)
    assert decoded == (Message(MessageKind.ERROR, "not JSON", summary=summary),)


@pytest.mark.parametrize("layer", [ActionCableLayer, PhoenixLayer])
def test_a_binary_frame_of_a_text_protocol_is_not_decoded(layer: type[ProtocolLayer]) -> None:
    assert layer().decode(Direction.RECEIVED, Opcode.BINARY, b"[1]") == ()
