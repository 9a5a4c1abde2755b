"""A browser's "Copy as cURL" of a WebSocket request, as connection settings.

The handshake's own headers (``Sec-WebSocket-Key``, ``-Version``, ``-Extensions``,
``Upgrade``, ``Connection``, ``Host``) are dropped, as the connection makes them afresh;
``Origin`` becomes the origin, ``Sec-WebSocket-Protocol`` the subprotocols, ``User-Agent``
the user agent; every other header, cookies included, is kept. What means nothing for a
WebSocket (``--compressed``, ``-i``, ``-s``, ``--http1.1``…) is ignored; a request body
(``--data*``) is ignored with a notice. ``parse_curl_command`` takes the pasted text, so the
URL field can accept a curl command too.
"""

from __future__ import annotations

import base64
import shlex
from typing import NamedTuple

from sockscope.core.settings import ConnectionSettings, SettingsError, normalize_url, parse_header


class CurlError(SettingsError):
    """A curl command sockscope cannot follow: one sentence."""


class CurlRequest(NamedTuple):
    settings: ConnectionSettings
    notices: tuple[str, ...] = ()


#: Made afresh by every handshake: a copied one would be stale or wrong.
HANDSHAKE_HEADERS = frozenset(
    {"sec-websocket-key", "sec-websocket-version", "sec-websocket-extensions", "upgrade",
     "connection", "host", "content-length"}
)  # fmt: skip

#: Flags without a value that change nothing for a WebSocket.
IGNORED_FLAGS = frozenset(
    {"--compressed", "-i", "--include", "-s", "--silent", "-S", "--show-error", "-v",
     "--verbose", "-L", "--location", "-N", "--no-buffer", "--http1.1", "--http1.0", "--http2",
     "--http2-prior-knowledge", "-g", "--globoff", "--insecure", "-k", "-f", "--fail"}
)  # fmt: skip

#: Options whose value is a request body: ignored, with a notice.
DATA_OPTIONS = frozenset(
    {"-d", "--data", "--data-raw", "--data-binary", "--data-ascii", "--data-urlencode", "-F",
     "--form", "--json"}
)  # fmt: skip

#: Options with a value that sockscope takes.
VALUE_OPTIONS = frozenset(
    {"-H", "--header", "-b", "--cookie", "-A", "--user-agent", "-e", "--referer", "-u",
     "--user", "--cacert", "--cert", "-E", "--key", "-x", "--proxy", "-X", "--request",
     "--url", "--connect-timeout", "-m", "--max-time"}
)  # fmt: skip


def parse_curl_command(text: str) -> CurlRequest:
    """A pasted command line (``curl 'wss://…' -H '…' \\`` over lines) as settings."""
    try:
        words = shlex.split(text.replace("\\\r\n", " ").replace("\\\n", " "))
    except ValueError as exc:
        raise CurlError(f"The curl command cannot be split into words: {exc}.") from None
    if words and words[0] in ("curl", "curl.exe"):
        words = words[1:]
    return parse_curl_args(words)


def _expand(words: list[str]) -> list[str]:
    """``-sk`` as ``-s -k``, ``-HName: v`` as ``-H 'Name: v'``."""
    expanded: list[str] = []
    for word in words:
        if len(word) > 2 and word[0] == "-" and word[1] != "-":
            if all(f"-{c}" in IGNORED_FLAGS for c in word[1:]):
                expanded += [f"-{c}" for c in word[1:]]
                continue
            if word[:2] in VALUE_OPTIONS or word[:2] in DATA_OPTIONS:
                expanded += [word[:2], word[2:]]
                continue
        expanded.append(word)
    return expanded


