"""What a replay sends: one connection of a log read as a plan.

:class:`ReplayPlan` reads one connection of a log (the first, unless told which): the
messages the client sent and the server's responses, with their times, the close that
ended it, and when each client message is due at a given speed.
"""

from __future__ import annotations

import contextlib
from dataclasses import dataclass
from functools import cached_property
from itertools import pairwise
from typing import Any, NamedTuple

from sockscope.core.formats.records import by_flag
from sockscope.core.formats.redact import REDACTED
from sockscope.core.replay.values import Message
from sockscope.core.settings import ConnectionSettings, SettingsError
from sockscope.core.store.frames import FrameStore, Kind, Opcode, close_parts
from sockscope.core.text.compose import ComposeError, check_close

MAX_GAP = 60.0
"""The longest wait between two replayed messages, however long the recorded gap (a log
with a gap of days, or a timestamp of 1e12, must not hang a replay)."""

#: The store's flag byte -> (kind, opcode), for text and binary frames only.
DATA_FLAGS = by_flag(
    lambda kind, opcode: (
        (kind, opcode) if kind.is_frame and opcode in (Opcode.TEXT, Opcode.BINARY) else None
    )
)
#: The store's flag byte -> who sent it, for close frames.
_CLOSE_FRAMES = by_flag(
    lambda kind, opcode: kind if kind.is_frame and opcode is Opcode.CLOSE else None
)
_BOUNDARIES = by_flag(lambda kind, _: kind if kind in (Kind.OPEN, Kind.CLOSE, Kind.ERROR) else None)


class Refusal(NamedTuple):
    """A refused handshake as recorded: status, body and the response's headers."""

    status: int
    body: str
    headers: tuple[tuple[str, str], ...]


def _refusal(info: dict[str, Any]) -> Refusal | None:
    status = info.get("status")
    if not isinstance(status, int) or isinstance(status, bool) or not 100 <= status <= 599:
        return None
    headers = tuple(
        (str(pair[0]), str(pair[1]))
        for pair in info.get("response_headers") or ()
        if isinstance(pair, list | tuple) and len(pair) == 2
    )
    return Refusal(status, str(info.get("body") or ""), headers)


class ReplayError(Exception):
    """A replay cannot start or run; ``str()`` is one sentence for the user."""


class Scripted(NamedTuple):
    """One recorded message: who sent it (SEND: the client), when, and what."""

    kind: Kind
    at: float
    """Seconds after the recorded open (or the first message, when the log has no open)."""
    message: Message


class RecordedClose(NamedTuple):
    """The close that ended the recorded connection: who started it, when, and with what."""

    by: Kind
    """SEND: the client closed first; RECV: the server did."""
    at: float
    code: int
    """1005 (no status) when the close frame carried no code, or a reason that is not UTF-8
    (neither can be sent again)."""
    reason: str

    @property
    def sendable(self) -> bool:
        """Whether a peer may send this code and reason again (1005, 1006... may not)."""
        try:
            check_close(self.code, self.reason)
        except ComposeError:
            return False
        return True


def _recorded_close(by: Kind, at: float, payload: bytes) -> RecordedClose:
    close = close_parts(payload)
    if close is not None:
        code, reason = close
        with contextlib.suppress(UnicodeDecodeError):
            return RecordedClose(by, at, code, reason.decode())
    return RecordedClose(by, at, 1005, "")


