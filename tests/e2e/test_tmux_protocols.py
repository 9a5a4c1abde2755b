"""End to end in a real terminal, against real protocol servers from npm (tests/node/).

For each protocol, with no user action the session outlives the server's keepalive
timeout (the node scripts make it short), the handshake is automatic and the server's
messages show decoded by name; then a message built in the composer's protocol form,
with keys only, gets its paired answer: the answer's row shows the latency and the
inspector shows the pair, ``p`` jumping to the other half.
Skipped like the other tmux tests where tmux is missing (the ``tmux`` fixture).
"""

from __future__ import annotations

import re
import sys
from collections.abc import Callable, Iterator
from contextlib import ExitStack

import pytest

from node_servers import node_server

from .test_tmux import SESSION, Tmux, rows_with, tmux  # noqa: F401  (tmux: the fixture)

pytestmark = pytest.mark.e2e

#: A paired answer's row ends with its latency: "ack ["tmux"]  (12 ms)".
LATENCY = r"  \(\d+ ms\)"


@pytest.fixture(scope="module")
def server() -> Iterator[Callable[[str, tuple[str, ...]], int]]:
    """Starts a node server once per script for the module: ``server("x.js", ())``."""
    ports: dict[tuple[str, tuple[str, ...]], int] = {}
    with ExitStack() as stack:

        def start(script: str, args: tuple[str, ...] = ()) -> int:
            if (script, args) not in ports:
                ports[script, args] = stack.enter_context(node_server(script, *args))
            return ports[script, args]

        yield start


def start_sockscope(term: Tmux, url: str, *args: str) -> None:
    term.start(sys.executable, "-m", "sockscope", url, *args)
    term.wait_for(lambda screen: "OPEN" in screen, "the connection to open")


def status(screen: str) -> str:
    """The status line: the one that starts with the connection's state."""
    lines = (line.strip() for line in screen.splitlines())
    return next(line for line in lines if line.split()[:1] in (["OPEN"], ["CLOSED"]))


def inspector(screen: str) -> list[str]:
    return [line.split("▏", 1)[1] for line in screen.splitlines() if "▏" in line]


def count_rows(text: str) -> Callable[[str], int]:
    return lambda screen: len(rows_with(screen, text))


def outlive_the_keepalive(term: Tmux, beat: str, beats: int, layer: str) -> str:
    """Wait until ``beats`` rows show ``beat`` (the keepalives, long past the server's
    timeout), then check the session is still the one opened, speaking ``layer``."""
    screen = term.wait_for(
        lambda screen: count_rows(beat)(screen) >= beats or "CLOSED" in screen,
        f"{beats} rows of {beat!r}",
    )
    line = status(screen)
    assert line.startswith("OPEN") and f"{layer} (" in line, screen
    return screen


def focus_on(term: Tmux, field: str) -> None:
    """Wait until the terminal's cursor is in the form's ``field`` row: the focus got there
    (keys sent before it moves would go to the field it leaves)."""

    def there(screen: str) -> bool:
        y = int(term.run("display-message", "-p", "-t", SESSION, "#{cursor_y}"))
        lines = screen.splitlines()
        return y < len(lines) and lines[y].split()[:1] == [field]

    term.wait_for(there, f"the focus in the form's {field} field")


def fill(term: Tmux, field: str, text: str) -> None:
    """Type ``text`` into ``field`` (focused) and wait until its row shows it."""
    focus_on(term, field)
    term.send(text, literal=True)
    term.wait_for(
        lambda screen: any(
            line.split()[:1] == [field] and text in line for line in screen.splitlines()
        ),
        f"{text!r} in the {field} field",
    )


def send_with_the_flag(term: Tmux) -> None:
    """From the form's last text field: tab to its flag, toggle it, send."""
    term.send("Tab")
    term.wait_for(lambda screen: "space Toggle" in screen, "the focus on the form's flag")
    term.send("Space", "Enter")  # one widget: these keys stay in order


