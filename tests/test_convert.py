"""``sockscope convert``: JSONL <-> HAR by extension, redacting by default, exit 2 on errors."""

from __future__ import annotations

from pathlib import Path

import orjson
import pytest
from click.testing import CliRunner, Result

from log_samples import HEADER, rows_of, sample_store
from sockscope.commands.convert import convert
from sockscope.core.formats.har import read_har
from sockscope.core.formats.journal import write_store
from sockscope.core.formats.jsonl import read_jsonl
from sockscope.core.store.frames import FrameStore, Kind, Opcode

CHROME = Path(__file__).parent / "fixtures" / "chrome.har"


def run(*args: str | Path) -> Result:
    return CliRunner().invoke(convert, [str(a) for a in args])


@pytest.fixture
def session(tmp_path: Path) -> Path:
    path = tmp_path / "session.jsonl"
    write_store(path, sample_store(), HEADER, redact=False)
    return path


def test_jsonl_to_har_redacts_by_default(session: Path, tmp_path: Path) -> None:
    result = run(session, tmp_path / "out.har")
    assert result.exit_code == 0, result.output
    out = tmp_path / "out.har"
    assert "hunter2" not in out.read_text() and "token-123" not in out.read_text()
    assert [r[3] for r in rows_of(read_har(out).store)] == [r[3] for r in rows_of(sample_store())]
    assert result.stderr == f"sockscope: wrote {out} (14 rows, secrets redacted)\n"
    assert result.stdout == ""


def test_include_secrets_keeps_them_and_round_trips_exactly(session: Path, tmp_path: Path) -> None:
    har, back = tmp_path / "out.har", tmp_path / "back.ndjson"
    assert run(session, har, "--include-secrets").exit_code == 0
    assert run(har, back, "--include-secrets").exit_code == 0
    assert back.read_bytes() == session.read_bytes()


def test_a_chrome_har_entry_becomes_a_jsonl_log(tmp_path: Path) -> None:
    out = tmp_path / "feed.jsonl"
    result = run(CHROME, out, "--entry", "2")
    assert result.exit_code == 0, result.output
    log = read_jsonl(out)
    assert log.header.url == "wss://feed.example.net/prices"
    assert [log.store.payload(i) for i in (1, 2)] == [b'{"EURUSD":1.0841}', b'{"EURUSD":1.0843}']
    assert run(CHROME, tmp_path / "app.jsonl", "--entry", "socket?room").exit_code == 0
    cookie = read_jsonl(tmp_path / "app.jsonl").store.info(0)["request_headers"][3]
    assert cookie == ["Cookie", "[redacted]"]


def test_a_cut_off_log_converts_with_a_warning(session: Path, tmp_path: Path) -> None:
    session.write_bytes(session.read_bytes()[:-10])
    result = run(session, tmp_path / "out.har")
    assert result.exit_code == 0
    assert result.stderr.startswith("sockscope: warning: line 15 was cut off")
    assert "(13 rows, secrets redacted)" in result.stderr


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("missing.jsonl", "out.har"), "Cannot open missing.jsonl: No such file or directory."),
        ((CHROME, "out.har"), "it has 2 WebSocket entries; pick one by number or URL part"),
        ((CHROME, "out.har", "--entry", "9"), "there is no WebSocket entry 9"),
        ((CHROME, "out.txt"), "Cannot tell which format to write from 'out.txt'"),
        ((CHROME, "nowhere/out.har", "--entry", "1"), "Cannot write nowhere/out.har"),
    ],
)
def test_errors_are_one_line_and_exit_2(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, args: tuple[str | Path, ...], message: str
) -> None:
    monkeypatch.chdir(tmp_path)
    result = run(*args)
    assert result.exit_code == 2
    assert result.stderr.startswith("sockscope: error: ")
    assert message in result.stderr
    assert result.stderr.count("\n") == 1 and "Traceback" not in result.output
    assert not (tmp_path / "out.har").exists()


def test_a_bad_line_is_named_and_the_valid_lines_after_it_are_kept(
    tmp_path: Path,
) -> None:
    """A log damaged at line 4 of 6: the bad line is named, the two after it kept."""
    session = tmp_path / "damaged.jsonl"
    store = FrameStore()
    for n in range(5):
        store.append(1_700_000_000 + n, Kind.RECV, Opcode.TEXT, b"row %d" % n)
    write_store(session, store, HEADER, redact=False)
    lines = session.read_bytes().splitlines(keepends=True)
    lines[3] = orjson.dumps({"t": 1, "kind": "recv", "opcode": "binary", "base64": "%%"}) + b"\n"
    session.write_bytes(b"".join(lines))
    out = tmp_path / "out.jsonl"
    result = run(session, out)
    assert result.exit_code == 0, result.output
    assert result.stderr.splitlines() == [
        "sockscope: warning: line 4 skipped: bad base64 in 'base64'",
        f"sockscope: wrote {out} (4 rows, secrets redacted)",
    ]
    kept = out.read_bytes().splitlines()
    assert kept[1:] == [line.rstrip(b"\n") for line in lines[1:3] + lines[4:]]


def test_har_messages_without_opcode_or_time_import_as_text(tmp_path: Path) -> None:
    har = tmp_path / "other-tool.har"
    har.write_text(
        '{"log": {"entries": [{"_resourceType": "websocket",'
        ' "startedDateTime": "2026-01-01T00:00:00Z", "request": {"url": "wss://h/s"},'
        ' "_webSocketMessages": [{"type": "send", "data": "hello"},'
        ' {"type": "receive", "data": "{\\"ok\\": true}"}]}]}}'
    )
    out = tmp_path / "out.jsonl"
    result = run(har, out)
    assert result.exit_code == 0, result.output
    assert "warning" not in result.stderr
    store = read_jsonl(out).store
    frames = [(store.kind(i), store.opcode(i), store.payload(i)) for i in range(1, len(store))]
    assert frames == [
        (Kind.SEND, Opcode.TEXT, b"hello"),
        (Kind.RECV, Opcode.TEXT, b'{"ok": true}'),
    ]
    assert store.time(1) == store.time(2) == store.time(0)  # the open row's time


def test_every_written_log_ends_with_a_newline(tmp_path: Path) -> None:
    """A shell prompt or a later message must not start on the file's last line."""
    source = Path(__file__).parent / "fixtures" / "chrome.har"
    jsonl, har = tmp_path / "c.jsonl", tmp_path / "c.har"
    assert CliRunner().invoke(convert, [str(source), str(jsonl), "--entry", "1"]).exit_code == 0
    assert CliRunner().invoke(convert, [str(jsonl), str(har)]).exit_code == 0
    assert jsonl.read_bytes().endswith(b"\n") and har.read_bytes().endswith(b"\n")
