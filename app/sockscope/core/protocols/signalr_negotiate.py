"""SignalR's negotiate request: ``POST <hub>/negotiate?negotiateVersion=1`` before each
connection, whose answer gives the token the WebSocket URL carries as ``?id=``.

The request runs in a thread (urllib blocks); it sends the connection's own headers
(an ``Authorization`` a hub needs) and TLS settings. An answer that redirects (Azure
SignalR Service: ``url`` and ``accessToken``) is followed once.
"""

from __future__ import annotations

import asyncio
import json
import urllib.error
import urllib.request
from typing import Any
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from sockscope.core.protocols.base import ProtocolError
from sockscope.core.settings import ConnectionSettings

_HTTP = {"ws": "http", "wss": "https", "http": "http", "https": "https"}
_WS = {"http": "ws", "https": "wss", "ws": "ws", "wss": "wss"}
MAX_ANSWER = 1 << 20


def negotiate_url(url: str) -> str:
    """The negotiate endpoint of a hub URL (its query kept, the version added)."""
    parts = urlsplit(url)
    query = [(k, v) for k, v in parse_qsl(parts.query) if k != "id"]
    query.append(("negotiateVersion", "1"))
    path = parts.path.rstrip("/") + "/negotiate"
    return urlunsplit((_HTTP[parts.scheme], parts.netloc, path, urlencode(query), ""))


def with_token(url: str, token: str) -> str:
    """The hub URL carrying the connection token as ``id``."""
    parts = urlsplit(url)
    query = [(k, v) for k, v in parse_qsl(parts.query) if k != "id"] + [("id", token)]
    return urlunsplit((_WS[parts.scheme], parts.netloc, parts.path, urlencode(query), ""))


def _post(url: str, settings: ConnectionSettings) -> dict[str, Any]:
    request = urllib.request.Request(url, data=b"", method="POST", headers=dict(settings.headers))
    try:
        with urllib.request.urlopen(
            request, timeout=settings.open_timeout, context=settings.ssl_context()
        ) as answer:
            body = answer.read(MAX_ANSWER)
    except urllib.error.HTTPError as exc:
        raise ProtocolError(
            f"SignalR negotiate at {url} answered {exc.code} {exc.reason}."
        ) from exc
    except (OSError, ValueError) as exc:
        raise ProtocolError(f"SignalR negotiate at {url} failed: {exc}.") from exc
    try:
        value = json.loads(body)
    except ValueError as exc:
        raise ProtocolError(f"SignalR negotiate at {url} did not answer JSON.") from exc
    if not isinstance(value, dict):
        raise ProtocolError(f"SignalR negotiate at {url} did not answer a JSON object.")
    if value.get("error"):
        raise ProtocolError(f"SignalR negotiate at {url}: {value['error']}")
    return value


async def negotiate(settings: ConnectionSettings) -> ConnectionSettings:
    """The settings to open the hub's WebSocket with: its URL carrying a fresh token."""
    answer = await asyncio.to_thread(_post, negotiate_url(settings.url), settings)
    if isinstance(answer.get("url"), str):  # redirected to a service, with its own token
        hub = answer["url"]
        token = answer.get("accessToken")
        headers = tuple((k, v) for k, v in settings.headers if k.lower() != "authorization")
        if isinstance(token, str):
            headers += (("Authorization", f"Bearer {token}"),)
        settings = settings._replace(url=hub, headers=headers)
        answer = await asyncio.to_thread(_post, negotiate_url(hub), settings)
    token = answer.get("connectionToken") or answer.get("connectionId")
    if not isinstance(token, str) or not token:
        raise ProtocolError("SignalR negotiate answered no connectionToken.")
    return settings.with_url(with_token(settings.url, token))
