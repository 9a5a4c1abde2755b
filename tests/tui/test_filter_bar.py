"""The filter bar's keys, count and choices through the real app and the demo server."""

from __future__ import annotations

from textual.widgets import Checkbox, Input, Select

from sockscope.core.events import ReadyState
from sockscope.core.settings import ConnectionSettings
from sockscope.core.store.frames import Kind, Opcode
from sockscope.servers.demo import DemoServerThread
from sockscope.tui.factory import build_app
from sockscope.tui.log.message_log import MessageLog

from .helpers import frames, press_as_a_terminal, visible_text, wait_for

SIZE = (160, 40)


async def _echoed(app, pilot, *words: str) -> None:  # type: ignore[no-untyped-def]
    await wait_for(pilot, lambda: app.session.state is ReadyState.OPEN)
    for word in words:
        await pilot.press(*word, "enter")
        await wait_for(pilot, lambda w=word: (Kind.RECV, Opcode.TEXT, w.encode()) in frames(app))


async def test_alt_r_and_alt_c_toggle_instead_of_typing(demo_server: DemoServerThread) -> None:
    app = build_app(ConnectionSettings(demo_server.url("/echo")), connect_now=True)
    async with app.run_test(size=SIZE) as pilot:
        await wait_for(pilot, lambda: app.session.state is ReadyState.OPEN)
        await pilot.press("ctrl+f")
        await wait_for(pilot, lambda: isinstance(app.focused, Input))
        await pilot.press(*"ab")
        await press_as_a_terminal(pilot, "alt+r", "r")
        await press_as_a_terminal(pilot, "alt+c", "c")
        assert app.query_one("#filter-text", Input).value == "ab"
        assert app.query_one("#filter-regex", Checkbox).value is True
        assert app.query_one("#filter-case", Checkbox).value is False


async def test_the_count_goes_when_the_pattern_is_deleted(demo_server: DemoServerThread) -> None:
    app = build_app(ConnectionSettings(demo_server.url("/echo")), connect_now=True)
    async with app.run_test(size=SIZE) as pilot:
        await _echoed(app, pilot, "apple", "banana")
        await pilot.press("ctrl+f", *"apple", "enter")
        status = app.query_one("#filter-status")
        await wait_for(pilot, lambda: " of " in str(status.render()))
        await pilot.press("ctrl+f", "end", *["backspace"] * len("apple"), "enter")
        log = app.query_one(MessageLog)
        await wait_for(pilot, lambda: "banana" in visible_text(log))
        await pilot.pause(0.3)  # past the debounce: nothing comes back
        assert " of " not in str(status.render())


async def test_data_frames_only_hides_control_frames_and_events(
    demo_server: DemoServerThread,
) -> None:
    app = build_app(ConnectionSettings(demo_server.url("/echo")), connect_now=True)
    async with app.run_test(size=SIZE) as pilot:
        await _echoed(app, pilot, "payload")
        await pilot.press("f6")
        await wait_for(pilot, lambda: any(op is Opcode.PONG for _, op, _ in frames(app)))
        await pilot.press("ctrl+f")
        await wait_for(pilot, lambda: app.query("#filter-opcode"))
        app.query_one("#filter-opcode", Select).value = "data frames"
        log = app.query_one(MessageLog)
        # open, sent, received: ping and pong hidden with the open event
        await wait_for(pilot, lambda: "2 of 5" in str(app.query_one("#filter-status").render()))
        await pilot.pause(0.1)
        shown = visible_text(log)
        assert "payload" in shown
        assert "ping" not in shown.lower() and "open" not in shown.lower()


async def test_a_jsonpath_filter_shows_only_the_rows_passing_it(
    demo_server: DemoServerThread,
) -> None:
    app = build_app(ConnectionSettings(demo_server.url("/echo")), connect_now=True)
    async with app.run_test(size=SIZE) as pilot:
        await _echoed(app, pilot, '{"type":"trade","px":1}', '{"type":"quote"}', "trade, not JSON")
        await pilot.press("ctrl+f")
        await wait_for(pilot, lambda: isinstance(app.focused, Input))
        await press_as_a_terminal(pilot, "alt+r", "r")
        await press_as_a_terminal(pilot, "alt+j", "j")  # JSONPath unticks regex
        assert app.query_one("#filter-regex", Checkbox).value is False
        await pilot.press(*'$.type == "trade"', "enter")
        status = app.query_one("#filter-status")
        # open, 3 sent, 3 echoed: the trade both ways
        await wait_for(pilot, lambda: "2 of 7" in str(status.render()))
        shown = visible_text(app.query_one(MessageLog))
        assert shown.count('"type":"trade"') == 2
        assert "quote" not in shown and "not JSON" not in shown


async def test_a_bad_jsonpath_is_one_sentence_in_the_bar(demo_server: DemoServerThread) -> None:
    app = build_app(ConnectionSettings(demo_server.url("/echo")), connect_now=True)
    async with app.run_test(size=SIZE) as pilot:
        await _echoed(app, pilot, '{"type":"trade"}')
        await pilot.press("ctrl+f")
        await wait_for(pilot, lambda: isinstance(app.focused, Input))
        await press_as_a_terminal(pilot, "alt+j", "j")
        await pilot.press(*"$.type = 1", "enter")
        bar = app.query_one("#filter")
        await wait_for(pilot, lambda: bar.has_class("-error"))
        said = str(app.query_one("#filter-status").render())
        assert "'=' is not a comparison" in said and "\n" not in said
        # The log is untouched: every row still shown.
        assert '"type":"trade"' in visible_text(app.query_one(MessageLog))
