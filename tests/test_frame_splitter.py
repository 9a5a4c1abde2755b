"""The frame splitter against websockets alone: the same frames, the same failures.

Any stream of frames (plain, fragmented, control, compressed-looking, masked,
oversized, invalid UTF-8), cut into reads anywhere, must come out of sockscope's tap
with the splitter in front exactly as without it (websockets parsing every frame):
the same frames in the same order, the same replies, the same final state and close.
"""

from __future__ import annotations

from itertools import pairwise

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from websockets.client import ClientProtocol
from websockets.extensions.permessage_deflate import PerMessageDeflate
from websockets.frames import Close, Frame, Opcode
from websockets.protocol import OPEN
from websockets.uri import parse_uri

from sockscope.core.events import ConnectionEvent
from sockscope.core.store.frames import FrameStore, Kind
from sockscope.core.store.frames import Opcode as StoreOpcode
from sockscope.core.wire.frame_splitter import SAMPLE, FrameSplitter, Next
from sockscope.core.wire.tap import FrameTap

LIMIT = 1000

Seen = tuple[Kind, StoreOpcode, bytes]


def _wire(frame: Frame, mask: bool = False) -> bytes:
    return frame.serialize(mask=mask, extensions=[])


def _text(data: str) -> bytes:
    return _wire(Frame(Opcode.TEXT, data.encode()))


