"""Connection settings: everything one connection needs, validated up front.

Validation happens before anything connects, so a typo becomes one clear
sentence (and exit code 2 on the command line) instead of a traceback.
"""

from __future__ import annotations

import ssl
from pathlib import Path
from typing import Any, Literal, NamedTuple
from urllib.parse import urlsplit, urlunsplit

DEFAULT_PING_INTERVAL = 20.0
DEFAULT_OPEN_TIMEOUT = 10.0
DEFAULT_MAX_SIZE = 2**20 * 16


class SettingsError(ValueError):
    """A setting is unusable; the message is one sentence meant for the user."""


class NormalizedUrl(NamedTuple):
    url: str
    notice: str | None = None


def normalize_url(raw: str) -> NormalizedUrl:
    """Turn what a user typed into a ws:// or wss:// URL.

    No scheme means ``ws://``; ``http``/``https`` become ``ws``/``wss`` with a
    notice; any other scheme or a URL without a host is a :class:`SettingsError`.
    """
    text = raw.strip()
    if not text:
        raise SettingsError("The URL is empty.")
    if any(c.isspace() for c in text):
        raise SettingsError(f"The URL {text!r} contains spaces.")
    notice = None
    if "://" not in text:
        text = "ws://" + text
    scheme, _, rest = text.partition("://")
    scheme = scheme.lower()
    if scheme in ("http", "https"):
        new = "ws" if scheme == "http" else "wss"
        notice = f"{scheme}:// became {new}:// (WebSocket URLs use ws:// or wss://)."
        scheme = new
    elif scheme not in ("ws", "wss"):
        raise SettingsError(
            f"Unsupported URL scheme {scheme!r}: use ws://, wss://, http:// or https://."
        )
    try:
        parts = urlsplit(f"{scheme}://{rest}")
        port = parts.port
    except ValueError as exc:
        raise SettingsError(f"The URL {raw.strip()!r} is malformed: {exc}.") from exc
    if not parts.hostname:
        raise SettingsError(f"The URL {raw.strip()!r} has no host.")
    if port == 0:
        raise SettingsError(f"The URL {raw.strip()!r} has port 0.")
    path = parts.path or "/"
    url = urlunsplit((parts.scheme, parts.netloc, path, parts.query, ""))
    return NormalizedUrl(url, notice)


def parse_header(text: str) -> tuple[str, str]:
    """Parse ``"Name: value"`` into a pair; the name must be a valid token."""
    name, sep, value = text.partition(":")
    name = name.strip()
    if not sep or not name:
        raise SettingsError(f"Header {text!r} is not of the form 'Name: value'.")
    if any(c.isspace() or c in '()<>@,;:\\"/[]?={}' or ord(c) < 33 for c in name):
        raise SettingsError(f"Header name {name!r} contains characters not allowed in a name.")
    value = value.strip()
    if any(c in "\r\n\0" for c in value):
        raise SettingsError(f"Header {name!r} has a line break or NUL in its value.")
    return name, value


SECRET_HEADERS = frozenset({"authorization", "cookie", "set-cookie", "proxy-authorization"})


class ConnectionSettings(NamedTuple):
    """Everything needed to open one WebSocket connection."""

    url: str = ""
    headers: tuple[tuple[str, str], ...] = ()
    subprotocols: tuple[str, ...] = ()
    origin: str | None = None
    user_agent: str | None = None
    insecure: bool = False
    ca_file: str | None = None
    cert_file: str | None = None
    key_file: str | None = None
    proxy: str | None = None
    """A proxy URL; None uses the environment's proxy settings, as websockets does."""
    no_proxy: bool = False
    compression: bool = True
    ping_interval: float | None = DEFAULT_PING_INTERVAL
    open_timeout: float = DEFAULT_OPEN_TIMEOUT
    max_size: int | None = DEFAULT_MAX_SIZE
    on_open: tuple[str, ...] = ()
    """Text messages sent after every open (e.g. auth or subscribe), also after reconnects."""
    reconnect: bool = False
    """Reconnect with backoff after an abnormal close (see core/wire/reconnect.py)."""
    protocol: str = "auto"
    """The protocol layer spoken on top (core/protocols): a name, ``auto`` or ``raw``."""
    protocol_options: tuple[tuple[str, str], ...] = ()
    """``--protocol-option NAME=VALUE`` pairs (``auth``, ``init-payload``, ``login``…)."""
    replies: tuple[tuple[str, str], ...] = ()
    """Auto-reply rules, ``(pattern, reply)`` pairs (core/rules, docs/rules.md)."""
    every: tuple[tuple[float, str], ...] = ()
    """Timers, ``(seconds, message)`` pairs: sent while open (core/rules, docs/rules.md)."""

    def with_url(self, url: str) -> ConnectionSettings:
        return self._replace(url=url)

    def validated(self) -> ConnectionSettings:
        """Check every field; return a copy with the URL normalized."""
        url = normalize_url(self.url).url
        for name, path in (
            ("CA file", self.ca_file),
            ("certificate file", self.cert_file),
            ("key file", self.key_file),
        ):
            if path and not Path(path).is_file():
                raise SettingsError(f"The {name} {path!r} does not exist.")
        if self.key_file and not self.cert_file:
            raise SettingsError("A key file needs a certificate file (--cert).")
        if self.ping_interval is not None and self.ping_interval < 0:
            raise SettingsError("The ping interval cannot be negative.")
        if self.open_timeout <= 0:
            raise SettingsError("The open timeout must be positive.")
        if self.max_size is not None and self.max_size <= 0:
            raise SettingsError("The maximum message size must be positive.")
        if self.proxy:
            scheme = urlsplit(self.proxy).scheme
            if scheme not in ("http", "https", "socks5", "socks5h", "socks4", "socks4a"):
                raise SettingsError(
                    f"Proxy {self.proxy!r} must be an http://, https:// or socks5:// URL."
                )
        for protocol in self.subprotocols:
            if not protocol or any(c.isspace() or c == "," for c in protocol):
                raise SettingsError(f"Subprotocol {protocol!r} is not a valid token.")
        return self._replace(url=url)

    @property
    def is_tls(self) -> bool:
        return self.url.startswith("wss://")

    def ssl_context(self) -> ssl.SSLContext | None:
        """The TLS context for wss:// URLs (None for ws://)."""
        if not self.is_tls:
            return None
        context = ssl.create_default_context(cafile=self.ca_file)
        if self.insecure:
            context.check_hostname = False
            context.verify_mode = ssl.CERT_NONE
        if self.cert_file:
            context.load_cert_chain(self.cert_file, self.key_file)
        return context

    def connect_kwargs(self) -> dict[str, Any]:
        """Keyword arguments for ``websockets.asyncio.client.connect``."""
        proxy: str | Literal[True] | None = True
        if self.no_proxy:
            proxy = None
        elif self.proxy:
            proxy = self.proxy
        kwargs: dict[str, Any] = {
            "additional_headers": list(self.headers),
            "subprotocols": list(self.subprotocols) or None,
            "origin": self.origin,
            "compression": "deflate" if self.compression else None,
            "open_timeout": self.open_timeout,
            "ping_interval": self.ping_interval or None,
            "ping_timeout": self.ping_interval or None,
            "max_size": self.max_size,
            "proxy": proxy,
        }
        if self.user_agent is not None:
            kwargs["user_agent_header"] = self.user_agent
        if self.is_tls:
            kwargs["ssl"] = self.ssl_context()
        return kwargs
