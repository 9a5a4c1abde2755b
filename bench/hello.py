"""The hello-world Textual app: the limit of a Textual app's startup and of answering a key.

One ``Static`` saying hello; each of the scroll benchmarks' keys (home, page-down, end)
rewrites it with the count of keys answered so far, so a key has a frame to show, as a key
in sockscope does. The startup and key-to-frame benchmarks measure it with their own harness,
at their own terminal size, beside sockscope, in the same run.
"""

from __future__ import annotations

from textual.app import App, ComposeResult
from textual.binding import Binding
from textual.widgets import Static

KEYS = ("home", "pagedown", "end")


class Hello(App[None]):
    BINDINGS = [Binding(key, "answer", show=False) for key in KEYS]

    def __init__(self) -> None:
        super().__init__()
        self.answered = 0
        """Keys answered so far."""

    def compose(self) -> ComposeResult:
        yield Static("Hello, world")

    def action_answer(self) -> None:
        self.answered += 1
        self.query_one(Static).update(f"Hello, world: {self.answered} keys")
