"""HAR: Chrome's WebSocket entries import, our export is Chrome's shape, round trips are exact."""

from __future__ import annotations

import base64
import contextlib
import copy
import json
from pathlib import Path
from typing import Any

import orjson
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from log_samples import HEADER, ROWS, rows_of, sample_store
from sockscope.core.formats.errors import LogFormatError, WebSocketEntry
from sockscope.core.formats.har import list_websocket_entries, parse_har, read_har
from sockscope.core.formats.har_write import write_har
from sockscope.core.formats.journal import write_store
from sockscope.core.formats.jsonl import read_jsonl
from sockscope.core.formats.load import load_log
from sockscope.core.store.frames import Kind, Opcode

_PRIVATE = "_sockscope"
CHROME = Path(__file__).parent / "fixtures" / "chrome.har"
FUZZ = settings(
    max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)


def chrome() -> dict[str, Any]:
    data: dict[str, Any] = orjson.loads(CHROME.read_bytes())
    return data


def save(path: Path, har: object) -> Path:
    path.write_text(json.dumps(har))
    return path


# -- Chrome's export ---------------------------------------------------------------


def test_chrome_export_lists_its_websocket_entries() -> None:
    assert list_websocket_entries(parse_har(CHROME)) == [
        WebSocketEntry(1, "wss://app.example.com/socket?room=42", 6),
        WebSocketEntry(2, "wss://feed.example.net/prices", 2),
    ]


def test_chrome_export_imports_handshake_and_frames() -> None:
    log = read_har(CHROME, entry=1)
    store = log.store
    assert log.header.url == "wss://app.example.com/socket?room=42"
    assert log.header.tool == "WebInspector 537.36"
    assert log.header.created == "2025-11-20T10:00:00.100Z"
    assert log.warnings == []
    opened = store.row(0)
    assert opened.kind is Kind.OPEN and opened.time == 1763632800.1
    assert opened.info["status"] == 101
    assert opened.info["reason"] == "Switching Protocols"
    assert opened.info["subprotocol"] == "chat.v1"
    assert opened.info["extensions"] == ["permessage-deflate; client_max_window_bits=15"]
    assert ["Cookie", "session=s3cr3t"] in opened.info["request_headers"]
    assert [(r.time, r.kind, r.opcode, r.payload) for r in store.rows(1)] == [
        (1763632800.125473, Kind.SEND, Opcode.TEXT, b'{"type":"hello","room":42}'),
        (1763632800.201004, Kind.RECV, Opcode.TEXT, b'{"type":"welcome","user":"ana"}'),
        (1763632800.350117, Kind.RECV, Opcode.BINARY, b"\x00\xff\x10\x80binary\xfe"),
        (
            1763632801.000002,
            Kind.SEND,
            Opcode.TEXT,
            'snow ☃ — ünïcödé\nline two\t"quoted"'.encode(),
        ),
        (1763632801.5, Kind.SEND, Opcode.BINARY, b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR"),
        (1763632802.75, Kind.RECV, Opcode.TEXT, b""),
    ]


@pytest.mark.parametrize("entry", [2, "2", "feed.example", "prices"])
def test_entries_are_chosen_by_number_or_url_part(entry: int | str) -> None:
    log = read_har(CHROME, entry=entry)
    assert log.header.url == "wss://feed.example.net/prices"
    assert [log.store.payload(i) for i in (1, 2)] == [b'{"EURUSD":1.0841}', b'{"EURUSD":1.0843}']


@pytest.mark.parametrize(
    ("entry", "message"),
    [
        (None, "it has 2 WebSocket entries; pick one by number or URL part: 1: wss://app"),
        (3, "there is no WebSocket entry 3 (they are numbered 1 to 2)"),
        ("example", "several entry URLs contain 'example'"),
        ("nowhere", "no WebSocket entry URL contains 'nowhere'"),
    ],
)
def test_an_unclear_choice_lists_the_entries(entry: int | str | None, message: str) -> None:
    with pytest.raises(LogFormatError) as caught:
        read_har(CHROME, entry=entry)
    assert message in str(caught.value)
    assert "2: wss://feed.example.net/prices (2 messages)" in str(caught.value)
    assert [c.number for c in caught.value.choices] == [1, 2]


def test_tolerates_missing_optional_keys_and_skips_other_opcodes(tmp_path: Path) -> None:
    entry = {
        "_resourceType": "websocket",
        "request": {"url": "ws://bare/"},
        "_webSocketMessages": [
            {"type": "receive", "time": 5, "opcode": 1, "data": "hi", "extra": True},
            {"type": "receive", "time": 6, "opcode": 9, "data": ""},
        ],
    }
    log = read_har(save(tmp_path / "bare.har", {"log": {"entries": [entry]}}))
    assert log.store.info(0)["url"] == "ws://bare/"
    assert log.store.time(0) == 5.0  # no startedDateTime: the first message's time
    assert log.store.payload(1) == b"hi"
    assert len(log.store) == 2
    assert log.warnings == ["skipped 1 message with an opcode other than 1 (text) or 2 (binary)"]


def test_a_refused_handshake_imports_as_an_error_row(tmp_path: Path) -> None:
    har = chrome()
    entry = har["log"]["entries"][4]
    entry["response"].update(status=403, statusText="Forbidden")
    entry["_webSocketMessages"] = []
    log = read_har(save(tmp_path / "refused.har", har), entry=2)
    assert log.store.kind(0) is Kind.ERROR
    assert log.store.info(0)["status"] == 403
    assert "HTTP 403 Forbidden" in log.store.info(0)["message"]


# -- errors ------------------------------------------------------------------------


def test_a_har_without_websocket_entries_says_so(tmp_path: Path) -> None:
    har = chrome()
    har["log"]["entries"] = [e for e in har["log"]["entries"] if "_webSocketMessages" not in e]
    with pytest.raises(LogFormatError, match="no WebSocket entry among its 3 entries"):
        read_har(save(tmp_path / "http-only.har", har))


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"", "not a HAR file: not valid JSON"),
        (b'{\n  "log": {,\n}', "line 2: not a HAR file: not valid JSON"),
        (b'{"sockscope": 1}\n', "not a HAR file (it has no log.entries list)"),
        (b"[1, 2, 3]", "not a HAR file (it has no log.entries list)"),
    ],
)
def test_files_that_are_not_har_get_a_clear_error(
    tmp_path: Path, content: bytes, message: str
) -> None:
    path = tmp_path / "x.har"
    path.write_bytes(content)
    with pytest.raises(LogFormatError) as caught:
        read_har(path)
    assert message in str(caught.value)


