"""Saved connections and --env on the command line, against real local servers."""

from __future__ import annotations

import shlex
from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner
from websockets.asyncio.server import ServerConnection

from server_thread import ServerThread
from sockscope.cli import main
from sockscope.core.formats import redact
from sockscope.core.formats.jsonl import read_jsonl
from sockscope.core.store.frames import Kind, Opcode

TOKEN = "tok-from-the-env-file-0042"


class HeaderServer:
    """Answers each connection with what it was sent, after checking the token."""

    def __init__(self) -> None:
        self.seen: list[dict[str, str]] = []
        self.thread = ServerThread(self.handle)

    async def handle(self, connection: ServerConnection) -> None:
        headers = connection.request.headers if connection.request else None
        seen = {name.lower(): value for name, value in (headers.raw_items() if headers else [])}
        seen["path"] = connection.request.path if connection.request else ""
        self.seen.append(seen)
        if seen.get("authorization") != f"Bearer {TOKEN}":
            await connection.close(4001, "bad token")
            return
        async for message in connection:
            await connection.send(f"echo {message}")


@pytest.fixture
def server() -> Iterator[HeaderServer]:
    server = HeaderServer()
    server.thread.start()
    yield server
    server.thread.stop()


@pytest.fixture(autouse=True)
def fresh_redaction(monkeypatch: pytest.MonkeyPatch) -> None:
    """--env values are redacted process-wide: each test starts with none."""
    monkeypatch.setattr(redact, "_SECRET_VALUES", set())


def saved_file(folder: Path, port: int) -> Path:
    path = folder / "staging.sockscope.yaml"
    path.write_text(
        "name: staging\n"
        "url: ws://127.0.0.1:{{PORT}}/feed?room={{ROOM}}\n"
        "headers:\n"
        "  Authorization: Bearer {{TOKEN}}\n"
        "on_open:\n"
        '  - \'{"op":"hello","room":"{{ROOM}}"}\'\n'
        "variables:\n"
        f"  PORT: '{port}'\n"
        "  ROOM: lobby\n"
        "  TOKEN: the-files-token-is-overridden\n"
    )
    return path


