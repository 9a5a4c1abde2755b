"""`record --protocol …` then `replay --check` against a FRESH real server (npm socket.io,
graphql-ws, stomp-broker-js, aedes): the layer's handshake and keepalives run live (not
replayed), volatile session ids are not mismatches, and a really changed answer is."""

from __future__ import annotations

import asyncio
import re
from pathlib import Path

from click.testing import CliRunner

from node_servers import node_server
from sockscope.commands.record import record
from sockscope.commands.replay import replay
from sockscope.core.formats.journal import write_store
from sockscope.core.formats.load import load_log
from sockscope.core.formats.model import LogHeader
from sockscope.core.settings import ConnectionSettings
from sockscope.core.store.frames import Kind, Opcode
from sockscope.core.wire.commands import Close

from .speaking import speaking


def _record(log: Path, url: str, protocol: str, *args: str) -> None:
    result = CliRunner().invoke(record, [url, "-o", str(log), "-q", "--protocol", protocol, *args])
    assert result.exit_code == 0, result.output


def _replay(log: Path, url: str, *args: str) -> tuple[int, str]:
    result = CliRunner().invoke(replay, [str(log), "--url", url, "--check", *args])
    return result.exit_code, result.output


def _frames(log: Path, kind: Kind) -> list[bytes]:
    """The text and binary messages of one direction (close frames left out)."""
    store = load_log(log).store
    return [
        store.payload(i)
        for i in range(len(store))
        if store.kind(i) is kind and store.opcode(i) in (Opcode.TEXT, Opcode.BINARY)
    ]


def test_socket_io(tmp_path: Path) -> None:
    log, again = tmp_path / "sio.jsonl", tmp_path / "again.jsonl"
    sends = ("--send", '42["echo","hi"]', "--send", '421["echo","acked"]')
    with node_server("socketio_server.js") as port:
        # 0.8 s is past the server's ping interval plus timeout (500 ms): pings came.
        _record(log, f"http://127.0.0.1:{port}", "socket.io", *sends, "--duration", "0.8")
    recorded = _frames(log, Kind.RECV)
    assert b"2" in recorded and recorded[0].startswith(b'0{"sid":')
    assert _frames(log, Kind.SEND)[:2] == [b"40", b'42["echo","hi"]']  # joined first
    with node_server("socketio_server.js") as port:  # a fresh server: new sids
        code, output = _replay(log, f"ws://127.0.0.1:{port}", "--speed", "4", "-o", str(again))
    assert code == 0, output
    assert "All 5 responses match the recording." in output  # open, 40, welcome, echo, ack
    assert "sent 2 of 2 messages" in output  # the join and the pongs ran live
    live = _frames(again, Kind.SEND)
    assert live.count(b"40") == 1 and live.count(b"3") == _frames(again, Kind.RECV).count(b"2")


GRAPHQL_TICKS = (
    '{"id":"1","type":"subscribe","payload":{"query":"subscription { ticks(upTo: 3) }"}}'
)
GRAPHQL_BUMP = '{"id":"2","type":"subscribe","payload":{"query":"mutation { bump(by: 2) }"}}'


def test_graphql_transport_ws_and_a_changed_answer(tmp_path: Path) -> None:
    log = tmp_path / "gql.jsonl"
    sends = ("--send", GRAPHQL_TICKS, "--send", GRAPHQL_BUMP, "--duration", "0.5")
    with node_server("graphql_server.js") as port:
        _record(log, f"ws://127.0.0.1:{port}", "graphql-transport-ws", *sends)
    assert b'{"type":"ping"}' in _frames(log, Kind.RECV)
    with node_server("graphql_server.js") as port:
        url = f"ws://127.0.0.1:{port}"
        code, output = _replay(log, url, "--unordered")
        assert code == 0, output
        assert (
            "All 7 responses match the recording (in any order)." in output
        )  # ack, 3 ticks, bump, 2 completes
        # The same server again: its counter is at 2 now, so bump(by: 2) answers 4.
        code, output = _replay(log, url, "--unordered")
    assert code == 1, output
    assert "1 of 7 responses differ from the recording" in output
    assert "$.payload.data.bump: 2 != 4" in output


