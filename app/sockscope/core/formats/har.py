"""HAR 1.2 import and export, in the shape Chrome DevTools uses for WebSockets.

Chrome records a socket as one entry among the HTTP entries, with
``"_resourceType": "websocket"``, the handshake as ``request``/``response`` and
the messages in ``_webSocketMessages`` (``type`` send|receive, ``time`` in epoch
seconds, ``opcode`` 1 with the text as is or 2 with base64 ``data``).

Chrome has no place for pings, pongs, close frames, events, or text frames
that are not UTF-8. Our export keeps those rows, as native log records, in a
private ``_sockscope`` key of the entry (Chrome ignores it), each with ``at``:
how many messages come before it. Importing such a file gives back the exact
store; importing Chrome's own file builds the open row from the handshake.
"""

from __future__ import annotations

import math
import os
from os import PathLike
from pathlib import Path
from typing import Any

import orjson

from sockscope.core.formats.errors import LogFormatError, WebSocketEntry
from sockscope.core.formats.files import open_for_reading
from sockscope.core.formats.model import FORMAT_VERSION, LoadedLog, LogHeader, epoch_time, iso_time
from sockscope.core.formats.record_parsing import (
    append_row,
    decode_base64,
    parse_header,
    parse_record,
    parse_time,
    show,
)
from sockscope.core.formats.records import RecordError
from sockscope.core.store.frames import FrameStore, Kind, Opcode
from sockscope.core.wording import plural

__all__ = ["list_websocket_entries", "parse_har", "read_har"]

PRIVATE_KEY = "_sockscope"
TYPES = {"send": Kind.SEND, "receive": Kind.RECV}
TYPE_NAMES = {kind: name for name, kind in TYPES.items()}
PAGE_ID = "page_1"
#: The largest HAR file read. A HAR is parsed whole (several times its size in memory),
#: so an endless or enormous file is refused rather than read until memory runs out.
MAX_HAR_BYTES = 2**30


# -- reading ---------------------------------------------------------------------


def parse_har(path: str | PathLike[str]) -> Any:
    """Read a file as HAR: the parsed JSON, or a clear error if it is not HAR."""
    path = Path(path)
    too_big = f"it is larger than {MAX_HAR_BYTES / 2**30:g} GiB, the most sockscope reads as HAR"
    with open_for_reading(path) as handle:
        if os.fstat(handle.fileno()).st_size > MAX_HAR_BYTES:
            raise LogFormatError(path, None, too_big)
        data = handle.read(MAX_HAR_BYTES + 1)  # it may have grown since
    if len(data) > MAX_HAR_BYTES:
        raise LogFormatError(path, None, too_big)
    try:
        har = orjson.loads(data)
    except orjson.JSONDecodeError as exc:
        line = exc.lineno if data.strip() else None
        raise LogFormatError(path, line, f"not a HAR file: not valid JSON ({exc.msg})") from None
    log = har.get("log") if isinstance(har, dict) else None
    if not isinstance(log, dict) or not isinstance(log.get("entries"), list):
        raise LogFormatError(path, None, "not a HAR file (it has no log.entries list)")
    return har


def _websocket_entries(har: Any) -> list[dict[str, Any]]:
    return [
        entry
        for entry in har["log"]["entries"]
        if isinstance(entry, dict)
        and (
            entry.get("_resourceType") == "websocket"
            or isinstance(entry.get("_webSocketMessages"), list)
        )
    ]


def _entry_url(entry: dict[str, Any]) -> str:
    request = entry.get("request")
    url = request.get("url") if isinstance(request, dict) else None
    return url if isinstance(url, str) else ""


def _messages(entry: dict[str, Any]) -> list[Any]:
    messages = entry.get("_webSocketMessages")
    return messages if isinstance(messages, list) else []


def list_websocket_entries(har: Any) -> list[WebSocketEntry]:
    """The WebSocket entries of a parsed HAR (numbered from 1), for a chooser."""
    return [
        WebSocketEntry(number, _entry_url(entry), len(_messages(entry)))
        for number, entry in enumerate(_websocket_entries(har), 1)
    ]


#: Entries an error lists at most (a HAR can hold thousands): the chooser has them all.
_LISTED = 5


def _describe(entries: list[WebSocketEntry]) -> str:
    """The first few entries, one phrase each, and how many more there are."""
    listed = "; ".join(
        f"{e.number}: {e.url or '(no URL)'} ({plural(e.message_count, 'message')})"
        for e in entries[:_LISTED]
    )
    more = len(entries) - _LISTED
    return listed + (f"; and {more:,} more" if more > 0 else "")


