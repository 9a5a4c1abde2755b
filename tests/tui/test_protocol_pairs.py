"""Pairs in the TUI, against npm's rpc-websockets: the inspector shows a call's decoded
messages and its answer with the latency, p jumps between them, the status line counts."""

from __future__ import annotations

from textual.widgets import Input

from sockscope.core.events import ReadyState
from sockscope.core.settings import ConnectionSettings
from sockscope.tui.factory import build_app
from sockscope.tui.log.message_log import MessageLog
from sockscope.tui.widgets.composer import Composer
from sockscope.tui.widgets.inspector import Inspector
from sockscope.tui.widgets.key_bar import KeyBar

from .helpers import wait_for

SIZE = (120, 36)


async def test_the_inspector_shows_the_pair_and_p_jumps_to_it(rpc_port: int) -> None:
    settings = ConnectionSettings(f"ws://127.0.0.1:{rpc_port}/", protocol="json-rpc")
    app = build_app(settings, connect_now=True)
    async with app.run_test(size=SIZE) as pilot:
        await wait_for(pilot, lambda: app.session.state is ReadyState.OPEN)
        composer = app.query_one(Composer)
        await wait_for(pilot, lambda: composer.form is not None)
        app.main_screen.focus_composer()
        await wait_for(pilot, lambda: isinstance(app.focused, Input))  # the form's method
        await pilot.press(*"sum", "enter")  # params: the form's default []
        await pilot.pause()
        app.query_one("#field-0", Input).value = "fail"
        await pilot.press("enter")
        view = app.main_screen.worker_bridge.protocol.view
        assert view is not None
        await wait_for(pilot, lambda: view.pairs.answered == 2)
        status = str(app.query_one("#status").render())
        assert "0 in flight · p50 " in status and " ms p99 " in status

        log, inspector = app.query_one(MessageLog), app.query_one(Inspector)
        log.refresh_rows()
        log.focus()
        call = next(row for row in range(5) if view.pairs.partner(row) and row < 3)
        log.select(log.rows.position_near(call))
        await pilot.pause()
        decoded = str(app.query_one("#inspector-decoded").render())
        answer = view.pairs.partner(call)
        assert "call sum  id 1" in decoded and '"method": "sum"' in decoded
        assert f"paired with row {answer}: result" in decoded and " ms" in decoded
        assert "Pair" in app.query_one(KeyBar).render_line(0).text
        await pilot.press("p")
        await pilot.pause()
        assert log.selected == answer
        assert inspector.row is not None and b'"result":0' in inspector.row.payload
        assert f"paired with row {call}: sum" in str(app.query_one("#inspector-decoded").render())
        await pilot.press("p")
        await pilot.pause()
        assert log.selected == call

        log.select(0)  # the open event: no pair, no decoded part, no Pair key
        await pilot.pause()
        assert not app.query_one("#inspector-decoded").display
        assert "Pair" not in app.query_one(KeyBar).render_line(0).text
