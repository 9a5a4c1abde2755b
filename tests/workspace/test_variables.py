"""``{{NAME}}`` variables: env files (later wins) over a file's variables, dynamic values."""

from __future__ import annotations

import re
import uuid
from datetime import datetime
from pathlib import Path

import pytest

from sockscope.core.workspace.variables import (
    Scope,
    VariableError,
    read_env_files,
    resolve,
    unresolve,
)


def test_env_values_win_over_the_saved_connections() -> None:
    scope = Scope({"TOKEN": "env"}, {"TOKEN": "file", "ROOM": "lobby"})
    assert resolve("Bearer {{TOKEN}} in {{ ROOM }}", scope) == "Bearer env in lobby"


def test_an_unknown_variable_is_an_error_naming_it() -> None:
    with pytest.raises(VariableError) as caught:
        resolve('{"token":"{{TOKNE}}"}', Scope({"TOKEN": "x"}))
    assert str(caught.value) == (
        "Unknown variable {{TOKNE}}: define TOKNE in an --env file"
        " or in the saved connection's variables."
    )
    with pytest.raises(VariableError, match=r"Unknown dynamic variable \{\{\$uuid\}\}"):
        resolve("{{$uuid}}", Scope())


def test_dynamic_variables_are_made_afresh_at_each_use() -> None:
    scope = Scope()
    first, second = resolve("{{$guid}}", scope), resolve("{{$guid}}", scope)
    assert first != second and uuid.UUID(first).version == 4
    stamp = int(resolve("{{$timestamp}}", scope))
    assert abs(stamp - datetime.now().timestamp()) < 3600
    iso = resolve("{{$isoTimestamp}}", scope)
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z", iso), iso
    assert all(0 <= int(resolve("{{$randomInt}}", scope)) <= 1000 for _ in range(50))


def test_text_that_is_not_a_variable_is_left_alone() -> None:
    scope = Scope()
    for text in ('{"a":{"b":1}}', "{{$.n}}", "{{ not a name }}", "{{}}", "{x}"):
        assert resolve(text, scope) == text


def test_env_files_later_files_win(tmp_path: Path) -> None:
    first = tmp_path / "base.env"
    first.write_text("TOKEN=base\nHOST=127.0.0.1\n# a comment\nexport ROOM='lob by'\nEMPTY\n")
    second = tmp_path / "local.env"
    second.write_text('TOKEN="local"\nURL=ws://${HOST}/\n')
    assert read_env_files([first, second]) == {
        "TOKEN": "local",
        "HOST": "127.0.0.1",
        "ROOM": "lob by",
        "URL": "ws://${HOST}/",  # taken as written: no expansion from the environment
    }


def test_an_unreadable_env_file_is_one_sentence(tmp_path: Path) -> None:
    with pytest.raises(VariableError, match=r"^Cannot read the env file .*nope\.env.*\.$"):
        read_env_files([tmp_path / "nope.env"])


def test_unresolve_puts_values_back_as_references_longest_first() -> None:
    values = {"TOKEN": "abc123", "SHORT": "ab", "LONG": "abc123-xyz"}
    assert unresolve("x abc123-xyz y abc123", values, shortest=4) == "x {{LONG}} y {{TOKEN}}"
