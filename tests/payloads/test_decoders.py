"""Payload decoders: real encoded data in, JSON-like trees out; hostile bytes never raise."""

from __future__ import annotations

import base64
import gzip
import json
import zlib

import cbor2
import msgpack
from hypothesis import given, settings
from hypothesis import strategies as st

from sockscope.core.payloads.catalog import DECODERS, automatic, decode, detect
from sockscope.core.payloads.inflate import InflateStream
from sockscope.core.payloads.tree import Decoded, NotThisFormat

DISCORD_HELLO = {"op": 10, "d": {"heartbeat_interval": 41250}, "s": None, "t": None}
DISCORD_READY = {"op": 0, "t": "READY", "s": 1, "d": {"v": 10, "user": {"id": "80351110224678912"}}}


def value_of(name: str, payload: bytes) -> object:
    found = decode(name, payload)
    assert isinstance(found, Decoded), found
    return found.value


def test_messagepack_map_decodes_with_bytes_ext_and_integer_keys() -> None:
    payload = msgpack.packb(
        {"op": 2, "d": {"token": "t", "raw": b"\x00\xff"}, 7: [1.5, None, True]}
    )
    assert detect(payload) == ["msgpack"] and automatic(payload) == "msgpack"
    assert value_of("msgpack", payload) == {
        "op": 2,
        "d": {"token": "t", "raw": "bytes: 00 ff"},
        "7": [1.5, None, True],
    }
    extension = msgpack.packb([msgpack.ExtType(5, b"ab")])
    assert value_of("msgpack", extension) == [{"ext 5": "bytes: 61 62"}]


def test_messagepack_scalar_or_trailing_bytes_is_not_messagepack() -> None:
    assert isinstance(decode("msgpack", msgpack.packb(8)), NotThisFormat)
    trailing = decode("msgpack", msgpack.packb([1]) + b"\x01")
    assert isinstance(trailing, NotThisFormat) and trailing.reason.startswith("Not MessagePack")


def test_cbor_map_decodes_with_tags_and_bytes() -> None:
    payload = cbor2.dumps(
        {
            "temp": 21.5,
            "raw": b"xyz",
            "when": cbor2.CBORTag(1, 1_700_000_000),
            "app": cbor2.CBORTag(4000, [1]),
        }
    )
    assert automatic(payload) == "cbor"
    assert value_of("cbor", payload) == {
        "temp": 21.5,
        "raw": "bytes: 78 79 7a",
        "when": "2023-11-14 22:13:20+00:00",  # a known tag is read by cbor2
        "app": {"tag 4000": [1]},
    }
    trailing = decode("cbor", payload + b"\x00")
    assert isinstance(trailing, NotThisFormat) and "1 bytes follow" in trailing.reason


def test_one_shot_zlib_gzip_and_deflate_frames() -> None:
    text = json.dumps(DISCORD_HELLO).encode()
    assert automatic(zlib.compress(text)) == "zlib"
    assert value_of("zlib", zlib.compress(text)) == DISCORD_HELLO
    assert automatic(gzip.compress(b"plain words")) == "gzip"
    assert value_of("gzip", gzip.compress(b"plain words")) == "plain words"
    raw = zlib.compressobj(wbits=-15)
    deflated = raw.compress(text) + raw.flush()
    assert value_of("deflate", deflated) == DISCORD_HELLO
    # A compressed MessagePack body is read through to its map.
    assert value_of("zlib", zlib.compress(msgpack.packb({"a": 1}))) == {"msgpack": {"a": 1}}


def test_zlib_bomb_stops_at_the_output_limit() -> None:
    found = decode("zlib", zlib.compress(b"\x00" * (8 * 1024 * 1024)))
    assert isinstance(found, Decoded) and "cut at" in found.note


def discord_frames(*messages: object) -> list[bytes]:
    """Frames as Discord's gateway sends them with compress=zlib-stream: one deflate
    context, each message ended by a sync flush (and the second split over two frames)."""
    context = zlib.compressobj()
    frames = []
    for message in messages:
        frames.append(
            context.compress(json.dumps(message).encode()) + context.flush(zlib.Z_SYNC_FLUSH)
        )
    return frames


def test_zlib_stream_needs_every_earlier_frame_in_order() -> None:
    hello, ready = discord_frames(DISCORD_HELLO, DISCORD_READY)
    assert hello.endswith(b"\x00\x00\xff\xff") and automatic(hello) == "zlib-stream"
    assert value_of("zlib-stream", hello) == DISCORD_HELLO  # the first frame reads alone
    assert isinstance(decode("zlib-stream", ready), NotThisFormat)  # a later one cannot
    stream = InflateStream()
    assert stream.feed(hello).value == DISCORD_HELLO  # type: ignore[union-attr]
    first, rest = ready[:5], ready[5:]
    part = stream.feed(first)
    assert isinstance(part, Decoded) and part.value is None and "Part of a message" in part.note
    assert stream.feed(rest).value == DISCORD_READY  # type: ignore[union-attr]


