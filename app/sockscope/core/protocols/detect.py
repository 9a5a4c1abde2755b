"""``--protocol auto``: which layer a connection speaks, from what it shows.

Three signs, strongest first: the subprotocol the server chose, the URL, and the
server's first message. Each says *why* it picked, for the status line.
"""

from __future__ import annotations

from typing import NamedTuple

from sockscope.core.protocols.base import ProtocolLayer
from sockscope.core.protocols.registry import layer_classes
from sockscope.core.store.frames import Opcode


class Detected(NamedTuple):
    layer: type[ProtocolLayer]
    reason: str


def by_subprotocol(subprotocol: str | None) -> Detected | None:
    if not subprotocol:
        return None
    for layer in layer_classes():
        if subprotocol in layer.subprotocols:
            return Detected(layer, f"subprotocol {subprotocol}")
    return None


def by_url(url: str) -> Detected | None:
    for layer in layer_classes():
        if layer.detects_url(url):
            return Detected(layer, "the URL")
    return None


def by_first_frame(opcode: Opcode, payload: bytes) -> Detected | None:
    for layer in layer_classes():
        if layer.detects_first_frame(opcode, payload):
            return Detected(layer, "the first message")
    return None
