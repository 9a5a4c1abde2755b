"""The app's own keys: they work on every screen (the live session's only on its own)."""

from __future__ import annotations

from textual.binding import Binding, BindingType

#: The app keys that act on the live session: only while its screen is the one shown.
LIVE_ACTIONS = frozenset(
    {
        "focus_url",
        "connect",
        "ping",
        "close",
        "disconnect",
        "abort",
        "clear_view",
        "focus_composer",
        "focus_log",
        "toggle_rules",
        "toggle_traffic",
    }
)


APP_BINDINGS: list[BindingType] = [
    Binding("ctrl+q", "quit", "Quit", id="quit", priority=True),
    Binding("f1", "help", "Help", id="help", tooltip="List every key"),
    Binding("f2", "focus_url", "URL", id="focus_url", show=False, tooltip="Edit URL and options"),
    Binding("f5", "connect", "Connect", id="connect", tooltip="Connect or reconnect"),
    # priority: the composer's TextArea binds F6/F7 (select line/all) itself.
    Binding("f6", "ping", "Ping", id="ping", priority=True, tooltip="Ping; measure latency"),
    Binding("f7", "close", "Close…", id="close", priority=True, tooltip="Close with a code"),
    Binding(
        "f8",
        "disconnect",
        "Leave",
        id="disconnect",
        show=False,
        tooltip="Leave: close with 1001 (going away), no reconnect",
    ),
    Binding(
        "shift+f8",
        "abort",
        "Abort",
        id="abort",
        show=False,
        tooltip="Vanish: drop TCP without a close frame (the server sees 1006)",
    ),
    Binding("ctrl+f", "filter", "Filter", id="filter", tooltip="Filter the log"),
    Binding("ctrl+s", "save", "Save", id="save", tooltip="Save the session (.jsonl or .har)"),
    Binding("ctrl+o", "open", "Open", id="open", tooltip="Open a saved log (.jsonl or .har)"),
    Binding("ctrl+l", "clear_view", "Clear", id="clear_view", tooltip="Clear the view"),
    Binding("ctrl+e", "focus_composer", "Compose", id="focus_composer", show=False),
    Binding("ctrl+g", "focus_log", "Log", id="focus_log", show=False),
    Binding(
        "f9",
        "toggle_rules",
        "Rules",
        id="toggle_rules",
        tooltip="Pause or resume the auto-reply rules and timers (shown while there are some)",
    ),
    Binding(
        "f4",
        "toggle_traffic",
        "Traffic",
        id="toggle_traffic",
        show=False,
        tooltip="Show or hide frames a second (in, out) and message sizes",
    ),
]

#: Opening, closing and going through tabs. Priority: before a focused widget's own keys.
#: alt+1…9 reach the app only from terminals that report modified keys (the kitty
#: keyboard protocol); elsewhere ESC + digit arrives, which Textual reads as macOS's
#: Option+digit character: alt+←/→ and ctrl+PgUp/PgDn work in every terminal.
TAB_BINDINGS: list[BindingType] = [
    Binding(
        "ctrl+n",
        "new_tab",
        "New tab",
        id="new_tab",
        show=False,
        priority=True,
        tooltip="Open another connection in a tab of its own",
    ),
    Binding(
        "alt+w",
        "close_tab",
        "Close tab",
        id="close_tab",
        show=False,
        priority=True,
        tooltip="Close the tab shown (its connection closes: 1001 going away)",
    ),
    Binding(
        "ctrl+pagedown,alt+right",
        "step_tab(1)",
        "Next tab",
        id="next_tab",
        show=False,
        priority=True,
    ),
    Binding(
        "ctrl+pageup,alt+left",
        "step_tab(-1)",
        "Previous tab",
        id="previous_tab",
        show=False,
        priority=True,
    ),
    *(
        Binding(
            f"alt+{n}", f"show_tab({n})", f"Tab {n}", id=f"show_tab.{n}", show=False, priority=True
        )
        for n in range(1, 10)
    ),
]

#: The tab keys as the help lists them: alt+1…9 in one line.
TAB_HELP: list[BindingType] = [
    *TAB_BINDINGS[:4],
    Binding("alt+1…9", "show_tab", "Show tab 1…9", show=False),
]
