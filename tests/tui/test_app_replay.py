"""Replay from the log viewer (ctrl+r), driven through the real app against the demo server."""

from __future__ import annotations

import socket
from pathlib import Path

import pytest
from textual.pilot import Pilot
from textual.widgets import Checkbox, Input, Label, ProgressBar, Select, Static
from textual.worker import WorkerState

from sockscope.core.events import ReadyState
from sockscope.core.formats.journal import write_store
from sockscope.core.formats.jsonl import read_jsonl
from sockscope.core.formats.load import load_log
from sockscope.core.formats.model import LogHeader
from sockscope.core.replay.json_paths import IgnorePathError
from sockscope.core.replay.plan import ReplayPlan
from sockscope.core.settings import ConnectionSettings
from sockscope.core.store.frames import FrameStore, Kind, Opcode
from sockscope.servers.demo import DemoServerThread
from sockscope.tui.app import SockscopeApp
from sockscope.tui.factory import build_app
from sockscope.tui.screens.diff_screen import DiffScreen
from sockscope.tui.screens.file_screens import SaveScreen
from sockscope.tui.screens.log_viewer import LogViewerScreen
from sockscope.tui.screens.replay_screen import ReplayScreen
from sockscope.tui.screens.replay_setup import ReplaySetupScreen, replay_base, split_ignore
from sockscope.tui.widgets.diff_view import DiffView

from .helpers import viewing_log, visible_text, wait_for

SIZE = (140, 40)
T0 = 1_763_632_800.0
Row = tuple[float, Kind, Opcode, bytes]

#: An exchange with the echo server, as recorded: every response is what was sent.
ECHOED: list[Row] = [
    (0.10, Kind.SEND, Opcode.TEXT, b"hello"),
    (0.11, Kind.RECV, Opcode.TEXT, b"hello"),
    (0.20, Kind.SEND, Opcode.TEXT, b'{"op": "tick", "ts": 1763632800.2}'),
    (0.21, Kind.RECV, Opcode.TEXT, b'{"ts": 1763632800.2, "op": "tick"}'),
    (0.30, Kind.SEND, Opcode.BINARY, b"\x00\xff\x01"),
    (0.31, Kind.RECV, Opcode.BINARY, b"\x00\xff\x01"),
]


def write_log(path: Path, url: str, rows: list[Row]) -> Path:
    store = FrameStore()
    store.append_event(T0, Kind.OPEN, {"url": url, "status": 101, "reason": "Switching"})
    for offset, kind, opcode, payload in rows:
        store.append(T0 + offset, kind, opcode, payload)
    write_store(path, store, LogHeader(url=url))
    return path


def closed_port_url() -> str:
    """A URL on 127.0.0.1 where nothing listens (the port was just free)."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    return f"ws://127.0.0.1:{port}/echo"


async def open_setup(app: SockscopeApp, pilot: Pilot[None]) -> ReplaySetupScreen:
    await wait_for(
        pilot, lambda: isinstance(app.screen, LogViewerScreen) and not app.screen.rows_loading
    )
    await pilot.press("ctrl+r")
    await wait_for(pilot, lambda: isinstance(app.screen, ReplaySetupScreen))
    assert isinstance(app.screen, ReplaySetupScreen)
    return app.screen


async def submit(pilot: Pilot[None], setup: ReplaySetupScreen) -> None:
    """Press enter in the URL field (a button ignores a second click within 0.2 s)."""
    setup.query_one("#replay-url", Input).focus()
    await pilot.press("enter")


async def start_replay(
    app: SockscopeApp,
    pilot: Pilot[None],
    *,
    speed: str = "fast",
    url: str | None = None,
    ignore: str = "",
    unordered: bool = False,
) -> ReplayScreen:
    """ctrl+r in the viewer, fill in the dialog, start; returns the replay screen."""
    setup = await open_setup(app, pilot)
    if url is not None:
        setup.query_one("#replay-url", Input).value = url
    setup.query_one("#replay-speed", Select).value = speed
    setup.query_one("#replay-ignore", Input).value = ignore
    setup.query_one("#replay-unordered", Checkbox).value = unordered
    await submit(pilot, setup)
    return await the_replay(app, pilot)


async def the_replay(app: SockscopeApp, pilot: Pilot[None]) -> ReplayScreen:
    """The replay screen, once pushed (a fast replay may already show its diff on top)."""

    def found() -> list[ReplayScreen]:
        return [screen for screen in app.screen_stack if isinstance(screen, ReplayScreen)]

    await wait_for(pilot, found)
    return found()[0]


def sent(screen: ReplayScreen) -> list[bytes]:
    """The payloads the replay's new session sent (data frames only)."""
    store = screen.replayer.session.store
    return [
        store.payload(i)
        for i in range(len(store))
        if store.kind(i) is Kind.SEND and store.opcode(i) in (Opcode.TEXT, Opcode.BINARY)
    ]


