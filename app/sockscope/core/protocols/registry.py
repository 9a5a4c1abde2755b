"""Which protocol layers exist: the built-in ones, and any installed through entry points.

Another package adds a layer by declaring, in its own ``pyproject.toml``::

    [project.entry-points."sockscope.protocols"]
    my-proto = "my_package.my_module:MyLayer"

where ``MyLayer`` subclasses :class:`~sockscope.core.protocols.base.ProtocolLayer`
(docs/protocols.md). Built-in modules load only when used, so starting the app costs none.
"""

from __future__ import annotations

from functools import cache
from importlib import import_module
from importlib.metadata import entry_points

from sockscope.core.protocols.base import ProtocolError, ProtocolLayer

ENTRY_POINT_GROUP = "sockscope.protocols"
AUTO = "auto"
RAW = "raw"

#: name -> "module:Class"; the order is the order auto-detection tries them in.
BUILT_IN: dict[str, str] = {
    "socket.io": "sockscope.core.protocols.socketio:SocketIoLayer",
    "graphql-transport-ws": "sockscope.core.protocols.graphql_ws:GraphQLTransportWsLayer",
    "graphql-ws": "sockscope.core.protocols.graphql_ws:GraphQLWsLayer",
    "stomp": "sockscope.core.protocols.stomp:StompLayer",
    "mqtt": "sockscope.core.protocols.mqtt:MqttLayer",
    "phoenix": "sockscope.core.protocols.phoenix:PhoenixLayer",
    "signalr": "sockscope.core.protocols.signalr:SignalRLayer",
    "actioncable": "sockscope.core.protocols.actioncable:ActionCableLayer",
    "json-rpc": "sockscope.core.protocols.jsonrpc:JsonRpcLayer",
}


def _load(target: str) -> type[ProtocolLayer]:
    module, _, attribute = target.partition(":")
    layer = getattr(import_module(module), attribute)
    if not (isinstance(layer, type) and issubclass(layer, ProtocolLayer)):
        raise ProtocolError(f"{target} is not a ProtocolLayer.")
    return layer


@cache
def _plugged_in() -> dict[str, str]:
    return {ep.name: ep.value for ep in entry_points(group=ENTRY_POINT_GROUP)}


def known() -> dict[str, str]:
    """Every layer by name: built-in ones first, then those from entry points."""
    return BUILT_IN | {k: v for k, v in _plugged_in().items() if k not in BUILT_IN}


def names() -> list[str]:
    """What ``--protocol`` accepts."""
    return [AUTO, RAW, *known()]


def check_name(name: str) -> str:
    """The name as given if it is known; else a :class:`ProtocolError` listing the names."""
    if name in (AUTO, RAW) or name in known():
        return name
    raise ProtocolError(f"Unknown protocol {name!r}: use one of {', '.join(names())}.")


def layer_class(name: str) -> type[ProtocolLayer]:
    """The layer called ``name``; a plug-in that fails to load is a :class:`ProtocolError`."""
    target = known().get(check_name(name))
    if target is None:
        raise ProtocolError(f"{name!r} is not a protocol layer.")
    try:
        return _load(target)
    except ProtocolError:
        raise
    except Exception as exc:
        raise ProtocolError(f"The protocol {name!r} ({target}) failed to load: {exc}") from exc


def layer_classes() -> list[type[ProtocolLayer]]:
    """Every layer that loads, in detection order (one that fails to load is left out)."""
    found = []
    for name in known():
        try:
            found.append(layer_class(name))
        except ProtocolError:
            continue
    return found
