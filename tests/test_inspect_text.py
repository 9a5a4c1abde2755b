"""What the inspector shows of a row, as plain strings (no Textual): modes, cuts, events."""

from __future__ import annotations

import base64
import json
from datetime import datetime

from sockscope.core.store.frames import Kind, Opcode, Row
from sockscope.core.text.inspect import (
    CHUNK,
    JSON_LIMIT,
    Mode,
    default_mode,
    event_details,
    event_text,
    mode_text,
    payload_view,
    pretty_json,
    row_header,
)

T0 = datetime(2025, 11, 20, 10, 0, 0).timestamp()


def test_pretty_json_only_for_objects_and_arrays_that_parse() -> None:
    assert pretty_json(b' {"a":[1,2]}') == '{\n  "a": [\n    1,\n    2\n  ]\n}'
    assert pretty_json(b'"just a string"') is None
    assert pretty_json(b"{not json") is None
    assert pretty_json(b"[" * 100_000 + b"]" * 100_000) is None  # too deep: no crash
    huge = b'{"k":"' + b"x" * JSON_LIMIT + b'"}'
    assert pretty_json(huge) is None  # too big to pretty-print without a stall


def test_default_mode_follows_what_the_payload_is() -> None:
    json_payload = b'{"a":1}'
    assert default_mode(Opcode.TEXT, json_payload, pretty_json(json_payload)) is Mode.JSON
    assert default_mode(Opcode.TEXT, b"hello", None) is Mode.TEXT
    assert default_mode(Opcode.BINARY, b"readable bytes\n", None) is Mode.TEXT
    assert default_mode(Opcode.BINARY, b"\x00\x01\x02", None) is Mode.HEX
    assert default_mode(Opcode.BINARY, b"\xff\xfe", None) is Mode.HEX  # not UTF-8
    assert default_mode(Opcode.CLOSE, b"\x03\xe8bye", None) is Mode.HEX


def test_mode_text_in_every_mode() -> None:
    payload = bytes(range(20))
    assert mode_text(Mode.HEX, payload, None, hex_width=8).count("\n") == 2  # 3 lines of 8
    assert mode_text(Mode.BASE64, payload, None) == base64.b64encode(payload).decode()
    # A cut base64 stays decodable: whole 3-byte groups only.
    assert base64.b64decode(mode_text(Mode.BASE64, payload, None, limit=10)) == payload[:9]
    assert mode_text(Mode.JSON, b"plain", None) == "plain"  # no JSON: the text


def test_a_payload_view_makes_control_characters_visible_and_says_json_was_not_found() -> None:
    view = payload_view(Mode.JSON, b"\x1b[31mred", None, 16)
    assert view.mode is Mode.TEXT and view.not_json
    assert "\x1b" not in view.text and "␛" in view.text
    assert view.more is None


def test_a_huge_payload_is_cut_with_the_rest_counted_in_its_unit() -> None:
    payload = b"x" * (CHUNK + 500)
    text = payload_view(Mode.TEXT, payload, None, 16)
    assert len(text.text) == CHUNK and text.end == CHUNK
    assert text.more == "… 500 more bytes: press m for more"
    rest = payload_view(Mode.TEXT, payload, None, 16, start=text.end)
    assert len(rest.text) == 500 and rest.more is None
    items = json.dumps(list(range(4_000))).encode()
    pretty = pretty_json(items)
    assert pretty is not None
    shown = payload_view(Mode.JSON, items, pretty, 16)
    assert shown.mode is Mode.JSON and not shown.not_json
    assert shown.text.endswith(",")  # whole lines: each part is highlighted on its own
    assert shown.more == f"… {len(pretty) - shown.end:,} more characters: press m for more"


def test_parts_join_up_to_the_whole_payload_in_every_mode() -> None:
    payload = ("é€" * CHUNK).encode() + bytes(range(256)) * 100
    for mode, whole in (
        (Mode.TEXT, payload.decode("utf-8", "replace")),
        (Mode.BASE64, base64.b64encode(payload).decode()),
        (Mode.HEX, mode_text(Mode.HEX, payload, None)),
    ):
        parts, start = [], 0
        while True:
            view = payload_view(mode, payload, None, 16, start)
            parts.append(view.text)
            assert view.end - start <= CHUNK  # one part, never the whole 66 KB at once
            if view.more is None:
                break
            start = view.end
        assert len(parts) > 3
        joined = ("\n" if mode is Mode.HEX else "").join(parts)
        if mode is Mode.TEXT:  # made safe, so not equal; but no character was cut in two
            assert "\ufffd" not in joined[: len("é€" * CHUNK)]
        else:
            assert joined == whole


def test_json_too_big_to_parse_is_shown_as_text_and_says_why() -> None:
    huge = b'{"k":"' + b"x" * JSON_LIMIT + b'"}'
    view = payload_view(Mode.JSON, huge, pretty_json(huge), 16)
    assert view.mode is Mode.TEXT and view.note is not None
    assert view.note.startswith("Over 256.0 KiB: not parsed as JSON")
    assert len(view.text) == CHUNK and view.more is not None
    assert payload_view(Mode.JSON, b"plain", None, 16).note == "Not JSON: shown as text."


def test_row_header_names_direction_opcode_size_and_time() -> None:
    row = Row(0, T0 + 1.5, Kind.RECV, Opcode.BINARY, b"\x00" * 2048, {})
    assert row_header(row, T0) == "← received binary · 2.0 KiB (2,048 B) · 10:00:01.500 (+1.500s)"
    close = Row(1, T0, Kind.SEND, Opcode.CLOSE, b"\x03\xe8bye", {})
    assert row_header(close, T0).endswith(
        ' · 5 B · 10:00:00.000 (+0.000s) · 1000 normal closure "bye"'
    )
    event = Row(2, T0, Kind.NOTE, Opcode.TEXT, b"", {"message": "hi"})
    assert row_header(event, T0).startswith("● note · 10:00:00.000")


def test_an_open_row_hides_secrets_and_shows_hostile_header_values_safely() -> None:
    info = {
        "status": 101,
        "reason": "Switching Protocols",
        "url": "wss://user:pw@host.test/x",
        "request_headers": [["Authorization", "Bearer s3cr3t"], ["X-Evil", "a\x1b[2Jb"]],
        "response_headers": [],
    }
    fields, sections = event_details(Kind.OPEN, info)
    assert ("url", "wss://[redacted]@host.test/x") in fields
    request = dict(sections[0][1])
    assert request["Authorization"] == "Bearer ••••••"
    assert "\x1b" not in request["X-Evil"]
    text = event_text(Kind.OPEN, info)
    assert "s3cr3t" not in text and "pw@" not in text
    assert "request headers:\n  Authorization: Bearer ••••••" in text


def test_a_close_row_names_the_code_and_who_closed() -> None:
    info = {"code": 4001, "reason": "token expired", "was_clean": True, "by": "server"}
    text = event_text(Kind.CLOSE, info)
    assert "4001" in text and "token expired" in text
    assert "closed by: server" in text
