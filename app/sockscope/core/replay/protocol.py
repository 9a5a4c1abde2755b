"""Replaying a protocol log: which layer spoke it, and what that layer does by itself.

A protocol's own duties must not be replayed from the log: a recorded ping answer
would go out at the recorded time, not when the new server pings, and a recorded
keepalive from the server says nothing about the new one. So a replay leaves out the
client messages its layer sends by itself (:meth:`ProtocolLayer.sends_by_itself`: the
keepalives, and a handshake the layer sends on open) and lets the layer run live; the
server's keepalives are left out of what is expected and of the comparison.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Iterable, Sequence

from sockscope.core.protocols import detect
from sockscope.core.protocols.base import ProtocolLayer
from sockscope.core.protocols.message import Direction, Message
from sockscope.core.protocols.plugin import DETECT_WITHIN
from sockscope.core.protocols.registry import AUTO, RAW, layer_class
from sockscope.core.replay import values
from sockscope.core.replay.plan import ReplayPlan, Scripted
from sockscope.core.settings import ConnectionSettings
from sockscope.core.store.frames import Kind

Leaves = Callable[[ProtocolLayer, Direction, Sequence[Message]], bool]


def recorded_layer(
    plan: ReplayPlan, protocol: str = AUTO, options: Iterable[tuple[str, str]] = ()
) -> ProtocolLayer | None:
    """The layer the log speaks: the one named, or (``auto``) the one its URL, its
    subprotocol or its first messages show, as :mod:`~sockscope.core.protocols.detect`
    picks live. None for ``raw`` or when nothing shows one."""
    if protocol == RAW:
        return None
    if protocol != AUTO:
        return layer_class(protocol)(dict(options))
    found = detect.by_url(plan.url) or detect.by_subprotocol(plan.subprotocol)
    for item in plan.script[:DETECT_WITHIN]:
        if found is not None:
            break
        found = detect.by_first_frame(item.message.opcode, item.message.payload)
    return found.layer(dict(options)) if found is not None else None


def settings_layer(plan: ReplayPlan, settings: ConnectionSettings) -> ProtocolLayer | None:
    return recorded_layer(plan, settings.protocol or AUTO, settings.protocol_options)


def _direction(kind: Kind) -> Direction:
    return Direction.SENT if kind is Kind.SEND else Direction.RECEIVED


def _decoded(layer: ProtocolLayer, items: Sequence[Scripted]) -> list[Sequence[Message]]:
    """Each item's messages, read in order by a fresh layer (as the live one read them)."""
    reader = type(layer)(layer.option_values)
    reader.reset()
    return [
        reader.decode(_direction(item.kind), item.message.opcode, item.message.payload)
        for item in items
    ]


def client_side(layer: ProtocolLayer, direction: Direction, messages: Sequence[Message]) -> bool:
    """What a replaying client leaves out: its layer's own sends, the server's keepalives."""
    if not messages:
        return False
    if direction is Direction.SENT:
        return all(layer.sends_by_itself(message) for message in messages)
    return all(message.is_keepalive for message in messages)


def keepalives(_layer: ProtocolLayer, _direction: Direction, messages: Sequence[Message]) -> bool:
    """What a mock server leaves out: keepalives both ways (neither sent nor waited for)."""
    return bool(messages) and all(message.is_keepalive for message in messages)


def without(plan: ReplayPlan, layer: ProtocolLayer, leaves: Leaves = client_side) -> ReplayPlan:
    """The plan less the messages ``leaves`` says the protocol takes care of live."""
    decoded = _decoded(layer, plan.script)
    script = tuple(
        item
        for item, messages in zip(plan.script, decoded, strict=True)
        if not leaves(layer, _direction(item.kind), messages)
    )
    return dataclasses.replace(plan, script=script) if len(script) < len(plan.script) else plan


def comparable(layer: ProtocolLayer, responses: Sequence[values.Message]) -> list[values.Message]:
    """Server messages as a check compares them: keepalives left out, the rest passed
    through :meth:`ProtocolLayer.normalize` (volatile ids blanked)."""
    items = [Scripted(Kind.RECV, 0.0, message) for message in responses]
    normalizer = type(layer)(layer.option_values)  # fresh: it may follow the stream
    normalizer.reset()
    kept = []
    for message, decoded in zip(responses, _decoded(layer, items), strict=True):
        payload = normalizer.normalize(message.opcode, message.payload)  # every one, in order
        if not keepalives(layer, Direction.RECEIVED, decoded):
            kept.append(values.Message(message.opcode, payload))
    return kept
