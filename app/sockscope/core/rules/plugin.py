"""Reply rules and timers as a driver plug-in, so the TUI and ``record`` both run them.

The rules come with each connect's settings (``replies``, ``every``). A reply or a
timer's message is queued on the driver like a typed one; when it has gone out, a note
row right after it says it was sent automatically and why (a frame row carries no
details of its own, and the note reaches the journal and every saved file alike).
Pausing stops replies and timers until resumed; it outlasts reconnects.
"""

from __future__ import annotations

import time
from collections import deque
from collections.abc import Callable
from typing import NamedTuple

from sockscope.core.events import Closed, CommandFailed, Failed, Opened
from sockscope.core.rules.errors import RuleError
from sockscope.core.rules.match import Incoming
from sockscope.core.rules.rule_set import RuleSet
from sockscope.core.rules.template import Resolve
from sockscope.core.rules.timers import TimerRule
from sockscope.core.session.session import Session
from sockscope.core.settings import ConnectionSettings
from sockscope.core.store.frames import Opcode
from sockscope.core.wire.commands import Command, SendText
from sockscope.core.wire.plugin import Link, Plugin, Timer

#: More auto-replies than this within a second pause the rules: a rule answering its own
#: echo (``--reply . hi`` on an echo server) would otherwise flood the server for good.
MAX_REPLIES_PER_SECOND = 100


def _unchanged(text: str) -> str:
    return text


class _Pending(NamedTuple):
    """An automatic message queued and not yet seen going out."""

    payload: bytes
    note: Callable[[int], str]
    """The note, given the row the message went out as."""


class RulesPlugin(Plugin):
    """Runs a connection's reply rules and timers; :meth:`pause` and :meth:`resume` them.

    ``resolve`` fills ``{{VARIABLES}}`` in replies and timers' messages at each send;
    when it raises ``ValueError`` (an unknown variable), nothing is sent and it is reported.
    """

    def __init__(
        self,
        session: Session,
        resolve: Resolve | None = None,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._session = session
        self._resolve = resolve or _unchanged
        self._clock = clock
        self.rules = RuleSet()
        self.paused = False
        self._link: Link | None = None
        self._timers: list[Timer] = []
        self._pending: deque[_Pending] = deque()
        self._second = 0.0
        self._replies_this_second = 0
        self.listening = False

    # -- what the user sees and does -------------------------------------------------

    def describe(self) -> str | None:
        """``1 reply rule · every 5 s · paused``; None without rules."""
        return self.rules.describe(self.paused)

    @property
    def timers_running(self) -> int:
        """How many timers are sending now (none while paused or closed)."""
        return len(self._timers)

    def pause(self) -> None:
        """No replies, no timers until :meth:`resume` (messages already queued still go)."""
        self.paused = True
        self._stop_timers()
        self._listen()

    def resume(self) -> None:
        self.paused = False
        if self._link is not None:
            self._start_timers(self._link)
        self._listen()

    def toggle(self) -> bool:
        """Pause or resume; return whether the rules are paused now."""
        if self.paused:
            self.resume()
        else:
            self.pause()
        return self.paused

    # -- the plug-in's hooks -----------------------------------------------------------

    def prepare(self, settings: ConnectionSettings) -> ConnectionSettings:
        self.rules = RuleSet()  # first: rules that fail to compile leave none running
        self.rules = RuleSet.from_pairs(settings.replies, settings.every)
        self._listen()
        return settings

    def opened(self, link: Link, event: Opened) -> None:
        # Pending notes stay: a server's first message may be answered before this runs.
        self._link = link
        if not self.paused:
            self._start_timers(link)

    def ended(self, link: Link, outcome: Closed | Failed) -> None:
        self._stop_timers()
        self._link = None
        self._pending.clear()
        self._listen()

    def received(self, link: Link, row: int, opcode: Opcode, payload: bytes) -> None:
        if self.paused or opcode is not Opcode.TEXT:
            return
        message = Incoming(payload.decode("utf-8", "replace"))
        for rule in self.rules.replies:
            if not rule.matcher.matches(message):
                continue
            try:
                text = rule.reply_to(message, self._resolve)
            except (RuleError, ValueError) as exc:
                why = str(exc).rstrip(".")
                link.report(CommandFailed(f"Rule {rule.number} matched; nothing sent: {why}."))
                return
            if self._flooding():
                self.pause()
                link.report(
                    CommandFailed(
                        f"Rules paused: over {MAX_REPLIES_PER_SECOND} auto-replies in a second"
                        " (a rule answering its own echo?); resume them when fixed."
                    )
                )
                return

            def note(sent: int, rule_number: int = rule.number, pattern: str = rule.pattern) -> str:
                return f"auto-reply: row {sent} answers row {row} (rule {rule_number}: {pattern})"

            link.submit(self._expect(text, note))
            return  # the first rule that matches answers

    def sent(self, link: Link, row: int, opcode: Opcode, payload: bytes) -> None:
        if self._pending and opcode is Opcode.TEXT and payload == self._pending[0].payload:
            note = self._pending.popleft().note(row)
            self._listen()
            self._session.note(time.time(), note)

    # -- inside ------------------------------------------------------------------------

    def _expect(self, text: str, note: Callable[[int], str]) -> SendText:
        """The command sending ``text``, its note kept for when it has gone out."""
        self._pending.append(_Pending(text.encode(), note))
        self._listen()
        return SendText(text)

    def _start_timers(self, link: Link) -> None:
        self._stop_timers()
        for timer in self.rules.timers:
            self._timers.append(link.every(timer.seconds, self._timer_command(timer)))

    def _timer_command(self, timer: TimerRule) -> Callable[[], Command]:
        def note(row: int) -> str:
            return f"auto: row {row} sent by the timer every {timer.seconds:g} s"

        def command() -> Command:
            # Resolved at each send: {{$timestamp}} moves on.
            return self._expect(self._resolve(timer.message), note)

        return command

    def _stop_timers(self) -> None:
        for timer in self._timers:
            timer.cancel()
        self._timers.clear()

    def _flooding(self) -> bool:
        now = self._clock()
        if now - self._second >= 1.0:
            self._second, self._replies_this_second = now, 0
        self._replies_this_second += 1
        return self._replies_this_second > MAX_REPLIES_PER_SECOND

    def _listen(self) -> None:
        """Hear messages only while a reply rule may answer or a note is due."""
        self.listening = bool(self._pending) or (bool(self.rules.replies) and not self.paused)