def test_stomp(tmp_path: Path) -> None:
    log = tmp_path / "stomp.jsonl"
    subscribe = "SUBSCRIBE\nid:sub-1\ndestination:/topic/echo\n\n\0"
    send = "SEND\ndestination:/queue/echo\n\nhello\0"
    with node_server("stomp_server.js") as port:
        url = f"ws://127.0.0.1:{port}/stomp"
        _record(log, url, "stomp", "--send", subscribe, "--send", send, "--count", "2")
    connected = _frames(log, Kind.RECV)[0]
    assert connected.startswith(b"CONNECTED\n") and b"\nsession:" in connected
    with node_server("stomp_server.js") as port:  # a new session id in CONNECTED
        code, output = _replay(log, f"ws://127.0.0.1:{port}/stomp")
    assert code == 0, output
    assert "All 2 responses match the recording." in output
    assert "sent 2 of 2 messages" in output  # CONNECT went live, not from the log


async def _record_mqtt(port: int, log: Path) -> None:
    """A driver session (as the TUI runs it) subscribing and publishing at QoS 1, saved."""
    url = f"ws://127.0.0.1:{port}/"
    settings = ConnectionSettings(url, protocol="mqtt", subprotocols=("mqtt",))
    async with speaking(settings) as s:
        assert await s.plugin.greeted(10)
        layer = s.plugin.layer
        assert layer is not None
        store = s.session.store

        def names() -> list[str]:
            view = s.plugin.view
            assert view is not None
            return [m.name for row in range(len(store)) for m in view.messages(row)]

        for command in layer.encode("subscribe", {"topic": "t/1", "qos": "1"}):
            await s.driver.execute(command)
        # As a user would: publish once the SUBACK is in (the broker answers a SUBSCRIBE
        # and a PUBLISH sent together in either order) and a moment has passed.
        await s.until(lambda: "SUBACK" in names())
        await asyncio.sleep(0.2)
        for command in layer.encode("publish", {"topic": "t/1", "payload": "hi", "qos": "1"}):
            await s.driver.execute(command)
        await s.until(lambda: names().count("PUBACK") == 2)  # the broker's, and ours
        await s.driver.execute(Close(1000))
        await s.driver.wait_finished()
        write_store(log, store, LogHeader(url=url))


def test_mqtt(tmp_path: Path) -> None:
    log = tmp_path / "mqtt.jsonl"
    with node_server("mqtt_broker.mjs") as port:
        asyncio.run(_record_mqtt(port, log))
    assert len(_frames(log, Kind.SEND)) == 4  # CONNECT, SUBSCRIBE, PUBLISH, PUBACK
    with node_server("mqtt_broker.mjs") as port:
        code, output = _replay(log, f"ws://127.0.0.1:{port}/", "--protocol", "mqtt")
    assert code == 0, output
    # CONNACK, SUBACK, PUBACK and the delivery, which aedes writes in several frames and
    # numbers from a random id: blanked, as the broker's own choice.
    assert re.search(r"All \d+ responses match the recording\.", output), output
    assert "sent 2 of 2 messages" in output  # CONNECT and PUBACK went live


def test_a_check_without_the_layer_sees_the_session_ids(tmp_path: Path) -> None:
    """What normalize buys: read as plain WebSocket, the same replay is a mismatch."""
    log = tmp_path / "stomp.jsonl"
    with node_server("stomp_server.js") as port:
        url = f"ws://127.0.0.1:{port}/stomp"
        _record(
            log,
            url,
            "stomp",
            "--send",
            "SUBSCRIBE\nid:a\ndestination:/x\n\n\0",
            "--duration",
            "0.3",
        )
    with node_server("stomp_server.js") as port:
        code, output = _replay(log, f"ws://127.0.0.1:{port}/stomp", "--protocol", "raw")
    assert code == 1 and "session:" in output, output