def inspect_the_pair(term: Tmux, call: str) -> None:
    """Focus the log, hide keepalives, go up from the last row to the paired answer; the
    inspector shows the pair, and ``p`` jumps to its call."""
    term.send("C-g")
    term.wait_for(lambda screen: " k Keepalives " in screen, "the log's keys in the key bar")
    term.send("k")
    # The log's rule counts the rows shown ("8 of 78") once the hiding scan is done.
    term.wait_for(lambda screen: re.search(r"─\d+ of \d+─", screen), "keepalives hidden")
    term.send("End")
    for _ in range(40):  # a few rows may come after the answer (a complete, a ping)
        # A frame's inspector ends with its raw bytes (an empty WebSocket ping has none):
        # wait for them before judging it.
        screen = term.wait_for(
            lambda screen: (
                any(line.strip() == "raw" for line in inspector(screen))
                or re.search(r"(ping|pong) · 0 B", inspector(screen)[0])
            ),
            "a frame inspected",
        )
        shown = inspector(screen)
        if shown[0].lstrip().startswith("← received") and "paired with row" in "".join(shown):
            break
        term.send("Up")
        term.wait_for(lambda screen, head=shown[0]: inspector(screen)[0] != head, "the cursor")
    shown = inspector(screen)
    assert "paired with row" in "".join(shown) and "(p: go there)" in "".join(shown), screen
    term.send("p")
    screen = term.wait_for(
        lambda screen: inspector(screen)[0].lstrip().startswith("→ sent"), "p: the call"
    )
    assert any(call in line for line in inspector(screen)), screen


def to_the_top(term: Tmux) -> None:
    """Focus the log and show its first rows (the handshake, scrolled off by keepalives)."""
    term.send("C-g")
    term.wait_for(lambda screen: " k Keepalives " in screen, "the log's keys in the key bar")
    term.send("Home")


def to_the_composer(term: Tmux) -> None:
    """ctrl+e from the log; wait for the log's keys to leave the key bar (the terminal's
    cursor does not say: the log does not move it)."""
    term.send("C-e")
    term.wait_for(lambda screen: " k Keepalives " not in screen, "the composer focused")


def quit_sockscope(term: Tmux) -> None:
    term.send("C-q")
    term.wait_for(lambda screen: "sockscope exited with status 0" in screen, "sockscope to quit")


def test_socket_io_joins_answers_pings_and_pairs_an_emit_with_its_ack(
    tmux: Tmux,  # noqa: F811
    server: Callable[..., int],
) -> None:
    port = server("socketio_server.js")
    start_sockscope(tmux, f"http://127.0.0.1:{port}", "--protocol", "socket.io")
    # The server drops a client that misses a pong for 500 ms: 6 pongs is 1.8 s in.
    screen = outlive_the_keepalive(tmux, "pong", 6, "Socket.IO")
    assert rows_with(screen, "connect /") and rows_with(screen, "connected / ")
    assert rows_with(screen, "welcome [{}]")
    # The form opened in emit mode, its first field focused.
    fill(tmux, "event", "echo")
    tmux.send("Tab")
    fill(tmux, "args", '["tmux"]')
    tmux.send("Tab")
    focus_on(tmux, "namespace")
    send_with_the_flag(tmux)
    screen = tmux.wait_for(
        lambda screen: any(re.search(r'ack \["tmux"\]' + LATENCY, r) for r in screen.splitlines()),
        "the ack with its latency",
    )
    assert rows_with(screen, 'echo ["tmux"]')
    inspect_the_pair(tmux, "call echo")
    quit_sockscope(tmux)


def test_graphql_inits_answers_pings_and_pairs_a_query_with_its_result(
    tmux: Tmux,  # noqa: F811
    server: Callable[..., int],
) -> None:
    port = server("graphql_server.js")
    start_sockscope(tmux, f"ws://127.0.0.1:{port}/", "--protocol", "graphql-transport-ws")
    # connection_init within 500 ms or 4408; WebSocket pings every 200 ms: 8 is 1.6 s in.
    screen = outlive_the_keepalive(tmux, "← ping", 8, "GraphQL over WebSocket")
    to_the_top(tmux)  # the automatic handshake
    screen = tmux.wait_for(lambda screen: rows_with(screen, "connection_ack"), "the handshake")
    assert rows_with(screen, "connection_init")
    to_the_composer(tmux)
    fill(tmux, "query", '{ hello(name: "tmux") }')
    tmux.send("Enter")
    # The server's complete follows its next: a loaded machine may show one before the other.
    screen = tmux.wait_for(
        lambda screen: (
            rows_with(screen, "complete #1")
            and any(re.search(r"next #1 .*hello tmux.*" + LATENCY, r) for r in screen.splitlines())
        ),
        "the result with its latency, then complete",
    )
    assert rows_with(screen, 'subscribe #1 { hello(name: "tmux") }')
    inspect_the_pair(tmux, "subscribe")
    quit_sockscope(tmux)


