"""ctrl+s never replaces the live journal, and asks before replacing any other file."""

from __future__ import annotations

from pathlib import Path

import pytest

from sockscope.core.events import ReadyState
from sockscope.core.formats.load import load_log
from sockscope.core.settings import ConnectionSettings
from sockscope.core.store.frames import Kind, Opcode
from sockscope.servers.demo import DemoServerThread
from sockscope.tui.factory import build_app
from sockscope.tui.screens.confirm_screen import ConfirmScreen
from sockscope.tui.screens.file_screens import SaveScreen

from .helpers import frames, wait_for

SIZE = (160, 40)


async def _send(app, pilot, text: str) -> None:  # type: ignore[no-untyped-def]
    app.main_screen.focus_composer()
    await pilot.press(*text, "enter")
    await wait_for(pilot, lambda: (Kind.RECV, Opcode.TEXT, text.encode()) in frames(app))


async def _ask_to_save(app, pilot, target: Path) -> None:  # type: ignore[no-untyped-def]
    await pilot.press("ctrl+s")
    await wait_for(pilot, lambda: isinstance(app.screen, SaveScreen))
    app.screen.query_one("#save-path").value = str(target)  # type: ignore[attr-defined]
    await pilot.press("enter")
    await pilot.pause()


async def test_saving_over_the_live_journal_is_refused_and_it_keeps_recording(
    demo_server: DemoServerThread, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    journal = Path("J.jsonl")  # as `sockscope demo --record J.jsonl` gives it
    app = build_app(
        ConnectionSettings(demo_server.url("/echo")), connect_now=True, journal_path=journal
    )
    async with app.run_test(size=SIZE) as pilot:
        await wait_for(pilot, lambda: app.session.state is ReadyState.OPEN)
        await _send(app, pilot, "before the save")
        await wait_for(pilot, journal.exists)
        inode = journal.stat().st_ino
        await _ask_to_save(app, pilot, tmp_path / "J.jsonl")
        assert isinstance(app.screen, SaveScreen)  # still asking: nothing was saved
        error = str(app.screen.query_one("#save-error").render())
        assert "J.jsonl is the live journal" in error
        await pilot.press("escape")
        await _send(app, pilot, "after the save")
        await wait_for(pilot, lambda: b"after the save" in journal.read_bytes())
        assert journal.stat().st_ino == inode
    payloads = {load_log(journal).store.payload(i) for i in range(len(load_log(journal).store))}
    assert {b"before the save", b"after the save"} <= payloads


async def test_replacing_an_existing_file_asks_first(
    demo_server: DemoServerThread, tmp_path: Path
) -> None:
    target = tmp_path / "kept.jsonl"
    target.write_text("precious\n")
    app = build_app(ConnectionSettings(demo_server.url("/echo")), connect_now=True)
    async with app.run_test(size=SIZE) as pilot:
        await wait_for(pilot, lambda: app.session.state is ReadyState.OPEN)
        await _send(app, pilot, "to save")
        await _ask_to_save(app, pilot, target)
        assert isinstance(app.screen, ConfirmScreen)
        assert "already exists. Replace it?" in str(
            app.screen.query_one("#confirm-question").render()
        )
        await pilot.press("enter")  # the focused answer is "No"
        await pilot.pause()
        assert isinstance(app.screen, SaveScreen)  # back to choose another name
        assert target.read_text() == "precious\n"
        await pilot.press("enter")
        await wait_for(pilot, lambda: isinstance(app.screen, ConfirmScreen))
        await pilot.press("y")
        await wait_for(pilot, lambda: b"to save" in target.read_bytes())