async def the_diff(app: SockscopeApp, pilot: Pilot[None]) -> DiffScreen:
    await wait_for(pilot, lambda: isinstance(app.screen, DiffScreen))
    assert isinstance(app.screen, DiffScreen)
    await pilot.pause()
    return app.screen


def summary(screen: DiffScreen) -> str:
    return str(screen.query_one("#diff-summary", Static).render())


async def test_a_fast_replay_reaches_the_end_and_the_diff_is_all_same(
    demo_server: DemoServerThread, tmp_path: Path
) -> None:
    log = write_log(tmp_path / "echo.jsonl", demo_server.url("/echo"), ECHOED)
    app = build_app(open_path=log)
    async with app.run_test(size=SIZE) as pilot:
        setup = await open_setup(app, pilot)
        assert setup.query_one("#replay-url", Input).value == demo_server.url("/echo")
        await pilot.press("escape")
        replay = await start_replay(app, pilot, speed="fast")
        diff = await the_diff(app, pilot)  # opened by itself when the replay ended
        assert diff.report.ok
        assert "All 3 responses match the recording." in summary(diff)
        shown = visible_text(diff.query_one(DiffView))
        assert shown.count("same") == 3
        assert "hello" in shown
        assert sent(replay) == [payload for _, kind, _, payload in ECHOED if kind is Kind.SEND]
        bar = replay.query_one(ProgressBar)
        assert (bar.progress, bar.total) == (3, 3)
        assert "sent 3 of 3" in str(replay.query_one("#replay-count", Label).render())
        assert replay.state().startswith("finished, closed 1000")
        await pilot.press("escape")  # back from the diff to the replay, which shows the rows
        await wait_for(pilot, lambda: app.screen is replay)
        await pilot.pause(0.15)
        rows = visible_text(replay.query_one("#log"))
        assert "open" in rows and "close" in rows and "00 ff 01" in rows


async def test_step_mode_sends_one_message_per_key_and_leaving_stops_it(
    demo_server: DemoServerThread, tmp_path: Path
) -> None:
    log = write_log(tmp_path / "echo.jsonl", demo_server.url("/echo"), ECHOED)
    app = build_app(open_path=log)
    async with app.run_test(size=SIZE) as pilot:
        replay = await start_replay(app, pilot, speed="step")
        await wait_for(pilot, lambda: replay.replayer.session.opened is not None)
        await pilot.pause(0.3)
        assert sent(replay) == []  # nothing goes until asked
        assert replay.state() == "press n to send the next message"
        await pilot.press("n")
        await wait_for(pilot, lambda: len(sent(replay)) == 1)
        assert sent(replay) == [b"hello"]
        count = replay.query_one("#replay-count", Label)
        await wait_for(pilot, lambda: "next (n):" in str(count.render()))
        # The responses still to come answer messages not sent yet: not missing.
        await wait_for(pilot, lambda: replay.report().ok)
        assert replay.report().recorded_count == 1
        await pilot.press("enter")
        await wait_for(pilot, lambda: len(sent(replay)) == 2)
        await pilot.pause(0.2)
        assert len(sent(replay)) == 2  # one key, one message
        assert replay.query_one(ProgressBar).progress == 2
        (worker,) = [w for w in app.workers if w.name == "replay"]
        await pilot.press("escape")  # stops the replay: the last message is never sent
        await wait_for(pilot, lambda: viewing_log(app))
        await wait_for(pilot, lambda: worker.state is WorkerState.CANCELLED)
        await wait_for(pilot, lambda: replay.replayer.session.state is ReadyState.CLOSED)
        assert len(sent(replay)) == 2


