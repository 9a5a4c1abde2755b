"""Safe display: control characters visible, close codes named, hex dumps aligned."""

from __future__ import annotations

import pytest

from sockscope.core.text.display import (
    close_code_name,
    describe_close,
    from_hex,
    hexdump,
    preview,
    safe_block,
    safe_line,
)


def test_controls_become_visible_symbols() -> None:
    assert safe_line("\x1b[2J\x00\x07") == "␛[2J␀␇"
    assert safe_line("a\nb\tc") == "a␊b␉c"
    assert safe_block("a\nb\tc\x1b") == "a\nb\tc␛"
    assert safe_line("\u202eevil") == "\\u202eevil"
    assert safe_line("\x9b31m") == "\\x9b31m"


def test_markup_is_left_as_text() -> None:
    assert safe_line("[bold red]x[/]") == "[bold red]x[/]"


def test_preview_of_text_and_binary() -> None:
    assert preview(b'{"a": 1}\n', True) == '{"a": 1}␊'
    assert preview(b"\x00\xff\x10", False) == "00 ff 10"
    assert len(preview(b"x" * 1000, True, width=50)) == 50


def test_close_code_names() -> None:
    assert close_code_name(1000) == "normal closure"
    assert close_code_name(1006) == "abnormal closure"
    assert close_code_name(1009) == "message too big"
    assert close_code_name(3001) == "registered application code"
    assert close_code_name(4001) == "application code"
    assert describe_close(4001, "unauthorized", True) == (
        '4001 application code "unauthorized" · clean'
    )
    assert describe_close(1006, "", False) == "1006 abnormal closure · not clean"


def test_hexdump_lines() -> None:
    lines = hexdump(bytes(range(20)))
    assert lines[0] == (
        "00000000  00 01 02 03 04 05 06 07  08 09 0a 0b 0c 0d 0e 0f  ................"
    )
    assert lines[1].startswith("00000010  10 11 12 13")
    assert lines[1].endswith("....")


@pytest.mark.parametrize(
    ("typed", "error"),
    [
        ("00 ff zz 11", "Not hex at column 7: 'zz'"),
        ("0011223", "Odd number of hex digits (7)"),
        ("00 ff\n1g", "Not hex at line 2, column 2: 'g'"),
        ("0x00:0xfg", "Not hex at column 9: 'g'"),
    ],
)
def test_hex_errors_name_the_column_as_typed(typed: str, error: str) -> None:
    with pytest.raises(ValueError) as caught:
        from_hex(typed)
    assert str(caught.value) == error


def test_hex_allows_spaces_colons_and_prefixes() -> None:
    assert from_hex("0x00 0XfF:7f\n 01") == b"\x00\xff\x7f\x01"
