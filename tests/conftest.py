"""Fixtures shared by the whole test suite.

Keep each fixture small and documented; no autouse fixtures here (they would run for every
test and hide what a test depends on).
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from sockscope.servers.demo import DemoServerThread


@pytest.fixture(scope="session")
def demo_server() -> Iterator[DemoServerThread]:
    """The demo server on 127.0.0.1 and a free port, e.g. ``demo_server.url("/echo")``.

    It runs on its own thread and event loop, so sync tests, async tests (whatever their
    loop) and subprocesses can all connect to it. Shared by the session: tests must not
    rely on its state (e.g. who else is in /chat).
    """
    server = DemoServerThread("127.0.0.1", 0)
    server.start()
    yield server
    server.stop()
