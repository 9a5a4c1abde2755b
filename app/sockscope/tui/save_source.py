"""What ctrl+s saves: the session on screen (the live one, a replay's, or an opened log)."""

from __future__ import annotations

from typing import TYPE_CHECKING, NamedTuple, Protocol, runtime_checkable

from sockscope.core.store.frames import FrameStore

if TYPE_CHECKING:  # the log formats load on first use (startup, see file_service.py)
    from sockscope.core.formats.model import LogHeader


class SaveSource(NamedTuple):
    """A store to save, the header its file gets, and what to call it."""

    store: FrameStore
    header: LogHeader
    prefix: str
    """The default file name's start (a timestamp follows)."""
    journaled: bool = False
    """Rows dropped from memory (--max-frames) are still in a journal."""


@runtime_checkable
class ShowsSession(Protocol):
    """A screen showing a session of its own: ctrl+s saves that one, not the live one."""

    def save_source(self) -> SaveSource | None:
        """What to save; None while there is nothing complete to save (say why first)."""
