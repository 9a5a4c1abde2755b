"""The native JSONL log: exact round trips, the journal, and clear errors on bad files."""

from __future__ import annotations

import contextlib
import json
import stat
from pathlib import Path

import orjson
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from log_samples import HEADER, OPEN_INFO, SECRET_URL, T0, rows_of, sample_store
from sockscope.core.formats.errors import LogError, LogFormatError
from sockscope.core.formats.journal import write_store
from sockscope.core.formats.jsonl import MAX_LINE_WARNINGS, read_jsonl
from sockscope.core.store.frames import FrameStore, Kind, Opcode

FUZZ = settings(
    max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)


def lines_of(path: Path) -> list[dict[str, object]]:
    return [orjson.loads(line) for line in path.read_bytes().splitlines()]


def write_lines(path: Path, *records: object) -> Path:
    """Records as JSON lines (by the stdlib, which writes any int and even Infinity)."""
    path.write_text("".join(json.dumps(r) + "\n" for r in records))
    return path


HEAD = {"sockscope": 1, "url": "ws://x/", "created": "2025-11-20T10:00:00.000Z", "tool": "t"}
FRAME = {"t": T0, "kind": "recv", "opcode": "text", "text": "hi", "size": 2}


# -- round trips -------------------------------------------------------------------


def test_every_row_survives_a_round_trip_exactly(tmp_path: Path) -> None:
    store = sample_store()
    path = tmp_path / "session.jsonl"
    write_store(path, store, HEADER, redact=False)
    log = read_jsonl(path)
    assert rows_of(log.store) == rows_of(store)
    assert log.header == HEADER
    assert log.warnings == []


def test_records_use_text_for_utf8_and_base64_for_the_rest(tmp_path: Path) -> None:
    path = tmp_path / "session.jsonl"
    write_store(path, sample_store(), HEADER, redact=False)
    header, *records = lines_of(path)
    assert header == {
        "sockscope": 1,
        "url": SECRET_URL,
        "created": "2025-11-20T10:00:00.123Z",
        "tool": "sockscope 0.1.0",
        "label": "nightly run",
    }
    assert records[0] == {"t": T0, "kind": "open", **OPEN_INFO}
    assert records[1] == {
        "t": T0 + 0.000001,
        "kind": "send",
        "opcode": "text",
        "text": '{"hello":"world","n":1}',
        "size": 23,
    }
    # Binary frames stay base64 even when they are valid UTF-8, so they read back as binary.
    assert records[4]["base64"] == "YmluYXJ5IHRoYXQgaGFwcGVucyB0byBiZSBhc2NpaQ=="
    assert "text" not in records[5] and records[5]["opcode"] == "text"  # text, not UTF-8
    assert records[7] == {"t": T0 + 0.6, "kind": "send", "opcode": "ping", "text": "ping-1",
                          "size": 6}  # fmt: skip
    assert records[-2]["kind"] == "close" and records[-2]["was_clean"] is True


def test_export_redacts_secrets_unless_asked_to_keep_them(tmp_path: Path) -> None:
    redacted, kept = tmp_path / "redacted.jsonl", tmp_path / "kept.jsonl"
    write_store(redacted, sample_store(), HEADER)
    write_store(kept, sample_store(), HEADER, redact=False)
    text = redacted.read_text()
    for secret in ("hunter2", "token-123", "session=abc", "session=def", "cHJveHk="):
        assert secret not in text
        assert secret in kept.read_text()
    log = read_jsonl(redacted)
    assert log.header.url == "wss://[redacted]@example.com/socket?room=42"
    info = log.store.info(0)
    assert info["request_headers"] == [
        ["Host", "example.com"],
        ["Authorization", "[redacted]"],
        ["cookie", "[redacted]"],
        ["Proxy-Authorization", "[redacted]"],
    ]
    assert info["response_headers"][1] == ["Set-Cookie", "[redacted]"]
    assert [r[3] for r in rows_of(log.store)] == [r[3] for r in rows_of(sample_store())]


def test_a_failed_save_leaves_the_old_file_alone(tmp_path: Path) -> None:
    path = tmp_path / "session.jsonl"
    write_store(path, sample_store(), HEADER)
    before = path.read_bytes()
    with pytest.raises(LogError, match="Cannot write"):
        write_store(tmp_path / "missing" / "x.jsonl", sample_store(), HEADER)
    assert path.read_bytes() == before
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert sorted(p.name for p in tmp_path.iterdir()) == ["session.jsonl"]


