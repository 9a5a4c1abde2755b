"""The inspector: the selected row in full, as pretty JSON, text, hex dump, base64 or
decoded by a payload decoder (MessagePack, CBOR, zlib streams, protobuf, base64 in JSON).

A frame opens decoded when exactly one decoder fits it (:func:`automatic`); "e" shows it
decoded and, pressed again, the next decoder that fits.

What is shown is made in :mod:`sockscope.core.text.inspect` (safe strings, huge frames
a part at a time with a note of the rest); this widget lays it out. Each further part
("m") is a Static of its own, so showing more lays out only the new part. Payloads are data: JSON is
highlighted with :class:`rich.syntax.Syntax` and everything else is shown as
:class:`rich.text.Text`, never parsed as markup.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from rich.console import Group, RenderableType
from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical, VerticalScroll
from textual.reactive import reactive
from textual.widgets import Static

from sockscope.core.payloads.rows import RowDecoder
from sockscope.core.store.frames import FrameStore, Opcode, Row
from sockscope.core.text.inspect import (
    JSON_MODES,
    MODE_KEYS,
    Mode,
    PayloadView,
    decoded_json,
    decoded_note,
    default_mode,
    event_details,
    event_text,
    mode_text,
    payload_view,
    pretty_json,
    row_header,
)

if TYPE_CHECKING:
    from sockscope.core.protocols.view import ProtocolView


class Inspector(Vertical):
    """Shows the row the log's cursor is on; the app calls :meth:`show_row`."""

    DEFAULT_CSS = """
    Inspector {
        height: 1fr;
        & > #inspector-header { height: auto; padding: 0 1; background: $boost; }
        & > #inspector-modes { height: 1; padding: 0 1; color: $text-muted; }
        & > VerticalScroll { height: 1fr; }
        & #inspector-body, & .inspector-part, & #inspector-more { padding: 0 1; }
        & #inspector-decoded { padding: 0 1; }
        & #inspector-more { text-style: italic; }
    }
    """

    BINDINGS = [
        Binding("j", "mode('JSON')", "JSON", id="inspector.json", tooltip="Pretty JSON"),
        Binding("r", "mode('text')", "Text", id="inspector.text", tooltip="Plain text"),
        Binding("x", "mode('hex')", "Hex", id="inspector.hex", tooltip="Hex dump"),
        Binding("b", "mode('base64')", "Base64", id="inspector.base64", tooltip="Base64"),
        Binding(
            "e",
            "decode",
            "Decoded",
            id="inspector.decoded",
            tooltip="Decoded (MessagePack, CBOR, zlib…); again for the next decoder that fits",
        ),
        Binding("c", "copy", "Copy", id="inspector.copy", tooltip="Copy all of it, as shown"),
        Binding(
            "m", "more", "More", id="inspector.more", tooltip="Show the next part of a huge payload"
        ),
    ]

    mode: reactive[Mode] = reactive(Mode.TEXT)
    """The current display mode (set to the row's default on each new row)."""

    def __init__(
        self, *, name: str | None = None, id: str | None = None, classes: str | None = None
    ) -> None:
        super().__init__(name=name, id=id, classes=classes)
        self.row: Row | None = None
        self._pretty: str | None = None
        self._parts: tuple[Static, Static, VerticalScroll, Static] | None = None
        self._next: int | None = None
        """Where the payload's next part starts, or None when all of it is shown."""
        self.shown_text = ""
        """Plain text of what the body shows now (before any "… more" note)."""
        self._store: FrameStore | None = None
        self._index = 0
        self.decoders: list[str] = []
        """The payload decoders that fit the row (none for events and close frames)."""
        self.decoder: str | None = None
        """The decoder the decoded mode shows (the automatic one, or the one cycled to)."""
        self._decoded: str | None = None
        self._decoded_note = ""
        self._row_decoder = RowDecoder()
        self.protocol_view: Callable[[], ProtocolView | None] = lambda: None
        """The session's protocol layer's view: a row it decoded shows decoded first."""
        self._protocol_part: Static | None = None

    def compose(self) -> ComposeResult:
        # The mode bar and the body come with the first row (startup: docs/performance.md).
        yield Static("Select a row in the log.", id="inspector-header", markup=False)

    def _body_parts(self) -> tuple[Static, Static, VerticalScroll, Static]:
        """The mode bar, the body, its scroll and the "more" note, mounted on first use."""
        if self._parts is None:
            bar, body, more = (
                Static(id="inspector-modes", markup=False),
                Static(id="inspector-body", markup=False),
                Static(id="inspector-more", markup=False),
            )
            # What a protocol layer decoded goes above the raw payload (hidden until then).
            self._protocol_part = Static(id="inspector-decoded", markup=False)
            self._protocol_part.display = False
            scroll = VerticalScroll(self._protocol_part, body, more)
            self.mount_all([bar, scroll])
            self._parts = bar, body, scroll, more
        return self._parts

    def show_row(self, store: FrameStore, index: int) -> None:
        """Show row ``index`` of ``store`` in its default mode."""
        row = self.row = store.row(index)
        self._store, self._index = store, index
        header = Text(row_header(row, store.first_time), style="bold")
        self.query_one("#inspector-header", Static).update(header)
        self.decoders, self.decoder = [], None
        self._show_protocol(store.dropped + index if row.kind.is_frame else None)
        if row.kind.is_frame:
            self._pretty = pretty_json(row.payload) if row.opcode is not Opcode.CLOSE else None
            mode = default_mode(row.opcode, row.payload, self._pretty)
            if row.opcode is not Opcode.CLOSE:
                from sockscope.core.payloads.catalog import automatic, detect

                self.decoders = detect(row.payload)
                self.decoder = automatic(row.payload) if self.decoders else None
                if self.decoder is not None:
                    self._decode(self.decoder)
                    mode = Mode.DECODED if self._decoded is not None else mode
            self.set_reactive(Inspector.mode, mode)
        self._render_body()

    def _decode(self, name: str) -> None:
        """Decode the row with ``name`` for the decoded mode (its tree and its note)."""
        assert self._store is not None
        self.decoder = name
        result = self._row_decoder.decode(self._store, self._index, name)
        self._decoded = decoded_json(result)
        self._decoded_note = decoded_note(result, self.decoders, self.decoders.index(name))

    def action_decode(self) -> None:
        """Show the row decoded; when it is, the next decoder that fits (round the list)."""
        if self.row is None or not self.decoders:
            self.notify("No payload decoder fits this row.", severity="warning")
            return
        current = self.decoder if self.decoder in self.decoders else None
        if current is None:
            chosen = self.decoders[0]
        elif self.mode is Mode.DECODED:
            chosen = self.decoders[(self.decoders.index(current) + 1) % len(self.decoders)]
        else:
            chosen = current
        self._decode(chosen)
        if self.mode is Mode.DECODED:
            self._render_body()
        else:
            self.mode = Mode.DECODED

    def _show_protocol(self, number: int | None) -> None:
        """What the protocol layer made of row ``number``, above the raw payload."""
        view = self.protocol_view()
        decoded = None
        if view is not None and number is not None:
            from sockscope.tui.widgets.decoded_view import decoded_text

            decoded = decoded_text(view, number)
        if decoded is None and self._protocol_part is None:
            return
        self._body_parts()
        assert self._protocol_part is not None
        self._protocol_part.display = decoded is not None
        self._protocol_part.update(decoded or "")

    def watch_mode(self) -> None:
        self._render_body()

    def action_mode(self, label: str) -> None:
        self.mode = Mode(label)

    def _render_body(self) -> None:
        if not self.is_mounted or self.row is None:
            return
        row = self.row
        bar, shown, scroll, more = self._body_parts()
        scroll.query(".inspector-part").remove()
        self._next = None
        bar.display = row.kind.is_frame
        if row.kind.is_frame:
            bar.update(self._mode_bar())
            body, note = self._frame_body(row.payload)
        else:
            body, note = self._event_body(row), None
        shown.update(body)
        self._show_more(more, note)
        scroll.scroll_home(animate=False)

    def _show_more(self, more: Static, note: str | None = None) -> None:
        more.display = note is not None
        more.update(note or "")

    def action_more(self) -> None:
        """Show the payload's next part under what is shown (one part: never all of it)."""
        if self.row is None or self._next is None or self._parts is None:
            self.app.bell()
            return
        _, _, scroll, more = self._parts
        view = self._payload_view(self.row.payload, self._next)
        self.shown_text += "\n" + view.text
        scroll.mount(Static(self._part(view), classes="inspector-part", markup=False), before=more)
        self._show_more(more, view.more)

    def _mode_bar(self) -> Text:
        bar = Text()
        for mode, key in MODE_KEYS.items():
            label = mode.value
            if mode is Mode.DECODED:
                if not self.decoders:
                    continue
                label = f"{label}: {self.decoder or self.decoders[0]}"
            style = "reverse bold" if mode is self.mode else ""
            bar.append(f" {key} {label} ", style)
            bar.append(" ")
        bar.append("  c copy")
        return bar

    def _payload_view(self, payload: bytes, start: int) -> PayloadView:
        # 16 bytes a line need 76 cells; a narrow inspector shows 8 rather than wrap.
        hex_width = 16 if self.size.width >= 78 else 8
        decoded = self.mode is Mode.DECODED
        pretty = self._decoded if decoded else self._pretty
        note = self._decoded_note if decoded else None
        view = payload_view(self.mode, payload, pretty, hex_width, start, note)
        self._next = view.end if view.rest > 0 else None
        return view

    def _frame_body(self, payload: bytes) -> tuple[RenderableType, str | None]:
        """The payload's first part (after why it is not JSON, if so) and its "more" note."""
        view = self._payload_view(payload, 0)
        self.shown_text = view.text
        note = Text(view.note, style="italic") if view.note else ""
        return Group(*(part for part in (note, self._part(view)) if part)), view.more

    def _part(self, view: PayloadView) -> RenderableType:
        """One part of a payload: JSON highlighted, anything else as plain text."""
        if view.mode in JSON_MODES:
            from rich.syntax import Syntax  # on demand: pygments is a slow import

            theme = "ansi_dark" if self.app.current_theme.dark else "ansi_light"
            return Syntax(
                view.text, "json", theme=theme, word_wrap=True, background_color="default"
            )
        return Text(view.text)

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
        pretty = self._decoded if self.mode is Mode.DECODED else self._pretty
        return mode_text(self.mode, self.row.payload, pretty)

    def action_copy(self) -> None:
        """Copy to the system clipboard, or the terminal's (:func:`copy_text`)."""
        from sockscope.tui.clipboard import copy_text

        text = self.copy_text()
        if text is None:
            self.notify("Select a row to copy it.", severity="warning")
            return
        where = copy_text(self.app, text)
        what = self.mode.value if self.row and self.row.kind.is_frame else "event"
        self.notify(f"Copied {len(text):,} characters ({what}) to {where}.", markup=False)
