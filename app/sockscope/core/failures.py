"""One clear sentence for every way opening a connection can fail."""

from __future__ import annotations

import socket
import ssl
from urllib.parse import urlsplit

from websockets.exceptions import (
    InvalidHandshake,
    InvalidMessage,
    InvalidProxy,
    InvalidProxyMessage,
    InvalidProxyStatus,
    InvalidStatus,
    InvalidURI,
)

from sockscope.core.display import safe_line
from sockscope.core.events import Failed
from sockscope.core.settings import ConnectionSettings

BODY_PREVIEW = 200


def _where(url: str) -> str:
    parts = urlsplit(url)
    default = 443 if parts.scheme == "wss" else 80
    return f"{parts.hostname}:{parts.port or default}"


def _body_text(body: bytes | bytearray | None) -> str:
    if not body:
        return ""
    return safe_line(body[:BODY_PREVIEW].decode("utf-8", "replace").strip())


def describe_failure(exc: BaseException, settings: ConnectionSettings) -> Failed:
    """Translate an exception raised while connecting into a :class:`Failed` event."""
    cause = f"{type(exc).__name__}: {exc}"
    where = _where(settings.url)
    if isinstance(exc, InvalidStatus):
        response = exc.response
        body = _body_text(response.body)
        message = f"Handshake refused: {response.status_code} {safe_line(response.reason_phrase)}"
        if body:
            message += f" — {body}"
        return Failed(message, cause, status=response.status_code, body=body)
    if isinstance(exc, InvalidProxyStatus):
        status = exc.response.status_code
        return Failed(
            f"The proxy refused to connect to {where}: {status} "
            f"{safe_line(exc.response.reason_phrase)}.",
            cause,
        )
    if isinstance(exc, InvalidProxy | InvalidProxyMessage):
        return Failed(f"The proxy setting is unusable: {safe_line(str(exc))}.", cause)
    if isinstance(exc, ssl.SSLCertVerificationError):
        detail = exc.verify_message or str(exc)
        return Failed(
            f"TLS certificate verification failed for {where}: {safe_line(detail)}. "
            "Use --ca FILE to trust its certificate authority, or -k to skip verification.",
            cause,
        )
    if isinstance(exc, ssl.SSLError):
        return Failed(
            f"The TLS handshake with {where} failed ({safe_line(exc.reason or str(exc))}). "
            "Does the server speak TLS (wss://)?",
            cause,
        )
    if isinstance(exc, socket.gaierror):
        host = urlsplit(settings.url).hostname
        return Failed(f"The host name {host!r} could not be resolved (DNS).", cause)
    if isinstance(exc, ConnectionRefusedError):
        return Failed(f"Connection refused by {where}: is the server running?", cause)
    if isinstance(exc, TimeoutError):
        return Failed(
            f"No WebSocket handshake from {where} within {settings.open_timeout:g} s "
            "(--open-timeout).",
            cause,
        )
    if isinstance(exc, ConnectionResetError) and settings.is_tls:
        return Failed(
            f"{where} reset the connection during the TLS handshake: does it speak TLS (wss://)?",
            cause,
        )
    if isinstance(exc, InvalidMessage):
        return Failed(
            f"{where} did not answer with a valid HTTP response: is it a WebSocket server "
            "(or does it expect wss://)?",
            cause,
        )
    if isinstance(exc, InvalidURI | InvalidHandshake):
        return Failed(f"The WebSocket handshake failed: {safe_line(str(exc))}.", cause)
    if isinstance(exc, OSError):
        reason = exc.strerror or str(exc)
        return Failed(f"Could not connect to {where}: {safe_line(reason)}.", cause)
    return Failed(f"Could not connect to {where}: {safe_line(cause)}.", cause)
