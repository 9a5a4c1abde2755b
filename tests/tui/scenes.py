"""Fixed scenes of the app, shared by the snapshot tests and ``scripts/screenshots.py``.

A scene builds the app over a session filled with fixed rows (no socket, no random port)
and drives it with the pilot to the state worth a picture. Times are fixed too: ``T0`` is
10:00 on a fixed day *in local time*, so the clock the log shows is the same in every
time zone.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from textual.pilot import Pilot
from textual.widgets import Input, Sparkline, TextArea, Tree
from websockets.datastructures import Headers
from websockets.exceptions import InvalidStatus
from websockets.http11 import Response

from sockscope.core.events import Closed, Connecting, Opened
from sockscope.core.replay.diff import DiffReport, Pair
from sockscope.core.replay.plan import ReplayPlan
from sockscope.core.replay.replayer import Replayer, ReplayResult
from sockscope.core.replay.values import Message, differences
from sockscope.core.session.session import Session
from sockscope.core.settings import ConnectionSettings
from sockscope.core.store.frames import Kind, Opcode
from sockscope.core.wire.failures import describe_failure
from sockscope.tui.app import SockscopeApp
from sockscope.tui.factory import build_app
from sockscope.tui.log.message_log import MessageLog
from sockscope.tui.screens.diff_screen import DiffScreen
from sockscope.tui.screens.replay_screen import ReplayScreen
from sockscope.tui.widgets.composer import Composer
from sockscope.tui.widgets.connection_panel import ConnectionPanel
from sockscope.tui.widgets.mode_picker import ModePicker

from .helpers import wait_for

SIZE = (120, 36)
URL = "wss://stream.example.com/v1"
T0 = datetime(2025, 11, 20, 10, 0, 0).timestamp()

SUBSCRIBE = b'{"op":"subscribe","channels":["prices","trades"]}'
PRICE = b'{"type":"price","symbol":"BTC-USD","bid":43125.5,"ask":43126.0,"seq":1841}'
TRADE = b'{"type":"trade","symbol":"ETH-USD","price":2301.25,"size":0.5,"side":"buy"}'
#: A MessagePack snapshot: a map with a str and a bin value (not UTF-8, so shown as hex).
SNAPSHOT = b"\x82\xa4type\xa8snapshot\xa4data\xc4\x10" + bytes(range(0xF0, 0x100))


def _opened() -> Opened:
    return Opened(
        url=URL,
        status=101,
        reason="Switching Protocols",
        request_headers=[
            ("Host", "stream.example.com"),
            ("Upgrade", "websocket"),
            ("Connection", "Upgrade"),
            ("Sec-WebSocket-Key", "dGhlIHNhbXBsZSBub25jZQ=="),
            ("Sec-WebSocket-Version", "13"),
            ("Sec-WebSocket-Protocol", "json.v1"),
            ("Sec-WebSocket-Extensions", "permessage-deflate; client_max_window_bits"),
            ("User-Agent", "sockscope/0.1"),
        ],
        response_headers=[
            ("Upgrade", "websocket"),
            ("Connection", "Upgrade"),
            ("Sec-WebSocket-Accept", "s3pPLMBiTxaQ9kYGzzhZRbK+xOo="),
            ("Sec-WebSocket-Protocol", "json.v1"),
            ("Sec-WebSocket-Extensions", "permessage-deflate"),
        ],
        subprotocol="json.v1",
        extensions=["permessage-deflate"],
    )


def _close_payload(code: int, reason: str) -> bytes:
    return code.to_bytes(2, "big") + reason.encode()


def session_rows() -> Session:
    """A session that saw every kind of row, was closed by the server and reconnected."""
    session = Session()
    frame = session.on_frame
    session.on_event(T0, Connecting(URL))
    session.on_event(T0 + 0.084, _opened())
    frame(T0 + 0.210, Kind.SEND, Opcode.TEXT, SUBSCRIBE)
    frame(T0 + 0.262, Kind.RECV, Opcode.TEXT, b'{"type":"subscribed","channels":2}')
    frame(T0 + 0.517, Kind.RECV, Opcode.TEXT, PRICE)
    frame(T0 + 0.733, Kind.RECV, Opcode.TEXT, TRADE)
    frame(T0 + 1.002, Kind.RECV, Opcode.BINARY, SNAPSHOT)
    frame(T0 + 2.000, Kind.SEND, Opcode.PING, b"\x00\x00\x00\x01")
    frame(T0 + 2.031, Kind.RECV, Opcode.PONG, b"\x00\x00\x00\x01")
    frame(T0 + 2.480, Kind.SEND, Opcode.TEXT, b"hello, is this thing on?")
    frame(T0 + 2.533, Kind.RECV, Opcode.TEXT, b'{"type":"error","error":"expected JSON"}')
    frame(T0 + 3.100, Kind.RECV, Opcode.CLOSE, _close_payload(4001, "token expired"))
    frame(T0 + 3.101, Kind.SEND, Opcode.CLOSE, _close_payload(4001, "token expired"))
    session.on_event(T0 + 3.140, Closed(4001, "token expired", was_clean=True, by="server"))
    session.on_event(T0 + 5.000, Connecting(URL))
    session.on_event(T0 + 5.091, _opened())
    frame(T0 + 5.300, Kind.SEND, Opcode.TEXT, SUBSCRIBE)
    frame(T0 + 5.354, Kind.RECV, Opcode.TEXT, b'{"type":"subscribed","channels":2}')
    for n in range(6):
        price = PRICE.replace(b"1841", str(1900 + n).encode())
        frame(T0 + 5.6 + n * 0.25, Kind.RECV, Opcode.TEXT, price)
    return session


def refused_session() -> Session:
    """A session whose handshake the server refused with 403 and a body."""
    session = Session()
    settings = ConnectionSettings(URL)
    response = Response(
        403, "Forbidden", Headers([("Content-Type", "text/plain")]), b"invalid token\n"
    )
    session.on_event(T0, Connecting(URL))
    session.on_event(T0 + 0.093, describe_failure(InvalidStatus(response), settings))
    return session


def steady_cursors(app: SockscopeApp) -> None:
    """Stop every text cursor blinking, so a picture never catches it half-way."""
    for widget in app.query("Input, TextArea"):
        assert isinstance(widget, Input | TextArea)
        widget.cursor_blink = False


async def _settle(pilot: Pilot[None]) -> SockscopeApp:
    """Wait for the first layout; show the session's state as the worker would have."""
    app = pilot.app
    assert isinstance(app, SockscopeApp)
    await pilot.pause()
    app.query_one(ConnectionPanel).set_state(app.session.state)
    steady_cursors(app)
    return app


