"""Ask how to replay a log: target URL, speed, and how to compare the responses."""

from __future__ import annotations

import asyncio
import re
from collections.abc import Callable
from typing import NamedTuple
from urllib.parse import urlsplit

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Checkbox, Input, Label, Select

from sockscope.core.formats.redact import REDACTED
from sockscope.core.replay.json_paths import IgnorePathError, parse_ignore
from sockscope.core.replay.plan import ReplayError, ReplayPlan
from sockscope.core.settings import ConnectionSettings

#: The speed choices: (label, key) for the Select, and key -> (speed, step by step).
SPEED_CHOICES: list[tuple[str, str]] = [
    ("0.5x (half as fast)", "0.5"),
    ("1x (the recorded timing)", "1"),
    ("2x", "2"),
    ("10x", "10"),
    ("as fast as possible", "fast"),
    ("step by step (n sends the next)", "step"),
]
SPEEDS: dict[str, tuple[float | None, bool]] = {
    "0.5": (0.5, False),
    "1": (1.0, False),
    "2": (2.0, False),
    "10": (10.0, False),
    "fast": (None, False),
    "step": (1.0, True),
}

#: Paths are separated by commas outside brackets (``$["a,b"]`` is one path).
_PATH_SEPARATOR = re.compile(r",(?![^\[]*\])")


class ReplayRequest(NamedTuple):
    """What the user chose: which connection, where, how fast, how to compare the responses."""

    plan: ReplayPlan
    settings: ConnectionSettings
    speed: float | None
    """The timing scale; None sends as fast as possible."""
    step: bool
    ignore: tuple[str, ...] = ()
    unordered: bool = False


def split_ignore(text: str) -> tuple[str, ...]:
    """Comma-separated ignore paths, each checked; raises IgnorePathError naming a bad one."""
    paths = tuple(part.strip() for part in _PATH_SEPARATOR.split(text.strip()) if part.strip())
    for path in paths:
        parse_ignore(path)
    return paths


def replay_base(live: ConnectionSettings | None, target: str) -> ConnectionSettings:
    """The connection options a replay starts from, taken from the live connection's.

    TLS, proxy and timeouts carry over. The live headers (which may hold a token) are
    sent only when the replay goes to the live connection's host; its subprotocols and
    on-open messages never are (the log's own subprotocol and messages are replayed).
    """
    if live is None:
        return ConnectionSettings()
    same_host = bool(live.url) and urlsplit(live.url).netloc == urlsplit(target).netloc
    return live._replace(
        url="",
        headers=live.headers if same_host else (),
        subprotocols=(),
        on_open=(),
        reconnect=False,
    )


class ReplaySetupScreen(ModalScreen[ReplayRequest | None]):
    """Returns a :class:`ReplayRequest`, or None when cancelled; errors are shown inline."""

    DEFAULT_CSS = """
    ReplaySetupScreen {
        align: center middle;
        & .dialog { width: 76; }
        & Select { width: 1fr; }
        & #replay-unordered { margin-top: 1; }
    }
    """

    BINDINGS = [Binding("escape", "dismiss(None)", "Cancel")]

    last_speed = "1"
    """The speed chosen for the last replay: the next dialog starts with it."""

    def __init__(
        self,
        plan: ReplayPlan,
        live: ConnectionSettings | None = None,
        replan: Callable[[int], ReplayPlan] | None = None,
    ) -> None:
        """``replan(n)`` reads connection ``n`` of the log, for a log that holds several."""
        super().__init__()
        self.plan = plan
        self._live = live
        self._replan = replan

    def compose(self) -> ComposeResult:
        plan = self.plan
        with Vertical(classes="dialog"):
            yield Label(self._title(), id="replay-title", classes="dialog-title")
            if self._replan is not None and plan.connections > 1:
                yield Label(f"Connection (the log holds {plan.connections}: reconnects)")
                choices = [(f"connection {n}", n) for n in range(1, plan.connections + 1)]
                yield Select(
                    choices, value=plan.connection, allow_blank=False, id="replay-connection"
                )
            yield Label("Target URL (the recorded one by default)")
            yield Input(plan.url, id="replay-url")
            yield Label("Speed")
            yield Select(
                SPEED_CHOICES,
                value=ReplaySetupScreen.last_speed,
                allow_blank=False,
                id="replay-speed",
            )
            yield Label("Ignore in the diff (JSON paths, comma-separated: $.ts, $..id)")
            yield Input("", id="replay-ignore", placeholder="$.ts, $..id")
            yield Checkbox("responses may come in any order", id="replay-unordered")
            yield Label("", id="replay-error", classes="error", markup=False)
            with Horizontal(classes="dialog-buttons"):
                yield Button("Replay", id="do-replay", variant="primary")
                yield Button("Cancel", id="cancel")

    def _title(self) -> str:
        count = len(self.plan.sends)
        return f"Replay {count} client message{'s' if count != 1 else ''}"

    @on(Select.Changed, "#replay-connection")
    def _connection_chosen(self, event: Select.Changed) -> None:
        if self._replan is None or not isinstance(event.value, int):
            return
        if event.value != self.plan.connection:
            # Reading a connection's messages walks the whole log: never on the UI thread.
            self.run_worker(self._read_connection(event.value), group="replan", exclusive=True)

    async def _read_connection(self, number: int) -> None:
        assert self._replan is not None
        self.plan = await asyncio.to_thread(self._replan, number)
        self.query_one("#replay-title", Label).update(self._title())
        self.query_one("#replay-url", Input).value = self.plan.url

    @on(Button.Pressed, "#cancel")
    def _cancel(self) -> None:
        self.dismiss(None)

    @on(Input.Submitted)
    @on(Button.Pressed, "#do-replay")
    def _submit(self) -> None:
        try:
            request = self._request()
        except (ReplayError, IgnorePathError) as exc:
            self.query_one("#replay-error", Label).update(str(exc))
            return
        self.dismiss(request)

    def _request(self) -> ReplayRequest:
        url = self.query_one("#replay-url", Input).value.strip()
        if not url:
            raise ReplayError("Type the URL to replay against.")
        if f"{REDACTED}@" in url:
            raise ReplayError(
                "The log's URL had its credentials redacted: type them in, or remove them."
            )
        settings = self.plan.settings_for(replay_base(self._live, url), url)
        ignore = split_ignore(self.query_one("#replay-ignore", Input).value)
        choice = self.query_one("#replay-speed", Select).value
        chosen = choice if isinstance(choice, str) else "1"
        speed, step = SPEEDS[chosen]
        ReplaySetupScreen.last_speed = chosen
        unordered = self.query_one("#replay-unordered", Checkbox).value
        return ReplayRequest(self.plan, settings, speed, step, ignore, unordered)
