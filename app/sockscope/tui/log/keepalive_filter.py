"""Hiding a protocol's keepalive rows, as a filter of its own or on top of the user's.

The log matches rows through anything shaped like a
:class:`~sockscope.core.session.filtering.CompiledFilter` (:class:`RowMatcher`); this one
lets through the rows the user's filter matches (every row without one) that are not
keepalives, so hiding them scans like any filter: in slices, off the key's path.
"""

from __future__ import annotations

from array import array
from collections.abc import Callable, Iterator
from typing import Protocol

from sockscope.core.session.filtering import SlicedMatcher
from sockscope.core.store.frames import FrameStore

#: Rows a slice covers when no user filter sets the pace.
SLICE_ROWS = 16_384


class RowMatcher(Protocol):
    """What the log's filter scan needs of a filter."""

    @property
    def costly(self) -> bool:
        """Matching costs microseconds a row: fewer rows are matched on the spot."""
        ...

    def matches(self, store: FrameStore, start: int = 0, stop: int | None = None) -> array[int]:
        """Indexes of the matching rows in ``[start, stop)``."""
        ...

    def iter_matches(
        self, store: FrameStore, start: int = 0, stop: int | None = None, slice_rows: int = ...
    ) -> Iterator[tuple[int, array[int]]]:
        """``(scanned_up_to, hits)`` slice by slice."""
        ...


class WithoutKeepalives(SlicedMatcher):
    """The rows ``inner`` matches (all, if None) but those ``is_keepalive`` names."""

    def __init__(self, inner: RowMatcher | None, is_keepalive: Callable[[int], bool]) -> None:
        """``is_keepalive`` takes a row's number in the session (store index + dropped)."""
        self.inner = inner
        self._is_keepalive = is_keepalive

    @property
    def costly(self) -> bool:
        return self.inner is not None and self.inner.costly

    def iter_matches(
        self,
        store: FrameStore,
        start: int = 0,
        stop: int | None = None,
        slice_rows: int = SLICE_ROWS,
    ) -> Iterator[tuple[int, array[int]]]:
        stop = len(store) if stop is None else stop
        if self.inner is not None:
            slices = self.inner.iter_matches(store, start, stop, slice_rows)
        else:
            slices = (
                (
                    min(first + slice_rows, stop),
                    array("I", range(first, min(first + slice_rows, stop))),
                )
                for first in range(start, stop, slice_rows)
            )
        keepalive, dropped = self._is_keepalive, store.dropped
        for upto, hits in slices:
            yield upto, array("I", (i for i in hits if not keepalive(i + dropped)))