def test_hand_written_records_get_defaults(tmp_path: Path) -> None:
    path = write_lines(
        tmp_path / "hand.jsonl",
        {"sockscope": 1, "created": 1763632800},
        {"t": 1, "kind": "open", "url": "ws://h/"},
        {"t": 2.5, "kind": "send", "opcode": "text", "text": "no size"},
        {"t": 3, "kind": "close", "code": 4001},
    )
    path.write_bytes(path.read_bytes().replace(b"\n", b"\r\n", 1) + b"\n\n")  # CRLF, blanks
    log = read_jsonl(path)
    assert log.header.created == "2025-11-20T10:00:00.000Z"
    assert log.store.info(0)["status"] == 101
    assert log.store.info(0)["request_headers"] == []
    assert log.store.payload(1) == b"no size"
    assert log.store.info(2) == {"code": 4001, "reason": "", "was_clean": False, "by": "network"}


def test_progress_is_reported_to_the_end(tmp_path: Path) -> None:
    store = FrameStore()
    for i in range(70_000):
        store.append(T0 + i, Kind.RECV, Opcode.TEXT, b"%d" % i)
    path = tmp_path / "big.jsonl"
    write_store(path, store, HEADER)
    calls: list[tuple[int, int]] = []
    log = read_jsonl(path, progress=lambda done, total: calls.append((done, total)))
    size = path.stat().st_size
    assert calls[-1] == (size, size)
    assert len(calls) >= 2 and calls[0][0] < size
    assert len(log.store) == 70_000 and log.store.payload(69_999) == b"69999"


# -- damaged files -----------------------------------------------------------------


def test_a_cut_off_last_line_is_a_warning_and_the_rest_loads(tmp_path: Path) -> None:
    path = tmp_path / "session.jsonl"
    write_store(path, sample_store(), HEADER, redact=False)
    data = path.read_bytes()
    path.write_bytes(data[: data.rindex(b"\n", 0, -1) + 20])  # 20 bytes into the last record
    log = read_jsonl(path)
    count = len(sample_store()) - 1
    assert rows_of(log.store) == rows_of(sample_store())[:count]
    assert log.warnings == [
        f"line {count + 2} was cut off (the file ends mid-record); "
        f"loaded the {count} records before it"
    ]
    with pytest.raises(LogFormatError, match=f"line {count + 2}: the line is cut off"):
        read_jsonl(path, strict=True)


def test_a_complete_last_line_without_newline_loads(tmp_path: Path) -> None:
    path = tmp_path / "session.jsonl"
    path.write_bytes(orjson.dumps(HEAD) + b"\n" + orjson.dumps(FRAME))
    log = read_jsonl(path)
    assert log.store.payload(0) == b"hi" and log.warnings == []


def test_strict_bad_base64_names_the_line_and_keeps_what_came_before(tmp_path: Path) -> None:
    bad = {"t": T0, "kind": "recv", "opcode": "binary", "base64": "not base64!"}
    path = write_lines(tmp_path / "session.jsonl", HEAD, FRAME, FRAME, bad, FRAME)
    with pytest.raises(LogFormatError) as caught:
        read_jsonl(path, strict=True)
    error = caught.value
    assert str(error) == f"{path} line 4: bad base64 in 'base64'"
    assert error.line == 4
    assert error.partial is not None and len(error.partial.store) == 2
    assert error.partial.header.url == "ws://x/"


@pytest.mark.parametrize(
    ("line", "message"),
    [
        (b"{not json", "line 2: not valid JSON"),
        (b"[1, 2]", "line 2: expected a JSON object, found [1,2]"),
        (b'{"kind": "send"}', "line 2: missing 't' (the time in epoch seconds)"),
        (b'{"t": "noon", "kind": "send"}', "line 2: 't' must be a time in epoch seconds"),
        (b'{"t": 1, "kind": "shout"}', 'line 2: unknown kind "shout" (expected one of open'),
        (b'{"t": 1, "kind": "send", "text": "x"}', "line 2: a frame needs an 'opcode'"),
        (b'{"t": 1, "kind": "send", "opcode": "text"}', "needs its payload in 'text' or 'base64'"),
        (b'{"t": 1, "kind": "send", "opcode": "yell", "text": "x"}', 'unknown opcode "yell"'),
        (b'{"t": 1, "kind": "send", "opcode": "text", "text": 5}', "'text' must be a string"),
        (
            b'{"t": 1.5, "kind": "send", "opcode": "text", "text": "abc", "size": 4}',
            "'size' says 4 but the payload has 3 bytes",
        ),
        (b'{"t": 1, "kind": "open", "status": "ok"}', "'status' of a open row must be an integer"),
        (b'{"t": 1, "kind": "close", "by": "moon"}', "'by' of a close row must be \"client\""),
        (
            b'{"t": 1, "kind": "open", "request_headers": [["a"]]}',
            "'request_headers' of a open row must be a list of [name, value] pairs",
        ),
    ],
)
def test_bad_records_say_what_is_wrong(tmp_path: Path, line: bytes, message: str) -> None:
    path = tmp_path / "bad.jsonl"
    path.write_bytes(orjson.dumps(HEAD) + b"\n" + line + b"\n")
    with pytest.raises(LogFormatError) as caught:
        read_jsonl(path, strict=True)
    assert message in str(caught.value)
    assert caught.value.partial is not None and len(caught.value.partial.store) == 0
    loaded = read_jsonl(path)  # not strict: the same words, as a warning
    assert len(loaded.store) == 0 and len(loaded.warnings) == 1
    assert message.removeprefix("line 2: ") in loaded.warnings[0]
    assert loaded.warnings[0].startswith("line 2 skipped: ")


