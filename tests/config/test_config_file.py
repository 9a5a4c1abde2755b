"""config.yaml read as a user writes it: good values used, each mistake one sentence."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from sockscope.cli import main
from sockscope.core.config.model import ConnectionDefaults
from sockscope.core.config.user import CONNECTION_KEYS, UserConfig, load_user_config

GOOD = """\
theme: nord
max_frames: 5000
journal_dir: ~/ws-logs
connection:
  ping: 7
  compression: false
keymap:
  ping: f12
"""


def test_a_good_file_gives_its_values(tmp_path: Path) -> None:
    path = tmp_path / "config.yaml"
    path.write_text(GOOD)
    config = load_user_config(path)
    assert config.problems == ()
    assert (config.theme, config.max_frames) == ("nord", 5000)
    assert config.journal_dir == Path("~/ws-logs").expanduser()
    assert config.keymap == (("ping", "f12"),)
    assert config.command_defaults() == {
        "ping_interval": 7,
        "no_compression": True,
        "max_frames": 5000,
    }


def test_each_mistake_names_file_line_and_key_and_the_rest_is_used(tmp_path: Path) -> None:
    path = tmp_path / "config.yaml"
    path.write_text("theme: nord\nmax_frames: lots\nthme: x\nconnection:\n  ping: -1\n")
    config = load_user_config(path)
    assert config.theme == "nord"
    assert config.max_frames is None and config.connection == ()
    problems = "\n".join(config.problems)
    assert f"{path}, line 2: max_frames: input should be a valid integer" in problems
    assert f"{path}, line 3: unknown key 'thme'" in problems
    assert f"{path}, line 5: connection.ping: input should be greater than or equal to 0" in (
        problems
    )
    assert len(config.problems) == 3


def test_broken_yaml_or_not_a_map_gives_the_defaults(tmp_path: Path) -> None:
    path = tmp_path / "config.yaml"
    path.write_text("theme: [nord\n")
    broken = load_user_config(path)
    assert broken._replace(problems=(), path=None) == UserConfig()
    assert broken.problems[0].startswith(f"{path}, line 2: not valid YAML")
    path.write_text("- a list\n")
    assert "not a map of keys" in load_user_config(path).problems[0]
    path.write_bytes(b"theme: \xff\n")
    assert "cannot be read" in load_user_config(path).problems[0]


def test_the_connection_keys_are_the_models() -> None:
    assert set(ConnectionDefaults.model_fields) == set(CONNECTION_KEYS)


def test_without_a_file_pydantic_is_never_imported(tmp_path: Path) -> None:
    """Its import costs ~0.2 s of every launch; only a config file may pay it."""
    code = (
        "import sys; from sockscope.core.config.user import load_user_config;"
        "c = load_user_config(); print(c.path, 'pydantic' in sys.modules)"
    )
    env = {**os.environ, "XDG_CONFIG_HOME": str(tmp_path)}
    done = subprocess.run(
        [sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True
    )
    assert done.stdout.split() == ["None", "False"]


def test_config_path_and_show(tmp_path: Path) -> None:
    env = {"XDG_CONFIG_HOME": str(tmp_path)}
    done = CliRunner().invoke(main, ["config", "--path"], env=env)
    assert done.exit_code == 0
    assert done.output.strip() == str(tmp_path / "sockscope" / "config.yaml")
    (tmp_path / "sockscope").mkdir()
    (tmp_path / "sockscope" / "config.yaml").write_text(GOOD + "max_size: 3\n")
    shown = CliRunner().invoke(main, ["config", "--show"], env=env)
    assert shown.exit_code == 0
    assert "theme: nord" in shown.stdout and "keymap: ping=f12" in shown.stdout
    assert "line 9: unknown key 'max_size'" in shown.stderr


def test_connection_defaults_reach_a_headless_command_and_flags_win(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """record's --ping-interval default comes from the file; a bad key is said on stderr."""
    from sockscope.commands import record

    seen: list[float] = []
    folder = tmp_path / "sockscope"
    folder.mkdir()
    (folder / "config.yaml").write_text("connection:\n  ping: 3\n  bogus: 1\n")
    env = {"XDG_CONFIG_HOME": str(tmp_path)}
    runner = CliRunner()

    def spy(**options: object) -> None:
        seen.append(options["ping_interval"])  # type: ignore[arg-type]

    monkeypatch.setattr(record.record, "callback", spy)
    done = runner.invoke(main, ["record", "ws://127.0.0.1:9/", "-o", "x.jsonl"], env=env)
    runner.invoke(main, ["record", "ws://127.0.0.1:9/", "-o", "x.jsonl",
                         "--ping-interval", "9"], env=env)  # fmt: skip
    assert seen == [3, 9]
    assert "line 3: unknown key 'connection.bogus'" in done.stderr
