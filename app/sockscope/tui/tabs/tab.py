"""What a tab is: one session shown in its own Textual mode (a screen stack of its own).

A tab's base screen stays mounted while another tab is shown, so its connection, journal
and timers go on; only the shown tab is drawn. The tab bar asks each tab for its title,
its state and how many rows it recorded (the unread count is what came since it was
last shown).
"""

from __future__ import annotations

from enum import Enum
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from textual.screen import Screen

    from sockscope.tui.file_service import FileService


class TabState(Enum):
    """What the tab bar shows before a tab's title: a glyph and the style it is drawn in."""

    CONNECTING = ("◌", "warning")
    OPEN = ("●", "success")
    CLOSED = ("○", "")
    FAILED = ("✕", "error")
    HELD = ("⏸", "warning")
    """A proxied connection with a message held at a breakpoint."""
    LISTENING = ("⇄", "accent")
    LOG = ("▤", "")

    @property
    def glyph(self) -> str:
        return self.value[0]

    @property
    def color(self) -> str:
        """The theme's color it is drawn in ("" dim)."""
        return self.value[1]


class Tab:
    """A session in a tab. Subclasses build the screen and say what the bar shows."""

    mode: str = ""
    """The Textual mode the tab runs in (set when it is added)."""
    closable = True
    files: FileService | None = None
    """ctrl+s saves (and ctrl+o opens) through it; None: the tab has nothing to save (the
    proxy's own), and ctrl+s and ctrl+o are off there."""
    alone = True
    """It may be the only tab left (a log's may not: the app needs a live session)."""
    opener: Tab | None = None
    """The tab it was opened from: shown again when it closes (if still open)."""

    @property
    def screen(self) -> Screen[None]:
        raise NotImplementedError

    def title(self) -> str:
        raise NotImplementedError

    def state(self) -> TabState:
        raise NotImplementedError

    def rows(self) -> int:
        """Rows recorded since the session began (the unread count's measure)."""
        return 0

    async def closed(self) -> None:
        """The tab's screens are gone: release what outlives them (a journal)."""
