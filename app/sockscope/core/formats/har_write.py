"""HAR 1.2 export, in the shape Chrome DevTools uses for WebSockets (see :mod:`.har`).

The messages are written as pre-encoded JSON in batches: a million-row session is one
entry whose ``_webSocketMessages`` would otherwise be a million dicts in memory.
"""

from __future__ import annotations

from binascii import b2a_base64
from os import PathLike
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl

import orjson

from sockscope import __version__
from sockscope.core.formats.deep_json import dumps
from sockscope.core.formats.files import replacing
from sockscope.core.formats.har import PAGE_ID, PRIVATE_KEY, TYPE_NAMES
from sockscope.core.formats.model import FORMAT_VERSION, LogHeader, epoch_time, iso_time
from sockscope.core.formats.records import by_flag, header_record, placed_record, scan
from sockscope.core.formats.redact import redact_headers, redact_url
from sockscope.core.store.frames import FrameStore, Kind, Opcode

_WRITE_BATCH = 4096
"""Messages joined per write: a few MB a write, never the whole entry at once."""


def _chrome_parts(kind: Kind, opcode: Opcode) -> tuple[bytes, bytes, bool] | None:
    """The fixed parts of a Chrome message line, and whether it holds text."""
    if not kind.is_frame or opcode not in (Opcode.TEXT, Opcode.BINARY):
        return None
    start = b'{"type":"%s","time":' % TYPE_NAMES[kind].encode()
    return start, b',"opcode":%d,"data":' % opcode, opcode is Opcode.TEXT


_CHROME_BY_FLAG = by_flag(_chrome_parts)
#: Stands in for the messages while the rest of the file is encoded; they are spliced in.
_MESSAGES_SLOT = "\x00messages\x00"


def _message_line(t: bytes, flag: int, payload: bytearray) -> bytes | None:
    """A frame as a Chrome message (JSON), or None when Chrome has no place for it."""
    chrome = _CHROME_BY_FLAG.get(flag)
    if chrome is None:
        return None
    start, middle, text = chrome
    if not text:
        return b'%s%s%s"%s"}' % (start, t, middle, b2a_base64(payload, newline=False))
    try:
        return b"%s%s%s%s}" % (start, t, middle, orjson.dumps(payload.decode()))
    except UnicodeDecodeError:
        return None


def write_har(
    path: str | PathLike[str], store: FrameStore, header: LogHeader, redact: bool = True
) -> None:
    """Export a store as a HAR 1.2 file with one WebSocket entry, as Chrome writes it.

    ``redact`` removes credentials from URLs and handshake headers. The file is
    replaced atomically.
    """
    messages: list[bytes] = []
    events: list[orjson.Fragment] = []
    opened: dict[str, Any] = {}
    for index, t, flag, payload in scan(store):
        line = _message_line(t, flag, payload)
        if line is not None:
            messages.append(line)
            continue
        row = store.row(index)
        if row.kind is Kind.OPEN and not opened:
            opened = row.info
        events.append(
            placed_record(
                row.time, row.kind, row.opcode, row.payload, row.info, redact, len(messages)
            )
        )
    entry = _entry(store, header, opened, redact)
    entry[PRIVATE_KEY]["events"] = events
    har = {
        "log": {
            "version": "1.2",
            "creator": {"name": "sockscope", "version": __version__},
            "pages": [
                {
                    "startedDateTime": entry["startedDateTime"],
                    "id": PAGE_ID,
                    "title": entry["request"]["url"],
                    "pageTimings": {"onContentLoad": -1, "onLoad": -1},
                }
            ],
            "entries": [entry],
        }
    }
    data = orjson.dumps(har, option=orjson.OPT_INDENT_2, default=str)
    # A key followed by an unescaped quote cannot occur inside a string: the split is exact.
    slot = b'"_webSocketMessages": ' + orjson.dumps(_MESSAGES_SLOT)
    before, _, after = data.partition(slot)
    item = b"\n" + b" " * 10  # messages one a line, indented like the rest
    with replacing(Path(path)) as handle:
        handle.write(before + b'"_webSocketMessages": [')
        for start in range(0, len(messages), _WRITE_BATCH):
            handle.write(b"," * bool(start) + item)
            handle.write((b"," + item).join(messages[start : start + _WRITE_BATCH]))
        handle.write(b"\n" + b" " * 8 + b"]" if messages else b"]")
        handle.write(after)
        handle.write(
            b"\n"
        )  # a text file ends with a newline: a shell prompt starts on its own line


def _entry(
    store: FrameStore, header: LogHeader, opened: dict[str, Any], redact: bool
) -> dict[str, Any]:
    """The entry around the messages: handshake, times, and the private key."""
    start = store.time(0) if len(store) else epoch_time(header.created) or 0.0
    end = store.time(len(store) - 1) if len(store) else start
    url = opened.get("url", header.url)
    url = redact_url(url) if redact else url
    return {
        "startedDateTime": iso_time(start),
        "time": (end - start) * 1000,
        "pageref": PAGE_ID,
        "_resourceType": "websocket",
        "request": {
            "method": "GET",
            "url": url,
            "httpVersion": "HTTP/1.1",
            "headers": _har_headers(opened.get("request_headers", []), redact),
            "queryString": [{"name": k, "value": v} for k, v in parse_qsl(_query(url))],
            "cookies": [],
            "headersSize": -1,
            "bodySize": 0,
        },
        "response": {
            "status": opened.get("status", 0),
            "statusText": opened.get("reason", ""),
            "httpVersion": "HTTP/1.1",
            "headers": _har_headers(opened.get("response_headers", []), redact),
            "cookies": [],
            "content": {"size": 0, "mimeType": "x-unknown"},
            "redirectURL": "",
            "headersSize": -1,
            "bodySize": -1,
        },
        "cache": {},
        "timings": {"blocked": -1, "dns": -1, "connect": -1, "send": 0, "wait": 0, "receive": 0},
        "_webSocketMessages": _MESSAGES_SLOT,
        PRIVATE_KEY: {
            "version": FORMAT_VERSION,
            "header": orjson.Fragment(dumps(header_record(header, redact))),
        },
    }


def _query(url: str) -> str:
    """The query string, found by hand: ``urlsplit`` rejects a redacted ``[redacted]@`` URL."""
    return url.partition("#")[0].partition("?")[2]


def _har_headers(pairs: list[list[str]], redact: bool) -> list[dict[str, str]]:
    pairs = redact_headers(pairs) if redact else pairs
    return [{"name": name, "value": value} for name, value in pairs]
