"""The command line: bad input is one line and exit 2, before any UI starts."""

from __future__ import annotations

import subprocess
import sys

import pytest
from click.testing import CliRunner

from sockscope import __version__
from sockscope.cli import main


def run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "sockscope", *args],
        capture_output=True,
        text=True,
        timeout=60,
        stdin=subprocess.DEVNULL,
    )


def test_version_through_python_m() -> None:
    result = run("--version")
    assert result.returncode == 0
    assert result.stdout.strip() == f"sockscope, version {__version__}"


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["ftp://example.com/"], "Unsupported URL scheme 'ftp'"),
        (["ws://"], "has no host"),
        (["ws://h:99999/"], "is malformed"),
        (["wss://h/", "--cert", "/no/such.pem"], "does not exist"),
        (["ws://h/", "-H", "no colon here"], "is not of the form 'Name: value'"),
        (["ws://h/", "--proxy", "ftp://p"], "must be an http://"),
    ],
)
def test_bad_input_exits_2_with_one_clear_line(args: list[str], message: str) -> None:
    result = CliRunner().invoke(main, args)
    assert result.exit_code == 2
    assert result.stdout == ""
    assert result.stderr.startswith("sockscope: error: ") and result.stderr.count("\n") == 1
    assert message in result.stderr


def test_a_bad_scheme_through_python_m_is_one_line_naming_no_unseen_command() -> None:
    result = run("foo://x")
    assert result.returncode == 2 and result.stdout == ""
    assert result.stderr == (
        "sockscope: error: Unsupported URL scheme 'foo': use ws://, wss://, http:// or https://.\n"
    )


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--bogus"], "No such option '--bogus'. See `sockscope --help`."),
        (["record", "ws://h/"], "Missing option '-o' / '--output'. See `sockscope record --help`."),
        (["convert", "a.jsonl"], "Missing argument 'OUT'. See `sockscope convert --help`."),
    ],
)
def test_usage_errors_are_one_line_pointing_at_the_help_of_what_was_typed(
    args: list[str], message: str
) -> None:
    result = CliRunner().invoke(main, args)
    assert (result.exit_code, result.stdout) == (2, "")
    assert result.stderr == f"sockscope: error: {message}\n"


def test_dash_o_is_output_only_and_the_tui_says_to_use_origin() -> None:
    """``-o`` was --origin in the TUI and --output in the headless commands."""
    result = CliRunner().invoke(main, ["-o", "http://app.test", "ftp://not-reached/"])
    assert (result.exit_code, result.stdout) == (2, "")
    assert result.stderr.count("\n") == 1
    assert "-o is not an option of the TUI: use --origin URL" in result.stderr
    options = CliRunner().invoke(main, ["open", "--help"]).output
    assert "--origin" in options and "-o," not in options
    recorded = CliRunner().invoke(main, ["record", "--help"]).output
    assert "-o, --output FILE" in recorded and "-o, --origin" not in recorded


def test_help_lists_the_commands_and_options() -> None:
    result = CliRunner().invoke(main, ["--help"])
    assert result.exit_code == 0
    for command in ("demo", "serve", "convert", "open"):
        assert command in result.output
    options = CliRunner().invoke(main, ["open", "--help"]).output
    expected = "--header --subprotocol --insecure --proxy --no-compression --ping-interval"
    expected += " --max-size --reconnect --record --open"
    for option in expected.split():
        assert option in options


def test_the_command_line_loads_a_subcommand_only_to_run_it() -> None:
    """`sockscope` opening the TUI pays for no headless command (websockets, the formats)."""
    probe = (
        "import sys, sockscope.cli; "
        "print(sorted(m for m in ('websockets', 'textual', 'sockscope.core.formats',"
        " 'sockscope.commands.replay') if m in sys.modules))"
    )
    loaded = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, timeout=60, check=True
    )
    assert loaded.stdout.strip() == "[]"
    listed = CliRunner().invoke(main, ["--help"])
    for name in ("convert", "demo", "open", "record", "replay", "serve"):
        assert f"  {name} " in listed.output
    converted = CliRunner().invoke(main, ["convert", "--help"])
    assert converted.exit_code == 0 and "Usage: main convert [OPTIONS] IN OUT" in converted.output
