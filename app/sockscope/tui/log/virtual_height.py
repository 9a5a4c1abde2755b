"""Growing a ScrollView's virtual height without a layout of the whole screen.

Setting ``virtual_size`` asks Textual for a layout of the whole screen (~10 ms at 160x50
here), once per repaint while frames arrive. Only the scrollbar's thumb and the scroll
limits change, unless the scrollbar appears or goes: then a layout is due. Textual has no
public call for "the scroll limits changed", so this module is the one place that uses its
``_scroll_update``; tests/test_message_log.py and the snapshots would show a change.
"""

from __future__ import annotations

from textual.geometry import Size
from textual.scroll_view import ScrollView


def set_rows_height(view: ScrollView, rows: int) -> None:
    """Make ``view``'s virtual height ``rows`` (width 0: lines are cut to the view)."""
    shown = view.show_vertical_scrollbar
    view.set_reactive(ScrollView.virtual_size, Size(0, rows))
    view._scroll_update(view.virtual_size)  # the scrollbar and scroll_y (Textual's own)
    if view.show_vertical_scrollbar != shown:
        view.refresh(layout=True)
