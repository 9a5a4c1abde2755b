"""The inspector: default modes, switching modes, huge frames, event rows and copying."""

from __future__ import annotations

import base64

import pyperclip
import pytest
from rich.console import Group
from rich.syntax import Syntax
from textual.app import App, ComposeResult
from textual.containers import VerticalScroll
from textual.message import Message
from textual.notifications import Notify
from textual.pilot import Pilot
from textual.widgets import Static

from sockscope.core.store.frames import FrameStore, Kind, Opcode
from sockscope.core.text.display import hexdump
from sockscope.core.text.inspect import CHUNK, Mode
from sockscope.tui.widgets.inspector import Inspector

T0 = 1_700_000_000.0


class InspectorApp(App[None]):
    def __init__(self, store: FrameStore) -> None:
        super().__init__()
        self.store = store

    def compose(self) -> ComposeResult:
        yield Inspector()

    async def show(self, pilot: Pilot[None], index: int) -> Inspector:
        """Show row ``index``, focusing the inspector's body (its keys work from there)."""
        inspector = self.query_one(Inspector)
        inspector.show_row(self.store, index)
        await pilot.pause()  # the body is mounted with the first row
        inspector.query_one(VerticalScroll).focus()
        return inspector


def store_of(*rows: tuple[Kind, Opcode, bytes]) -> FrameStore:
    store = FrameStore()
    for i, (kind, opcode, payload) in enumerate(rows):
        store.append(T0 + i, kind, opcode, payload)
    return store


def header(app: App[None]) -> str:
    return str(app.query_one("#inspector-header", Static).content)


async def test_each_payload_opens_in_its_natural_mode() -> None:
    store = store_of(
        (Kind.RECV, Opcode.TEXT, b'{"user":{"id":7,"tags":["a"]}}'),
        (Kind.SEND, Opcode.TEXT, b"plain words"),
        (Kind.RECV, Opcode.BINARY, b"\x00\x01\x02\xff"),
        (Kind.RECV, Opcode.BINARY, b"readable\nbinary"),
        (Kind.RECV, Opcode.CLOSE, (4001).to_bytes(2, "big") + b"go away"),
    )
    app = InspectorApp(store)
    async with app.run_test(size=(100, 30)) as pilot:
        inspector = await app.show(pilot, 0)
        assert inspector.mode is Mode.JSON
        assert inspector.shown_text.startswith('{\n  "user": {\n    "id": 7,\n    "tags": [')
        body = app.query_one("#inspector-body", Static).content
        assert isinstance(body, Group) and isinstance(body.renderables[0], Syntax)
        assert header(app).startswith("← received text · 30 B · ")
        assert (
            await app.show(pilot, 1)
        ).mode is Mode.TEXT and inspector.shown_text == "plain words"
        assert (await app.show(pilot, 2)).mode is Mode.HEX
        assert inspector.shown_text == "\n".join(hexdump(b"\x00\x01\x02\xff"))
        assert (await app.show(pilot, 3)).mode is Mode.TEXT
        assert (await app.show(pilot, 4)).mode is Mode.HEX
        assert header(app).endswith('4001 application code "go away"')


async def test_keys_switch_between_json_text_hex_and_base64() -> None:
    app = InspectorApp(store_of((Kind.RECV, Opcode.TEXT, b"hello [b]x[/b]\x1b[0m")))
    async with app.run_test(size=(100, 30)) as pilot:
        inspector = await app.show(pilot, 0)
        assert inspector.shown_text == "hello [b]x[/b]␛[0m"
        shown = []
        for key in "xbjr":
            await pilot.press(key)
            shown.append((inspector.mode, inspector.shown_text.splitlines()[0]))
        assert shown == [
            (
                Mode.HEX,
                "00000000  68 65 6c 6c 6f 20 5b 62  5d 78 5b 2f 62 5d 1b 5b  hello [b]x[/b].[",
            ),
            (Mode.BASE64, base64.b64encode(b"hello [b]x[/b]\x1b[0m").decode()),
            (Mode.JSON, "hello [b]x[/b]␛[0m"),  # not JSON: shown as text, with a note
            (Mode.TEXT, "hello [b]x[/b]␛[0m"),
        ]


