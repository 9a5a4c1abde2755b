"""The held-message panel: a message paused at a breakpoint, and the keys that decide it.

Shown while one of the connection's messages is held: its way and payload; ``f`` lets it
go on as it is, ``e`` opens an editor with it, ``d`` drops it. The editor is the
composer's: Enter (or ctrl+s) sends the edit, ctrl+j adds a line, escape goes back. The
decision goes straight to the core's :class:`HeldFrame`; the panel hides when the core
says nothing more is held.
"""

from __future__ import annotations

from collections.abc import Sequence

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.widgets import Label, Static

from sockscope.core.proxy.breakpoints import HeldFrame
from sockscope.core.store.frames import Opcode
from sockscope.core.text.display import safe_block
from sockscope.tui.widgets.message_editor import MessageEditor

#: The most of a held payload the panel shows (characters); the editor has all of it.
SHOWN = 2000


class HeldPanel(Vertical, can_focus=True):
    """The first message held now, with forward, edit and drop keys."""

    DEFAULT_CSS = """
    HeldPanel {
        height: auto;
        max-height: 50%;
        display: none;
        border: round $warning;
        padding: 0 1;
        &:focus-within { border: round $accent; }
        & #held-payload { max-height: 8; overflow-y: auto; }
        & #held-editor { height: 8; display: none; }
        &.-editing #held-editor { display: block; }
        &.-editing #held-payload { display: none; }
    }
    """

    BINDINGS = [
        Binding("f", "forward", "Forward", id="held.forward", tooltip="Let it go on as it is"),
        Binding("e", "edit", "Edit", id="held.edit", tooltip="Edit it, then ctrl+s sends"),
        Binding("d", "drop", "Drop", id="held.drop", tooltip="Let it go no further"),
        Binding("ctrl+s", "send_edit", "Send edit", id="held.send"),
        Binding("escape", "cancel_edit", "Back", id="held.cancel", show=False),
    ]

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.held: HeldFrame | None = None
        """The message the keys act on (the first held, client → server first)."""

    def compose(self) -> ComposeResult:
        yield Label("", id="held-title", markup=False)
        yield Static("", id="held-payload", markup=False)
        yield MessageEditor(id="held-editor", soft_wrap=True)

    @property
    def editing(self) -> bool:
        return self.has_class("-editing")

    def show(self, held: Sequence[HeldFrame]) -> None:
        """Show the first of ``held`` (hidden when none); the one edited stays while held."""
        first = held[0] if held else None
        if first is not self.held:
            self.held = first
            self.remove_class("-editing")
            if first is not None:
                self._show(first, len(held) - 1)
        self.display = first is not None
        self.refresh_bindings()

    def _show(self, held: HeldFrame, others: int) -> None:
        kind = "text" if held.opcode is Opcode.TEXT else "binary"
        title = f"⏸ Held {held.way.label} ({kind}, {len(held.payload):,} bytes)"
        if others:
            title += f" · {others} more held the other way"
        self.query_one("#held-title", Label).update(title + " · f forward · e edit · d drop")
        text = held.payload.decode(errors="replace")
        shown = text if len(text) <= SHOWN else text[:SHOWN] + "…"
        self.query_one("#held-payload", Static).update(safe_block(shown))

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action in ("send_edit", "cancel_edit"):  # shown once the editor has the keys
            editor = self.query_one("#held-editor", MessageEditor)
            return self.held is not None and self.editing and editor.has_focus
        if action in ("forward", "edit", "drop"):
            return self.held is not None
        return True

    def action_forward(self) -> None:
        if self.held is not None:
            self.held.forward()

    def action_drop(self) -> None:
        if self.held is not None:
            self.held.drop()

    def action_edit(self) -> None:
        """An editor with the payload: ctrl+s sends what it holds then."""
        if self.held is None:
            return
        editor = self.query_one("#held-editor", MessageEditor)
        editor.load_text(self.held.payload.decode(errors="replace"))
        editor.select_all()  # typing replaces it; an arrow key edits it instead
        self.add_class("-editing")
        self.refresh_bindings()
        # After the refresh: until then the editor is still hidden and takes no focus.
        self.call_after_refresh(editor.focus)

    @on(MessageEditor.Submitted, "#held-editor")
    def action_send_edit(self) -> None:
        held = self.held
        if held is None or not self.editing:
            return
        text = self.query_one("#held-editor", MessageEditor).text
        # A breakpoint holds only messages that are UTF-8: binary stays binary.
        held.edit(text if held.opcode is Opcode.TEXT else text.encode())
        self.remove_class("-editing")
        self.focus()

    def action_cancel_edit(self) -> None:
        self.remove_class("-editing")
        self.refresh_bindings()
        self.focus()