async def _select(
    pilot: Pilot[None],
    kind: Kind,
    opcode: Opcode,
    payload: bytes | None = None,
    keys: tuple[str, ...] = (),
) -> None:
    """Put the log's cursor on the first such row (log focused), then press ``keys``."""
    app = await _settle(pilot)
    store = app.session.store
    index = next(
        i
        for i in range(len(store))
        if (store.kind(i), store.opcode(i)) == (kind, opcode)
        and payload in (None, store.payload(i))
    )
    log = app.query_one(MessageLog)
    log.focus()
    log.select(index)
    await pilot.press(*keys)
    await pilot.pause()


async def drive_session(pilot: Pilot[None]) -> None:
    """The composer focused with a message half-typed."""
    app = await _settle(pilot)
    app.query_one(Composer).editor.focus()
    await pilot.press(*'{"op":"unsubscribe"')
    await pilot.pause()


async def drive_inspector_json(pilot: Pilot[None]) -> None:
    await _select(pilot, Kind.RECV, Opcode.TEXT, PRICE)


async def drive_inspector_hex(pilot: Pilot[None]) -> None:
    await _select(pilot, Kind.RECV, Opcode.BINARY, keys=("x",))


async def drive_filter(pilot: Pilot[None]) -> None:
    """A regex filter typed in the bar, applied after the debounce."""
    app = await _settle(pilot)
    await pilot.press("ctrl+f", "alt+r", *'"type":"(price|trade)"')
    log = app.query_one(MessageLog)
    await wait_for(pilot, lambda: " of " in str(log.border_subtitle))
    await pilot.pause()


async def drive_handshake_error(pilot: Pilot[None]) -> None:
    await _select(pilot, Kind.ERROR, Opcode.NONE)


async def drive_mode_menu(pilot: Pilot[None]) -> None:
    """The composer's mode list open above its picker, JSON highlighted."""
    app = await _settle(pilot)
    app.query_one(ModePicker).focus()
    await pilot.press("enter", "down")
    await pilot.pause()