@pytest.mark.parametrize(
    ("message", "error"),
    [
        (
            {"type": "receive", "time": 1, "opcode": 2, "data": "@@"},
            "message 2: bad base64 in 'data'",
        ),
        ({"type": "shout", "time": 1, "opcode": 1, "data": ""}, 'message 2 has type "shout"'),
        ({"type": "send", "time": "x", "opcode": 1, "data": ""}, "message 2: 'time' must be a"),
        ({"type": "send", "time": 1, "opcode": 1}, "message 2 has no 'data' string"),
        ("hello", 'message 2 is "hello", not an object'),
    ],
)
def test_a_bad_message_names_the_entry_and_message(
    tmp_path: Path, message: object, error: str
) -> None:
    har = chrome()
    har["log"]["entries"][2]["_webSocketMessages"][1] = message
    with pytest.raises(LogFormatError) as caught:
        read_har(save(tmp_path / "bad.har", har), entry=1)
    assert f"WebSocket entry 1 (wss://app.example.com/socket?room=42): {error}" in str(caught.value)


# -- our export --------------------------------------------------------------------


def test_export_is_shaped_like_chrome_and_redacts(tmp_path: Path) -> None:
    path = tmp_path / "out.har"
    write_har(path, sample_store(), HEADER)
    log = orjson.loads(path.read_bytes())["log"]
    assert log["version"] == "1.2"
    assert log["creator"]["name"] == "sockscope"
    assert log["pages"][0]["id"] == "page_1"
    assert "onLoad" in log["pages"][0]["pageTimings"]
    (entry,) = log["entries"]
    assert entry["_resourceType"] == "websocket"
    assert entry["pageref"] == "page_1"
    assert entry["startedDateTime"] == "2025-11-20T10:00:00.123Z"
    # What Chrome's importer requires of every entry:
    assert all(isinstance(entry["timings"][k], int | float) for k in ("send", "wait", "receive"))
    assert isinstance(entry["response"]["content"]["size"], int)
    assert entry["request"]["url"] == "wss://[redacted]@example.com/socket?room=42"
    assert entry["request"]["queryString"] == [{"name": "room", "value": "42"}]
    assert {"name": "Authorization", "value": "[redacted]"} in entry["request"]["headers"]
    assert {"name": "Set-Cookie", "value": "[redacted]"} in entry["response"]["headers"]
    assert entry["response"]["status"] == 101
    assert "hunter2" not in path.read_text() and "token-123" not in path.read_text()
    messages = entry["_webSocketMessages"]
    assert [(m["type"], m["opcode"]) for m in messages] == [
        ("send", 1),
        ("receive", 1),
        ("receive", 2),
        ("send", 2),
        ("send", 1),
    ]
    assert messages[0]["data"] == '{"hello":"world","n":1}'
    assert base64.b64decode(messages[2]["data"]) == b"\x00\xff\xfe\x80 not utf-8 \xc3"
    assert messages[0]["time"] == ROWS[1][0] + 1763632800.123456


