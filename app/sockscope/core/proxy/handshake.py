"""The proxy's handshake: the client's request mapped upstream, a refusal mapped back.

A client's request becomes the upstream connection's settings: its path and query are
appended to the upstream URL, its headers forwarded except hop-by-hop ones and those
the handshake itself owns (websockets writes them for the upstream hop), its
subprotocols offered, and compression offered only when the client offered it.
"""

from __future__ import annotations

from urllib.parse import urlsplit, urlunsplit

from websockets.datastructures import Headers
from websockets.http11 import Request, Response

from sockscope.core.settings import ConnectionSettings

#: Request headers never forwarded (compared without case): hop-by-hop headers
#: (RFC 9110 7.6.1) and the handshake's own, which each hop negotiates for itself.
NOT_FORWARDED = frozenset(
    {
        "host",
        "upgrade",
        "connection",
        "sec-websocket-key",
        "sec-websocket-version",
        "sec-websocket-extensions",
        "sec-websocket-accept",
        "sec-websocket-protocol",  # offered through the upstream's subprotocols instead
        "content-length",
        "transfer-encoding",
        "keep-alive",
        "te",
        "trailer",
        "origin",  # given to websockets as ``origin``
        "user-agent",  # given to websockets as ``user_agent_header``
    }
)
#: A refusal's headers the listener writes itself (the body is whole, no longer chunked).
_NOT_ANSWERED = frozenset(
    {"content-length", "transfer-encoding", "connection", "keep-alive", "te", "trailer"}
)


def _dropped(name: str) -> bool:
    lowered = name.lower()
    return lowered in NOT_FORWARDED or lowered.startswith("proxy-")


def upstream_url(base: str, target: str) -> str:
    """``base`` with the client's request target (path and query) appended.

    ``wss://api.example.com`` and ``/feed?x=1`` give ``wss://api.example.com/feed?x=1``;
    a base with a path of its own keeps it in front (``wss://host/v2`` + ``/feed``).
    """
    parts = urlsplit(base)
    path, _, query = target.partition("?")
    joined = parts.path.rstrip("/") + (path if path.startswith("/") else "/" + path)
    if parts.query and query:
        query = f"{parts.query}&{query}"
    return urlunsplit((parts.scheme, parts.netloc, joined or "/", query or parts.query, ""))


def _offered(headers: Headers, name: str) -> list[str]:
    return [
        item.strip() for value in headers.get_all(name) for item in value.split(",") if item.strip()
    ]


def upstream_settings(base: ConnectionSettings, request: Request) -> ConnectionSettings:
    """The settings of the upstream connection for one client's handshake ``request``."""
    headers = request.headers
    forwarded = [(name, value) for name, value in headers.raw_items() if not _dropped(name)]
    offers_deflate = any(
        item.split(";", 1)[0].strip() == "permessage-deflate"
        for item in _offered(headers, "Sec-WebSocket-Extensions")
    )
    return base._replace(
        url=upstream_url(base.url, request.path),
        headers=(*base.headers, *forwarded),
        subprotocols=tuple(_offered(headers, "Sec-WebSocket-Protocol")),
        origin=headers.get("Origin", base.origin),
        user_agent=headers.get("User-Agent", base.user_agent),
        compression=base.compression and offers_deflate,
        on_open=(),
    )


def refusal(response: Response) -> Response:
    """The upstream's refusal as the listener's answer: the same status, reason and body."""
    headers = Headers(
        (name, value)
        for name, value in response.headers.raw_items()
        if name.lower() not in _NOT_ANSWERED
    )
    body = response.body or b""
    headers["Content-Length"] = str(len(body))
    headers["Connection"] = "close"
    return Response(response.status_code, response.reason_phrase, headers, body)
