"""The proxy's screen: where clients connect, the connections, the breakpoints, what is held.

It starts the proxy when it is mounted and stops it when it goes (the app quitting):
stopping forwards what is held, so nothing is lost silently. enter on a connection or
a held message shows that connection's tab; b adds a breakpoint, delete removes one.
"""

from __future__ import annotations

from collections.abc import Iterable

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.screen import Screen
from textual.widgets import DataTable, Label

from sockscope.core.formats.redact import redact_url
from sockscope.core.proxy.breakpoints import Breakpoint
from sockscope.core.store.frames import Opcode
from sockscope.core.text.display import preview, safe_line
from sockscope.tui.guard import guarded
from sockscope.tui.proxy.connection_tab import client_target
from sockscope.tui.proxy.runner import ProxyRunner
from sockscope.tui.widgets.key_bar import KeyBar
from sockscope.tui.widgets.tab_bar import TabBar

#: How often the counts of frames are brought up to date (seconds).
REFRESH = 0.5
_Rows = tuple[tuple[object, tuple[str, ...]], ...]


class ProxyHomeScreen(Screen[None]):
    """The proxy tab's base screen."""

    AUTO_FOCUS = "#connections"
    DEFAULT_CSS = """
    ProxyHomeScreen {
        & #listen { padding: 1 1 0 1; text-style: bold; }
        & .proxy-section { padding: 1 1 0 1; color: $text-muted; }
        & DataTable { height: auto; max-height: 12; margin: 0 1; }
        & #connections { max-height: 1fr; }
    }
    """
    BINDINGS = [
        Binding("b", "add_breakpoint", "Breakpoint…", id="proxy.add_breakpoint",
                tooltip="Hold messages that match a pattern, one way"),
        Binding("delete", "remove_breakpoint", "Remove", id="proxy.remove_breakpoint",
                tooltip="Remove the breakpoint under the cursor"),
    ]  # fmt: skip

    def __init__(self, runner: ProxyRunner) -> None:
        super().__init__()
        self.runner = runner
        self._shown: dict[str, _Rows] = {}

    def compose(self) -> ComposeResult:
        yield TabBar()
        yield Label("Starting the proxy…", id="listen", markup=False)
        yield Label("Client connections (enter shows one)", classes="proxy-section")
        yield self._table("connections", "#", "path", "state", "↑ sent", "↓ received")
        yield Label("Breakpoints (b adds one, delete removes)", classes="proxy-section")
        yield self._table("breakpoints", "way", "pattern")
        yield Label("Held now (enter shows its connection)", classes="proxy-section")
        yield self._table("held", "#", "way", "message")
        yield KeyBar()

    @staticmethod
    def _table(name: str, *columns: str) -> DataTable[str]:
        table: DataTable[str] = DataTable(id=name, cursor_type="row", zebra_stripes=True)
        table.add_columns(*columns)
        return table

    async def on_mount(self) -> None:
        runner = self.runner
        if not await runner.start():
            self.app.exit(return_code=2)
            return
        upstream = redact_url(runner.setup.settings.url)
        self.query_one("#listen", Label).update(
            safe_line(f"⇄ Clients connect to {runner.server.url} → {upstream}")
        )
        runner.changed.subscribe(self, lambda _: self.refresh_tables())
        self.set_interval(REFRESH, self.refresh_tables)
        self.refresh_tables()

    async def on_unmount(self) -> None:
        await self.runner.stop()

    @guarded
    def refresh_tables(self) -> None:
        server = self.runner.server
        self._fill("connections", self._connections())
        self._fill(
            "breakpoints",
            (
                (rule, (rule.way.label, safe_line(rule.pattern)))
                for rule in server.breakpoints.rules
            ),
        )
        self._fill(
            "held",
            (
                (held.connection, (str(held.connection), held.way.label,
                                   preview(held.payload, held.opcode is Opcode.TEXT, 80)))
                for held in server.held
            ),
        )  # fmt: skip

    def _connections(self) -> Iterable[tuple[object, tuple[str, ...]]]:
        tabs = self.runner.tabs
        for relay in self.runner.server.connections:
            tab = tabs.get(relay.number)
            state = tab.state().name.lower() if tab is not None else "connecting"
            store = relay.session.store
            target = safe_line(client_target(relay.settings.url))
            row = (
                str(relay.number),
                target,
                state,
                f"{store.frames_out:,}",
                f"{store.frames_in:,}",
            )
            yield relay.number, row

    def _fill(self, name: str, rows: Iterable[tuple[object, tuple[str, ...]]]) -> None:
        """Rows of (key, cells) into table ``name``, when they changed; the cursor stays."""
        shown = tuple(rows)
        if shown == self._shown.get(name):
            return
        self._shown[name] = shown
        table = self.query_one(f"#{name}", DataTable)
        cursor = table.cursor_row
        table.clear()
        for number, (key, cells) in enumerate(shown):
            table.add_row(*cells, key=f"{number}:{id(key)}")
        if shown:
            table.move_cursor(row=min(cursor, len(shown) - 1))

    def _key(self, name: str, row: int) -> object:
        shown = self._shown.get(name, ())
        return shown[row][0] if 0 <= row < len(shown) else None

    @on(DataTable.RowSelected, "#connections, #held")
    def _show_connection(self, event: DataTable.RowSelected) -> None:
        name = event.data_table.id or ""
        number = self._key(name, event.cursor_row)
        tab = self.runner.tabs.get(number) if isinstance(number, int) else None
        if tab is not None and tab in self.app.tabs:  # type: ignore[attr-defined]
            self.app.tabs.show(tab)  # type: ignore[attr-defined]

    def action_add_breakpoint(self) -> None:
        from sockscope.tui.proxy.breakpoint_dialog import BreakpointDialog

        def added(rule: Breakpoint | None) -> None:
            if rule is not None:
                self.runner.server.breakpoints.rules.append(rule)
                self.notify(f"Holding {rule.way.label} messages that match {rule.pattern}",
                            timeout=3, markup=False)  # fmt: skip
                self.refresh_tables()

        self.app.push_screen(BreakpointDialog(), added)

    def action_remove_breakpoint(self) -> None:
        table = self.query_one("#breakpoints", DataTable)
        rule = self._key("breakpoints", table.cursor_row)
        if isinstance(rule, Breakpoint) and table.has_focus:
            self.runner.server.breakpoints.remove(rule)
            self.refresh_tables()