def test_export_keeps_secrets_when_asked(tmp_path: Path) -> None:
    path = tmp_path / "out.har"
    write_har(path, sample_store(), HEADER, redact=False)
    entry = orjson.loads(path.read_bytes())["log"]["entries"][0]
    assert entry["request"]["url"] == "wss://ana:hunter2@example.com/socket?room=42"
    assert {"name": "Authorization", "value": "Bearer token-123"} in entry["request"]["headers"]


def test_jsonl_to_har_to_jsonl_is_byte_for_byte(tmp_path: Path) -> None:
    first, har, second = tmp_path / "a.jsonl", tmp_path / "b.har", tmp_path / "c.jsonl"
    write_store(first, sample_store(), HEADER, redact=False)
    log = read_jsonl(first)
    write_har(har, log.store, log.header, redact=False)
    back = read_har(har)
    assert rows_of(back.store) == rows_of(sample_store())
    write_store(second, back.store, back.header, redact=False)
    assert second.read_bytes() == first.read_bytes()


def test_chrome_import_survives_export_and_reimport(tmp_path: Path) -> None:
    original = read_har(CHROME, entry=1)
    path = tmp_path / "again.har"
    write_har(path, original.store, original.header, redact=False)
    assert rows_of(read_har(path).store) == rows_of(original.store)


def test_a_broken_private_key_is_reported(tmp_path: Path) -> None:
    path = tmp_path / "out.har"
    write_har(path, sample_store(), HEADER)
    har = orjson.loads(path.read_bytes())
    har["log"]["entries"][0]["_sockscope"]["events"][0]["kind"] = "shout"
    with pytest.raises(LogFormatError, match="bad '_sockscope' event: unknown kind"):
        read_har(save(path, har))


def test_load_log_picks_the_reader_by_extension_or_content(tmp_path: Path) -> None:
    jsonl = tmp_path / "session.log"
    write_store(jsonl, sample_store(), HEADER, redact=False)
    assert rows_of(load_log(jsonl).store) == rows_of(sample_store())
    har = tmp_path / "capture.json"
    har.write_bytes(CHROME.read_bytes())
    assert load_log(har, entry="feed").header.url == "wss://feed.example.net/prices"
    calls: list[tuple[int, int]] = []
    load_log(CHROME, entry=1, progress=lambda done, total: calls.append((done, total)))
    assert calls == [(CHROME.stat().st_size, CHROME.stat().st_size)]
    other = tmp_path / "notes.txt"
    other.write_text("just some notes\n")
    with pytest.raises(LogFormatError, match="not a log sockscope can open"):
        load_log(other)


# -- fuzz --------------------------------------------------------------------------

# Values orjson reads back (no Infinity, no integers beyond 64 bits).
SCALARS = (
    st.none()
    | st.booleans()
    | st.integers(-(2**63), 2**63 - 1)
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(max_size=8)
)
JSON = st.recursive(
    SCALARS,
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=6), inner),
    max_leaves=8,
)
MESSAGE_KEYS = st.sampled_from(["type", "time", "opcode", "data"])
MESSAGE_VALUES = JSON | st.sampled_from(["send", "receive", 1, 2, 9, "AA==", 1.5])


@FUZZ
@given(st.binary(max_size=300))
def test_arbitrary_bytes_only_raise_log_format_error(tmp_path: Path, data: bytes) -> None:
    path = tmp_path / "fuzz.har"
    path.write_bytes(data)
    with contextlib.suppress(LogFormatError):
        read_har(path)


@FUZZ
@given(
    st.dictionaries(
        st.sampled_from(["request", "response", "startedDateTime", "_sockscope"]), JSON
    ),
    st.lists(st.dictionaries(MESSAGE_KEYS, MESSAGE_VALUES) | JSON, max_size=4),
)
def test_arbitrary_entries_import_or_fail_cleanly(
    tmp_path: Path, fields: dict[str, Any], messages: list[Any]
) -> None:
    entry = copy.deepcopy(fields) | {"_resourceType": "websocket", "_webSocketMessages": messages}
    path = save(tmp_path / "fuzz.har", {"log": {"entries": [entry]}})
    try:
        log = read_har(path)
    except LogFormatError as error:
        assert "WebSocket entry 1" in str(error)
        return
    write_har(path, log.store, log.header, redact=False)
    assert rows_of(read_har(path).store) == rows_of(log.store)


def test_a_long_session_round_trips(tmp_path: Path) -> None:
    store = sample_store()
    for i in range(10_000):  # several write batches
        kind, opcode = (Kind.SEND, Opcode.TEXT) if i % 3 else (Kind.RECV, Opcode.BINARY)
        store.append(store.time(len(store) - 1) + 0.001, kind, opcode, b"%d \xc3\xa9" % i)
    path = tmp_path / "long.har"
    write_har(path, store, HEADER, redact=False)
    messages = json.loads(path.read_text())["log"]["entries"][0]["_webSocketMessages"]
    assert len(messages) == 10_005 and messages[-2]["data"] == "9998 é"
    assert rows_of(read_har(path).store) == rows_of(store)
