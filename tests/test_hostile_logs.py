"""Log files that are not what they claim: pipes, endless files, deep JSON, wild times.

Every reader (convert, replay, serve --replay, the TUI's --open) goes through
the same opening code; each case is driven through the real command line.
"""

from __future__ import annotations

import os
import subprocess
import sys
import threading
from pathlib import Path

import pytest

from sockscope.core.formats.errors import LogError
from sockscope.core.formats.load import load_log


def sockscope(*args: str | Path, timeout: float = 60) -> subprocess.CompletedProcess[str]:
    """The real command line; the timeout only stops a hang from stalling the suite."""
    return subprocess.run(
        [sys.executable, "-m", "sockscope", *map(str, args)],
        capture_output=True,
        text=True,
        timeout=timeout,
        stdin=subprocess.DEVNULL,
        env={**os.environ, "PYTHONPATH": os.pathsep.join(sys.path)},
    )


def one_error_line(result: subprocess.CompletedProcess[str]) -> str:
    assert result.returncode == 2, result.stderr
    lines = result.stderr.splitlines()
    assert len(lines) == 1 and lines[0].startswith("sockscope: error: "), result.stderr
    return lines[0]


@pytest.fixture
def fifo(tmp_path: Path) -> Path:
    path = tmp_path / "pipe.jsonl"
    os.mkfifo(path)
    return path


@pytest.mark.parametrize(
    "command",
    [
        ["convert", "{log}", "{out}"],
        ["replay", "{log}"],
        ["serve", "--port", "0", "--replay", "{log}"],
    ],
    ids=["convert", "replay", "serve"],
)
def test_a_fifo_is_refused_not_waited_on(fifo: Path, tmp_path: Path, command: list[str]) -> None:
    args = [a.format(log=fifo, out=tmp_path / "out.har") for a in command]
    line = one_error_line(sockscope(*args))
    assert line == f"sockscope: error: Cannot open {fifo}: it is a pipe (FIFO), not a regular file."


def test_a_fifo_or_a_device_is_refused_by_the_loader_the_tui_uses(fifo: Path) -> None:
    errors: list[str] = []

    def load_both() -> None:
        for path in (fifo, Path("/dev/zero")):
            try:
                load_log(path)
            except LogError as exc:
                errors.append(str(exc))

    loader = threading.Thread(target=load_both, daemon=True)  # a hang must not hold pytest
    loader.start()
    loader.join(60)
    assert errors == [
        f"Cannot open {fifo}: it is a pipe (FIFO), not a regular file.",
        "Cannot open /dev/zero: it is a device, not a regular file.",
    ]


def test_a_directory_is_called_a_directory(tmp_path: Path) -> None:
    line = one_error_line(sockscope("convert", tmp_path, tmp_path / "out.har"))
    assert line.endswith(f"Cannot open {tmp_path}: it is a directory.")


def test_a_har_over_the_size_limit_is_refused_saying_the_limit(tmp_path: Path) -> None:
    from sockscope.core.formats.har import MAX_HAR_BYTES

    huge = tmp_path / "huge.har"
    with huge.open("wb") as handle:
        handle.truncate(MAX_HAR_BYTES + 1)  # sparse: no disk, and never read
    line = one_error_line(sockscope("convert", huge, tmp_path / "out.jsonl"))
    assert line == (
        f"sockscope: error: {huge}: it is larger than 1 GiB, the most sockscope reads as HAR"
    )


def test_a_jsonl_header_line_over_1_mib_says_so(tmp_path: Path) -> None:
    log = tmp_path / "long.jsonl"
    log.write_bytes(b'{"sockscope": 1, "pad": "' + b"x" * 2**20 + b'"}\n')
    line = one_error_line(sockscope("convert", log, tmp_path / "out.har"))
    assert line.startswith(f"sockscope: error: {log} line 1: the first line is longer than 1 MiB")
