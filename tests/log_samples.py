"""A store holding every kind of row the log formats must carry, for the format tests."""

from __future__ import annotations

from typing import Any

from sockscope.core.formats.model import LogHeader
from sockscope.core.store.frames import FrameStore, Kind, Opcode

T0 = 1763632800.123456
SECRET_URL = "wss://ana:hunter2@example.com/socket?room=42"
HEADER = LogHeader(
    url=SECRET_URL, created="2025-11-20T10:00:00.123Z", extra={"label": "nightly run"}
)
OPEN_INFO: dict[str, Any] = {
    "url": SECRET_URL,
    "status": 101,
    "reason": "Switching Protocols",
    "request_headers": [
        ["Host", "example.com"],
        ["Authorization", "Bearer token-123"],
        ["cookie", "session=abc"],
        ["Proxy-Authorization", "Basic cHJveHk="],
    ],
    "response_headers": [["Upgrade", "websocket"], ["Set-Cookie", "session=def; HttpOnly"]],
    "subprotocol": "chat.v1",
    "extensions": ["permessage-deflate"],
}
#: (seconds after T0, kind, opcode, payload or info): every shape a session can hold.
ROWS: list[tuple[float, Kind, Opcode, bytes | dict[str, Any]]] = [
    (0.0, Kind.OPEN, Opcode.NONE, OPEN_INFO),
    (0.000001, Kind.SEND, Opcode.TEXT, b'{"hello":"world","n":1}'),
    (0.1, Kind.RECV, Opcode.TEXT, "ünïcödé ☃ \x1b[31m red\nnext\t\"q\"\\".encode()),
    (0.2, Kind.RECV, Opcode.BINARY, b"\x00\xff\xfe\x80 not utf-8 \xc3"),
    (0.3, Kind.SEND, Opcode.BINARY, b"binary that happens to be ascii"),
    (0.4, Kind.RECV, Opcode.TEXT, b"\xff\xfe text frame that is not utf-8"),
    (0.5, Kind.SEND, Opcode.TEXT, b""),
    (0.6, Kind.SEND, Opcode.PING, b"ping-1"),
    (0.7, Kind.RECV, Opcode.PONG, b"ping-1"),
    (0.8, Kind.RECV, Opcode.PING, b"\x00\x01\xff"),
    (0.9, Kind.NOTE, Opcode.NONE, {"message": "sent 3 messages from the template"}),
    (1.234567, Kind.RECV, Opcode.CLOSE, b"\x03\xe8bye"),
    (1.3, Kind.CLOSE, Opcode.NONE, {"code": 1000, "reason": "bye", "was_clean": True,
                                    "by": "server"}),
    (
        2.0,
        Kind.ERROR,
        Opcode.NONE,
        {"message": "The server refused the handshake.", "cause": "HTTP 403", "status": 403,
         "body": "nope"},
    ),
]  # fmt: skip


def sample_store() -> FrameStore:
    store = FrameStore()
    for offset, kind, opcode, data in ROWS:
        if isinstance(data, dict):
            store.append_event(T0 + offset, kind, data)
        else:
            store.append(T0 + offset, kind, opcode, data)
    return store


def rows_of(store: FrameStore) -> list[tuple[float, Kind, Opcode, bytes, dict[str, Any]]]:
    """Every row as comparable values (time, kind, opcode, payload, info)."""
    return [(r.time, r.kind, r.opcode, r.payload, r.info) for r in store.rows()]
