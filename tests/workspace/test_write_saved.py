"""Writing a saved connection: env values never land in the file; comments survive."""

from __future__ import annotations

import re
from pathlib import Path

from sockscope.core.settings import ConnectionSettings
from sockscope.core.workspace.parse import parse_saved, read_saved
from sockscope.core.workspace.write import connection_yaml, save_connection

ORIGINAL = """\
# The chat service, staging.
name: chat
url: ws://127.0.0.1:{{PORT}}/chat  # port from the variables
headers:
  Authorization: Bearer {{TOKEN}}
on_open:
  - '{"op":"hello","at":{{$timestamp}}}'
messages:
  - name: hi
    body: hello
variables:
  PORT: '8080'
  SID: abcdef
"""

ENV = {"TOKEN": "s3cr3t-token"}


def test_a_new_file_reads_back_as_the_same_settings(tmp_path: Path) -> None:
    settings = ConnectionSettings(
        url="wss://x.example/ws?a=1",
        headers=(("X-A", "1"), ("X-B", "two words")),
        subprotocols=("v1",),
        origin="https://x.example",
        insecure=True,
        ping_interval=None,
        max_size=None,
        on_open=('{"op":"sub"}', "plain: text"),
        protocol="json-rpc",
    )
    path = tmp_path / "x.sockscope.yaml"
    save_connection(path, "X", settings)
    again = read_saved(path)
    assert again.name == "X" and again.settings == settings


def test_env_values_never_land_in_the_file(tmp_path: Path) -> None:
    template = parse_saved(ORIGINAL, tmp_path / "chat.sockscope.yaml")
    settings = template.resolved(ENV)
    # The user added two headers in the panel; one holds the env file's token.
    settings = settings._replace(
        headers=(*settings.headers, ("Cookie", "sid=abcdef"), ("X-Key", "s3cr3t-token")),
    )
    text = connection_yaml("chat", settings, template=template, env=ENV)
    assert "s3cr3t-token" not in text
    again = parse_saved(text, tmp_path / "chat.sockscope.yaml")
    assert dict(again.settings.headers) == {
        "Authorization": "Bearer {{TOKEN}}",  # unchanged: the template's reference
        "Cookie": "sid={{SID}}",  # a secret header: the file's own variable, as a reference
        "X-Key": "{{TOKEN}}",  # new, but an env value: put back as its name
    }
    assert again.settings.url == "ws://127.0.0.1:{{PORT}}/chat"
    # A dynamic variable's value changes each time: the template still matches.
    assert again.settings.on_open == ('{"op":"hello","at":{{$timestamp}}}',)
    assert again.messages == template.messages and again.variables == template.variables


def test_writing_over_a_file_keeps_its_comments_and_other_keys(tmp_path: Path) -> None:
    path = tmp_path / "chat.sockscope.yaml"
    path.write_text(ORIGINAL)
    template = read_saved(path)
    settings = template.resolved(ENV)._replace(url="ws://127.0.0.1:9999/chat", ping_interval=5.0)
    save_connection(path, "chat", settings, template=template, env=ENV)
    text = path.read_text()
    assert text.startswith("# The chat service, staging.\nname: chat\n")
    assert re.search(r"^url: ws://127\.0\.0\.1:9999/chat +# port from the variables$", text, re.M)
    assert "options:\n  ping: 5.0\n" in text
    # options goes with the connection's keys, before the saved messages
    assert text.index("options:") < text.index("on_open:") < text.index("messages:")
    again = read_saved(path)
    assert again.settings.ping_interval == 5.0 and again.messages == template.messages
    assert "s3cr3t-token" not in text