async def test_a_changed_field_is_marked_and_ignoring_its_path_makes_it_match(
    demo_server: DemoServerThread, tmp_path: Path
) -> None:
    rows: list[Row] = [
        (0.1, Kind.SEND, Opcode.TEXT, b"same again"),
        (0.2, Kind.RECV, Opcode.TEXT, b"same again"),
        (0.3, Kind.SEND, Opcode.TEXT, b'{"op": "tick", "ts": 1}'),
        # The recording saw another time; echo returns what is sent, so the ts differs.
        (0.4, Kind.RECV, Opcode.TEXT, b'{"op": "tick", "ts": 2}'),
    ]
    log = write_log(tmp_path / "ts.jsonl", demo_server.url("/echo"), rows)
    app = build_app(open_path=log)
    async with app.run_test(size=SIZE) as pilot:
        await start_replay(app, pilot)
        diff = await the_diff(app, pilot)
        assert [pair.status for pair in diff.report.pairs] == ["same", "different"]
        assert [d.path for d in diff.report.pairs[1].differences] == ["$.ts"]
        assert "1 of 2 responses differ" in summary(diff)
        view = diff.query_one(DiffView)
        shown = visible_text(view)
        assert "different" in shown and "$.ts 2" in shown and "$.ts 1" in shown
        await pilot.press("m")  # only the mismatches
        await pilot.pause()
        shown = visible_text(view)
        assert "different" in shown and "same again" not in shown
        assert "mismatches only" in summary(diff)
        await pilot.press("escape", "escape")  # diff, then replay: back to the log viewer
        await wait_for(pilot, lambda: viewing_log(app))
        await start_replay(app, pilot, ignore="$.ts")
        diff = await the_diff(app, pilot)
        assert diff.report.ok
        assert "All 2 responses match the recording (ignoring $.ts)." in summary(diff)


async def test_pause_holds_the_recorded_timing_and_resume_releases_it(
    demo_server: DemoServerThread, tmp_path: Path
) -> None:
    rows: list[Row] = [
        (0.50, Kind.SEND, Opcode.TEXT, b"first"),
        (0.55, Kind.RECV, Opcode.TEXT, b"first"),
        (0.60, Kind.SEND, Opcode.TEXT, b"second"),
        (0.65, Kind.RECV, Opcode.TEXT, b"second"),
    ]
    log = write_log(tmp_path / "gaps.jsonl", demo_server.url("/echo"), rows)
    app = build_app(open_path=log)
    async with app.run_test(size=SIZE) as pilot:
        replay = await start_replay(app, pilot, speed="1")
        await pilot.press("space")
        await wait_for(pilot, lambda: replay.replayer.session.opened is not None)
        await pilot.pause(0.7)  # longer than the recording: only the pause holds them
        assert sent(replay) == []
        assert replay.state() == "paused (space resumes)"
        await pilot.press("d")  # the diff so far: nothing sent, so nothing is due back yet
        diff = await the_diff(app, pilot)
        assert diff.report.pairs == () and diff.report.recorded_count == 0
        assert "(so far)" in summary(diff)
        replay.action_pause()  # resume (space on the replay, which runs on behind the diff)
        # When the replay ends, the open diff shows the final report.
        await wait_for(pilot, lambda: "(so far)" not in summary(diff))
        assert diff.report.ok
        assert "All 2 responses match the recording." in summary(diff)
        assert sent(replay) == [b"first", b"second"]