async def drive_help(pilot: Pilot[None]) -> None:
    await _settle(pilot)
    await pilot.press("f1")
    await pilot.pause()


# -- a protocol layer: JSON-RPC --------------------------------------------------------

RPC_URL = "ws://rpc.example.com/"
RPC_ROWS = (
    (0.20, Kind.SEND, b'{"jsonrpc": "2.0", "method": "sum", "params": [1, 2, 39], "id": 1}'),
    (0.25, Kind.RECV, b'{"jsonrpc":"2.0","result":42,"id":1}'),
    (0.90, Kind.SEND, b'{"jsonrpc": "2.0", "method": "fail", "params": [], "id": 2}'),
    (0.93, Kind.RECV, b'{"jsonrpc":"2.0","error":{"code":-32000,"message":"it failed"},"id":2}'),
)


def rpc_session() -> Session:
    session = Session()
    session.on_event(T0, Connecting(RPC_URL))
    session.on_event(T0 + 0.05, _opened()._replace(url=RPC_URL, subprotocol=None))
    for t, kind, payload in RPC_ROWS:
        session.on_frame(T0 + t, kind, Opcode.TEXT, payload)
    return session


async def _speak_json_rpc(pilot: Pilot[None]) -> SockscopeApp:
    """The rows decoded as the worker's protocol plug-in would have, the layer announced."""
    from sockscope.core.events import ProtocolChosen
    from sockscope.core.protocols.jsonrpc import JsonRpcLayer
    from sockscope.core.protocols.message import Direction
    from sockscope.core.protocols.view import ProtocolView
    from sockscope.tui.messages import ProtocolChanged

    app = await _settle(pilot)
    store, layer = app.session.store, JsonRpcLayer()
    view = ProtocolView(store, layer, "chosen")
    for row in range(len(store)):
        if store.kind(row).is_frame:
            direction = Direction.SENT if store.kind(row) is Kind.SEND else Direction.RECEIVED
            messages = tuple(layer.decode(direction, Opcode.TEXT, store.payload(row)))
            view.add(row, store.time(row), direction, messages)
    app.main_screen.worker_bridge.protocol.view = view
    app.main_screen.post_message(ProtocolChanged(ProtocolChosen("json-rpc", layer.title, "chosen")))
    await pilot.pause()
    return app


async def drive_rpc_composer(pilot: Pilot[None]) -> None:
    """The composer in JSON-RPC's call mode, a call half-typed."""
    app = await _speak_json_rpc(pilot)
    await wait_for(pilot, lambda: app.query_one(Composer).form is not None)
    app.main_screen.focus_composer()
    await pilot.press(*"sum")
    steady_cursors(app)
    await pilot.pause()


async def drive_rpc_pair(pilot: Pilot[None]) -> None:
    """The inspector on a call: decoded, its answer and the latency."""
    app = await _speak_json_rpc(pilot)
    log = app.query_one(MessageLog)
    log.focus()
    log.select(1)
    await pilot.pause()


# -- replay and diff -----------------------------------------------------------------

STAGING = "wss://staging.example.com/v1"
PRICE_NOW = PRICE.replace(b"43125.5", b"43130.0").replace(b"1841", b"2210")


class ScriptedReplayer(Replayer):
    """A replay that writes fixed rows into its session instead of connecting.

    Only for pictures: the screen runs it as it runs a real replay, so the rows, the
    progress and the diff are those of a finished replay, with no port or clock in them.
    """

    async def run(self) -> ReplayResult:
        frame, start = self.session.on_frame, T0 + 60
        self.session.on_event(start, Connecting(STAGING))
        self.session.on_event(start + 0.05, _opened()._replace(url=STAGING))
        self.session.note(start + 0.05, "Replaying 2 messages from the log at 2x.")
        frame(start + 0.15, Kind.SEND, Opcode.TEXT, SUBSCRIBE)
        frame(start + 0.19, Kind.RECV, Opcode.TEXT, b'{"type":"subscribed","channels":2}')
        frame(start + 0.31, Kind.RECV, Opcode.TEXT, PRICE_NOW)
        frame(start + 0.40, Kind.RECV, Opcode.TEXT, TRADE)
        frame(start + 0.55, Kind.RECV, Opcode.BINARY, SNAPSHOT)
        frame(start + 1.29, Kind.SEND, Opcode.TEXT, b"hello, is this thing on?")
        frame(start + 1.33, Kind.RECV, Opcode.TEXT, b'{"type":"error","error":"expected JSON"}')
        frame(start + 1.60, Kind.SEND, Opcode.CLOSE, _close_payload(1000, ""))
        frame(start + 1.61, Kind.RECV, Opcode.CLOSE, _close_payload(1000, ""))
        closed = Closed(1000, "", was_clean=True, by="client")
        self.session.on_event(start + 1.62, closed)
        self.sent = len(self.plan.sends)
        return ReplayResult(self.sent, self.sent, self.responses(), closed)


