"""Files and folders sockscope writes are private and never written through a symlink."""

from __future__ import annotations

import stat
from pathlib import Path

import pytest
from click.testing import CliRunner

from sockscope.commands.record import record
from sockscope.core.formats.jsonl import read_jsonl
from sockscope.core.paths import default_journal_path, errors_dir, write_crash_report
from sockscope.servers.demo import DemoServerThread


def mode(path: Path) -> int:
    return stat.S_IMODE(path.lstat().st_mode)


def record_to(demo_server: DemoServerThread, output: Path) -> str:
    result = CliRunner().invoke(
        record, [demo_server.url("/echo"), "-o", str(output), "--send", "x", "--count", "1"]
    )
    assert result.exit_code == 0, result.output
    return result.stderr


def test_record_replaces_a_symlink_and_leaves_its_target_alone(
    demo_server: DemoServerThread, tmp_path: Path
) -> None:
    target = tmp_path / "precious.txt"
    target.write_text("keep me\n")
    target.chmod(0o644)
    link = tmp_path / "link.jsonl"
    link.symlink_to(target)
    record_to(demo_server, link)
    assert target.read_text() == "keep me\n" and mode(target) == 0o644
    assert not link.is_symlink() and mode(link) == 0o600
    assert read_jsonl(link).store.payload(1) == b"x"


def test_record_never_creates_a_file_where_a_dangling_symlink_points(
    demo_server: DemoServerThread, tmp_path: Path
) -> None:
    elsewhere = tmp_path / "elsewhere.jsonl"
    link = tmp_path / "dangling.jsonl"
    link.symlink_to(elsewhere)
    record_to(demo_server, link)
    assert not elsewhere.exists() and not link.is_symlink() and mode(link) == 0o600


@pytest.fixture
def state_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """platformdirs' user state directory, moved to ``tmp_path`` (Linux honours it)."""
    monkeypatch.setenv("XDG_STATE_HOME", str(tmp_path / "state"))
    return tmp_path / "state" / "sockscope"


def test_state_folders_are_made_private(state_home: Path) -> None:
    journal = default_journal_path("ws://host.example/x")
    report = write_crash_report(RuntimeError("boom"))
    assert isinstance(report, Path) and report.parent == errors_dir()
    for folder in (state_home, journal.parent, report.parent):
        assert mode(folder) == 0o700, folder


def test_a_loose_state_folder_from_before_is_tightened(state_home: Path) -> None:
    sessions = state_home / "sessions"
    sessions.mkdir(parents=True)
    sessions.chmod(0o755)
    state_home.chmod(0o755)
    assert default_journal_path("ws://h/").parent == sessions
    assert mode(sessions) == mode(state_home) == 0o700


def test_a_symlinked_state_folder_is_not_chmodded_through(state_home: Path, tmp_path: Path) -> None:
    shared = tmp_path / "shared"
    shared.mkdir(mode=0o755)
    shared.chmod(0o755)
    state_home.mkdir(parents=True)
    (state_home / "errors").symlink_to(shared)
    errors_dir()
    assert mode(shared) == 0o755