async def test_a_huge_frame_is_shown_in_parts_and_m_shows_the_next() -> None:
    payload = bytes(range(256)) * 1024  # 256 KiB
    app = InspectorApp(store_of((Kind.RECV, Opcode.BINARY, payload)))
    async with app.run_test(size=(100, 30)) as pilot:
        inspector = await app.show(pilot, 0)
        lines = inspector.shown_text.splitlines()
        assert len(lines) == CHUNK // 16
        assert lines[-1].startswith(f"{CHUNK - 16:08x}  f0 f1")
        more = app.query_one("#inspector-more", Static)
        assert str(more.content) == f"… {len(payload) - CHUNK:,} more bytes: press m for more"
        await pilot.press("m", "m")
        lines = inspector.shown_text.splitlines()
        assert len(lines) == 3 * CHUNK // 16  # offsets go on from part to part
        assert lines[CHUNK // 16].startswith(f"{CHUNK:08x}  00 01")
        assert lines[-1].startswith(f"{3 * CHUNK - 16:08x}  f0 f1")
        assert len(app.query(".inspector-part")) == 2
        assert str(more.content).startswith(f"… {len(payload) - 3 * CHUNK:,} more bytes")
        assert inspector.copy_text() == "\n".join(hexdump(payload))
        await pilot.press("b")  # a new mode starts again from the first part
        assert base64.b64decode(inspector.shown_text) == payload[: CHUNK - CHUNK % 3]
        assert not app.query(".inspector-part")


async def test_event_rows_show_their_details() -> None:
    store = FrameStore()
    store.append_event(
        T0,
        Kind.OPEN,
        {
            "url": "ws://127.0.0.1:9/echo",
            "status": 101,
            "reason": "Switching Protocols",
            "request_headers": [
                ["Authorization", "Bearer secret-token"],
                ["X-Note", "[red]x[/red]"],
            ],
            "response_headers": [["Upgrade", "websocket"]],
            "subprotocol": None,
            "extensions": [],
        },
    )
    store.append_event(
        T0, Kind.CLOSE, {"code": 1006, "reason": "", "was_clean": False, "by": "network"}
    )
    store.append_event(T0, Kind.ERROR, {"message": "Refused.", "cause": "403", "body": "no\x1b[2J"})
    app = InspectorApp(store)
    async with app.run_test(size=(100, 30)) as pilot:
        inspector = await app.show(pilot, 0)
        assert header(app).startswith("● open · ")
        assert inspector.shown_text.splitlines() == [
            "status: 101 Switching Protocols",
            "url: ws://127.0.0.1:9/echo",
            "subprotocol: none",
            "extensions: none",
            "request headers:",
            "  Authorization: Bearer ••••••",  # secrets are masked on screen
            "  X-Note: [red]x[/red]",
            "response headers:",
            "  Upgrade: websocket",
        ]
        await app.show(pilot, 1)
        assert inspector.shown_text.splitlines() == [
            "close: 1006 abnormal closure · not clean",
            "closed by: network",
        ]
        await app.show(pilot, 2)
        assert "body: no␛[2J" in inspector.shown_text


def notices(messages: list[Message]) -> list[str]:
    return [m.notification.message for m in messages if isinstance(m, Notify)]


async def test_copy_uses_pyperclip_when_it_works(monkeypatch: pytest.MonkeyPatch) -> None:
    copied: list[str] = []
    monkeypatch.setattr(pyperclip, "copy", copied.append)
    messages: list[Message] = []
    app = InspectorApp(store_of((Kind.RECV, Opcode.TEXT, b'{"a":1}')))
    async with app.run_test(message_hook=messages.append) as pilot:
        await app.show(pilot, 0)
        await pilot.press("c")
        await pilot.pause()
    assert copied == ['{\n  "a": 1\n}']
    assert notices(messages) == ["Copied 12 characters (JSON) to the system clipboard."]


async def test_copy_falls_back_to_osc52_without_a_clipboard(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    def no_backend(text: str) -> None:
        raise pyperclip.PyperclipException("no copy/paste mechanism")

    monkeypatch.setattr(pyperclip, "copy", no_backend)
    messages: list[Message] = []
    app = InspectorApp(store_of((Kind.RECV, Opcode.BINARY, b"\x00\xff")))
    async with app.run_test(message_hook=messages.append) as pilot:
        await app.show(pilot, 0)
        await pilot.press("c")
        await pilot.pause()
        assert app.clipboard == app.query_one(Inspector).shown_text
    assert notices(messages) == [
        f"Copied {len(app.clipboard)} characters (hex) to the terminal clipboard (OSC 52)."
    ]
