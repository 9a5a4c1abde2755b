"""Textual's Button, compact, with only the styles a compact button uses.

Textual's ``Button`` brings 7 KB of CSS for every look (flat, ANSI, bordered, five
variants), parsed with the first frame (~4 ms) and matched against each button: the
panel's and the composer's four buttons cost 6-10 ms of the launch (docs/performance.md,
*Startup*). This is the same widget (its messages, keys and variants), styled by the rules
of its compact default look alone (written to look as Textual 8's do).
"""

from __future__ import annotations

from textual.widgets import Button


class CompactButton(Button, inherit_css=False):
    """A compact :class:`~textual.widgets.Button` (no border, one line high)."""

    DEFAULT_CSS = """
    CompactButton {
        width: auto;
        min-width: 16;
        height: auto;
        line-pad: 1;
        text-align: center;
        content-align: center middle;
        pointer: pointer;
        text-style: bold;
        color: $button-foreground;
        background: $surface;
        border: none;
        &:disabled { text-opacity: 0.6; pointer: not-allowed; }
        &:focus { text-style: $button-focus-text-style; background-tint: $foreground 5%; }
        &:hover { background: $surface-darken-1; }
        &.-active { background: $surface; tint: $background 30%; }
        &.-primary {
            color: $button-color-foreground;
            background: $primary;
            &:hover { background: $primary-darken-2; }
            &.-active { background: $primary; }
        }
        &.-success {
            color: $button-color-foreground;
            background: $success;
            &:hover { background: $success-darken-2; }
            &.-active { background: $success; }
        }
        &.-error {
            color: $button-color-foreground;
            background: $error;
            &:hover { background: $error-darken-1; }
            &.-active { background: $error; }
        }
        /* ANSI themes: the terminal's own colours, the variant in the text. */
        &:ansi {
            background: ansi_default;
            &:disabled { text-opacity: 1; text-style: bold dim; background: ansi_default; }
            &:hover { background: $ansi-background; }
            &.-active { background: $ansi-background; tint: transparent; }
            &.-primary { color: $primary; background: ansi_default; }
            &.-success { color: $success; background: ansi_default; }
            &.-error { color: $error; background: ansi_default; }
            &.-primary:hover, &.-success:hover, &.-error:hover { background: $ansi-background; }
        }
    }
    """

    def __init__(self, label: str, variant: str = "default", *, id: str | None = None) -> None:
        super().__init__(label, variant, id=id, compact=True)  # type: ignore[arg-type]
