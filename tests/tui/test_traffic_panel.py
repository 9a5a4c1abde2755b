"""The traffic panel (F4) against the demo server: sparklines fill, sizes are bucketed."""

from __future__ import annotations

from textual.widgets import Label, Sparkline

from sockscope.core.events import ReadyState
from sockscope.core.settings import ConnectionSettings
from sockscope.core.store.frames import Kind, Opcode
from sockscope.servers.demo import DemoServerThread
from sockscope.tui.factory import build_app
from sockscope.tui.widgets.traffic_panel import SizeChart, TrafficPanel

from .helpers import frames, wait_for

SIZE = (120, 40)


def _chart(app) -> str:  # type: ignore[no-untyped-def]
    chart = app.query_one(SizeChart)
    return str(chart.render())


async def test_the_sparklines_show_frames_after_they_arrive(demo_server: DemoServerThread) -> None:
    app = build_app(ConnectionSettings(demo_server.url("/echo")), connect_now=True)
    async with app.run_test(size=SIZE) as pilot:
        await wait_for(pilot, lambda: app.session.state is ReadyState.OPEN)
        panel = app.query_one(TrafficPanel)
        assert not panel.display  # hidden until asked for
        await pilot.press("f4")
        assert panel.display and panel.region.height == 7
        spark_in = app.query_one("#spark-in", Sparkline)
        spark_out = app.query_one("#spark-out", Sparkline)
        assert not any(spark_in.data or []) and not any(spark_out.data or [])
        for word in ("one", "two", "three", "four"):
            await pilot.press(*word, "enter")
            await wait_for(
                pilot, lambda w=word: (Kind.RECV, Opcode.TEXT, w.encode()) in frames(app)
            )
        # Each second is shown once it is whole: four frames each way, however they fell.
        await wait_for(pilot, lambda: sum(spark_in.data or []) == 4, timeout=10)
        await wait_for(pilot, lambda: sum(spark_out.data or []) == 4, timeout=10)
        assert "peak" in str(app.query_one("#rate-in", Label).render())
        await pilot.press("f4")
        assert not panel.display


async def test_the_histogram_buckets_message_sizes(demo_server: DemoServerThread) -> None:
    app = build_app(ConnectionSettings(demo_server.url("/echo")), connect_now=True)
    async with app.run_test(size=SIZE) as pilot:
        await wait_for(pilot, lambda: app.session.state is ReadyState.OPEN)
        await pilot.press("f4")
        assert "no text or binary messages yet" in _chart(app)
        for word in ("abc", "x" * 40):  # 3 B: bucket < 4 B; 40 B: bucket < 64 B
            await pilot.press(*word, "enter")
            await wait_for(
                pilot, lambda w=word: (Kind.RECV, Opcode.TEXT, w.encode()) in frames(app)
            )
        await wait_for(pilot, lambda: "(4 messages)" in _chart(app))
        chart = _chart(app).splitlines()
        rows = {line[:8].strip(): line for line in chart[1:]}  # labels are 8 wide
        assert list(rows) == ["< 4 B", "< 8 B", "< 16 B", "< 32 B", "< 64 B"]
        assert rows["< 4 B"].endswith(" 2") and rows["< 64 B"].endswith(" 2")
        assert rows["< 8 B"].endswith(" 0")