async def test_the_target_url_is_editable_and_errors_are_clear(
    demo_server: DemoServerThread, tmp_path: Path
) -> None:
    dead = closed_port_url()
    log = write_log(tmp_path / "moved.jsonl", dead, ECHOED[:2])
    app = build_app(open_path=log)
    async with app.run_test(size=SIZE) as pilot:
        setup = await open_setup(app, pilot)
        setup.query_one("#replay-url", Input).value = ""
        await submit(pilot, setup)
        assert "Type the URL" in str(setup.query_one("#replay-error", Label).render())
        setup.query_one("#replay-url", Input).value = "ftp://example.test/"
        setup.query_one("#replay-ignore", Input).value = "ts"
        await submit(pilot, setup)
        error = str(setup.query_one("#replay-error", Label).render())
        assert "Unsupported URL scheme 'ftp'" in error
        setup.query_one("#replay-url", Input).value = dead
        await submit(pilot, setup)
        assert "must start with $" in str(setup.query_one("#replay-error", Label).render())
        assert app.screen is setup
        setup.query_one("#replay-ignore", Input).value = ""
        await submit(pilot, setup)
        # The recorded server is gone: the screen says so, and the app keeps running.
        replay = await the_replay(app, pilot)
        await wait_for(pilot, lambda: replay.ended == "failed")
        message = str(replay.query_one("#replay-error", Label).render())
        assert message.startswith("Connection refused by 127.0.0.1:")
        assert any(n.message == message for n in app._notifications)
        await pilot.press("escape")
        await start_replay(app, pilot, url=demo_server.url("/echo"), unordered=True)
        diff = await the_diff(app, pilot)
        assert diff.report.ok and diff.report.unordered


def test_ignore_paths_split_at_commas_before_a_dollar() -> None:
    assert split_ignore(" $.ts, $..id ") == ("$.ts", "$..id")
    assert split_ignore('$["a, b"], $.c') == ('$["a, b"]', "$.c")
    assert split_ignore("") == ()
    with pytest.raises(IgnorePathError, match="must start with"):
        split_ignore("$.ts, id")


def test_the_live_headers_go_only_to_the_live_host() -> None:
    live = ConnectionSettings(
        "wss://api.example.com/live",
        headers=(("Authorization", "Bearer secret"),),
        subprotocols=("chat.v2",),
        insecure=True,
        on_open=('{"auth": 1}',),
        reconnect=True,
    )
    same = replay_base(live, "wss://api.example.com/other")
    assert same.headers == live.headers and same.insecure
    assert (same.subprotocols, same.on_open, same.reconnect) == ((), (), False)
    assert replay_base(live, "wss://staging.example.com/live").headers == ()
    assert replay_base(None, "ws://x.test/") == ConnectionSettings()


async def save_as(app: SockscopeApp, pilot: Pilot[None], path: Path) -> Path:
    """ctrl+s, type the path, enter; wait until the file is written."""
    await pilot.press("ctrl+s")
    await wait_for(pilot, lambda: isinstance(app.screen, SaveScreen))
    field = app.screen.query_one("#save-path", Input)
    field.value = str(path)
    field.focus()
    await pilot.press("enter")
    await wait_for(pilot, lambda: any(f"to {path}" in str(n.message) for n in app._notifications))
    return path


def data_rows(path: Path) -> list[tuple[Kind, bytes]]:
    store = load_log(path).store
    return [
        (store.kind(i), store.payload(i))
        for i in range(len(store))
        if store.opcode(i) in (Opcode.TEXT, Opcode.BINARY)
    ]


async def test_ctrl_s_saves_the_session_on_screen_replay_log_or_live(
    demo_server: DemoServerThread, tmp_path: Path
) -> None:
    url = demo_server.url("/echo")
    log = write_log(tmp_path / "echo.jsonl", url, ECHOED)
    recorded = [(kind, payload) for _, kind, _, payload in ECHOED]
    app = build_app(open_path=log)
    async with app.run_test(size=SIZE) as pilot:
        await start_replay(app, pilot, speed="fast")
        await the_diff(app, pilot)
        # The diff is on top of the replay: its session is the one saved, as a new log.
        replayed = await save_as(app, pilot, tmp_path / "replay.jsonl")
        sends = [payload for kind, payload in recorded if kind is Kind.SEND]
        for kind in (Kind.SEND, Kind.RECV):  # the echo server answers with what it got
            assert [payload for k, payload in data_rows(replayed) if k is kind] == sends
        assert load_log(replayed).header.url == url
        await pilot.press("escape", "escape")  # diff, replay: back to the log viewer
        await wait_for(pilot, lambda: viewing_log(app))
        converted = await save_as(app, pilot, tmp_path / "echo.har")
        assert data_rows(converted) == recorded
        await pilot.press("escape")  # the live session: nothing connected, no rows
        await wait_for(pilot, lambda: not isinstance(app.screen, LogViewerScreen))
        live = await save_as(app, pilot, tmp_path / "live.jsonl")
        assert data_rows(live) == []


