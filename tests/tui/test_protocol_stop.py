"""`s` on a running operation's row stops it: GraphQL's `complete`, against npm graphql-ws."""

from __future__ import annotations

from sockscope.core.events import ReadyState
from sockscope.core.settings import ConnectionSettings
from sockscope.tui.factory import build_app
from sockscope.tui.log.message_log import MessageLog
from sockscope.tui.widgets.session_view import SessionView

from .helpers import wait_for

SIZE = (120, 36)


async def test_s_stops_the_selected_subscription(graphql_port: int) -> None:
    url = f"ws://127.0.0.1:{graphql_port}/"
    app = build_app(ConnectionSettings(url, protocol="graphql-transport-ws"), connect_now=True)
    async with app.run_test(size=SIZE) as pilot:
        await wait_for(pilot, lambda: app.session.state is ReadyState.OPEN, timeout=15)
        bridge = app.main_screen.worker_bridge
        view = bridge.protocol.view
        assert view is not None
        await wait_for(pilot, lambda: view.pairs.answered == 0 and len(app.session.store) >= 3)
        for command in view.layer.encode(
            "graphql", {"query": "subscription { ticks(upTo: 100000) }"}
        ):
            bridge.submit(command)
        await wait_for(pilot, lambda: len(view.pairs.group("1")) >= 3, timeout=15)
        log = app.query_one(MessageLog)
        log.focus()
        log.refresh_rows()
        log.action_last()
        view_of_rows = app.query_one(SessionView)

        def on_a_running_operation() -> bool:
            """The cursor on the newest row (a `next`): s applies there. (The key bar may
            have no room for s beside the others at this width: asked, not looked for.)"""
            log.action_last()
            return view_of_rows.check_action("stop_operation", ()) is True

        await wait_for(pilot, on_a_running_operation, timeout=15)
        await pilot.press("s")
        store = app.session.store

        def completes() -> list[bytes]:
            return [
                store.payload(i) for i in range(len(store)) if b'"complete"' in store.payload(i)
            ]

        await wait_for(pilot, lambda: bool(completes()), timeout=15)
        assert completes() == [b'{"type": "complete", "id": "1"}']
        assert app.session.state is ReadyState.OPEN
