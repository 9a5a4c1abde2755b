"""The server breaks the protocol on an open connection: no pongs, a frame too big, bad UTF-8.

websockets fails the connection, as a browser would: sockscope sends the close frame
(a sent close row: its code, name and reason), and the close event is 1006, not clean,
closed by the client, with a detail saying what sockscope closed with and why.
"""

from __future__ import annotations

from dataclasses import dataclass

import pytest

from sockscope.core.settings import ConnectionSettings
from sockscope.core.store.frames import Kind, Opcode
from sockscope.tui.factory import build_app
from tui.helpers import ended, frames, wait_for

from .app_checks import SIZE, assert_survived, inspect_last_row, last_row, log_text, status
from .conftest import StartServer
from .servers import TEXT, Behaviour, close_payload, deaf_to_pings, then_send

FIRST = [b"first", b"second"]
RECEIVED = [(Kind.RECV, Opcode.TEXT, payload) for payload in FIRST]
FAILED_BY_US = "1006 abnormal closure · not clean · closed by client"


@dataclass
class Outcome:
    """What the user could see once the connection failed."""

    close: dict[str, object]
    log: str
    inspector: str
    status: str
    frames: list[tuple[Kind, Opcode, bytes]]


async def fail_connection(
    fault_server: StartServer, behaviour: Behaviour, settings: ConnectionSettings
) -> Outcome:
    """Connect the app to a misbehaving server, let it fail, and look at every view."""
    server = await fault_server(behaviour)
    app = build_app(settings.with_url(server.url()), connect_now=True)
    async with app.run_test(size=SIZE) as pilot:
        await wait_for(pilot, lambda: ended(app))
        await assert_survived(pilot, app, RECEIVED)
        await wait_for(pilot, lambda: FAILED_BY_US in log_text(app))
        return Outcome(
            close=app.session.store.info(last_row(app, Kind.CLOSE)),
            log=log_text(app),
            inspector=await inspect_last_row(pilot, app),
            status=status(app),
            frames=frames(app),
        )


async def test_no_pong_is_reported_as_a_ping_timeout(fault_server: StartServer) -> None:
    outcome = await fail_connection(
        fault_server, deaf_to_pings(FIRST), ConnectionSettings(ping_interval=0.2)
    )
    detail = "sockscope closed with 1011 keepalive ping timeout"
    assert outcome.close == {
        "code": 1006,
        "reason": "",
        "was_clean": False,
        "by": "client",
        "detail": detail,
    }
    assert outcome.frames[:2] == RECEIVED
    assert [(kind, opcode) for kind, opcode, _ in outcome.frames[2:]] == [
        (Kind.SEND, Opcode.PING),
        (Kind.SEND, Opcode.CLOSE),
    ]
    assert '1011 internal error "keepalive ping timeout"' in outcome.log
    assert f"detail {detail}" in outcome.inspector
    assert "CLOSED" in outcome.status


async def test_frame_over_max_size_closes_with_1009_and_the_limit(
    fault_server: StartServer,
) -> None:
    outcome = await fail_connection(
        fault_server, then_send(FIRST, TEXT, b"x" * 5000), ConnectionSettings(max_size=1000)
    )
    reason = "frame with 5000 bytes exceeds limit of 1000 bytes"
    assert outcome.close["detail"] == f"sockscope closed with 1009 {reason}"
    # The oversized frame is refused from its header: none of it is read or kept.
    assert outcome.frames == [*RECEIVED, (Kind.SEND, Opcode.CLOSE, close_payload(1009, reason))]
    assert '1009 message too big "frame with 5000 bytes' in outcome.log
    assert f"detail sockscope closed with 1009 {reason}" in outcome.inspector
    assert "CLOSED" in outcome.status


async def test_invalid_utf8_text_closes_with_1007_and_keeps_the_bytes(
    fault_server: StartServer,
) -> None:
    bad = b"caf\xc3 \xff\xfe"
    outcome = await fail_connection(fault_server, then_send(FIRST, TEXT, bad), ConnectionSettings())
    reason = "invalid continuation byte at position 3"
    assert outcome.close["detail"] == f"sockscope closed with 1007 {reason}"
    assert outcome.frames == [
        *RECEIVED,
        (Kind.RECV, Opcode.TEXT, bad),
        (Kind.SEND, Opcode.CLOSE, close_payload(1007, reason)),
    ]
    assert '1007 invalid frame payload data "invalid continuation' in outcome.log
    assert f"detail sockscope closed with 1007 {reason}" in outcome.inspector
    assert "CLOSED" in outcome.status


@pytest.mark.parametrize(
    ("behaviour", "settings", "why"),
    [
        (deaf_to_pings(FIRST), ConnectionSettings(ping_interval=0.2), "ping timeout"),
        (
            then_send(FIRST, TEXT, b"x" * 5000),
            ConnectionSettings(max_size=1000),
            "1009 frame with 5000 bytes exceeds limit of 1000 bytes",
        ),
    ],
    ids=["ping-timeout", "too-big"],
)
async def test_status_line_says_why_the_connection_failed(
    fault_server: StartServer, behaviour: Behaviour, settings: ConnectionSettings, why: str
) -> None:
    outcome = await fail_connection(fault_server, behaviour, settings)
    assert why in outcome.status