def scripted_replay() -> ReplayScreen:
    plan = ReplayPlan.from_store(session_rows().store)
    settings = plan.settings_for(ConnectionSettings(), STAGING)
    return ReplayScreen(ScriptedReplayer(plan, settings, Session(), speed=2.0), ("$.ts",))


async def drive_replay(pilot: Pilot[None]) -> None:
    """A finished replay, back from the diff that opened by itself."""
    app = await _settle(pilot)
    replay = scripted_replay()
    app.push_screen(replay)
    await wait_for(pilot, lambda: isinstance(app.screen, DiffScreen))
    await pilot.press("escape")
    await wait_for(pilot, lambda: app.screen is replay)
    replay.query_one(MessageLog).select(4)  # the price, which differs from the recording
    steady_cursors(app)
    await pilot.pause()


def every_status() -> DiffReport:
    """A report with a pair of each status (compare never makes missing and extra at once)."""
    hostile = Message(Opcode.TEXT, b"\x1b[31mred\x1b[0m and [b]markup[/b]")
    rows = [
        (0, 0, Message(Opcode.TEXT, SUBSCRIBE), Message(Opcode.TEXT, SUBSCRIBE)),
        (1, 1, Message(Opcode.TEXT, PRICE), Message(Opcode.TEXT, PRICE_NOW)),
        (2, 2, Message(Opcode.BINARY, SNAPSHOT), Message(Opcode.BINARY, SNAPSHOT[:-1] + b"!")),
        (3, 3, hostile, hostile),
        (4, None, Message(Opcode.TEXT, TRADE), None),
        (None, 4, None, Message(Opcode.TEXT, b'{"type":"heartbeat"}')),
    ]
    pairs = tuple(
        Pair(i, j, a, b, tuple(differences(a, b)) if a is not None and b is not None else ())
        for i, j, a, b in rows
    )
    return DiffReport(pairs, recorded_count=5, new_count=5, ignore=("$.ts",))


async def drive_diff(pilot: Pilot[None]) -> None:
    app = await _settle(pilot)
    app.push_screen(DiffScreen(every_status(), f"replay to {STAGING}"))
    await wait_for(pilot, lambda: isinstance(app.screen, DiffScreen))
    await pilot.pause()


def busy_session() -> Session:
    """A minute of a market feed: trades at a swelling rate, a few orders sent."""
    session = Session()
    session.on_event(T0, Connecting(URL))
    session.on_event(T0 + 0.05, _opened())
    for second in range(60):
        received = 10 + (second * 7) % 40 + (30 if 40 <= second < 46 else 0)
        for n in range(received):
            payload = TRADE if n % 4 else PRICE + b" " * (n * 9 % 300)
            session.on_frame(T0 + 1 + second + n / received, Kind.RECV, Opcode.TEXT, payload)
        for n in range(second % 4):
            order = b'{"op":"order","id":%d}' % (second * 10 + n)
            session.on_frame(T0 + 1.1 + second + n / 4, Kind.SEND, Opcode.TEXT, order)
    session.on_frame(T0 + 30.5, Kind.RECV, Opcode.BINARY, SNAPSHOT * 200)
    return session


async def drive_traffic(pilot: Pilot[None]) -> None:
    """The traffic panel (F4) a minute into the feed, its clock stopped there."""
    app = await _settle(pilot)
    app.main_screen.traffic.clock = lambda: T0 + 61.5
    await pilot.press("f4")
    # The panel mounts its parts, then samples: the picture is taken once it has.

    def drawn() -> bool:
        """Both parts drawn: the sparklines have data, the size chart its bars."""
        sparks, charts = app.query("#spark-in"), app.query("#sizes")
        if not sparks or not charts or not sparks.first(Sparkline).data:
            return False
        chart = charts.first()
        return chart.size.width > 0 and " B " in str(chart.render())

    await wait_for(pilot, drawn)
    await pilot.pause()


