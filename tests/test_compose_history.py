"""The composer's saved history: bounded, private, and damaged lines skipped."""

from __future__ import annotations

from pathlib import Path

from sockscope.core.text.compose import ComposeMode
from sockscope.core.text.history import ComposeHistory, HistoryEntry


def test_history_stays_bounded_and_private_across_loads(tmp_path: Path) -> None:
    path = tmp_path / "history.jsonl"
    history, error = ComposeHistory.load(path, limit=3)
    assert error is None and history.entries == []
    for n in range(7):
        assert history.add(ComposeMode.HEX, f"0{n}") is None
    assert len(history.entries) == 3
    path.chmod(0o644)
    with path.open("a") as file:
        file.write("not json\n{}\n")
    again, error = ComposeHistory.load(path, limit=3)
    assert error is None
    assert again.entries == [HistoryEntry(ComposeMode.HEX, f"0{n}") for n in (4, 5, 6)]
    # Nine lines for a limit of three: rewritten to the three kept, and private again.
    assert len(path.read_text().splitlines()) == 3
    assert path.stat().st_mode & 0o777 == 0o600


def test_the_same_message_twice_in_a_row_is_kept_once(tmp_path: Path) -> None:
    history = ComposeHistory(tmp_path / "h.jsonl")
    history.add(ComposeMode.TEXT, "a")
    history.add(ComposeMode.TEXT, "a")
    history.add(ComposeMode.JSON, "a")  # another mode: another message
    assert [e.mode for e in history.entries] == [ComposeMode.TEXT, ComposeMode.JSON]
