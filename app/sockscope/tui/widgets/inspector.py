"""The inspector: the selected row in full, as pretty JSON, text, hex dump or base64.

Payloads are data: JSON is highlighted with :class:`rich.syntax.Syntax` and everything
else is shown as :class:`rich.text.Text` built from safe strings, never parsed as markup.
Huge frames are shown in part (the first ``DISPLAY_LIMIT`` bytes) with a note of the rest.
"""

from __future__ import annotations

from enum import Enum
from typing import Any

from rich.console import Group, RenderableType
from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical, VerticalScroll
from textual.reactive import reactive
from textual.widgets import Static

from sockscope.core.formats.redact import is_secret_header, redact_url
from sockscope.core.store.frames import FrameStore, Kind, Opcode, Row
from sockscope.core.text.display import (
    decode_text,
    describe_close,
    hexdump,
    human_size,
    mask_secret,
    safe_block,
    safe_line,
    to_base64,
)
from sockscope.tui.log.row_format import (
    describe_close_payload,
    direction_mark,
    format_time,
    opcode_label,
)

#: Bytes of a payload shown at most (the copy action still takes all of it).
DISPLAY_LIMIT = 64 * 1024
#: Payloads larger than this are not parsed as JSON (pretty-printing them would stall).
JSON_LIMIT = 2 * 1024 * 1024


class Mode(Enum):
    """How the inspector shows a payload; the value is the label in the mode bar."""

    JSON = "JSON"
    TEXT = "text"
    HEX = "hex"
    BASE64 = "base64"


MODE_KEYS = {Mode.JSON: "j", Mode.TEXT: "r", Mode.HEX: "x", Mode.BASE64: "b"}


def pretty_json(payload: bytes) -> str | None:
    """The payload re-indented when it is a JSON object or array, else None."""
    if len(payload) > JSON_LIMIT or payload.lstrip()[:1] not in (b"{", b"["):
        return None
    import json  # on first use, not with the app (startup: docs/performance.md)

    try:
        return json.dumps(json.loads(payload), indent=2, ensure_ascii=False)
    except (ValueError, RecursionError):
        return None


def _reads_as_text(text: str) -> bool:
    return not any(ord(c) < 0x20 and c not in "\t\n\r" for c in text[:4096])


def default_mode(opcode: Opcode, payload: bytes, pretty: str | None) -> Mode:
    """JSON if it parses, text if it reads as text, hex otherwise (and for CLOSE frames)."""
    if opcode is Opcode.CLOSE:
        return Mode.HEX
    if pretty is not None:
        return Mode.JSON
    text = decode_text(payload)
    if text is not None and (opcode is Opcode.TEXT or _reads_as_text(text)):
        return Mode.TEXT
    return Mode.HEX


def mode_text(
    mode: Mode,
    payload: bytes,
    pretty: str | None,
    limit: int | None = None,
    hex_width: int = 16,
) -> str:
    """The payload in ``mode`` as raw text (JSON falls back to text when ``pretty`` is None).

    ``limit`` cuts the payload (or the pretty JSON) first, so huge frames stay cheap.
    """
    if mode is Mode.JSON and pretty is not None:
        return pretty if limit is None else pretty[:limit]
    part = payload if limit is None else payload[:limit]
    if mode in (Mode.JSON, Mode.TEXT):
        return part.decode("utf-8", "replace")
    if mode is Mode.HEX:
        return "\n".join(hexdump(part, hex_width))
    return to_base64(part if limit is None else part[: limit - limit % 3])


Fields = list[tuple[str, str]]


