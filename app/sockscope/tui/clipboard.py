"""Copying text for the user: the system clipboard, or the terminal's (OSC 52)."""

from __future__ import annotations

from typing import Any

from textual.app import App


def copy_text(app: App[Any], text: str) -> str:
    """Copy ``text`` with pyperclip; where it has no backend (SSH, headless) use OSC 52.

    Returns where it went, as the notice says it.
    """
    import pyperclip  # on first use: it loads ctypes (startup: docs/performance.md)

    try:
        pyperclip.copy(text)
    except Exception:  # PyperclipException, or a backend that failed to run
        app.copy_to_clipboard(text)
        return "the terminal clipboard (OSC 52)"
    return "the system clipboard"
