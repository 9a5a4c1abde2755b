"""Journal, save (ctrl+s) and open (ctrl+o, --open) driven through the real app."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from textual.pilot import Pilot

from sockscope.core.events import ReadyState
from sockscope.core.formats.load import load_log
from sockscope.core.settings import ConnectionSettings
from sockscope.core.store.frames import Kind, Opcode
from sockscope.servers.demo import DemoServerThread
from sockscope.tui.app import SockscopeApp
from sockscope.tui.factory import build_app
from sockscope.tui.log.message_log import MessageLog
from sockscope.tui.screens.file_screens import OpenRequest
from sockscope.tui.screens.log_viewer import LogViewerScreen

from .helpers import frames, viewing_log, visible_text, wait_for

SIZE = (160, 40)
FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"


async def _echo_session(app, pilot, text: str) -> None:  # type: ignore[no-untyped-def]
    await wait_for(pilot, lambda: app.session.state is ReadyState.OPEN)
    await pilot.press(*text, "enter")
    await wait_for(pilot, lambda: (Kind.RECV, Opcode.TEXT, text.encode()) in frames(app))


async def test_the_journal_records_every_event_as_it_happens(
    demo_server: DemoServerThread, tmp_path: Path
) -> None:
    journal = tmp_path / "journal.jsonl"
    app = build_app(
        ConnectionSettings(demo_server.url("/echo")), connect_now=True, journal_path=journal
    )
    async with app.run_test(size=SIZE) as pilot:
        await _echo_session(app, pilot, "journal me")
        await wait_for(pilot, lambda: b"journal me" in journal.read_bytes(), timeout=3)
        assert journal.stat().st_mode & 0o777 == 0o600
    log = load_log(journal)
    kinds = [log.store.kind(i) for i in range(len(log.store))]
    assert kinds[0] is Kind.OPEN
    assert kinds[-1] is Kind.CLOSE  # the app closed politely on exit, and it was journaled
    assert log.store.info(len(log.store) - 1)["code"] == 1001
    payloads = {log.store.payload(i) for i in range(len(log.store))}
    assert b"journal me" in payloads


async def test_ctrl_s_saves_jsonl_and_har(demo_server: DemoServerThread, tmp_path: Path) -> None:
    app = build_app(ConnectionSettings(demo_server.url("/echo")), connect_now=True)
    async with app.run_test(size=SIZE) as pilot:
        await _echo_session(app, pilot, '{"saved": true}')
        for name in ("session.jsonl", "session.har"):
            target = tmp_path / name
            await pilot.press("ctrl+s")
            await pilot.pause()
            app.screen.query_one("#save-path").value = str(target)  # type: ignore[attr-defined]
            await pilot.press("enter")
            await wait_for(pilot, target.exists)
    saved = load_log(tmp_path / "session.jsonl")
    assert b'{"saved": true}' in {saved.store.payload(i) for i in range(len(saved.store))}
    har = json.loads((tmp_path / "session.har").read_text())
    messages = har["log"]["entries"][0]["_webSocketMessages"]
    assert {"type": "send", "opcode": 1, "data": '{"saved": true}'}.items() <= messages[0].items()


async def test_save_refuses_an_unknown_extension(tmp_path: Path) -> None:
    app = build_app()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("ctrl+s")
        await pilot.pause()
        app.screen.query_one("#save-path").value = str(tmp_path / "x.txt")  # type: ignore[attr-defined]
        await pilot.press("enter")
        await pilot.pause()
        assert "Name the file .jsonl or .har." in str(app.screen.query_one("#save-error").render())


async def ask_to_open_chrome_har(app: SockscopeApp, pilot: Pilot[None]) -> None:
    """ctrl+o, the fixture HAR of two WebSocket entries, enter: the dialog asks which."""
    await pilot.press("ctrl+o")
    await pilot.pause()
    app.screen.query_one("#open-path").value = str(FIXTURES / "chrome.har")  # type: ignore[attr-defined]
    await pilot.press("enter")
    await wait_for(pilot, lambda: app.screen.query("#open-error"))


async def test_ctrl_o_opens_a_chrome_har_in_a_viewer() -> None:
    app = build_app()
    async with app.run_test(size=SIZE) as pilot:
        # Two WebSocket entries: the app asks which one, naming them.
        await ask_to_open_chrome_har(app, pilot)
        assert "Pick an entry" in str(app.screen.query_one("#open-error").render())
        app.screen.query_one("#open-entry").value = "1"  # type: ignore[attr-defined]
        await pilot.click("#do-open")
        await wait_for(pilot, lambda: viewing_log(app))
        log = app.screen.query_one(MessageLog)
        await pilot.pause(0.1)
        assert "open" in visible_text(log)
        await pilot.press("escape")
        await wait_for(pilot, lambda: not isinstance(app.screen, LogViewerScreen))


@pytest.mark.parametrize("slow", [False, True])
async def test_a_progress_dialog_shows_only_while_the_viewer_is_slow_to_come(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, slow: bool
) -> None:
    """A log whose header takes a while (a big HAR) gets the dialog, then the viewer."""
    import time

    import sockscope.core.formats.load as formats_load
    from sockscope.tui import file_service

    load_log = formats_load.load_log

    def slow_load(*args: Any, **kwargs: Any) -> Any:
        time.sleep(0.6)  # in the loading thread
        return load_log(*args, **kwargs)

    if slow:
        monkeypatch.setattr(formats_load, "load_log", slow_load)
    else:  # however busy the machine, the viewer comes before the dialog
        monkeypatch.setattr(file_service, "PROGRESS_DIALOG_AFTER", 30.0)
    path = tmp_path / "small.jsonl"
    path.write_text(
        '{"sockscope": 1, "url": "ws://x/"}\n'
        '{"t": 1.0, "kind": "recv", "opcode": "text", "text": "hello"}\n'
    )
    app = build_app()
    async with app.run_test(size=SIZE) as pilot:
        screens: list[str] = []
        app.files.open_log(OpenRequest(path, None))
        if slow:  # keys that open screens wait for the viewer: none ends up under it
            await pilot.press("f1", "ctrl+o")
        while not viewing_log(app):
            screens.append(type(app.screen).__name__)
            await pilot.pause(0.005)
        await wait_for(pilot, lambda: not app.screen.rows_loading)  # type: ignore[attr-defined]
        assert [type(s) for s in app.screen_stack] == [LogViewerScreen]  # a tab of its own
        assert ("ProgressScreen" in screens) is slow
        await pilot.pause(0.1)
        assert "hello" in visible_text(app.screen.query_one(MessageLog))
        await pilot.press("escape")  # back in the live tab: no dialog left over there
        await wait_for(pilot, lambda: len(app.tabs) == 1)
        assert app.screen_stack == [app.main_screen]


async def test_open_at_start_and_a_damaged_log_keeps_what_loaded(tmp_path: Path) -> None:
    damaged = tmp_path / "damaged.jsonl"
    damaged.write_text(
        '{"sockscope": 1, "url": "ws://x/"}\n'
        '{"t": 1.0, "kind": "recv", "opcode": "text", "text": "first row"}\n'
        '{"t": 2.0, "kind": "recv", "opcode": "binary", "base64": "@@@"}\n'
    )
    app = build_app(open_path=damaged)
    async with app.run_test(size=SIZE) as pilot:
        await wait_for(pilot, lambda: viewing_log(app))
        await pilot.pause(0.1)
        assert "first row" in visible_text(app.screen.query_one(MessageLog))
        assert any("line 3" in n.message for n in app._notifications)


async def test_a_damaged_log_opens_with_one_clear_notice(tmp_path: Path) -> None:
    rows = [
        f'{{"t": {n}.0, "kind": "recv", "opcode": "text", "text": "row {n}"}}\n' for n in (1, 2)
    ]
    damaged = tmp_path / "damaged.jsonl"
    damaged.write_text(
        '{"sockscope": 1, "url": "ws://x/"}\n' + "".join(rows) + "garbage{\n" + "".join(rows)
    )
    app = build_app(open_path=damaged)
    async with app.run_test(size=SIZE) as pilot:
        await wait_for(pilot, lambda: viewing_log(app))
        await wait_for(pilot, lambda: not app.screen.rows_loading)  # type: ignore[attr-defined]
        await pilot.pause(0.1)
        notices = [n.message for n in app._notifications]
        assert len(notices) == 1, notices
        assert "line 4 skipped: not valid JSON" in notices[0]
        # The valid lines after the damaged one are kept too.
        assert len(app.screen.loaded.store) == 4  # type: ignore[attr-defined]


async def test_a_large_log_shows_its_first_rows_from_the_top_while_it_loads(tmp_path: Path) -> None:
    from sockscope.core.formats.journal import write_store
    from sockscope.core.formats.model import LogHeader
    from sockscope.core.store.frames import FrameStore

    store = FrameStore()
    for n in range(300_000):
        store.append(1_700_000_000 + n / 1000, Kind.RECV, Opcode.TEXT, b'{"seq":%d}' % n)
    big = tmp_path / "big.jsonl"
    write_store(big, store, LogHeader(url="ws://example.test/"))
    app = build_app(open_path=big)
    async with app.run_test(size=SIZE) as pilot:
        await wait_for(pilot, lambda: viewing_log(app), timeout=10)
        viewer = app.screen
        assert isinstance(viewer, LogViewerScreen)
        log = viewer.query_one(MessageLog)
        seen_while_loading = False
        title = viewer.query_one("#viewer-title")
        while viewer.rows_loading:
            if log.row_count > 0 and log.size.height > 0:
                seen_while_loading = True
                # Read from the top, like a file in a pager; the title says how far it is.
                assert '{"seq":0}' in visible_text(log) and log.scroll_offset.y == 0
                assert "loading…" in str(title.render())
            await pilot.pause(0.02)
        assert len(viewer.loaded.store) == 300_000
        await pilot.pause(0.1)
        assert log.scroll_offset.y == 0 and log.unseen == 0 and not log.border_subtitle
        assert "300,000 rows" in str(title.render()) and "loading" not in str(title.render())
        await pilot.press("end")
        await wait_for(
            pilot, lambda: '{"seq":299999}' in visible_text(viewer.query_one(MessageLog))
        )
    assert seen_while_loading, "the viewer opened only after the whole file was loaded"


def test_the_viewer_title_says_how_far_a_log_is_loaded() -> None:
    from sockscope.core.formats.model import LoadedLog, LogHeader
    from sockscope.core.store.frames import FrameStore
    from sockscope.tui.widgets.viewer_title import describe_log

    log = LoadedLog(
        LogHeader(url="ws://example.test/", created="2026-11-25T09:00:00Z"), FrameStore()
    )
    assert str(describe_log("a.har", log, loading=True)).endswith(
        "│ 0 rows │ loading…"
    )  # no report yet
    assert str(describe_log("a.jsonl", log, loading=True, read=(50, 200))).endswith(
        "│ loading… 25%"
    )
    assert str(describe_log("a.jsonl", log)).endswith("│ recorded 2026-11-25T09:00:00Z")


async def test_the_open_dialog_is_centered_and_shows_every_har_entry_whole() -> None:
    app = build_app()
    async with app.run_test(size=SIZE) as pilot:
        await ask_to_open_chrome_har(app, pilot)
        await pilot.pause()
        dialog = app.screen.query_one("#open-dialog").region
        assert dialog.width >= 80
        assert abs(dialog.x - (SIZE[0] - dialog.right)) <= 1  # as much room left as right
        assert dialog.y > 0 and abs(dialog.y - (SIZE[1] - dialog.bottom)) <= 1
        label = app.screen.query_one("#open-error")
        assert label.region.right <= dialog.right
        lines = [strip.text for strip in label.render_lines(label.size.region)]
        shown = " ".join(" ".join(lines).split())
        message = " ".join(str(label.render()).split())
        assert "2: wss://" in message and shown == message