def _fragmented(data: str, parts: int) -> bytes:
    raw = data.encode("ascii")
    step = max(1, len(raw) // parts)
    chunks = [raw[i : i + step] for i in range(0, len(raw), step)] or [b""]
    out = b""
    for index, chunk in enumerate(chunks):
        opcode = Opcode.TEXT if index == 0 else Opcode.CONT
        out += _wire(Frame(opcode, chunk, fin=index == len(chunks) - 1))
    return out


def _with_rsv2(wire: bytes) -> bytes:
    """A frame with a reserved bit set (Frame.serialize refuses to make one)."""
    return bytes([wire[0] | 0x20]) + wire[1:]


FRAMES = st.one_of(
    st.text(max_size=300).map(_text),
    st.binary(max_size=300).map(lambda data: _wire(Frame(Opcode.BINARY, data))),
    st.binary(max_size=50).map(lambda data: _wire(Frame(Opcode.TEXT, b"\xff" + data))),
    st.binary(max_size=125).map(lambda data: _wire(Frame(Opcode.PING, data))),
    st.binary(max_size=125).map(lambda data: _wire(Frame(Opcode.PONG, data))),
    st.tuples(st.text("abc", max_size=40), st.integers(1, 3)).map(lambda t: _fragmented(*t)),
    st.text("xy", max_size=9).map(lambda data: _wire(Frame(Opcode.TEXT, data.encode(), fin=False))),
    st.text("xy", max_size=9).map(lambda data: _wire(Frame(Opcode.CONT, data.encode(), fin=False))),
    st.integers(LIMIT + 1, LIMIT + 300).map(lambda n: _wire(Frame(Opcode.BINARY, b"x" * n))),
    st.binary(max_size=20).map(lambda data: _wire(Frame(Opcode.BINARY, data), mask=True)),
    st.binary(max_size=20).map(lambda data: _with_rsv2(_wire(Frame(Opcode.TEXT, data)))),
    st.just(_wire(Frame(Opcode.CLOSE, Close(1000, "bye").serialize()))),
    st.just(_wire(Frame(Opcode.CLOSE, b"\x03"))),  # a malformed close frame
)


def _deflate() -> PerMessageDeflate:
    """permessage-deflate as agreed by default (context takeover, 15-bit windows)."""
    return PerMessageDeflate(False, False, 15, 15)


class Recorder:
    """A sink keeping every frame the tap records, and how many came in bulk (the splitter)."""

    def __init__(self) -> None:
        self.seen: list[Seen] = []
        self.recorded = 0

    def on_frame(self, t: float, kind: Kind, opcode: StoreOpcode, payload: bytes) -> None:
        self.seen.append((kind, opcode, payload))

    def on_frames(self, t: float, flags: bytes, payloads: list[bytes]) -> None:
        self.recorded += len(payloads)
        for flag, payload in zip(flags, payloads, strict=True):
            self.seen.append((*FrameStore.unpack_flags(flag), payload))

    def on_event(self, t: float, event: ConnectionEvent) -> None:
        raise AssertionError(f"no event expected: {event}")


def _tap(chunks: list[bytes], deflate: bool, fast: bool) -> tuple[tuple[object, ...], int]:
    """What sockscope's tap records of the chunks (with the splitter or without), and the end.

    The outcome: every frame recorded both ways (received, and the protocol's replies),
    the protocol's final state, and the close frames sent and received.
    """
    protocol = ClientProtocol(parse_uri("ws://test/"), state=OPEN, max_size=LIMIT)
    if deflate:
        protocol.extensions = [_deflate()]
    sink = Recorder()
    tap = FrameTap(protocol, sink, limit=LIMIT, fast=fast, on_pong=lambda payload: None)
    for chunk in chunks:
        tap.receive(chunk)
        tap.outgoing()
    outcome = (sink.seen, protocol.state, protocol.close_sent, protocol.close_rcvd)
    return outcome, sink.recorded


def _reference(chunks: list[bytes], deflate: bool = False) -> tuple[object, ...]:
    """What websockets alone makes of the chunks (the tap without its splitter)."""
    outcome, recorded = _tap(chunks, deflate, fast=False)
    assert recorded == 0
    return outcome


def _split(chunks: list[bytes], deflate: bool = False) -> tuple[tuple[object, ...], int]:
    """What the splitter and websockets make of the chunks, and how many were split off."""
    return _tap(chunks, deflate, fast=True)


def _cut(stream: bytes, cuts: list[int]) -> list[bytes]:
    points = sorted({0, len(stream), *(c % (len(stream) + 1) for c in cuts)})
    return [stream[a:b] for a, b in pairwise(points)]


@settings(max_examples=300, deadline=None)
@given(st.lists(FRAMES, max_size=12), st.lists(st.integers(0, 10**6), max_size=8))
def test_the_splitter_and_websockets_agree_on_any_stream(
    frames: list[bytes], cuts: list[int]
) -> None:
    chunks = _cut(b"".join(frames), cuts)
    assert _split(chunks)[0] == _reference(chunks)


#: Messages of a server that compresses some (``True``) and not others, as permessage-deflate
#: allows; pings between them.
DEFLATED = st.lists(
    st.one_of(
        st.tuples(st.booleans(), st.text(max_size=200)),
        st.binary(max_size=20).map(lambda data: (None, data)),
    ),
    max_size=15,
)


def _deflated_stream(messages: list[tuple[bool | None, str | bytes]]) -> bytes:
    encoder = _deflate()  # the server's side: one compression context, in order
    out = b""
    for compressed, data in messages:
        if compressed is None:
            assert isinstance(data, bytes)
            out += _wire(Frame(Opcode.PING, data))
        else:
            assert isinstance(data, str)
            frame = Frame(Opcode.TEXT, data.encode())
            out += frame.serialize(mask=False, extensions=[encoder] if compressed else [])
    return out


@settings(max_examples=200, deadline=None)
@given(DEFLATED, st.lists(st.integers(0, 10**6), max_size=8))
def test_with_deflate_uncompressed_frames_are_split_and_compressed_ones_inflated(
    messages: list[tuple[bool | None, str | bytes]], cuts: list[int]
) -> None:
    chunks = _cut(_deflated_stream(messages), cuts)
    outcome, recorded = _split(chunks, deflate=True)
    assert outcome == _reference(chunks, deflate=True)
    assert recorded == sum(1 for compressed, _ in messages if compressed is False)


@pytest.mark.parametrize(("plain_every", "kept"), [(1, True), (5, True), (20, False)])
def test_a_stream_of_mostly_compressed_messages_goes_to_websockets(
    plain_every: int, kept: bool
) -> None:
    messages = [(n % plain_every != 0, f"message {n}") for n in range(2 * SAMPLE)]
    stream = _deflated_stream(messages)
    chunks = [stream[start : start + 512] for start in range(0, len(stream), 512)]
    outcome, recorded = _split(chunks, deflate=True)
    assert outcome == _reference(chunks, deflate=True)
    seen = outcome[0]
    assert isinstance(seen, list) and [data for _, _, data in seen] == [
        text.encode() for _, text in messages
    ]
    # Kept: every uncompressed message split off; given up: only those of the sample.
    uncompressed = sum(1 for compressed, _ in messages if not compressed)
    assert (recorded == uncompressed) is kept


def test_plain_frames_are_recorded_by_the_splitter_whatever_the_header_size() -> None:
    frames = [_text("hi"), _wire(Frame(Opcode.BINARY, b"b" * 300)), _text("é" * 400)]
    # 7-bit and 16-bit lengths; in one read, then byte by byte.
    stream = b"".join(frames)
    for chunks in ([stream], [stream[i : i + 1] for i in range(len(stream))]):
        outcome, recorded = _split(chunks)
        assert outcome == _reference(chunks)
        assert recorded == 3


def test_a_64_bit_length_frame_is_split_too() -> None:
    big = _wire(Frame(Opcode.BINARY, b"z" * 70_000))
    seen: list[int] = []
    splitter = FrameSplitter(
        lambda t, flags, payloads: seen.extend(map(len, payloads)),
        lambda data: "plain",
        None,
    )
    for start in range(0, len(big), 4096):
        assert splitter.feed(big[start : start + 4096])
    assert seen == [70_000]


def test_only_frames_websockets_must_see_are_handed_over_a_run_at_a_time() -> None:
    ping, pong = _wire(Frame(Opcode.PING, b"p")), _wire(Frame(Opcode.PONG, b"q"))
    stream = _text("a") + ping + pong + _text("b") + ping
    handed: list[bytes] = []

    def hand_over(data: bytes) -> Next:
        handed.append(data)
        return "plain"

    splitter = FrameSplitter(lambda t, flags, payloads: None, hand_over, LIMIT)
    assert splitter.feed(stream)
    assert handed == [ping + pong, ping]


def test_a_frame_over_the_limit_hands_the_rest_of_the_stream_over() -> None:
    stream = _wire(Frame(Opcode.BINARY, b"x" * (LIMIT + 1)))
    outcome, recorded = _split([stream[:10], stream[10:]])
    assert outcome == _reference([stream[:10], stream[10:]])
    assert recorded == 0
    close_sent = outcome[2]
    assert isinstance(close_sent, Close) and close_sent.code == 1009