def test_record_a_saved_connection_with_a_token_from_an_env_file(
    server: HeaderServer, tmp_path: Path
) -> None:
    saved = saved_file(tmp_path, server.thread.port)
    env = tmp_path / ".env"
    env.write_text(f"TOKEN={TOKEN}\n")
    out = tmp_path / "out.jsonl"
    result = CliRunner().invoke(
        main,
        ["record", str(saved), "--env", str(env), "-o", str(out), "--count", "2",
         "--send", "at {{$timestamp}} in {{ROOM}}", "-H", "X-Extra: {{ROOM}}"],
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    (seen,) = server.seen
    assert seen["authorization"] == f"Bearer {TOKEN}"  # the env file won over the file's
    assert seen["x-extra"] == "lobby" and seen["path"] == "/feed?room=lobby"
    log = read_jsonl(out)
    store = log.store
    received = [
        store.payload(i).decode()
        for i in range(len(store))
        if store.kind(i) is Kind.RECV and store.opcode(i) is Opcode.TEXT
    ]
    assert received[0] == 'echo {"op":"hello","room":"lobby"}'
    assert received[1].startswith("echo at ") and received[1].endswith(" in lobby")
    assert received[1].split()[2].isdigit()
    # The env file's token is a credential: not in the log (Authorization is redacted anyway).
    assert TOKEN not in out.read_text()


def test_an_env_value_in_an_ordinary_header_is_redacted_from_the_log(
    server: HeaderServer, tmp_path: Path
) -> None:
    env = tmp_path / "secrets.env"
    env.write_text(f"TOKEN={TOKEN}\nKEY=key-value-9876\n")
    out = tmp_path / "out.jsonl"
    result = CliRunner().invoke(
        main,
        ["record", server.thread.url, "--env", str(env), "-o", str(out), "--count", "1",
         "-H", "Authorization: Bearer {{TOKEN}}", "-H", "X-Api-Key: {{KEY}}", "--send", "x"],
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    assert server.seen[0]["x-api-key"] == "key-value-9876"
    sent = dict(read_jsonl(out).store.info(0)["request_headers"])
    assert sent["X-Api-Key"] == "[redacted]" and sent["Authorization"] == "[redacted]"
    assert "key-value-9876" not in out.read_text()


def test_an_unknown_variable_exits_2_naming_it(server: HeaderServer, tmp_path: Path) -> None:
    saved = saved_file(tmp_path, server.thread.port)
    saved.write_text(saved.read_text().replace("{{ROOM}}", "{{ROMO}}", 1))
    result = CliRunner().invoke(main, ["record", str(saved), "-o", str(tmp_path / "o.jsonl")])
    assert result.exit_code == 2
    assert result.stderr == (
        "sockscope: error: Unknown variable {{ROMO}}: define ROMO in an --env file"
        " or in the saved connection's variables.\n"
    )
    assert server.seen == []


def test_a_bad_saved_file_exits_2_naming_file_line_and_key(tmp_path: Path) -> None:
    saved = tmp_path / "bad.sockscope.yaml"
    saved.write_text("url: ws://127.0.0.1:9/\noptions:\n  pingg: 3\n")
    result = CliRunner().invoke(main, ["record", str(saved), "-o", str(tmp_path / "o.jsonl")])
    assert result.exit_code == 2
    assert result.stderr.startswith(
        f"sockscope: error: {saved}, line 3: unknown key 'pingg' in options (known: insecure,"
    )


def test_options_typed_go_over_the_saved_files(server: HeaderServer, tmp_path: Path) -> None:
    saved = saved_file(tmp_path, server.thread.port)
    out = tmp_path / "o.jsonl"
    result = CliRunner().invoke(
        main,
        ["record", str(saved), "-o", str(out), "--count", "1", "--origin", "http://typed",
         "-H", f"Authorization: Bearer {TOKEN}"],
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    (seen,) = server.seen
    assert seen["origin"] == "http://typed"
    # Headers add up: the file's (with its own token), then the typed one (the server
    # keeps the last of a repeated header).
    assert seen["authorization"] == f"Bearer {TOKEN}"


def test_curl_print_gives_a_command_line_that_connects_the_same(
    server: HeaderServer, tmp_path: Path
) -> None:
    result = CliRunner().invoke(
        main,
        ["curl", server.thread.url.replace("ws://", "http://") + "feed?x=1", "-H",
         f"Authorization: Bearer {TOKEN}", "-b", "sid=abc", "-H", "Origin: http://x",
         "-H", "Sec-WebSocket-Key: c3RhbGUga2V5IGZyb20gY2hyb21l", "-H", "Upgrade: websocket",
         "--compressed", "--print"],
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    printed = result.stdout.strip()
    assert printed == shlex.join(
        ["sockscope", f"ws://127.0.0.1:{server.thread.port}/feed?x=1", "-H",
         f"Authorization: Bearer {TOKEN}", "-H", "Cookie: sid=abc", "--origin", "http://x"]
    )  # fmt: skip
    words = shlex.split(printed)[1:]
    out = tmp_path / "o.jsonl"
    again = CliRunner().invoke(main, ["record", *words, "-o", str(out), "--count", "1",
                                      "--send", "hi"])  # fmt: skip
    assert again.exit_code == 0, again.output
    (seen,) = server.seen
    assert (seen["cookie"], seen["origin"], seen["path"]) == ("sid=abc", "http://x", "/feed?x=1")
    assert seen["sec-websocket-key"] != "c3RhbGUga2V5IGZyb20gY2hyb21l"  # made afresh


def test_replay_against_a_saved_connection(server: HeaderServer, tmp_path: Path) -> None:
    saved = saved_file(tmp_path, server.thread.port)
    env = tmp_path / ".env"
    env.write_text(f"TOKEN={TOKEN}\n")
    log = tmp_path / "first.jsonl"
    first = CliRunner().invoke(main, ["record", str(saved), "--env", str(env), "-o", str(log),
                                      "--count", "2", "--send", "two"])  # fmt: skip
    assert first.exit_code == 0, first.output
    result = CliRunner().invoke(
        main, ["replay", str(log), "--url", str(saved), "--env", str(env), "--fast", "--check"]
    )
    assert result.exit_code == 0, result.output
    assert [seen["authorization"] for seen in server.seen] == [f"Bearer {TOKEN}"] * 2