def test_stomp_connects_beats_and_pairs_a_subscription_with_its_message(
    tmux: Tmux,  # noqa: F811
    server: Callable[..., int],
) -> None:
    port = server("stomp_server.js")
    start_sockscope(tmux, f"ws://127.0.0.1:{port}/stomp", "--protocol", "stomp",
                    "--protocol-option", "heart-beat=200,200")  # fmt: skip
    # The broker drops a client silent for 600 ms: 8 heart-beats sent is 1.6 s in.
    screen = outlive_the_keepalive(tmux, "→ text         1 B", 8, "STOMP")
    to_the_top(tmux)
    screen = tmux.wait_for(lambda screen: rows_with(screen, "CONNECTED version 1."), "CONNECTED")
    assert rows_with(screen, "CONNECT host 127.0.0.1 heart-beat 200,200")
    # The command is a choice: Enter opens its list, down picks SUBSCRIBE.
    to_the_composer(tmux)
    tmux.send("Enter")
    tmux.wait_for(lambda screen: "UNSUBSCRIBE" in screen, "the command's list")
    tmux.send("Down")
    tmux.send("Enter")
    tmux.wait_for(lambda screen: "UNSUBSCRIBE" not in screen, "SUBSCRIBE picked")
    tmux.send("Tab")
    fill(tmux, "headers", "destination:/topic/echo")
    tmux.send("Enter")
    tmux.wait_for(count_rows("SUBSCRIBE /topic/echo id=sub-1"), "the SUBSCRIBE")
    # A SEND to /queue/echo comes back to the subscription as a MESSAGE.
    tmux.send("BTab")
    tmux.wait_for(lambda screen: "SUBSCRIBE " in screen, "the command")
    tmux.send("Enter")
    tmux.wait_for(lambda screen: "UNSUBSCRIBE" in screen, "the command's list")
    tmux.send("Up")
    tmux.send("Enter")
    tmux.wait_for(lambda screen: "UNSUBSCRIBE" not in screen, "SEND picked")
    tmux.send("Tab")
    fill(tmux, "headers", "destination:/queue/echo")
    tmux.send("Tab")
    fill(tmux, "body", "hello")
    tmux.send("Enter")
    tmux.wait_for(
        lambda screen: any(
            re.search(r"MESSAGE /topic/echo hello" + LATENCY, r) for r in screen.splitlines()
        ),
        "the MESSAGE with its latency",
    )
    inspect_the_pair(tmux, "SUBSCRIBE")
    quit_sockscope(tmux)


def test_mqtt_connects_pings_and_pairs_a_subscribe_with_its_suback(
    tmux: Tmux,  # noqa: F811
    server: Callable[..., int],
) -> None:
    port = server("mqtt_broker.mjs")
    start_sockscope(tmux, f"ws://127.0.0.1:{port}/", "--protocol", "mqtt",
                    "--protocol-option", "keepalive=1")  # fmt: skip
    # aedes drops a client silent for 1.5 keepalives: 2 PINGRESPs is 2 s in.
    screen = outlive_the_keepalive(tmux, "PINGRESP", 2, "MQTT")
    assert rows_with(screen, "CONNECT sockscope-") and rows_with(screen, "CONNACK accepted")
    fill(tmux, "topic", "room/+")
    tmux.send("Enter")
    tmux.wait_for(
        lambda screen: any(re.search(r"SUBACK #1 qos0" + LATENCY, r) for r in screen.splitlines()),
        "the SUBACK with its latency",
    )
    inspect_the_pair(tmux, "SUBSCRIBE")
    quit_sockscope(tmux)


def test_json_rpc_pairs_calls_with_results_and_shows_percentiles(
    tmux: Tmux,  # noqa: F811
    server: Callable[..., int],
) -> None:
    """JSON-RPC has no keepalive of its own: the session is opened, the form sends."""
    port = server("jsonrpc_server.js")
    start_sockscope(tmux, f"ws://127.0.0.1:{port}/", "--protocol", "json-rpc")
    for params, result in (("[1, 2, 39]", "42"), ("[2, 3]", "5")):
        fill(tmux, "method", "sum")
        tmux.send("Tab")
        fill(tmux, "params", params)
        tmux.send("Enter")
        tmux.wait_for(
            lambda screen, r=result: any(
                re.search(f"result {r}" + LATENCY, row) for row in screen.splitlines()
            ),
            f"the result {result} with its latency",
        )
        tmux.send("BTab")  # back to the method, to call again
    screen = tmux.wait_for(lambda screen: "p50" in status(screen), "p50 and p99 in the status line")
    assert "0 in flight" in status(screen) and "p99" in status(screen)
    assert "JSON-RPC 2.0 (" in status(screen)
    inspect_the_pair(tmux, "call sum")
    quit_sockscope(tmux)