def _choose(path: Path, har: Any, entry: int | str | None) -> tuple[int, dict[str, Any]]:
    """Pick one WebSocket entry by number (from 1) or URL substring."""
    entries = _websocket_entries(har)
    listed = list_websocket_entries(har)
    if not entries:
        among = plural(len(har["log"]["entries"]), "entry", "entries")
        raise LogFormatError(path, None, f"no WebSocket entry among its {among}")
    if isinstance(entry, str) and entry.strip().isdigit():
        entry = int(entry)
    if entry is None:
        if len(entries) == 1:
            return 1, entries[0]
        raise LogFormatError(
            path,
            None,
            f"it has {len(entries)} WebSocket entries; pick one by number or URL part: "
            + _describe(listed),
            choices=listed,
        )
    if isinstance(entry, int):
        if 1 <= entry <= len(entries):
            return entry, entries[entry - 1]
        raise LogFormatError(
            path,
            None,
            f"there is no WebSocket entry {entry} (they are numbered 1 to {len(entries)}): "
            + _describe(listed),
            choices=listed,
        )
    matches = [e for e in listed if entry in e.url]
    if len(matches) == 1:
        return matches[0].number, entries[matches[0].number - 1]
    found = "no WebSocket entry URL contains" if not matches else "several entry URLs contain"
    raise LogFormatError(
        path, None, f"{found} {entry!r}: " + _describe(matches or listed), choices=matches or listed
    )


def read_har(path: str | PathLike[str], entry: int | str | None = None) -> LoadedLog:
    """Import one WebSocket entry of a HAR file into a store.

    ``entry`` picks the entry when there are several: its number (from 1, as
    :func:`list_websocket_entries` lists them, also as a string of digits) or a
    part of its URL. A bad message raises :class:`LogFormatError` naming the
    entry and the message.
    """
    path = Path(path)
    har = parse_har(path)
    number, chosen = _choose(path, har, entry)
    return _Importer(path, number, chosen, har["log"]).load()


