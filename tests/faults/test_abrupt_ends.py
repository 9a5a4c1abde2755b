"""An open connection ends badly: the server dies, the TCP connection breaks, or it says no.

Each case: the close row says what happened in the browser's terms (code, reason,
wasClean, who), the status line says CLOSED, every frame captured before stays, and the
app still answers keys.
"""

from __future__ import annotations

import os
import signal
import subprocess
from pathlib import Path

from sockscope.core.events import ReadyState
from sockscope.core.formats.load import load_log
from sockscope.core.settings import ConnectionSettings
from sockscope.core.store.frames import Kind, Opcode
from sockscope.tui.factory import build_app
from tui.helpers import ended, frames, wait_for

from .app_checks import SIZE, assert_survived, connect_from_panel, last_row, log_text, status
from .conftest import StartServer
from .servers import then_close, then_drop, then_reset

FIRST = [b"first", b'{"n": 2}', b"third"]
RECEIVED = [(Kind.RECV, Opcode.TEXT, payload) for payload in FIRST]


async def test_server_process_killed_mid_stream(
    streaming_process: tuple[subprocess.Popen[str], int], tmp_path: Path
) -> None:
    process, port = streaming_process
    journal = tmp_path / "j.jsonl"
    app = build_app(
        ConnectionSettings(f"ws://127.0.0.1:{port}/"), connect_now=True, journal_path=journal
    )
    async with app.run_test(size=SIZE) as pilot:
        await wait_for(pilot, lambda: len(frames(app)) >= 5)
        os.kill(process.pid, signal.SIGKILL)
        before = frames(app)
        await wait_for(pilot, lambda: app.session.state is ReadyState.CLOSED)
        close = last_row(app, Kind.CLOSE)
        assert app.session.store.info(close) == {
            "code": 1006,
            "reason": "",
            "was_clean": False,
            "by": "network",
        }
        await wait_for(pilot, lambda: "1006 abnormal closure · not clean" in log_text(app))
        await assert_survived(pilot, app, before)
        kept = frames(app)
    assert [payload for _, _, payload in before] == [b"tick %d" % n for n in range(len(before))]
    log = load_log(journal)
    store = log.store
    assert [
        (store.kind(i), store.opcode(i), store.payload(i))
        for i in range(len(store))
        if store.kind(i).is_frame
    ] == kept
    assert store.kind(len(store) - 1) is Kind.CLOSE
    assert store.info(len(store) - 1)["code"] == 1006


async def test_reset_and_dropped_connections_without_a_close_frame(
    fault_server: StartServer,
) -> None:
    reset = await fault_server(then_reset(FIRST))
    dropped = await fault_server(then_drop(FIRST))
    app = build_app()
    async with app.run_test(size=SIZE) as pilot:
        for attempt, server in enumerate((reset, dropped), start=1):
            opened = await connect_from_panel(pilot, app, server.url())
            assert app.session.store.kind(opened) is Kind.OPEN
            await wait_for(pilot, lambda: app.session.state is ReadyState.CLOSED)
            close = last_row(app, Kind.CLOSE)
            assert close > opened
            assert app.session.store.info(close) == {
                "code": 1006,
                "reason": "",
                "was_clean": False,
                "by": "network",
            }
            await assert_survived(pilot, app, RECEIVED * attempt)
        assert frames(app) == RECEIVED * 2
        shown = log_text(app)
        assert shown.count("1006 abnormal closure · not clean · closed by network") == 2


async def test_server_closes_with_an_application_code(fault_server: StartServer) -> None:
    server = await fault_server(then_close(FIRST, 4001, "unauthorized"))
    app = build_app(ConnectionSettings(server.url()), connect_now=True)
    async with app.run_test(size=SIZE) as pilot:
        await wait_for(pilot, lambda: ended(app))
        assert app.session.store.info(last_row(app, Kind.CLOSE)) == {
            "code": 4001,
            "reason": "unauthorized",
            "was_clean": True,
            "by": "server",
        }
        close_frame = b"\x0f\xa1unauthorized"
        assert frames(app) == [
            *RECEIVED,
            (Kind.RECV, Opcode.CLOSE, close_frame),
            (Kind.SEND, Opcode.CLOSE, close_frame),
        ]
        shown = '4001 application code "unauthorized" · clean'
        await wait_for(pilot, lambda: shown in log_text(app))
        assert f"closed {shown}" in status(app)
        await assert_survived(pilot, app, RECEIVED)
