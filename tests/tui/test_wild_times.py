"""Times no clock can show (1e308, -1e308, year 1 at +14:00) are shown as invalid; rows stay."""

from __future__ import annotations

from pathlib import Path

import pytest

from sockscope.tui.factory import build_app
from sockscope.tui.log.message_log import MessageLog

from .helpers import viewing_log, visible_text, wait_for

SIZE = (160, 40)


def wild_jsonl(path: Path) -> Path:
    rows = [
        f'{{"t":{t},"kind":"recv","opcode":"text","text":"row at {t}"}}'
        for t in ("1e308", "1.8e19", "-1e308", "1763632800.5")
    ]
    path.write_text('{"sockscope":1,"url":"ws://x/"}\n' + "\n".join(rows) + "\n")
    return path


def wild_har(path: Path) -> Path:
    path.write_text(
        '{"log":{"entries":[{"_resourceType":"websocket",'
        '"startedDateTime":"0001-01-01T00:00:00+14:00","request":{"url":"ws://x/"},'
        '"response":{"status":101},'
        '"_webSocketMessages":[{"type":"receive","time":-62135647200,"opcode":1,'
        '"data":"row at year 1"}]}]}}'
    )
    return path


@pytest.mark.parametrize("make", [wild_jsonl, wild_har], ids=["jsonl", "har"])
async def test_open_shows_invalid_times_and_keeps_every_row(tmp_path: Path, make) -> None:  # type: ignore[no-untyped-def]
    log = make(tmp_path / f"wild.{'jsonl' if make is wild_jsonl else 'har'}")
    app = build_app(open_path=log)
    async with app.run_test(size=SIZE) as pilot:
        await wait_for(pilot, lambda: viewing_log(app) and not app.screen.rows_loading)
        view = app.screen.query_one(MessageLog)
        await wait_for(pilot, lambda: "row at" in visible_text(view))
        shown = visible_text(view)
        assert "invalid time" in shown
        for row in ("row at 1e308", "row at 1.8e19", "row at -1e308", "row at year 1"):
            assert row in shown or row not in log.read_text()
        view.focus()
        view.select(1)  # the inspector shows the time both ways
        await pilot.pause(0.05)
        header = app.screen.query_one("#inspector-header")
        assert "invalid time" in visible_text(header)
        await pilot.press("t")  # times relative to the first row
        await pilot.pause(0.05)
        assert "row at" in visible_text(view)
        if make is wild_jsonl:
            assert "invalid time" in visible_text(view)
    assert app.emergency_copy is None