@dataclass(frozen=True)
class ReplayPlan:
    """The messages of one connection of a log, in order, with their times."""

    url: str
    subprotocol: str | None
    script: tuple[Scripted, ...]
    warnings: tuple[str, ...] = ()
    connection: int = 1
    """Which connection of the log this is (1 = the first)."""
    connections: int = 1
    """How many connections the log holds (each open row starts one)."""
    close: RecordedClose | None = None
    """The first close frame of the connection (None when the log has none)."""
    refusal: Refusal | None = None
    """How the server refused the handshake, for a log of a refused connection (no open)."""

    @classmethod
    def from_store(cls, store: FrameStore, url: str = "", connection: int = 1) -> ReplayPlan:
        """Read connection ``connection`` of a store (from its open row to its close or error).

        ``url`` (the log header's) is used when the log has no open row to give one.
        A log without open rows is one connection. Raises :class:`ReplayError` when the
        log has no such connection.
        """
        flags = store.flags
        opens = [i for i, flag in enumerate(flags) if _BOUNDARIES.get(flag) is Kind.OPEN]
        connections = max(1, len(opens))
        if not 1 <= connection <= connections:
            held = "one connection" if connections == 1 else f"{connections} connections"
            raise ReplayError(f"The log holds {held}: there is no connection {connection}.")
        start, subprotocol = 0, None
        if opens:
            start = opens[connection - 1]
            info = store.info(start)
            url = str(info.get("url") or url)
            subprotocol = info.get("subprotocol") or None
        script: list[Scripted] = []
        close: RecordedClose | None = None
        origin: float | None = store.time(start) if opens else None
        for index in range(start + 1 if opens else 0, len(store)):
            flag = flags[index]
            if opens and flag in _BOUNDARIES:
                break
            data = DATA_FLAGS.get(flag)
            closer = _CLOSE_FRAMES.get(flag) if data is None and close is None else None
            if data is None and closer is None:
                continue
            t = store.time(index)
            if origin is None and data is not None:  # timed from the open or the first message
                origin = t
            at = max(0.0, t - origin) if origin is not None else 0.0
            if data is not None:
                script.append(Scripted(data[0], at, Message(data[1], store.payload(index))))
            elif closer is not None:
                close = _recorded_close(closer, at, store.payload(index))
        warnings: tuple[str, ...] = ()
        if connections > 1:
            warnings = (
                f"The log holds {connections} connections; connection {connection} is replayed.",
            )
        refusal = None
        if not opens:  # a refused handshake is recorded as an error row with its status
            errors = (i for i, flag in enumerate(flags) if _BOUNDARIES.get(flag) is Kind.ERROR)
            refusal = next(filter(None, (_refusal(store.info(i)) for i in errors)), None)
        return cls(
            url, subprotocol, tuple(script), warnings, connection, connections, close, refusal
        )

    @cached_property
    def sends(self) -> list[Scripted]:
        """The client's messages, to be sent again."""
        return [item for item in self.script if item.kind is Kind.SEND]

    @cached_property
    def responses(self) -> list[Message]:
        """The server's recorded messages, to compare new responses with."""
        return [item.message for item in self.script if item.kind is Kind.RECV]

    def responses_due(self, sent: int) -> list[Message]:
        """The recorded responses that came before the client's message ``sent + 1``.

        While a replay is under way (step by step, say) only these can have come back:
        the rest answer messages not sent yet, and are not missing.
        """
        due: list[Message] = []
        sends = 0
        for item in self.script:
            if item.kind is Kind.SEND:
                sends += 1
                if sends > sent:
                    break
            else:
                due.append(item.message)
        return due

    @property
    def client_close(self) -> tuple[int, str]:
        """The code and reason a replay closes with: the recorded client's, or 1000.

        1000 when the server closed first (the client's close only answered it), when
        the log has no close, or when the recorded code may not be sent (1005: none).
        """
        close = self.close
        if close is not None and close.by is Kind.SEND and close.sendable:
            return close.code, close.reason
        return 1000, ""

    def schedule(self, speed: float | None) -> list[float]:
        """When to send each client message, in seconds after the open.

        The recorded times divided by ``speed``; all zero when ``speed`` is None
        (as fast as possible).
        """
        if speed is None:
            return [0.0] * len(self.sends)
        return [at / speed for at in self._capped_times]

    @cached_property
    def _capped_times(self) -> list[float]:
        """The sends' recorded times with every gap longer than :data:`MAX_GAP` cut to it."""
        times, shift = [], 0.0
        starts = [0.0, *(item.at for item in self.sends)]
        for earlier, later in pairwise(starts):
            shift += max(0.0, later - earlier - MAX_GAP)
            times.append(later - shift)
        return times

    @cached_property
    def long_gaps(self) -> int:
        """How many gaps between the client's messages :meth:`schedule` cut to MAX_GAP."""
        starts = [0.0, *(item.at for item in self.sends)]
        return sum(later - earlier > MAX_GAP for earlier, later in pairwise(starts))

    @property
    def gap_warning(self) -> str:
        gaps = self.long_gaps
        return (
            f"{gaps} gap{'s' if gaps != 1 else ''} between the client's messages"
            f" {'are' if gaps != 1 else 'is'} longer than {MAX_GAP:g} s:"
            f" the replay waits {MAX_GAP:g} s there."
        )

    @property
    def last_at(self) -> float:
        """When the last recorded message came, on the capped schedule's clock."""
        if not self.script:
            return 0.0
        sends = self._capped_times
        last_send = sends[-1] if sends else 0.0
        last_recorded_send = self.sends[-1].at if sends else 0.0
        return last_send + min(MAX_GAP, max(0.0, self.script[-1].at - last_recorded_send))

    def settings_for(
        self, settings: ConnectionSettings, url: str | None = None
    ) -> ConnectionSettings:
        """Settings to replay with: ``url`` or the recorded one, the recorded subprotocol.

        The recorded subprotocol is offered unless ``settings`` offer their own.
        Raises :class:`ReplayError` when there is no usable URL.
        """
        target = url or self.url
        if not target:
            raise ReplayError(
                "The log does not say which URL it was recorded from: give one with --url."
            )
        if not url and f"{REDACTED}@" in target:
            raise ReplayError(
                f"The log's URL {target} had its credentials redacted:"
                " give the URL to replay against with --url."
            )
        if not settings.subprotocols and self.subprotocol:
            settings = settings._replace(subprotocols=(self.subprotocol,))
        try:
            return settings.with_url(target).validated()
        except SettingsError as exc:
            raise ReplayError(str(exc)) from None