def test_protobuf_wire_format_from_the_spec() -> None:
    # Built by hand from https://protobuf.dev/programming-guides/encoding/:
    # field 1 varint 150 (08 96 01), field 2 string "testing", field 3 a nested
    # message {1: 1}, field 4 bytes ff 00, field 5 fixed32 1.0f, field 1 again (repeated).
    payload = (
        b"\x08\x96\x01"
        + b"\x12\x07testing"
        + b"\x1a\x02\x08\x01"
        + b"\x22\x02\xff\x00"
        + b"\x2d\x00\x00\x80\x3f"
        + b"\x08\x02"
    )
    assert automatic(payload) == "protobuf"
    assert value_of("protobuf", payload) == {
        "1 varint": [150, 2],
        "2 string": "testing",
        "3 message": {"1 varint": 1},
        "4 bytes": "bytes: ff 00",
        "5 fixed32": {"int": 0x3F800000, "float": 1.0},
    }


def test_protobuf_refuses_text_groups_and_cut_records() -> None:
    for payload in (b"hello world", b"\x0b\x0c", b"\x12\x07test", b"\x00\x01"):
        assert isinstance(decode("protobuf", payload), NotThisFormat), payload


def test_base64_strings_inside_json_are_shown_decoded() -> None:
    packed = base64.b64encode(msgpack.packb({"id": 7, "name": "ada"})).decode()
    payload = json.dumps(
        {
            "event": "update",
            "body": base64.b64encode(b'{"x": [1, 2]}').decode(),
            "note": base64.urlsafe_b64encode(b"hello there, reader").decode().rstrip("="),
            "blob": packed,
            "word": "username",
            "hex": "deadbeefdeadbeef",
        }
    ).encode()
    assert automatic(payload) == "base64-json"
    assert value_of("base64-json", payload) == {
        "event": "update",
        "body": {"base64 of JSON": {"x": [1, 2]}},
        "note": {"base64 of text": "hello there, reader"},
        "blob": {"base64 of binary": {"msgpack": {"id": 7, "name": "ada"}}},
        "word": "username",
        "hex": "deadbeefdeadbeef",
    }
    assert detect(b'{"user": "ada", "id": 12345678}') == []


def test_plain_json_and_text_fit_no_decoder() -> None:
    assert detect(b'{"a": 1}') == [] and detect(b"hello") == [] and detect(b"") == []
    assert isinstance(decode("nope", b"x"), NotThisFormat)


@settings(max_examples=400, deadline=None)
@given(st.binary(max_size=300))
def test_hostile_bytes_never_raise_and_always_print(payload: bytes) -> None:
    names = detect(payload)
    automatic(payload)
    for name in DECODERS:
        found = decode(name, payload)
        assert found.decoder == name
        if isinstance(found, Decoded):
            json.dumps(found.value)
        else:
            assert found.reason.endswith(".")
    assert set(names) <= set(DECODERS)


_VALUES = st.recursive(
    st.none() | st.integers(-(2**63), 2**64 - 1) | st.floats() | st.text() | st.binary(),
    lambda kids: st.lists(kids) | st.dictionaries(st.text(), kids),
    max_leaves=30,
)


@settings(max_examples=200, deadline=None)
@given(_VALUES)
def test_any_encoded_structure_prints_after_decoding(value: object) -> None:
    for name, payload in (("msgpack", msgpack.packb(value)), ("cbor", cbor2.dumps(value))):
        found = decode(name, payload)
        json.dumps(found.value if isinstance(found, Decoded) else found.reason)
        context = zlib.compressobj()
        streamed = context.compress(payload) + context.flush(zlib.Z_SYNC_FLUSH)
        json.dumps(InflateStream().feed(streamed).value)  # type: ignore[union-attr]


def test_deep_nesting_is_cut_not_a_crash() -> None:
    deep = b"\x91" * 100_000 + b"\x01"  # MessagePack: 100,000 nested one-element arrays
    assert isinstance(decode("msgpack", deep), NotThisFormat | Decoded)
    deep_cbor = b"\x81" * 100_000 + b"\x01"
    found = decode("cbor", deep_cbor)
    assert isinstance(found, NotThisFormat | Decoded)
    json.dumps(found.value if isinstance(found, Decoded) else None)
