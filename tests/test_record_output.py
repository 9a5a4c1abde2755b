"""What ``sockscope record`` prints for frames whose payload is not plain text."""

from __future__ import annotations

import re
from pathlib import Path

from click.testing import CliRunner
from websockets.asyncio.server import ServerConnection

from server_thread import ServerThread
from sockscope.commands.record import record


async def _pings_then_done(ws: ServerConnection) -> None:
    for payload in (b"\xff\x00\xfe\x80", b"keepalive", b"\x00\x01\x02\x03"):
        await (await ws.ping(payload))
    await ws.send("done")
    await ws.wait_closed()


def test_non_text_ping_and_pong_payloads_print_as_hex(tmp_path: Path) -> None:
    with ServerThread(_pings_then_done) as url:
        result = CliRunner().invoke(
            record, [url, "-o", f"{tmp_path}/pings.jsonl", "--count", "1", "--ping-interval", "0"]
        )
    assert result.exit_code == 0, result.output
    lines = result.stderr.splitlines()
    shown = [re.split(" {2,}", line.strip())[1:] for line in lines if "  p" in line]
    assert shown == [
        ["recv", "ping", "4 B", "ff 00 fe 80"],
        ["send", "pong", "4 B", "ff 00 fe 80"],
        ["recv", "ping", "9 B", "keepalive"],
        ["send", "pong", "9 B", "keepalive"],
        ["recv", "ping", "4 B", "00 01 02 03"],
        ["send", "pong", "4 B", "00 01 02 03"],
    ]
    assert "\ufffd" not in result.stderr
