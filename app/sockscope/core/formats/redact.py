"""Removing credentials before a log leaves the machine.

Exports redact by default: the values of the headers in
:data:`~sockscope.core.settings.SECRET_HEADERS`, the ``user:password@`` part
of URLs, the values of query parameters named in :data:`SECRET_PARAMS`, and
wherever a header value or a URL's path and query hold it, any value an env file
(``--env``) gave (:func:`redact_values`). Frame payloads are data and are never touched.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any
from urllib.parse import unquote_plus

from sockscope.core.settings import SECRET_HEADERS
from sockscope.core.store.frames import Kind

REDACTED = "[redacted]"

#: Query parameters whose values are credentials, compared case-insensitively with
#: ``-`` read as ``_`` (docs/log-format.md, *Redaction*, lists them for users).
SECRET_PARAMS = frozenset(
    {
        "access_token",
        "api_key",
        "apikey",
        "auth",
        "auth_token",
        "authorization",
        "client_secret",
        "id_token",
        "jwt",
        "key",
        "passwd",
        "password",
        "refresh_token",
        "secret",
        "session",
        "sessionid",
        "sig",
        "signature",
        "token",
        "x_amz_credential",
        "x_amz_security_token",
        "x_amz_signature",
    }
)


#: Values of ``--env`` files, redacted like credentials: an env file holds what must not
#: leave the machine. Process-wide, as the env files are: a run reads them once.
_SECRET_VALUES: set[str] = set()

#: Shorter values are not hunted for: a ``1`` would be redacted out of every header.
SHORTEST_SECRET_VALUE = 4


def redact_values(values: Iterable[str]) -> None:
    """Redact these values (an env file's) from every header value and URL from now on."""
    _SECRET_VALUES.update(v for v in values if len(v) >= SHORTEST_SECRET_VALUE)


def _hide_values(text: str) -> str:
    for value in sorted(_SECRET_VALUES, key=len, reverse=True):
        if value in text:
            text = text.replace(value, REDACTED)
    return text


def is_secret_param(name: str) -> bool:
    return name.strip().lower().replace("-", "_") in SECRET_PARAMS


def _redact_query(query: str) -> str:
    """Each ``name=value`` pair of a secret name gets ``[redacted]``; the rest is kept as is.

    Split by hand rather than parsed and re-encoded, so the URL changes nowhere else.
    """
    pairs = query.split("&")
    for index, pair in enumerate(pairs):
        name, sep, value = pair.partition("=")
        if sep and value and is_secret_param(unquote_plus(name)):
            pairs[index] = f"{name}={REDACTED}"
    return "&".join(pairs)


def redact_url(url: str) -> str:
    """``wss://user:pass@host/x?token=t`` -> ``wss://[redacted]@host/x?token=[redacted]``.

    URLs without credentials come back unchanged.
    """
    scheme, sep, rest = url.partition("://")
    if not sep:
        return url
    end = len(rest)
    for stop in "/?#":
        found = rest.find(stop)
        if found != -1:
            end = min(end, found)
    authority, tail = rest[:end], rest[end:]
    if "@" in authority:
        authority = f"{REDACTED}@{authority.rpartition('@')[2]}"
    before, question, after = tail.partition("?")
    if question:
        query, hash_, fragment = after.partition("#")
        tail = f"{before}?{_redact_query(query)}{hash_}{fragment}"
    return f"{scheme}://{authority}{_hide_values(tail)}"


def is_secret_header(name: str) -> bool:
    return name.strip().lower() in SECRET_HEADERS


def redact_headers(headers: Iterable[Sequence[str]]) -> list[list[str]]:
    """Header pairs with the values of secret headers replaced."""
    return [
        [name, REDACTED if is_secret_header(name) else _hide_values(value)]
        for name, value in headers
    ]


def redact_info(kind: Kind, info: dict[str, Any]) -> dict[str, Any]:
    """A copy of an event row's info without credentials (only ``open`` rows carry any)."""
    if kind is not Kind.OPEN:
        return info
    clean = dict(info)
    if isinstance(clean.get("url"), str):
        clean["url"] = redact_url(clean["url"])
    for key in ("request_headers", "response_headers"):
        headers = clean.get(key)
        if isinstance(headers, list):
            clean[key] = redact_headers(headers)
    return clean
