"""SignalR's negotiate request before each connection, against a hub that insists on it."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from node_servers import node_server
from sockscope.core.events import CommandFailed, Failed
from sockscope.core.protocols.signalr_negotiate import negotiate_url, with_token
from sockscope.core.settings import ConnectionSettings

from .speaking import speaking


@pytest.fixture(scope="module")
def hub_port() -> Iterator[int]:
    with node_server("signalr_hub.js") as port:
        yield port


def test_the_negotiate_url_and_the_token_in_the_hub_url() -> None:
    assert negotiate_url("wss://h/chathub?x=1&id=old") == (
        "https://h/chathub/negotiate?x=1&negotiateVersion=1"
    )
    assert with_token("ws://h/chathub?x=1", "t 1") == "ws://h/chathub?x=1&id=t+1"


async def test_a_hub_that_needs_negotiate_gets_it_and_answers_an_invocation(
    hub_port: int,
) -> None:
    settings = ConnectionSettings(
        f"ws://127.0.0.1:{hub_port}/chathub",
        headers=(("Authorization", "Bearer hub-secret"),),
        protocol="signalr",
    )
    async with speaking(settings) as s:
        assert s.session.opened is not None, s.events
        assert "id=token-" in s.session.opened.url
        layer, view = s.plugin.layer, s.plugin.view
        assert layer is not None and view is not None
        for command in layer.encode("invoke", {"target": "Echo", "arguments": '["hi"]'}):
            s.driver.submit(command)
        await s.until(lambda: view.pairs.answered >= 1)
    names = [m.name for row in range(len(s.session.store)) for m in view.messages(row)]
    assert "Echo" in names


async def test_a_refused_negotiate_is_said_and_the_hub_refuses_the_socket(hub_port: int) -> None:
    settings = ConnectionSettings(f"ws://127.0.0.1:{hub_port}/chathub", protocol="signalr")
    async with speaking(settings) as s:
        pass
    said = [e.message for e in s.events if isinstance(e, CommandFailed)]
    assert any("negotiate" in m and "401" in m for m in said), said
    assert isinstance(s.driver.outcome, Failed) and s.driver.outcome.status == 404