async def test_a_log_of_two_connections_asks_which_to_replay(
    demo_server: DemoServerThread, tmp_path: Path
) -> None:
    url = demo_server.url("/echo")
    store = FrameStore()
    for start, payload in ((T0, b"first"), (T0 + 10, b"second, once"), (T0 + 11, b"twice")):
        if payload != b"twice":
            store.append_event(start, Kind.OPEN, {"url": url, "status": 101, "reason": "OK"})
        store.append(start + 0.1, Kind.SEND, Opcode.TEXT, payload)
        store.append(start + 0.2, Kind.RECV, Opcode.TEXT, payload)
    log = tmp_path / "reconnected.jsonl"
    write_store(log, store, LogHeader(url=url))
    app = build_app(open_path=log)
    async with app.run_test(size=SIZE) as pilot:
        setup = await open_setup(app, pilot)
        title = setup.query_one("#replay-title", Label)
        assert "Replay 1 client message" in str(title.render())
        setup.query_one("#replay-connection", Select).value = 2
        await wait_for(pilot, lambda: "Replay 2 client messages" in str(title.render()))
        setup.query_one("#replay-speed", Select).value = "fast"
        await submit(pilot, setup)
        replay = await the_replay(app, pilot)
        await wait_for(pilot, lambda: len(sent(replay)) == 2)
        assert sent(replay) == [b"second, once", b"twice"]


async def test_a_replay_is_journaled_beside_the_live_sessions(
    demo_server: DemoServerThread, tmp_path: Path
) -> None:
    url = demo_server.url("/echo")
    store = FrameStore()
    store.append_event(T0, Kind.OPEN, {"url": url, "status": 101, "reason": "OK"})
    store.append(T0 + 0.1, Kind.SEND, Opcode.TEXT, b"journal me")
    store.append(T0 + 0.2, Kind.RECV, Opcode.TEXT, b"journal me")
    log = tmp_path / "one.jsonl"
    write_store(log, store, LogHeader(url=url))
    sessions = tmp_path / "sessions"
    sessions.mkdir()
    app = build_app(open_path=log, journal_path=sessions / "live.jsonl")
    async with app.run_test(size=SIZE) as pilot:
        setup = await open_setup(app, pilot)
        setup.query_one("#replay-speed", Select).value = "fast"
        await submit(pilot, setup)
        replay = await the_replay(app, pilot)
        await wait_for(pilot, lambda: replay.ended is not None)
    journals = list(sessions.glob("replay-*.jsonl"))
    assert len(journals) == 1
    again = read_jsonl(journals[0]).store
    assert b"journal me" in [again.payload(i) for i in range(len(again))]


async def test_the_replay_dialog_remembers_the_last_speed(
    demo_server: DemoServerThread, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(ReplaySetupScreen, "last_speed", "1")
    log = write_log(tmp_path / "echo.jsonl", demo_server.url("/echo"), ECHOED)
    app = build_app(open_path=log)
    async with app.run_test(size=SIZE) as pilot:
        setup = await open_setup(app, pilot)
        assert setup.query_one("#replay-speed", Select).value == "1"
        setup.query_one("#replay-speed", Select).value = "fast"
        await submit(pilot, setup)
        await the_replay(app, pilot)
        assert ReplaySetupScreen.last_speed == "fast"
        again = ReplaySetupScreen(ReplayPlan.from_store(FrameStore(), demo_server.url("/echo")))
        await app.push_screen(again)
        await pilot.pause()
        assert again.query_one("#replay-speed", Select).value == "fast"
