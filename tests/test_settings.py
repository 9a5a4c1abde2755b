"""URL handling and settings validation: one clear sentence for every bad value."""

from __future__ import annotations

import pytest

from sockscope.core.settings import ConnectionSettings, SettingsError, normalize_url, parse_header


@pytest.mark.parametrize(
    ("typed", "url", "notice"),
    [
        ("localhost:8765/echo", "ws://localhost:8765/echo", None),
        ("ws://h", "ws://h/", None),
        ("WSS://h:443/x?y=1", "wss://h:443/x?y=1", None),
        ("http://h/chat", "ws://h/chat", "http:// became ws://"),
        ("https://h/chat", "wss://h/chat", "https:// became wss://"),
        ("  ws://[::1]:9/  ", "ws://[::1]:9/", None),
    ],
)
def test_normalize_url(typed: str, url: str, notice: str | None) -> None:
    result = normalize_url(typed)
    assert result.url == url
    if notice is None:
        assert result.notice is None
    else:
        assert result.notice is not None and result.notice.startswith(notice)


@pytest.mark.parametrize(
    ("typed", "message"),
    [
        ("", "The URL is empty."),
        ("ftp://h/", "Unsupported URL scheme 'ftp'"),
        ("ws://", "has no host"),
        ("ws://h:99999/", "is malformed"),
        ("ws://h:abc/", "is malformed"),
        ("ws://a b/", "contains spaces"),
    ],
)
def test_bad_urls_are_one_sentence(typed: str, message: str) -> None:
    with pytest.raises(SettingsError, match=message):
        normalize_url(typed)


def test_parse_header() -> None:
    assert parse_header("Authorization:  Bearer x ") == ("Authorization", "Bearer x")
    with pytest.raises(SettingsError, match="not of the form"):
        parse_header("no colon")
    with pytest.raises(SettingsError, match="not allowed"):
        parse_header("Bad Name: x")


def test_missing_cert_file_is_reported() -> None:
    with pytest.raises(SettingsError, match=r"certificate file '/nope\.pem' does not exist"):
        ConnectionSettings("wss://h/", cert_file="/nope.pem").validated()


def test_connect_kwargs_follow_the_settings() -> None:
    settings = ConnectionSettings(
        "ws://h/", headers=(("X-A", "1"),), compression=False, ping_interval=None, no_proxy=True
    ).validated()
    kwargs = settings.connect_kwargs()
    assert kwargs["additional_headers"] == [("X-A", "1")]
    assert kwargs["compression"] is None
    assert kwargs["ping_interval"] is None
    assert kwargs["proxy"] is None
    assert "ssl" not in kwargs


def test_insecure_tls_context_skips_verification() -> None:
    context = ConnectionSettings("wss://h/", insecure=True).validated().ssl_context()
    assert context is not None
    assert context.check_hostname is False