def event_details(kind: Kind, info: dict[str, Any]) -> tuple[Fields, list[tuple[str, Fields]]]:
    """An event row as label/value fields plus titled header lists, every value made safe."""
    fields: Fields = []
    sections: list[tuple[str, Fields]] = []
    if kind is Kind.OPEN:
        fields.append(("status", f"{info.get('status', '')} {info.get('reason', '')}"))
        fields.append(("url", redact_url(str(info.get("url", "")))))
        fields.append(("subprotocol", str(info.get("subprotocol") or "none")))
        fields.append(("extensions", ", ".join(map(str, info.get("extensions") or [])) or "none"))
        for key in ("request_headers", "response_headers"):
            headers = [
                (
                    safe_line(str(n)),
                    safe_line(mask_secret(str(v)) if is_secret_header(str(n)) else str(v)),
                )
                for n, v in info.get(key) or []
            ]
            sections.append((key.replace("_", " "), headers))
    elif kind is Kind.CLOSE:
        code = info.get("code")
        reason = str(info.get("reason", ""))
        fields.append(("close", describe_close(code, reason, bool(info.get("was_clean")))))
        fields.append(("closed by", str(info.get("by", "unknown"))))
        if info.get("detail"):
            fields.append(("detail", str(info["detail"])))
    else:
        fields.append(("message", str(info.get("message", ""))))
        for key in ("cause", "status", "body"):
            if info.get(key) not in (None, ""):
                fields.append((key, str(info[key])))
    return [(label, safe_block(value)) for label, value in fields], sections


def event_text(kind: Kind, info: dict[str, Any]) -> str:
    """An event row as plain lines (what the copy action takes)."""
    fields, sections = event_details(kind, info)
    lines = [f"{label}: {value}" for label, value in fields]
    for title, headers in sections:
        lines.append(f"{title}:")
        lines.extend(f"  {name}: {value}" for name, value in headers)
    return "\n".join(lines)


