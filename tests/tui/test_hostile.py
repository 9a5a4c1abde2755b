"""A hostile server cannot restyle or drive the terminal: everything it sends is shown literally.

Payloads, close reasons and handshake bodies go through the real demo server and come back
into the real app. Each is then checked where the user sees it: the log row and the
inspector, as the widgets render them (Rich markup left as text, control characters as
visible symbols, no hyperlink styles).
"""

from __future__ import annotations

from urllib.parse import quote

from textual.pilot import Pilot
from textual.strip import Strip
from textual.widget import Widget

from sockscope.core.events import ReadyState
from sockscope.core.settings import ConnectionSettings
from sockscope.core.store.frames import Kind, Opcode
from sockscope.servers.demo import DemoServerThread
from sockscope.tui.app import SockscopeApp
from sockscope.tui.factory import build_app
from sockscope.tui.log.message_log import MessageLog
from sockscope.tui.widgets.composer import Composer

from .helpers import ended, frames, wait_for

SIZE = (160, 40)
LONG = ("[red]" + "x" * 94 + "\x1b") * 1000  # one 100 KB line, markup and escapes throughout

#: What is sent, and what the user must see of it (safe_line's rendering).
PAYLOADS = {
    "[bold red]x[/]": "[bold red]x[/]",
    "[link=http://evil]y[/link]": "[link=http://evil]y[/link]",
    "\x1b[2J\x1b]0;title\x07": "␛[2J␛]0;title␇",
    "\x1b]52;c;ZXZpbA==\x07": "␛]52;c;ZXZpbA==␇",
    "nul\x00 bel\x07 bs\x08 cr\r del\x7f csi\x9b": "nul␀ bel␇ bs␈ cr␍ del␡ csi\\x9b",
    "abc\u202edef": "abc\\u202edef",
}
#: Characters that must never reach the screen raw.
RAW = {chr(c) for c in (*range(0x20), 0x7F, *range(0x80, 0xA0))} | {"\u202e"}


def shown(strips: list[Strip]) -> str:
    """The rendered text, after checking that no segment carries a raw control or a link."""
    for strip in strips:
        for segment in strip:
            assert not RAW & set(segment.text), f"raw control character in {segment.text!r}"
            assert not (segment.style and segment.style.link), f"link style on {segment.text!r}"
    return "\n".join(strip.text for strip in strips)


def rendered(widget: Widget) -> list[Strip]:
    return [widget.render_line(y) for y in range(widget.size.height)]


async def inspect(pilot: Pilot[None], index: int) -> tuple[str, str]:
    """Select store row ``index`` in the log; return its log line and the inspector's text."""
    app = pilot.app
    log = app.query_one(MessageLog)
    await wait_for(pilot, lambda: log.row_count > index)
    log.focus()
    log.select(index)
    await pilot.pause()
    line = shown([log.render_line(index - log.scroll_offset.y)])
    body = "\n".join(
        shown(rendered(app.query_one(part))) for part in ("#inspector-body", "#inspector-more")
    )
    header = shown(rendered(app.query_one("#inspector-header")))
    return line, header + "\n" + body


def index_of(app: SockscopeApp, kind: Kind, payload: bytes | None = None) -> int:
    store = app.session.store
    return next(
        i
        for i in range(len(store))
        if store.kind(i) is kind and payload in (None, store.payload(i))
    )


async def test_payloads_come_back_and_are_shown_literally(demo_server: DemoServerThread) -> None:
    app = build_app(ConnectionSettings(demo_server.url("/echo")), connect_now=True)
    async with app.run_test(size=SIZE) as pilot:
        await wait_for(pilot, lambda: app.session.state is ReadyState.OPEN)
        editor = app.query_one(Composer).editor
        for text in [*PAYLOADS, LONG]:
            editor.load_text(text)
            await pilot.press("enter")
        expected = [(Kind.RECV, Opcode.TEXT, text.encode()) for text in [*PAYLOADS, LONG]]
        await wait_for(pilot, lambda: frames(app)[-1] == expected[-1])
        assert [f for f in frames(app) if f[0] is Kind.RECV] == expected

        for text, visible in PAYLOADS.items():
            line, inspector = await inspect(pilot, index_of(app, Kind.RECV, text.encode()))
            assert visible in line
            assert visible in inspector

        line, inspector = await inspect(pilot, index_of(app, Kind.RECV, LONG.encode()))
        assert "[red]xxx" in line and "97.7 KiB" in line
        assert inspector.count("␛[red]") > 50  # all through the first part (8 KiB)
        assert "more bytes" in inspector  # shown in part, never stalled on


async def test_close_reason_is_shown_literally(demo_server: DemoServerThread) -> None:
    reason = "[bold]\x1b[31mred\x07\u202e"
    url = demo_server.url(f"/close?code=4001&reason={quote(reason)}")
    app = build_app(ConnectionSettings(url), connect_now=True)
    async with app.run_test(size=SIZE) as pilot:
        await wait_for(pilot, lambda: ended(app))
        visible = "[bold]␛[31mred␇\\u202e"
        line, inspector = await inspect(pilot, index_of(app, Kind.CLOSE))
        assert f'4001 application code "{visible}"' in line
        assert visible in inspector
        line, inspector = await inspect(pilot, index_of(app, Kind.RECV))
        assert visible in line and visible in inspector


async def test_handshake_body_is_shown_literally(demo_server: DemoServerThread) -> None:
    body = "[link=http://evil]click[/link] \x1b[2J\x1b]0;pwned\x07"
    url = demo_server.url(f"/reject?status=403&body={quote(body)}")
    app = build_app(ConnectionSettings(url), connect_now=True)
    async with app.run_test(size=SIZE) as pilot:
        await wait_for(pilot, lambda: len(app.session.store) > 0)
        assert app.session.store.info(0)["status"] == 403
        line, inspector = await inspect(pilot, 0)
        assert "Handshake refused" in line
        flat = " ".join(inspector.split())
        assert "403 Forbidden — [link=http://evil]click[/link] ␛[2J␛]0;pwned␇" in flat
