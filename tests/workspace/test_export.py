"""The current settings as ``sockscope``, ``websocat`` and ``wscat`` command lines."""

from __future__ import annotations

import shlex

from sockscope.core.settings import ConnectionSettings
from sockscope.core.workspace.export import (
    as_sockscope_command,
    as_websocat_command,
    as_wscat_command,
)

SETTINGS = ConnectionSettings(
    url="wss://x.example/ws?a=1&b=2",
    headers=(("Cookie", "sid=a b; c='d'"), ("X-N", "1")),
    subprotocols=("v2", "v1"),
    origin="https://x.example",
    insecure=True,
    ping_interval=None,
    on_open=('{"op":"hi"}',),
)


def test_sockscope_command_line_is_quoted_and_says_only_what_differs() -> None:
    exported = as_sockscope_command(SETTINGS)
    assert exported.command == (
        "sockscope 'wss://x.example/ws?a=1&b=2' -H 'Cookie: sid=a b; c='\"'\"'d'\"'\"''"
        " -H 'X-N: 1' -s v2 -s v1 --origin https://x.example -k --ping-interval 0"
        ' --on-open \'{"op":"hi"}\''
    )
    assert shlex.split(exported.command)[3] == "Cookie: sid=a b; c='d'"
    assert exported.left_out == ()
    assert as_sockscope_command(ConnectionSettings(url="ws://h/")).command == "sockscope ws://h/"


def test_websocat_and_wscat_commands_and_what_they_cannot_say() -> None:
    websocat = as_websocat_command(SETTINGS._replace(ca_file="ca.pem"))
    assert shlex.split(websocat.command) == [
        "websocat", "-H", "Cookie: sid=a b; c='d'", "-H", "X-N: 1", "--origin",
        "https://x.example", "--protocol", "v2, v1", "-k", "wss://x.example/ws?a=1&b=2",
    ]  # fmt: skip
    assert websocat.left_out == ("on-open messages", "--ca")
    wscat = as_wscat_command(SETTINGS._replace(user_agent="ua/1", proxy="http://p:1"))
    assert shlex.split(wscat.command) == [
        "wscat", "-c", "wss://x.example/ws?a=1&b=2", "-H", "Cookie: sid=a b; c='d'", "-H",
        "X-N: 1", "-H", "User-Agent: ua/1", "-o", "https://x.example", "-s", "v2", "-s", "v1",
        "-n", "--proxy", "http://p:1",
    ]  # fmt: skip
    assert wscat.left_out == ("on-open messages",)
