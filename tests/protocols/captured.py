"""Frames the official JavaScript clients sent and got, captured by
tests/node/capture_clients.mjs into tests/fixtures/protocols/<name>.json."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from pathlib import Path

from websockets.asyncio.server import ServerConnection, serve

from sockscope.core.protocols.base import ProtocolLayer
from sockscope.core.protocols.message import Direction, Message
from sockscope.core.protocols.pairing import Pairs
from sockscope.core.store.frames import Opcode

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures" / "protocols"


def frames(name: str, folder: Path = FIXTURES) -> list[tuple[Direction, str]]:
    """The captured data frames in order ("open" rows left out)."""
    loaded = json.loads((folder / f"{name}.json").read_text())
    return [(Direction(f["direction"]), f["text"]) for f in loaded if f["direction"] != "open"]


def decode_all(
    layer: ProtocolLayer, captured: list[tuple[Direction, str]]
) -> list[tuple[Direction, Message]]:
    return [
        (direction, message)
        for direction, text in captured
        for message in layer.decode(direction, Opcode.TEXT, text.encode())
    ]


def pair_all(layer: ProtocolLayer, captured: list[tuple[Direction, str]]) -> Pairs:
    """Pairs over the captured frames, row = frame index, one millisecond a frame."""
    pairs = Pairs()
    for row, (direction, text) in enumerate(captured):
        for message in layer.decode(direction, Opcode.TEXT, text.encode()):
            pairs.note(row, row / 1000, direction, message)
    return pairs


@asynccontextmanager
async def scripted_server(
    handler: Callable[[ServerConnection], Awaitable[None]], subprotocols: list[str] | None = None
) -> AsyncIterator[int]:
    """A local websockets server running ``handler``; yields its port."""
    async with serve(handler, "127.0.0.1", 0, subprotocols=subprotocols) as server:  # type: ignore[arg-type]
        yield next(iter(server.sockets)).getsockname()[1]
