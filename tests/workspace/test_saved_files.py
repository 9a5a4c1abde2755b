"""Saved connection files: parsed into settings, mistakes named by file, line and key."""

from __future__ import annotations

from pathlib import Path

import pytest

from sockscope.core.settings import ConnectionSettings
from sockscope.core.workspace.collection import load_collection
from sockscope.core.workspace.parse import SavedFileError, parse_saved, read_saved
from sockscope.core.workspace.saved import ReplyRule, SavedMessage, Timer

FULL = """\
name: Chat, staging
url: wss://chat.example/ws?room={{ROOM}}
headers:
  Authorization: Bearer {{TOKEN}}
  X-Client: sockscope
subprotocols: [chat.v2, chat.v1]
origin: https://chat.example
protocol: json-rpc
options:
  insecure: true
  ca: certs/ca.pem
  proxy: http://proxy.local:3128
  compression: false
  ping: 0
  max_size: 1024
  reconnect: true
  open_timeout: 3
  user_agent: tester/1
on_open:
  - '{"op":"auth","token":"{{TOKEN}}"}'
messages:
  - name: hello
    body: '{"op":"hello"}'
    mode: json
  - body: plain
replies:
  - match: '$.op == "ping"'
    reply: '{"op":"pong","n":{{$.n}}}'
every:
  - seconds: 2.5
    message: '{"op":"beat","at":{{$timestamp}}}'
variables:
  ROOM: lobby
  TOKEN: from-the-file
"""


def test_every_key_of_a_full_file_lands_where_it_belongs(tmp_path: Path) -> None:
    path = tmp_path / "chat.sockscope.yaml"
    saved = parse_saved(FULL, path)
    assert saved.name == "Chat, staging"
    assert saved.settings == ConnectionSettings(
        url="wss://chat.example/ws?room={{ROOM}}",
        headers=(("Authorization", "Bearer {{TOKEN}}"), ("X-Client", "sockscope")),
        subprotocols=("chat.v2", "chat.v1"),
        origin="https://chat.example",
        user_agent="tester/1",
        insecure=True,
        ca_file="certs/ca.pem",
        proxy="http://proxy.local:3128",
        compression=False,
        ping_interval=None,
        open_timeout=3.0,
        max_size=1024,
        on_open=('{"op":"auth","token":"{{TOKEN}}"}',),
        reconnect=True,
        protocol="json-rpc",
    )
    assert saved.messages == (
        SavedMessage("hello", '{"op":"hello"}', "json"),
        SavedMessage("plain", "plain", "text"),
    )
    assert saved.replies == (ReplyRule('$.op == "ping"', '{"op":"pong","n":{{$.n}}}'),)
    assert saved.every == (Timer(2.5, '{"op":"beat","at":{{$timestamp}}}'),)
    assert saved.variables == (("ROOM", "lobby"), ("TOKEN", "from-the-file"))


def test_resolving_takes_env_first_then_the_files_variables(tmp_path: Path) -> None:
    saved = parse_saved(FULL, tmp_path / "chat.sockscope.yaml")
    settings = saved.resolved({"TOKEN": "from-env"})
    assert settings.url == "wss://chat.example/ws?room=lobby"
    assert dict(settings.headers)["Authorization"] == "Bearer from-env"
    assert settings.on_open == ('{"op":"auth","token":"from-env"}',)
    # A relative certificate path is the file's neighbour, wherever sockscope runs from.
    assert settings.ca_file == str(tmp_path / "certs/ca.pem")


def test_a_file_without_a_name_is_named_by_its_file(tmp_path: Path) -> None:
    saved = parse_saved("url: ws://127.0.0.1:9/\n", tmp_path / "echo.sockscope.yaml")
    assert saved.name == "echo"
    assert saved.settings == ConnectionSettings(url="ws://127.0.0.1:9/")


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (
            "url: ws://x/\noptons:\n  ping: 1\n",
            "f.sockscope.yaml, line 2: unknown key 'optons' (known: name, url,",
        ),
        (
            "url: ws://x/\noptions:\n  ping: 1\n  pign: 2\n",
            "f.sockscope.yaml, line 4: unknown key 'pign' in options (known: insecure,",
        ),
        (
            "url: ws://x/\nheaders: {A: [1\n",
            "f.sockscope.yaml, line 3: the YAML is malformed:",
        ),
        ("url: [ws://x/]\n", "f.sockscope.yaml, line 1: 'url' must be text."),
        (
            "url: ws://x/\noptions:\n  insecure: maybe\n",
            "f.sockscope.yaml, line 3: 'insecure' must be true or false.",
        ),
        (
            "url: ws://x/\nmessages:\n  - name: a\n    bodie: b\n",
            "f.sockscope.yaml, line 4: unknown key 'bodie' in a message (known: name, body, mode).",
        ),
        (
            "url: ws://x/\nevery:\n  - message: m\n    seconds: -1\n",
            "f.sockscope.yaml, line 4: 'seconds' cannot be negative.",
        ),
        ("- just\n- a list\n", "f.sockscope.yaml: a saved connection is a map of keys"),
    ],
)
def test_a_mistake_is_one_sentence_naming_file_line_and_key(text: str, message: str) -> None:
    with pytest.raises(SavedFileError) as caught:
        parse_saved(text, Path("f.sockscope.yaml"))
    said = str(caught.value)
    assert said.startswith(message), said
    assert "\n" not in said and said.endswith(".")


def test_an_unreadable_file_is_one_sentence(tmp_path: Path) -> None:
    path = tmp_path / "latin.sockscope.yaml"
    path.write_bytes(b"url: ws://x/\nname: caf\xe9\n")
    with pytest.raises(SavedFileError, match=r"is not UTF-8 text\.$"):
        read_saved(path)
    with pytest.raises(SavedFileError, match=r"Cannot read the saved connection .*missing"):
        read_saved(tmp_path / "missing.sockscope.yaml")


def test_a_collection_loads_every_good_file_and_names_the_bad_one(tmp_path: Path) -> None:
    (tmp_path / "prod" / "eu").mkdir(parents=True)
    (tmp_path / ".git").mkdir()
    (tmp_path / "echo.sockscope.yaml").write_text("url: ws://127.0.0.1:1/echo\n")
    (tmp_path / "prod" / "feed.sockscope.yaml").write_text("name: Feed\nurl: wss://feed/\n")
    (tmp_path / "prod" / "eu" / "broken.sockscope.yaml").write_text("url: ws://x/\nheader: {}\n")
    (tmp_path / "prod" / "eu" / "ok.sockscope.yml").write_text("url: ws://eu/\n")
    (tmp_path / ".git" / "hidden.sockscope.yaml").write_text("url: ws://hidden/\n")
    (tmp_path / "notes.yaml").write_text("not: a connection\n")
    collection = load_collection(tmp_path)
    assert [(e.folder, e.connection.name) for e in collection.entries] == [
        ((), "echo"),
        (("prod",), "Feed"),
        (("prod", "eu"), "ok"),
    ]
    broken = tmp_path / "prod" / "eu" / "broken.sockscope.yaml"
    assert collection.errors == (
        f"{broken}, line 2: unknown key 'header' (known: name, url, headers, subprotocols,"
        " origin, protocol, options, on_open, messages, replies, every, variables).",
    )
    assert collection.find("prod/Feed") == collection.find("Feed") is not None
