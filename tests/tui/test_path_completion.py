"""Typing a path in the Open dialog completes it from the disk; → accepts."""

from __future__ import annotations

import os
from pathlib import Path

from textual.events import Paste
from textual.widgets import Input

from sockscope.tui.factory import build_app
from sockscope.tui.path_suggester import complete_path

from .helpers import wait_for


def test_completion_finds_files_and_folders(tmp_path: Path) -> None:
    (tmp_path / "session-one.jsonl").write_text("")
    (tmp_path / "sessions").mkdir()
    (tmp_path / ".hidden").write_text("")
    base = f"{tmp_path}{os.sep}"
    assert complete_path(base + "session-") == base + "session-one.jsonl"
    assert complete_path(base + "sessions") == base + "sessions" + os.sep
    assert complete_path(base + "nothing") is None
    assert complete_path(base) == base + "session-one.jsonl"  # hidden files only when asked
    assert complete_path(base + ".h") == base + ".hidden"
    assert complete_path(base + "session-one.jsonl") is None  # already whole
    assert complete_path(str(tmp_path / "missing" / "x")) is None


async def test_the_open_dialog_completes_a_typed_path(tmp_path: Path) -> None:
    (tmp_path / "capture-2026.jsonl").write_text("")
    app = build_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("ctrl+o")
        await wait_for(pilot, lambda: bool(app.screen.query("#open-path")))
        field = app.screen.query_one("#open-path", Input)
        field.focus()
        field.value = ""
        # The folder pasted (typing ~60 characters one by one took ~5 s), the name typed.
        field.post_message(Paste(f"{tmp_path}{os.sep}"))
        await wait_for(pilot, lambda: field.value.endswith(os.sep))
        await pilot.press(*"cap")
        await wait_for(pilot, lambda: field._suggestion.endswith("capture-2026.jsonl"))
        await pilot.press("right")
        assert field.value == str(tmp_path / "capture-2026.jsonl")
