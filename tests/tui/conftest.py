"""Fixtures of the TUI's tests that speak a protocol: real servers from npm."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from node_servers import node_server


@pytest.fixture(scope="session")
def rpc_port() -> Iterator[int]:
    """npm rpc-websockets (tests/node/jsonrpc_server.js): ``sum`` adds, ``fail`` throws."""
    with node_server("jsonrpc_server.js") as port:
        yield port


@pytest.fixture(scope="session")
def graphql_port() -> Iterator[int]:
    """npm graphql-ws (tests/node/graphql_server.js): ``ticks(upTo)`` counts every 20 ms."""
    with node_server("graphql_server.js") as port:
        yield port
