"""Counts in command output read right: ``1 row``, ``1 frame``, ``1 message``."""

from __future__ import annotations

from pathlib import Path

import orjson
from click.testing import CliRunner

from sockscope.cli import main
from sockscope.core.wording import plural
from sockscope.servers.demo import DemoServerThread


def test_plural_says_one_and_many() -> None:
    assert [plural(n, "frame") for n in (0, 1, 2)] == ["0 frames", "1 frame", "2 frames"]
    assert (
        plural(1, "entry", "entries") == "1 entry" and plural(3, "entry", "entries") == "3 entries"
    )


def test_record_and_convert_say_one_frame_and_one_row(
    demo_server: DemoServerThread, tmp_path: Path
) -> None:
    runner = CliRunner()
    log = tmp_path / "closed.jsonl"
    recorded = runner.invoke(main, ["record", demo_server.url("/close?code=1000"), "-o", str(log)])
    assert recorded.exit_code == 0, recorded.output
    assert "rows: 1 frame sent, 1 received)" in recorded.stderr  # the close, both ways
    one_row = tmp_path / "one.jsonl"
    one_row.write_bytes(
        b'{"sockscope":1,"url":"ws://h/"}\n{"t":1.5,"kind":"note","message":"hi"}\n'
    )
    converted = runner.invoke(main, ["convert", str(one_row), str(tmp_path / "one.har")])
    assert converted.exit_code == 0, converted.output
    assert "(1 row, secrets redacted)" in converted.stderr


def test_har_errors_and_warnings_say_one_entry_and_one_message(tmp_path: Path) -> None:
    def har(*entries: object) -> Path:
        path = tmp_path / f"{len(list(tmp_path.iterdir()))}.har"
        path.write_bytes(orjson.dumps({"log": {"version": "1.2", "entries": list(entries)}}))
        return path

    page = {"request": {"url": "https://h/"}, "response": {"status": 200}}
    runner = CliRunner()
    none = runner.invoke(main, ["convert", str(har(page)), str(tmp_path / "x.jsonl")])
    assert "no WebSocket entry among its 1 entry" in none.stderr

    def socket(url: str, *messages: object) -> dict[str, object]:
        return {"_resourceType": "websocket", "request": {"url": url},
                "response": {"status": 101}, "_webSocketMessages": list(messages)}  # fmt: skip

    text = {"type": "send", "time": 1.0, "opcode": 1, "data": "x"}
    two = har(socket("ws://a/", text), socket("ws://b/", text, text))
    choose = runner.invoke(main, ["convert", str(two), str(tmp_path / "y.jsonl")])
    assert "1: ws://a/ (1 message); 2: ws://b/ (2 messages)" in choose.stderr
    odd = har(socket("ws://a/", text, {**text, "opcode": 9}))
    skipped = runner.invoke(main, ["convert", str(odd), str(tmp_path / "z.jsonl")])
    assert skipped.exit_code == 0, skipped.output
    assert "skipped 1 message with an opcode" in skipped.stderr
