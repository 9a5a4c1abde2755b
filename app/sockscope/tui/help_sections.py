"""What F1 lists: every screen's and widget's keys, by where they work.

The screens are imported when the help opens (startup: docs/performance.md).
"""

from __future__ import annotations

from textual.binding import BindingType

from sockscope.tui.app_keys import APP_BINDINGS, TAB_HELP


def help_sections() -> list[tuple[str, list[BindingType]]]:
    from sockscope.tui.log.message_log import MessageLog
    from sockscope.tui.proxy.connection_screen import ProxyConnectionScreen
    from sockscope.tui.proxy.held_panel import HeldPanel
    from sockscope.tui.proxy.home_screen import ProxyHomeScreen
    from sockscope.tui.screens.diff_screen import DiffScreen
    from sockscope.tui.screens.log_viewer import LogViewerScreen
    from sockscope.tui.screens.main_screen import MainScreen
    from sockscope.tui.screens.replay_screen import ReplayScreen
    from sockscope.tui.widgets.collection_sidebar import CollectionSidebar
    from sockscope.tui.widgets.composer import Composer
    from sockscope.tui.widgets.inspector import Inspector
    from sockscope.tui.widgets.session_view import SessionView

    return [
        ("Everywhere", APP_BINDINGS),
        ("Tabs", TAB_HELP),
        ("Saved log viewer", list(LogViewerScreen.BINDINGS)),
        ("Replay", list(ReplayScreen.BINDINGS)),
        ("Replay diff", list(DiffScreen.BINDINGS)),
        ("Message log", list(MessageLog.BINDINGS) + list(SessionView.BINDINGS)),
        ("Inspector", list(Inspector.BINDINGS)),
        ("Composer", list(Composer.BINDINGS)),
        ("Collection", list(MainScreen.BINDINGS) + list(CollectionSidebar.BINDINGS)),
        (
            "Proxy (sockscope proxy)",
            list(ProxyHomeScreen.BINDINGS)
            + list(HeldPanel.BINDINGS)
            + list(ProxyConnectionScreen.BINDINGS),
        ),
    ]
