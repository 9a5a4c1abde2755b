"""Secrets in URLs (credentials, token-like query parameters) never reach stderr or exports."""

from __future__ import annotations

from pathlib import Path

import orjson
from click.testing import CliRunner

from sockscope.commands.convert import convert
from sockscope.commands.record import record
from sockscope.core.formats.jsonl import read_jsonl
from sockscope.core.formats.redact import redact_url
from sockscope.servers.demo import DemoServerThread

SECRETS = ("hunter2", "s3cr3t-t0k3n", "k3y-value", "s1gnature")


def secret_url(demo_server: DemoServerThread) -> str:
    url = demo_server.url("/echo").replace("ws://", "ws://alice:hunter2@")
    return f"{url}?room=7&access_token=s3cr3t-t0k3n&API-Key=k3y-value&sig=s1gnature"


def test_record_prints_no_secret_and_its_file_keeps_them_only_when_asked(
    demo_server: DemoServerThread, tmp_path: Path
) -> None:
    url = secret_url(demo_server)
    redacted, kept = tmp_path / "redacted.jsonl", tmp_path / "kept.jsonl"
    runner = CliRunner()
    quiet = runner.invoke(record, [url, "-o", str(redacted), "--send", "x", "--count", "1"])
    loud = runner.invoke(
        record, [url, "-o", str(kept), "--send", "x", "--count", "1", "--include-secrets"]
    )
    assert quiet.exit_code == loud.exit_code == 0, quiet.output + loud.output
    for result in (quiet, loud):
        assert " open   ws://[redacted]@127.0.0.1:" in result.stderr
        assert "room=7&access_token=[redacted]&API-Key=[redacted]&sig=[redacted]" in (result.stderr)
        assert not any(secret in result.stderr for secret in SECRETS)
    assert not any(secret in redacted.read_text() for secret in SECRETS)
    assert all(secret in kept.read_text() for secret in SECRETS)
    shown = "?room=7&access_token=[redacted]&API-Key=[redacted]&sig=[redacted]"
    assert read_jsonl(redacted).header.url.endswith(shown)


def test_convert_redacts_query_secrets_in_jsonl_and_har(
    demo_server: DemoServerThread, tmp_path: Path
) -> None:
    source = tmp_path / "kept.jsonl"
    url = secret_url(demo_server)
    runner = CliRunner()
    assert (
        runner.invoke(
            record,
            [url, "-o", str(source), "--send", "x", "--count", "1", "-q", "--include-secrets"],
        ).exit_code
        == 0
    )
    for name in ("out.jsonl", "out.har"):
        target = tmp_path / name
        result = runner.invoke(convert, [str(source), str(target)])
        assert result.exit_code == 0, result.output
        assert not any(secret in target.read_text() for secret in SECRETS), name
    entry = orjson.loads((tmp_path / "out.har").read_bytes())["log"]["entries"][0]
    assert {"name": "access_token", "value": "[redacted]"} in entry["request"]["queryString"]
    assert {"name": "room", "value": "7"} in entry["request"]["queryString"]
    kept = tmp_path / "kept.har"
    assert runner.invoke(convert, [str(source), str(kept), "--include-secrets"]).exit_code == 0
    assert all(secret in kept.read_text() for secret in SECRETS)


def test_redact_url_changes_only_the_secret_parts() -> None:
    assert (
        redact_url("wss://h/p?token=&tokens=1&key#token=x")
        == "wss://h/p?token=&tokens=1&key#token=x"
    )
    assert redact_url("wss://h?Sig=a%20b&x=1") == "wss://h?Sig=[redacted]&x=1"
    assert redact_url("wss://h/p%3Fa?password=p") == "wss://h/p%3Fa?password=[redacted]"
