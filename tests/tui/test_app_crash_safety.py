"""A bug in a widget does not take the session down: it is reported, the journal flushed."""

from __future__ import annotations

from pathlib import Path

import pytest

from sockscope.core.events import ReadyState
from sockscope.core.formats.load import load_log
from sockscope.core.settings import ConnectionSettings
from sockscope.core.store.frames import Kind, Opcode
from sockscope.servers.demo import DemoServerThread
from sockscope.tui.factory import build_app
from sockscope.tui.widgets.inspector import Inspector
from sockscope.tui.widgets.status_line import StatusLine

from .helpers import frames, wait_for


async def test_an_exception_in_a_widget_is_shown_and_the_session_goes_on(
    demo_server: DemoServerThread,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("XDG_STATE_HOME", str(tmp_path / "state"))
    journal = tmp_path / "j.jsonl"
    app = build_app(
        ConnectionSettings(demo_server.url("/echo")),
        connect_now=True,
        journal_path=journal,
        survive_errors=True,
    )

    def broken(self: Inspector, store: object, index: int) -> None:
        raise RuntimeError("inspector bug")

    async with app.run_test(size=(160, 40)) as pilot:
        await wait_for(pilot, lambda: app.session.state is ReadyState.OPEN)
        await pilot.press(*"before", "enter")
        await wait_for(pilot, lambda: (Kind.RECV, Opcode.TEXT, b"before") in frames(app))
        monkeypatch.setattr(Inspector, "show_row", broken)
        await pilot.press("ctrl+g", "home")  # selecting a row calls the broken inspector
        await wait_for(pilot, lambda: any("inspector bug" in n.message for n in app._notifications))
        assert b"before" in journal.read_bytes()  # flushed when the error happened
        reports = list((tmp_path / "state").rglob("error-*.txt"))
        assert reports and "RuntimeError: inspector bug" in reports[0].read_text()
        monkeypatch.undo()
        await pilot.press("ctrl+e", *"after", "enter")  # the app still works
        await wait_for(pilot, lambda: (Kind.RECV, Opcode.TEXT, b"after") in frames(app))
    assert b"after" in {
        load_log(journal).store.payload(i) for i in range(len(load_log(journal).store))
    }


async def test_a_bug_that_ends_the_app_leaves_a_full_copy_of_the_session(
    demo_server: DemoServerThread, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("XDG_STATE_HOME", str(tmp_path / "state"))
    app = build_app(
        ConnectionSettings(demo_server.url("/echo")), connect_now=True, survive_errors=True
    )

    def broken(*args: object) -> None:
        raise RuntimeError("status line bug")

    with pytest.raises(RuntimeError, match="status line bug"):
        async with app.run_test(size=(160, 40)) as pilot:
            await wait_for(pilot, lambda: app.session.state is ReadyState.OPEN)
            await pilot.press(*"keep me", "enter")
            await wait_for(pilot, lambda: (Kind.RECV, Opcode.TEXT, b"keep me") in frames(app))
            monkeypatch.setattr(StatusLine, "show", broken)  # called by an app timer
            await pilot.pause(0.5)
    assert isinstance(app.emergency_copy, Path)
    copy = load_log(app.emergency_copy)
    assert b"keep me" in {copy.store.payload(i) for i in range(len(copy.store))}