class Inspector(Vertical):
    """Shows the row the log's cursor is on; the app calls :meth:`show_row`."""

    DEFAULT_CSS = """
    Inspector {
        height: 1fr;
        & > #inspector-header { height: auto; padding: 0 1; background: $boost; }
        & > #inspector-modes { height: 1; padding: 0 1; color: $text-muted; }
        & > VerticalScroll { height: 1fr; }
        & #inspector-body { padding: 0 1; }
    }
    """

    BINDINGS = [
        Binding("j", "mode('JSON')", "JSON", id="inspector.json", tooltip="Pretty JSON"),
        Binding("r", "mode('text')", "Text", id="inspector.text", tooltip="Plain text"),
        Binding("x", "mode('hex')", "Hex", id="inspector.hex", tooltip="Hex dump"),
        Binding("b", "mode('base64')", "Base64", id="inspector.base64", tooltip="Base64"),
        Binding("c", "copy", "Copy", id="inspector.copy", tooltip="Copy all of it, as shown"),
    ]

    mode: reactive[Mode] = reactive(Mode.TEXT)
    """The current display mode (set to the row's default on each new row)."""

    def __init__(
        self, *, name: str | None = None, id: str | None = None, classes: str | None = None
    ) -> None:
        super().__init__(name=name, id=id, classes=classes)
        self.row: Row | None = None
        self._pretty: str | None = None
        self._parts: tuple[Static, Static, VerticalScroll] | None = None
        self.shown_text = ""
        """Plain text of what the body shows now (before any "… more" note)."""

    def compose(self) -> ComposeResult:
        # The mode bar and the body come with the first row (startup: docs/performance.md).
        yield Static("Select a row in the log.", id="inspector-header", markup=False)

    def _body_parts(self) -> tuple[Static, Static, VerticalScroll]:
        """The mode bar, the body and its scroll, mounted on first use."""
        if self._parts is None:
            bar, body = (
                Static(id="inspector-modes", markup=False),
                Static(id="inspector-body", markup=False),
            )
            scroll = VerticalScroll(body)
            self.mount_all([bar, scroll])
            self._parts = bar, body, scroll
        return self._parts

    def show_row(self, store: FrameStore, index: int) -> None:
        """Show row ``index`` of ``store`` in its default mode."""
        row = self.row = store.row(index)
        self.query_one("#inspector-header", Static).update(self._header(row, store.first_time))
        if row.kind.is_frame:
            self._pretty = pretty_json(row.payload) if row.opcode is not Opcode.CLOSE else None
            self.set_reactive(Inspector.mode, default_mode(row.opcode, row.payload, self._pretty))
        self._render_body()

    def watch_mode(self) -> None:
        self._render_body()

    def action_mode(self, label: str) -> None:
        self.mode = Mode(label)

    def _header(self, row: Row, origin: float) -> Text:
        kind_word = {Kind.SEND: " sent", Kind.RECV: " received"}.get(row.kind, "")
        parts = [f"{direction_mark(row.kind)}{kind_word} {opcode_label(row.kind, row.opcode)}"]
        if row.kind.is_frame:
            size = human_size(row.size)
            parts.append(size if row.size < 1024 else f"{size} ({row.size:,} B)")
        parts.append(f"{format_time(row.time)} ({format_time(row.time, origin)})")
        if row.opcode is Opcode.CLOSE:
            parts.append(describe_close_payload(row.payload))
        return Text(" · ".join(parts), style="bold")

    def _render_body(self) -> None:
        if not self.is_mounted or self.row is None:
            return
        row = self.row
        bar, shown, scroll = self._body_parts()
        bar.display = row.kind.is_frame
        if row.kind.is_frame:
            bar.update(self._mode_bar())
            body = self._frame_body(row.payload)
        else:
            body = self._event_body(row)
        shown.update(body)
        scroll.scroll_home(animate=False)

    def _mode_bar(self) -> Text:
        bar = Text()
        for mode, key in MODE_KEYS.items():
            style = "reverse bold" if mode is self.mode else ""
            bar.append(f" {key} {mode.value} ", style)
            bar.append(" ")
        bar.append("  c copy")
        return bar

    def _frame_body(self, payload: bytes) -> RenderableType:
        mode = self.mode
        note: Text | str = ""
        if mode is Mode.JSON and self._pretty is None:
            mode, note = Mode.TEXT, Text("Not JSON: shown as text.", style="italic")
        # 16 bytes a line need 76 cells; a narrow inspector shows 8 rather than wrap.
        hex_width = 16 if self.size.width >= 78 else 8
        shown = mode_text(mode, payload, self._pretty, DISPLAY_LIMIT, hex_width)
        self.shown_text = shown = shown if mode in (Mode.HEX, Mode.BASE64) else safe_block(shown)
        full = len(self._pretty) if mode is Mode.JSON and self._pretty else len(payload)
        unit = "characters" if mode is Mode.JSON else "bytes"
        rest = full - DISPLAY_LIMIT
        more = Text(f"… {rest:,} more {unit} (c copies all)", style="italic") if rest > 0 else ""
        if mode is Mode.JSON:
            from rich.syntax import Syntax  # on demand: pygments is a slow import

            theme = "ansi_dark" if self.app.current_theme.dark else "ansi_light"
            body: RenderableType = Syntax(
                shown, "json", theme=theme, word_wrap=True, background_color="default"
            )
        else:
            body = Text(shown)
        return Group(*(part for part in (note, body, more) if part))

    def _event_body(self, row: Row) -> RenderableType:
        fields, sections = event_details(row.kind, row.info)
        grid = Table.grid(padding=(0, 1))
        grid.add_column(style="bold")
        grid.add_column()
        for label, value in fields:
            grid.add_row(Text(label), Text(value))
        tables = []
        for title, headers in sections:
            table = Table("name", "value", title=title, expand=True, title_justify="left")
            for name, value in headers:
                table.add_row(Text(name), Text(value))
            tables.append(table)
        self.shown_text = event_text(row.kind, row.info)
        return Group(grid, *tables)

    def copy_text(self) -> str | None:
        """What :meth:`action_copy` puts on the clipboard: the whole payload in the mode."""
        if self.row is None:
            return None
        if not self.row.kind.is_frame:
            return event_text(self.row.kind, self.row.info)
        return mode_text(self.mode, self.row.payload, self._pretty)

    def action_copy(self) -> None:
        """Copy with pyperclip; where it has no backend (SSH, headless) use OSC 52."""
        import pyperclip  # on first use: it loads ctypes (startup: docs/performance.md)

        text = self.copy_text()
        if text is None:
            self.notify("Select a row to copy it.", severity="warning")
            return
        try:
            pyperclip.copy(text)
            where = "the system clipboard"
        except Exception:  # PyperclipException, or a backend that failed to run
            self.app.copy_to_clipboard(text)
            where = "the terminal clipboard (OSC 52)"
        what = self.mode.value if self.row and self.row.kind.is_frame else "event"
        self.notify(f"Copied {len(text):,} characters ({what}) to {where}.", markup=False)