# -- a collection of saved connections --------------------------------------------------

COLLECTION = Path(__file__).resolve().parent.parent / "fixtures" / "collection"
WORKSPACE = (("collection", COLLECTION), ("env", (("TOKEN", "dev-token-1234"),)))


async def _saved_message(pilot: Pilot[None]) -> SockscopeApp:
    """The composer holding the staging connection's saved message (F3, enter)."""
    app = await _settle(pilot)
    tree = app.query_one("#collection-tree", Tree)
    await wait_for(pilot, lambda: tree.last_line >= 2)
    staging = next(e.connection for e in app.main_screen.workspace.load().entries if e.folder)
    app.main_screen.workspace.saved = staging
    app.main_screen.composer.saved_messages = staging.messages
    app.main_screen.focus_composer()
    await pilot.press("f3")
    await pilot.pause()
    await pilot.press("enter")
    await pilot.pause()
    return app


async def drive_collection(pilot: Pilot[None]) -> None:
    """The sidebar on a bad file (its sentence below), a saved message resolved below."""
    app = await _saved_message(pilot)
    tree = app.query_one("#collection-tree", Tree)
    tree.focus()
    tree.cursor_line = 1  # chat/broken.sockscope.yaml
    steady_cursors(app)
    await pilot.pause()


async def drive_resolved_preview(pilot: Pilot[None]) -> None:
    """A message with {{VARIABLES}} typed: what will go is shown under the editor."""
    app = await _saved_message(pilot)
    app.main_screen.query_one("#sidebar").display = False
    await pilot.press("end", "left", *',"auth":"{{TOKEN}}"')
    steady_cursors(app)
    await pilot.pause()


async def drive_tabs(pilot: Pilot[None]) -> None:
    """Three tabs: the session shown, a feed that kept coming in another, and a new one."""
    app = await _settle(pilot)
    first = app.tabs.current
    assert first is not None
    feed = await app.open_tab(ConnectionSettings("wss://feed.example.com/ticks"))
    await app.open_tab()
    await app.tabs.show(first)
    for seq in range(1234):
        feed.session.on_frame(T0 + 9 + seq / 1000, Kind.RECV, Opcode.TEXT, b'{"seq":%d}' % seq)
    app.query_one(Composer).editor.focus()
    steady_cursors(app)
    await pilot.pause(0.4)  # the tab bar looks four times a second


@dataclass(frozen=True)
class Scene:
    """How to build the app and what to do before taking its picture."""

    name: str
    session: Callable[[], Session]
    drive: Callable[[Pilot[None]], Awaitable[None]]
    size: tuple[int, int] = SIZE
    options: tuple[tuple[str, object], ...] = ()
    """The app's options (AppOptions fields) beside the settings and the session."""

    def build(self) -> SockscopeApp:
        return build_app(ConnectionSettings(URL), session=self.session(), **dict(self.options))


SCENES = (
    Scene("session", session_rows, drive_session),
    # The smallest usual terminal: every label whole, keys that do not fit left out.
    Scene("session-80x24", session_rows, drive_session, size=(80, 24)),
    Scene("inspector-json", session_rows, drive_inspector_json),
    Scene("inspector-hex", session_rows, drive_inspector_hex),
    Scene("filter", session_rows, drive_filter),
    Scene("handshake-error", refused_session, drive_handshake_error),
    Scene("help", session_rows, drive_help),
    Scene("mode-menu", session_rows, drive_mode_menu),
    Scene("replay", session_rows, drive_replay),
    Scene("diff", session_rows, drive_diff),
    Scene("rpc-composer", rpc_session, drive_rpc_composer),
    Scene("rpc-pair", rpc_session, drive_rpc_pair),
    Scene("traffic", busy_session, drive_traffic),
    Scene("collection", session_rows, drive_collection, options=WORKSPACE),
    Scene("tabs", session_rows, drive_tabs),
    Scene("resolved-preview", session_rows, drive_resolved_preview, (80, 24), WORKSPACE),
)