def parse_curl_args(args: list[str]) -> CurlRequest:
    """curl's arguments as settings; raises :class:`CurlError` on what cannot be followed."""
    words = _expand(list(args))
    url: str | None = None
    headers: list[tuple[str, str]] = []
    notices: list[str] = []
    fields: dict[str, str | None] = {}
    insecure = False
    index = 0
    while index < len(words):
        word = words[index]
        index += 1
        if word in IGNORED_FLAGS:
            insecure = insecure or word in ("-k", "--insecure")
            continue
        if not word.startswith("-") or word == "-":
            if url is not None:
                raise CurlError(f"The curl command names two URLs: {url!r} and {word!r}.")
            url = word
            continue
        if word not in VALUE_OPTIONS and word not in DATA_OPTIONS:
            raise CurlError(f"The curl option {word} is not one sockscope understands.")
        if index >= len(words):
            raise CurlError(f"The curl option {word} needs a value.")
        value = words[index]
        index += 1
        if word in DATA_OPTIONS:
            notices.append(f"{word} was ignored: a WebSocket handshake sends no request body.")
        elif word in ("-H", "--header"):
            headers += _header(value)
        elif word in ("-b", "--cookie"):
            if "=" not in value:
                raise CurlError(
                    f"-b {value!r} names a cookie file: give the cookies as NAME=VALUE."
                )
            headers.append(("Cookie", value))
        elif word in ("-e", "--referer"):
            headers.append(("Referer", value.removesuffix(";auto")))
        elif word in ("-u", "--user"):
            token = base64.b64encode(value.encode()).decode("ascii")
            headers.append(("Authorization", f"Basic {token}"))
        elif word in ("-X", "--request"):
            if value.upper() != "GET":
                notices.append(f"-X {value} was ignored: a WebSocket handshake is a GET.")
        elif word == "--url":
            words.insert(index, value)  # read as the positional URL, checked the same way
        elif word in ("--connect-timeout", "-m", "--max-time"):
            fields["open_timeout"] = value
        else:
            fields[word] = value
    if url is None:
        raise CurlError("The curl command has no URL.")
    return _settings(url, headers, fields, insecure, notices)


def _header(text: str) -> list[tuple[str, str]]:
    if text.startswith("@"):
        raise CurlError(f"-H {text!r} reads headers from a file: give them one -H each.")
    name, sep, value = text.partition(":")
    if not sep and name.endswith(";"):
        return [(name[:-1].strip(), "")]  # curl's way of sending an empty header
    if sep and not value.strip():
        return []  # `-H 'Name:'` removes a header curl would send: nothing to send
    return [parse_header(text)]


def _settings(
    url: str,
    headers: list[tuple[str, str]],
    fields: dict[str, str | None],
    insecure: bool,
    notices: list[str],
) -> CurlRequest:
    normalized = normalize_url(url)
    if normalized.notice:
        notices.append(normalized.notice)
    kept: list[tuple[str, str]] = []
    origin = None
    subprotocols: tuple[str, ...] = ()
    user_agent = fields.get("-A") or fields.get("--user-agent")
    for name, value in headers:
        lowered = name.lower()
        if lowered in HANDSHAKE_HEADERS:
            continue
        if lowered == "origin":
            origin = value
        elif lowered == "sec-websocket-protocol":
            subprotocols += tuple(p.strip() for p in value.split(",") if p.strip())
        elif lowered == "user-agent":
            user_agent = value
        else:
            kept.append((name, value))
    proxy = fields.get("-x") or fields.get("--proxy")
    if proxy and "://" not in proxy:
        proxy = f"http://{proxy}"  # curl's default proxy scheme
    cert = fields.get("--cert") or fields.get("-E")
    timeout = fields.get("open_timeout")
    settings = ConnectionSettings(
        url=normalized.url,
        headers=tuple(kept),
        subprotocols=subprotocols,
        origin=origin,
        user_agent=user_agent,
        insecure=insecure,
        ca_file=fields.get("--cacert"),
        cert_file=cert,
        key_file=fields.get("--key"),
        proxy=proxy,
    )
    if timeout is not None:
        try:
            settings = settings._replace(open_timeout=float(timeout))
        except ValueError:
            raise CurlError(f"The timeout {timeout!r} is not a number of seconds.") from None
    return CurlRequest(settings, tuple(notices))
