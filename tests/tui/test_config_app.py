"""config.yaml through the command line into the app: theme, defaults, keymap, mistakes."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from sockscope import cli
from sockscope.core.events import ReadyState
from sockscope.core.settings import ConnectionSettings
from sockscope.core.store.frames import Kind, Opcode
from sockscope.servers.demo import DemoServerThread
from sockscope.tui.app import SockscopeApp

from .helpers import frames, screen_lines, wait_for

SIZE = (160, 40)


def app_from_command_line(
    args: list[str], config: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> SockscopeApp:
    """The app `sockscope ARGS` would run with this config.yaml (built, not run)."""
    (tmp_path / "sockscope").mkdir(exist_ok=True)
    (tmp_path / "sockscope" / "config.yaml").write_text(config)
    built: list[SockscopeApp] = []

    def build_only(settings: ConnectionSettings, options: dict[str, Any], **how: Any) -> None:
        built.append(cli.build_tui(settings, options, **how))

    monkeypatch.setattr(cli, "run_tui", build_only)
    env = {"XDG_CONFIG_HOME": str(tmp_path), "XDG_STATE_HOME": str(tmp_path / "state")}
    done = CliRunner().invoke(cli.main, args, env=env)
    assert done.exit_code == 0, done.output
    return built[0]


async def test_the_config_changes_the_app(
    demo_server: DemoServerThread, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    config = (
        "theme: nord\nmax_frames: 500\njournal_dir: " + str(tmp_path / "logs") + "\n"
        "connection:\n  ping: 7\nkeymap:\n  ping: f12\n"
    )
    app = app_from_command_line([demo_server.url("/echo")], config, tmp_path, monkeypatch)
    assert app.settings.ping_interval == 7
    assert app.session.max_frames == 500
    assert app.options.journal_path is not None
    assert app.options.journal_path.parent == tmp_path / "logs"
    async with app.run_test(size=SIZE) as pilot:
        await wait_for(pilot, lambda: app.session.state is ReadyState.OPEN)
        assert app.theme == "nord"
        await pilot.press("f6")  # no longer the ping key
        await pilot.press("f12")
        await wait_for(pilot, lambda: any(op is Opcode.PONG for _, op, _ in frames(app)))
        assert [f for f in frames(app) if f[:2] == (Kind.SEND, Opcode.PING)] != []
        assert sum(1 for kind, op, _ in frames(app) if op is Opcode.PING) == 1
        assert "f12 Ping" in "".join(screen_lines(app))
        await pilot.press("f1")  # the help lists the key where the keymap put it
        await wait_for(pilot, lambda: any("Help" in type(s).__name__ for s in app.screen_stack))
        assert any("f12 Ping — Ping; measure latency" in " ".join(line.split())
                   for line in screen_lines(app))  # fmt: skip


async def test_a_flag_wins_over_the_config(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    config = "max_frames: 500\nconnection:\n  ping: 7\n"
    args = ["ws://127.0.0.1:9/", "--ping-interval", "3", "--max-frames", "9", "--no-journal"]
    app = app_from_command_line(args, config, tmp_path, monkeypatch)
    assert app.settings.ping_interval == 3
    assert app.options.max_frames == 9


async def test_a_bad_config_is_said_and_the_app_starts_with_defaults(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    config = "theme: no-such-theme\nmax_frames: lots\nkeymap:\n  pnig: f12\n"
    app = app_from_command_line(["--no-journal"], config, tmp_path, monkeypatch)
    default_theme = SockscopeApp().theme
    assert app.options.max_frames is None
    async with app.run_test(size=SIZE, notifications=True) as pilot:

        def said(text: str) -> bool:
            # A toast wraps its sentence: look for words that stay on one line.
            return any(text in line for line in screen_lines(app))

        await wait_for(pilot, lambda: said("'pnig'"))
        for words in ("max_frames:", "'no-such-theme'", "config.yaml", "instead."):
            assert said(words), words
        assert app.theme == default_theme
