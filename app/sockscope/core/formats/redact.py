"""Removing credentials before a log leaves the machine.

Exports redact by default: the values of the headers in
:data:`~sockscope.core.settings.SECRET_HEADERS` and the ``user:password@`` part
of URLs. Frame payloads are data and are never touched.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from sockscope.core.settings import SECRET_HEADERS
from sockscope.core.store.frames import Kind

REDACTED = "[redacted]"


def redact_url(url: str) -> str:
    """``wss://user:pass@host/x`` -> ``wss://[redacted]@host/x``; other URLs unchanged."""
    scheme, sep, rest = url.partition("://")
    if not sep:
        return url
    end = len(rest)
    for stop in "/?#":
        found = rest.find(stop)
        if found != -1:
            end = min(end, found)
    authority = rest[:end]
    if "@" not in authority:
        return url
    host = authority.rpartition("@")[2]
    return f"{scheme}://{REDACTED}@{host}{rest[end:]}"


def is_secret_header(name: str) -> bool:
    return name.strip().lower() in SECRET_HEADERS


def redact_headers(headers: Iterable[Sequence[str]]) -> list[list[str]]:
    """Header pairs with the values of secret headers replaced."""
    return [[name, REDACTED if is_secret_header(name) else value] for name, value in headers]


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
