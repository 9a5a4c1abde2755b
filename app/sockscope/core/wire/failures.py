"""One clear sentence for every way opening a connection can fail."""

from __future__ import annotations

import socket
import ssl
from urllib.parse import urlsplit

from websockets.exceptions import (
    HeaderLineTooLong,
    InvalidHandshake,
    InvalidMessage,
    InvalidProxy,
    InvalidProxyMessage,
    InvalidProxyStatus,
    InvalidStatus,
    InvalidURI,
    SecurityError,
)

from sockscope.core.events import Failed
from sockscope.core.settings import ConnectionSettings
from sockscope.core.text.display import safe_line

BODY_PREVIEW = 200

#: OpenSSL verify codes (X509_V_ERR_*) grouped by what the user can do about them.
_UNTRUSTED = frozenset({2, 18, 19, 20, 21})
"""Unknown issuer, self-signed leaf, self-signed root in chain, no local issuer, unverifiable."""
_OUT_OF_DATE = {9: "is not valid yet", 10: "has expired"}
_WRONG_NAME = frozenset({62, 64})
"""Host name mismatch, IP address mismatch."""


def _where(url: str) -> str:
    parts = urlsplit(url)
    default = {"wss": 443, "https": 443}.get(parts.scheme, 80)
    return f"{parts.hostname}:{parts.port or default}"


def _body_text(body: bytes | bytearray | None) -> str:
    """The start of an HTTP body as one safe line, with an ellipsis when it goes on."""
    if not body:
        return ""
    text = safe_line(body[:BODY_PREVIEW].decode("utf-8", "replace").strip())
    return text + "…" if len(body) > BODY_PREVIEW else text


def _certificate_failure(exc: ssl.SSLCertVerificationError, where: str) -> str:
    """Why the certificate was refused, and the way out that fits that reason."""
    detail = safe_line(exc.verify_message or str(exc)).rstrip(".")
    code = exc.verify_code
    if code in _WRONG_NAME:
        return (
            f"The TLS certificate of {where} is for another host ({detail}): connect with "
            "a name it covers, or skip verification with -k."
        )
    if code in _OUT_OF_DATE:
        return (
            f"The TLS certificate of {where} {_OUT_OF_DATE[code]} ({detail}): the server "
            "must renew it (or this machine's clock is wrong); -k skips verification."
        )
    if code in _UNTRUSTED:
        return (
            f"The TLS certificate of {where} is not trusted ({detail}): trust it with "
            "--ca FILE (the certificate or its CA), or skip verification with -k."
        )
    return (
        f"TLS certificate verification failed for {where} ({detail}): use --ca FILE to "
        "trust its certificate authority, or -k to skip verification."
    )


def _proxy_refusal(exc: InvalidProxyStatus, settings: ConnectionSettings) -> str:
    response = exc.response
    proxy = f"The proxy {_where(settings.proxy)}" if settings.proxy else "The proxy"
    sentence = (
        f"{proxy} refused to open a tunnel to {_where(settings.url)}: "
        f"{response.status_code} {safe_line(response.reason_phrase)}"
    )
    if response.status_code != 407:
        return sentence + "."
    if settings.proxy and urlsplit(settings.proxy).username:
        return sentence + "; it did not accept the credentials in the proxy URL."
    return sentence + "; put its credentials in the proxy URL (http://user:pass@host:port)."


#: What websockets' parser says when the first line of a response is wrong: then it is
#: no HTTP answer at all. Any other complaint comes after a valid status line.
_FIRST_LINE = ("status line", "status code", "unsupported protocol")


def _unreadable(exc: InvalidMessage) -> str | None:
    """What was wrong with an HTTP answer websockets could not finish; None: no HTTP at all.

    websockets reads the status line first and keeps nothing of a response it cannot
    finish (a body over 1 MiB, an 8 KiB header line, a control character in the reason
    phrase, a transfer coding it does not support).
    """
    problem = exc.__cause__
    detail = safe_line(str(problem)) if problem is not None else ""
    if problem is None or any(part in detail for part in _FIRST_LINE):
        return None
    if isinstance(problem, HeaderLineTooLong):
        return f"a header line is too long: {detail}"
    if type(problem) is SecurityError and detail.startswith("read "):
        return f"the body is too long: {detail}"  # read to the end, past 1 MiB
    return detail


def _invalid_response(exc: InvalidMessage, where: str, status_line: bytes) -> Failed:
    """An HTTP answer websockets could not read: its status if its first line came whole."""
    cause = f"{type(exc).__name__}: {exc}"
    detail = _unreadable(exc)
    if detail is None:
        return Failed(
            f"{where} did not answer with a valid HTTP response: is it a WebSocket server "
            "(or does it expect wss://)?",
            cause,
        )
    status = _status_of(status_line)
    if status is not None and status[0] != 101:
        code, reason = status
        return Failed(
            f"Handshake refused: {code} {safe_line(reason)}; the rest of the response could"
            f" not be read ({detail}).",
            cause,
            status=code,
        )
    if isinstance(exc.__cause__, EOFError):
        return Failed(
            f"{where} closed the connection in the middle of its HTTP response ({detail}).",
            cause,
        )
    return Failed(
        f"{where} answered the handshake with an HTTP response sockscope cannot read"
        f" ({detail}), so its status is unknown: a WebSocket server answers 101.",
        cause,
    )


def _status_of(line: bytes) -> tuple[int, str] | None:
    """``HTTP/1.1 403 Forbidden`` -> (403, "Forbidden"); None when it is no status line."""
    parts = line.split(b" ", 2)
    if len(parts) < 2 or not parts[0].startswith(b"HTTP/") or not parts[1].isdigit():
        return None
    status = int(parts[1])
    reason = parts[2].decode("latin-1") if len(parts) == 3 else ""
    return (status, reason) if 100 <= status <= 599 else None


def describe_failure(
    exc: BaseException, settings: ConnectionSettings, status_line: bytes = b""
) -> Failed:
    """Translate an exception raised while connecting into a :class:`Failed` event.

    ``status_line`` is the response's first line as received: websockets keeps no status
    of a response it could not finish reading, and the user still wants to know it.
    """
    cause = f"{type(exc).__name__}: {exc}"
    where = _where(settings.url)
    if isinstance(exc, InvalidStatus):
        response = exc.response
        body = _body_text(response.body)
        message = f"Handshake refused: {response.status_code} {safe_line(response.reason_phrase)}"
        if body:
            message += f" — {body}"
        return Failed(
            message,
            cause,
            status=response.status_code,
            body=body,
            response_headers=tuple(response.headers.raw_items()),
        )
    if isinstance(exc, InvalidProxyStatus):
        return Failed(_proxy_refusal(exc, settings), cause)
    if isinstance(exc, InvalidProxy | InvalidProxyMessage):
        return Failed(f"The proxy setting is unusable: {safe_line(str(exc))}.", cause)
    if isinstance(exc, ssl.SSLCertVerificationError):
        return Failed(_certificate_failure(exc, where), cause)
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
        return _invalid_response(exc, where, status_line)
    if isinstance(exc, InvalidURI | InvalidHandshake):
        return Failed(f"The WebSocket handshake failed: {safe_line(str(exc))}.", cause)
    if isinstance(exc, OSError):
        reason = exc.strerror or str(exc)
        return Failed(f"Could not connect to {where}: {safe_line(reason)}.", cause)
    return Failed(f"Could not connect to {where}: {safe_line(cause)}.", cause)
