"""Connecting fails: refused handshakes, wrong hosts, silence, a proxy that says no.

One app per group tries each fault in turn from the connection panel, as a user would
after reading the previous error: each failure is one error row and one sentence in the
status line, and the app stays usable for the next try.
"""

from __future__ import annotations

import socket
from collections.abc import Iterator

import pytest

from sockscope.core.store.frames import Kind
from sockscope.core.text.display import safe_line
from sockscope.tui.factory import build_app

from .app_checks import SIZE, assert_survived, connect_from_panel, inspect_last_row, log_text
from .app_checks import status as status_line
from .conftest import StartServer
from .servers import refusing, silent, then_close

LONG_BODY = "Traceback (most recent call last):\n" + "  File 'app.py', line 1, in handler\n" * 20


@pytest.fixture
def closed_port() -> Iterator[int]:
    """A port on 127.0.0.1 that refuses connections (bound, never listening, kept reserved)."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        yield sock.getsockname()[1]


async def test_handshake_refusals_show_status_and_body(fault_server: StartServer) -> None:
    refusals = [
        (401, "Unauthorized", "invalid token"),
        (403, "Forbidden", "origin https://evil.example not allowed"),
        (404, "Not Found", "no WebSocket endpoint at /nope"),
        (500, "Internal Server Error", LONG_BODY),
    ]
    app = build_app()
    async with app.run_test(size=SIZE) as pilot:
        for status, phrase, body in refusals:
            server = await fault_server(refusing(status, body))
            row = await connect_from_panel(pilot, app, server.url("/nope"))
            info = app.session.store.info(row)
            assert app.session.store.kind(row) is Kind.ERROR
            assert info["status"] == status
            shown_body = safe_line(body)[:40]  # line breaks shown as ␊
            assert info["body"].startswith(shown_body)
            sentence = f"Handshake refused: {status} {phrase} — {shown_body}"
            assert info["message"].startswith(sentence)
            await pilot.pause()
            assert sentence[:50] in log_text(app)
            assert sentence[:50] in status_line(app)
        # The long body is cut, says so, and the inspector shows its start in full.
        assert info["body"].endswith("…")
        assert len(info["body"]) < len(LONG_BODY)
        inspected = await inspect_last_row(pilot, app)
        assert " ".join(f"status 500 body {shown_body}".split()) in inspected
        await assert_survived(pilot, app, [])


async def test_unresolvable_refused_and_silent_hosts(
    fault_server: StartServer, closed_port: int
) -> None:
    mute = await fault_server(silent)
    attempts = [
        ("ws://nowhere.invalid/", "The host name 'nowhere.invalid' could not be resolved (DNS)."),
        (
            f"ws://127.0.0.1:{closed_port}/",
            f"Connection refused by 127.0.0.1:{closed_port}: is the server running?",
        ),
        (
            mute.url(),
            f"No WebSocket handshake from 127.0.0.1:{mute.port} within 0.5 s (--open-timeout).",
        ),
    ]
    app = build_app()
    async with app.run_test(size=SIZE) as pilot:
        for url, sentence in attempts:
            row = await connect_from_panel(pilot, app, url, {"open-timeout": "0.5"})
            assert app.session.store.kind(row) is Kind.ERROR
            assert app.session.store.info(row)["message"] == sentence
            await pilot.pause()
            assert sentence[:60] in log_text(app)
            assert sentence in status_line(app)
        await assert_survived(pilot, app, [])
    assert mute.requests == ["GET / HTTP/1.1"]  # it got the handshake and kept quiet


async def test_proxy_refusing_connect(fault_server: StartServer) -> None:
    target = await fault_server(then_close([], 1000, ""))
    refusals = [
        (403, [], "Forbidden."),
        (
            407,
            ['Proxy-Authenticate: Basic realm="proxy"'],
            "Proxy Authentication Required; put its credentials in the proxy URL "
            "(http://user:pass@host:port).",
        ),
    ]
    app = build_app()
    async with app.run_test(size=SIZE) as pilot:
        for status, headers, advice in refusals:
            proxy = await fault_server(refusing(status, headers=headers))
            row = await connect_from_panel(
                pilot, app, target.url(), {"proxy": f"http://127.0.0.1:{proxy.port}"}
            )
            sentence = (
                f"The proxy 127.0.0.1:{proxy.port} refused to open a tunnel to "
                f"127.0.0.1:{target.port}: {status} {advice}"
            )
            assert app.session.store.info(row)["message"] == sentence
            await pilot.pause()
            assert sentence[:60] in log_text(app)
            assert sentence[:80] in status_line(app)
            assert proxy.requests == [f"CONNECT 127.0.0.1:{target.port} HTTP/1.1"]
        await assert_survived(pilot, app, [])
    assert target.requests == []  # the refusals are the proxies': the server never saw us
