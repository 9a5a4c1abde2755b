"""NaN and infinities are usage errors for every float option of every command."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from sockscope.cli import main

WORDS = ["nan", "inf", "-inf", "NaN", "infinity"]


@pytest.mark.parametrize("word", WORDS)
@pytest.mark.parametrize(
    "args",
    [
        ["replay", "{log}", "--speed", "{x}"],
        ["replay", "{log}", "--timeout", "{x}", "--check"],
        ["replay", "{log}", "--open-timeout", "{x}"],
        ["record", "ws://127.0.0.1:1/", "-o", "{out}", "--duration", "{x}"],
        ["record", "ws://127.0.0.1:1/", "-o", "{out}", "--ping-interval", "{x}"],
        ["open", "ws://127.0.0.1:1/", "--open-timeout", "{x}"],
        ["ws://127.0.0.1:1/", "--ping-interval", "{x}"],
    ],
    ids=["speed", "timeout", "open-timeout", "duration", "ping-interval", "tui", "tui-url"],
)
def test_a_number_that_is_not_finite_is_a_usage_error(
    tmp_path: Path, args: list[str], word: str
) -> None:
    log = tmp_path / "session.jsonl"
    log.write_text('{"sockscope":1,"url":"ws://127.0.0.1:1/"}\n')
    argv = [a.format(log=log, out=tmp_path / "out.jsonl", x=word) for a in args]
    result = CliRunner().invoke(main, argv)
    assert result.exit_code == 2, result.output
    assert "Invalid value for '--" in result.stderr
    assert f"{word!r} is not a finite number." in result.stderr
    assert not (tmp_path / "out.jsonl").exists()  # refused before anything ran