class _Importer:
    def __init__(self, path: Path, number: int, entry: dict[str, Any], log: dict[str, Any]):
        self.path = path
        self.number = number
        self.entry = entry
        self.log = log
        self.url = _entry_url(entry)
        self.store = FrameStore()
        self.warnings: list[str] = []
        self.last_time = 0.0
        """A message without a time gets the time of the row before it."""

    def fail(self, what: str) -> LogFormatError:
        where = f"WebSocket entry {self.number} ({self.url or 'no URL'})"
        return LogFormatError(self.path, None, f"{where}: {what}")

    def load(self) -> LoadedLog:
        private = self.entry.get(PRIVATE_KEY)
        messages = _messages(self.entry)
        events: list[tuple[int, dict[str, Any]]] = []
        if private is None:
            self._open_row(messages)
        else:
            events = self._private_events(private)
        done = skipped = 0
        for position, message in enumerate(messages):
            done = self._add_events(events, done, position)
            skipped += not self._message(position + 1, message)
        self._add_events(events, done, math.inf)
        if skipped:
            self.warnings.append(
                f"skipped {plural(skipped, 'message')} with an opcode "
                "other than 1 (text) or 2 (binary)"
            )
        return LoadedLog(self._header(private), self.store, self.warnings)

    def _header(self, private: Any) -> LogHeader:
        if private is not None:
            try:
                return parse_header(private.get("header"))
            except RecordError as exc:
                raise self.fail(f"bad {PRIVATE_KEY!r} header: {exc}") from None
        creator = _dict(self.log.get("creator"))
        tool = f"{creator.get('name', '')} {creator.get('version', '')}".strip()
        started = epoch_time(self.entry.get("startedDateTime"))
        return LogHeader(
            url=self.url, created=iso_time(started) if started is not None else "", tool=tool
        )

    def _open_row(self, messages: list[Any]) -> None:
        """Chrome's handshake (request, response) as an open row (or an error row)."""
        request = _dict(self.entry.get("request"))
        response = _dict(self.entry.get("response"))
        t = epoch_time(self.entry.get("startedDateTime"))
        if t is None:
            first = messages[0] if messages and isinstance(messages[0], dict) else {}
            t = epoch_time(first.get("time")) or 0.0
        status = response.get("status", 101)
        status = status if isinstance(status, int) and not isinstance(status, bool) else 0
        reason = response.get("statusText")
        reason = reason if isinstance(reason, str) else ""
        response_headers = _headers(response.get("headers"))
        if status not in (0, 101) and not messages:
            message = f"The server refused the WebSocket handshake with HTTP {status} {reason}."
            info = {"message": message, "cause": f"HTTP {status}", "status": status, "body": ""}
            self.store.append_event(t, Kind.ERROR, info)
            return
        protocol = _header_value(response_headers, "sec-websocket-protocol")
        extensions = _header_value(response_headers, "sec-websocket-extensions")
        info = {
            "url": self.url,
            "status": status or 101,
            "reason": reason,
            "request_headers": _headers(request.get("headers")),
            "response_headers": response_headers,
            "subprotocol": protocol,
            "extensions": [e.strip() for e in extensions.split(",")] if extensions else [],
        }
        self.store.append_event(t, Kind.OPEN, info)
        self.last_time = t

    def _message(self, number: int, message: Any) -> bool:
        """Add one Chrome message; False when it is skipped (not text or binary)."""
        if not isinstance(message, dict):
            raise self.fail(f"message {number} is {show(message)}, not an object")
        name = message.get("type")
        kind = TYPES.get(name) if isinstance(name, str) else None
        if kind is None:
            raise self.fail(
                f"message {number} has type {show(message.get('type'))} "
                '(expected "send" or "receive")'
            )
        opcode = message.get("opcode", _NO_OPCODE)
        if opcode not in (1, 2, _NO_OPCODE) or isinstance(opcode, bool):
            return False
        data = message.get("data")
        if not isinstance(data, str):
            raise self.fail(f"message {number} has no 'data' string")
        try:
            t = self.last_time if "time" not in message else parse_time(message["time"], "time")
            if opcode == 2:
                payload = decode_base64(data, "data")
            elif opcode == 1:
                payload = data.encode()
            else:
                opcode, payload = _guess(data)
        except (RecordError, UnicodeEncodeError) as exc:
            raise self.fail(f"message {number}: {exc}") from None
        self.store.append(t, kind, Opcode.TEXT if opcode == 1 else Opcode.BINARY, payload)
        self.last_time = t
        return True

    def _private_events(self, private: Any) -> list[tuple[int, dict[str, Any]]]:
        """The rows Chrome cannot hold, each with how many messages precede it."""
        events = private.get("events") if isinstance(private, dict) else None
        if not isinstance(events, list) or private.get("version") != FORMAT_VERSION:
            raise self.fail(f"its {PRIVATE_KEY!r} data is not version {FORMAT_VERSION} with events")
        placed = []
        for record in events:
            at = record.get("at") if isinstance(record, dict) else None
            if not isinstance(at, int) or isinstance(at, bool):
                raise self.fail(f"a {PRIVATE_KEY!r} event has no 'at' position")
            placed.append((at, {k: v for k, v in record.items() if k != "at"}))
        placed.sort(key=lambda item: item[0])
        return placed

    def _add_events(self, events: list[tuple[int, dict[str, Any]]], done: int, at: float) -> int:
        """Add the events placed at or before message position ``at``; return how many are in."""
        while done < len(events) and events[done][0] <= at:
            try:
                append_row(self.store, parse_record(events[done][1]))
            except RecordError as exc:
                raise self.fail(f"bad {PRIVATE_KEY!r} event: {exc}") from None
            done += 1
        return done


#: The opcode of a message that has none (tools other than Chrome write only type and data).
_NO_OPCODE = None


def _guess(data: str) -> tuple[int, bytes]:
    """The opcode and payload of a message that has no opcode: text (1) when it can be.

    Data that cannot be UTF-8 (it holds lone surrogates) is kept as binary (2).
    """
    try:
        return 1, data.encode()
    except UnicodeEncodeError:
        return 2, data.encode("utf-8", "surrogatepass")


def _dict(value: Any) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}


def _headers(value: Any) -> list[list[str]]:
    """HAR ``[{"name", "value"}]`` headers as ``[[name, value]]`` pairs (bad items dropped)."""
    if not isinstance(value, list):
        return []
    return [
        [h["name"], h["value"]]
        for h in value
        if isinstance(h, dict)
        and isinstance(h.get("name"), str)
        and isinstance(h.get("value"), str)
    ]


def _header_value(headers: list[list[str]], name: str) -> str | None:
    for key, value in headers:
        if key.lower() == name:
            return value
    return None


# -- writing ---------------------------------------------------------------------