def test_bad_lines_are_skipped_with_a_capped_warning_each(tmp_path: Path) -> None:
    bad = {"t": T0, "kind": "recv", "opcode": "binary", "base64": "not base64!"}
    records = [FRAME, bad, b"{oops"] * (MAX_LINE_WARNINGS + 5) + [FRAME]
    path = tmp_path / "damaged.jsonl"
    path.write_bytes(b"\n".join(orjson.dumps(r) if isinstance(r, dict) else r
                                for r in [HEAD, *records]) + b"\n")  # fmt: skip
    log = read_jsonl(path)
    assert len(log.store) == MAX_LINE_WARNINGS + 6  # every good line, after the bad ones too
    assert log.warnings[:2] == [
        "line 3 skipped: bad base64 in 'base64'",
        "line 4 skipped: not valid JSON (unexpected character, expected a string key)",
    ]
    bad_lines = 2 * (MAX_LINE_WARNINGS + 5)
    assert len(log.warnings) == MAX_LINE_WARNINGS + 1
    assert log.warnings[-1] == f"{bad_lines - MAX_LINE_WARNINGS} more bad lines skipped" \
        f" ({bad_lines} in all)"  # fmt: skip


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"", "line 1: the file is empty"),
        (b"hello world\n", "line 1: not a sockscope log"),
        (orjson.dumps(FRAME) + b"\n", "line 1: not a sockscope log"),
        (b'{"sockscope": 2}\n', "line 1: log format version 2 is newer than this sockscope reads"),
        (b'{"sockscope": "1"}\n', 'line 1: log format version "1" is not one sockscope knows'),
        (b'{"sockscope": 1, "created": []}\n', "'created' must be an ISO 8601 time"),
    ],
)
def test_bad_headers_fail_at_line_1(tmp_path: Path, content: bytes, message: str) -> None:
    path = tmp_path / "bad.jsonl"
    path.write_bytes(content)
    with pytest.raises(LogFormatError, match="line 1") as caught:
        read_jsonl(path)
    assert message in str(caught.value)
    assert caught.value.partial is None


def test_a_missing_file_is_one_sentence(tmp_path: Path) -> None:
    with pytest.raises(LogError, match=r"Cannot open .*nope.jsonl: No such file or directory\."):
        read_jsonl(tmp_path / "nope.jsonl")


@FUZZ
@given(st.binary(max_size=300))
def test_arbitrary_bytes_only_raise_log_format_error(tmp_path: Path, data: bytes) -> None:
    for content in (data, orjson.dumps(HEAD) + b"\n" + data):
        path = tmp_path / "fuzz.jsonl"
        path.write_bytes(content)
        with contextlib.suppress(LogFormatError):
            read_jsonl(path)


JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=8),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=6), inner),
    max_leaves=8,
)
RECORD_KEYS = st.sampled_from(
    ["t", "kind", "opcode", "text", "base64", "size", "status", "code", "by", "url", "message"]
)
RECORD_VALUES = JSON | st.sampled_from(["send", "recv", "open", "close", "text", "binary", "AA=="])


@FUZZ
@given(st.lists(st.dictionaries(RECORD_KEYS, RECORD_VALUES, max_size=6), max_size=5))
def test_arbitrary_records_load_or_fail_cleanly(tmp_path: Path, records: list[object]) -> None:
    path = write_lines(tmp_path / "fuzz.jsonl", HEAD, *records)
    try:
        read_jsonl(path, strict=True)
    except LogFormatError as error:
        assert error.line is not None and 2 <= error.line <= len(records) + 1
    log = read_jsonl(path)  # not strict: the bad lines are warnings, never errors
    assert len(log.store) + len(log.warnings) == len(records)
    # Whatever loaded writes back out and reads in again unchanged.
    write_store(path, log.store, log.header, redact=False)
    assert rows_of(read_jsonl(path).store) == rows_of(log.store)
