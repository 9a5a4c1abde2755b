"""``Copy as cURL`` of a WebSocket request, as Chrome 120+ writes it, into settings."""

from __future__ import annotations

import pytest

from sockscope.core.settings import ConnectionSettings
from sockscope.core.workspace.curl import CurlError, parse_curl_args, parse_curl_command

#: Chrome 131's DevTools, Network panel, a WebSocket request, "Copy as cURL (bash)": one
#: header a line ending in `` \``, single quotes, cookies as ``-b``, ``--compressed`` at the end.
CHROME = r"""curl 'wss://stream.example.com/socket/v2?room=lobby&v=3' \
  -H 'Upgrade: websocket' \
  -H 'Origin: https://app.example.com' \
  -H 'Cache-Control: no-cache' \
  -H 'Accept-Language: en-GB,en-US;q=0.9,en;q=0.8' \
  -H 'Pragma: no-cache' \
  -b 'session=eyJhbGciOiJIUzI1NiJ9.e30.sig; theme=dark; _ga=GA1.2.123.456' \
  -H 'Connection: Upgrade' \
  -H 'Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==' \
  -H 'User-Agent: Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36' \
  -H 'Sec-WebSocket-Version: 13' \
  -H 'Sec-WebSocket-Protocol: graphql-transport-ws, graphql-ws' \
  -H 'Sec-WebSocket-Extensions: permessage-deflate; client_max_window_bits' \
  --compressed"""  # noqa: E501


def test_chromes_copy_as_curl_keeps_what_the_server_checks() -> None:
    request = parse_curl_command(CHROME)
    assert request.notices == ()
    assert request.settings == ConnectionSettings(
        url="wss://stream.example.com/socket/v2?room=lobby&v=3",
        headers=(
            ("Cache-Control", "no-cache"),
            ("Accept-Language", "en-GB,en-US;q=0.9,en;q=0.8"),
            ("Pragma", "no-cache"),
            ("Cookie", "session=eyJhbGciOiJIUzI1NiJ9.e30.sig; theme=dark; _ga=GA1.2.123.456"),
        ),
        subprotocols=("graphql-transport-ws", "graphql-ws"),
        origin="https://app.example.com",
        user_agent=(
            "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko)"
            " Chrome/131.0.0.0 Safari/537.36"
        ),
    )


def test_the_other_options_a_copied_command_may_hold() -> None:
    request = parse_curl_args(
        ["-sk", "-X", "GET", "-i", "--http1.1", "https://h.example:8443/ws", "-A", "bot/1",
         "-e", "https://h.example/;auto", "-u", "ann:pw", "--cacert", "ca.pem", "--cert",
         "c.pem", "--key", "k.pem", "-x", "proxy.local:3128", "-HX-Trace: 1",
         "--data-raw", '{"a":1}', "-H", "Empty;", "-H", "Accept:"]
    )  # fmt: skip
    assert request.settings == ConnectionSettings(
        url="wss://h.example:8443/ws",
        headers=(
            ("Referer", "https://h.example/"),
            ("Authorization", "Basic YW5uOnB3"),
            ("X-Trace", "1"),
            ("Empty", ""),
        ),
        user_agent="bot/1",
        insecure=True,
        ca_file="ca.pem",
        cert_file="c.pem",
        key_file="k.pem",
        proxy="http://proxy.local:3128",
    )
    assert request.notices == (
        "--data-raw was ignored: a WebSocket handshake sends no request body.",
        "https:// became wss:// (WebSocket URLs use ws:// or wss://).",
    )


@pytest.mark.parametrize(
    ("args", "message"),
    [
        ([], "The curl command has no URL."),
        (["ws://a/", "ws://b/"], "The curl command names two URLs: 'ws://a/' and 'ws://b/'."),
        (["ws://a/", "--digest"], "The curl option --digest is not one sockscope understands."),
        (["ws://a/", "-H"], "The curl option -H needs a value."),
        (["ws://a/", "-b", "cookies.txt"], "-b 'cookies.txt' names a cookie file"),
        (["ftp://a/"], "Unsupported URL scheme 'ftp'"),
    ],
)
def test_what_cannot_be_followed_is_one_sentence(args: list[str], message: str) -> None:
    with pytest.raises(CurlError if "URL scheme" not in message else ValueError) as caught:
        parse_curl_args(args)
    assert str(caught.value).startswith(message)


def test_a_command_that_does_not_split_is_one_sentence() -> None:
    with pytest.raises(CurlError, match="cannot be split into words: No closing quotation"):
        parse_curl_command("curl 'wss://x/")
