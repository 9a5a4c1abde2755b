"""Composer modes turn typed text into messages, or say exactly what is wrong."""

from __future__ import annotations

import pytest

from sockscope.core.text.compose import ComposeError, ComposeMode, check_close, compose


def test_text_and_json_modes() -> None:
    assert compose(ComposeMode.TEXT, "hi").text == "hi"
    assert compose(ComposeMode.JSON, '{ "a" : 1 }', minify=True).text == '{"a":1}'
    with pytest.raises(ComposeError, match="Invalid JSON at line 2, column 1"):
        compose(ComposeMode.JSON, '{"a":\n}')


def test_binary_modes() -> None:
    assert compose(ComposeMode.HEX, "00 ff 0x10").data == b"\x00\xff\x10"
    assert compose(ComposeMode.BASE64, "AP8=").data == b"\x00\xff"
    with pytest.raises(ComposeError, match="hex"):
        compose(ComposeMode.HEX, "zz")
    with pytest.raises(ComposeError, match="base64"):
        compose(ComposeMode.BASE64, "@@@")


def test_file_and_ping_modes(tmp_path) -> None:  # type: ignore[no-untyped-def]
    path = tmp_path / "blob.bin"
    path.write_bytes(b"\x01\x02")
    assert compose(ComposeMode.FILE, str(path)).data == b"\x01\x02"
    with pytest.raises(ComposeError, match="Cannot read"):
        compose(ComposeMode.FILE, str(tmp_path / "missing"))
    assert compose(ComposeMode.PING, "hb").ping
    with pytest.raises(ComposeError, match="at most 125 bytes"):
        compose(ComposeMode.PING, "x" * 200)


def test_close_codes_checked() -> None:
    check_close(4000, "bye")
    with pytest.raises(ComposeError, match="cannot be sent"):
        check_close(1006, "")
    with pytest.raises(ComposeError, match="123 bytes"):
        check_close(1000, "x" * 124)
