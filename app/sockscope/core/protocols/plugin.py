"""The protocol layer as a driver plug-in: chooses the layer, decodes, runs its duties.

With ``auto`` the layer is picked by the URL before connecting, by the negotiated
subprotocol on open, or by the first messages; after :data:`DETECT_WITHIN` messages with
no sign the session is raw and the plug-in stops listening (a firehose pays nothing).
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Callable

from sockscope.core.events import Closed, DriverEvent, Failed, Opened, ProtocolChosen
from sockscope.core.protocols import detect
from sockscope.core.protocols.base import ProtocolLayer
from sockscope.core.protocols.message import Direction
from sockscope.core.protocols.registry import AUTO, RAW, layer_class
from sockscope.core.protocols.view import ProtocolView
from sockscope.core.session.session import Session
from sockscope.core.settings import ConnectionSettings
from sockscope.core.store.frames import Opcode
from sockscope.core.wire.commands import Command
from sockscope.core.wire.plugin import Link, Plugin, Timer

DETECT_WITHIN = 8
RAW_TITLE = "plain WebSocket"


class _ConnectionLink:
    """The driver's link, remembering timers so they stop when the connection ends."""

    def __init__(self, link: Link) -> None:
        self._link = link
        self.timers: list[Timer] = []

    def submit(self, command: Command) -> None:
        self._link.submit(command)

    def every(self, seconds: float, command: Command | Callable[[], Command]) -> Timer:
        timer = self._link.every(seconds, command)
        self.timers.append(timer)
        return timer

    def report(self, event: DriverEvent) -> None:
        self._link.report(event)

    def cancel_timers(self) -> None:
        for timer in self.timers:
            timer.cancel()
        self.timers.clear()


class ProtocolPlugin(Plugin):
    """Runs the session's protocol layer; :attr:`view` is what the log shows of it."""

    def __init__(self, session: Session) -> None:
        self._session = session
        self.view: ProtocolView | None = None
        self._choice = AUTO
        self._options: dict[str, str] = {}
        self._seen = 0
        self._link: _ConnectionLink | None = None
        self.listening = True
        self._greeted = asyncio.Event()
        """Set once the layer's handshake is answered (or it has none, or the connection
        ended): what ``record --send`` and a replay wait for before sending."""

    @property
    def layer(self) -> ProtocolLayer | None:
        return self.view.layer if self.view is not None else None

    def prepare(self, settings: ConnectionSettings) -> ConnectionSettings:
        self._choice = settings.protocol or AUTO
        self._options = dict(settings.protocol_options)
        self._seen = 0
        self.view = None
        self._end_connection()
        self.listening = self._choice != RAW
        self._greeted.clear()
        if self._choice == RAW:
            return settings
        if self._choice == AUTO:
            found = detect.by_url(settings.url)
            if found is None:
                return settings
            self._use(found.layer, found.reason)
        else:
            self._use(layer_class(self._choice), "chosen")
        assert self.layer is not None
        return self.layer.prepare(settings)

    async def before_connect(self, settings: ConnectionSettings) -> ConnectionSettings:
        layer = self.layer
        return settings if layer is None else await layer.negotiate(settings)

    def _use(self, layer: type[ProtocolLayer], reason: str) -> None:
        self.view = ProtocolView(self._session.store, layer(self._options), reason)
        self.listening = True

    def opened(self, link: Link, event: Opened) -> None:
        if not self._start(link):
            self._greeted.set()  # no layer (yet): no handshake to wait for

    def _start(self, link: Link) -> bool:
        """Begin the connection's protocol work, once: on the open, or on a message that
        came first (the open's hook runs a moment after the frames that follow it)."""
        if self._link is not None:
            return True
        opened = self._session.opened
        if self.view is None and self._choice == AUTO and opened is not None:
            found = detect.by_subprotocol(opened.subprotocol)
            if found is not None:
                self._use(found.layer, found.reason)
        if self.view is None:
            return False
        self._link = _ConnectionLink(link)
        self._announce(link)
        layer = self.view.layer
        if not layer.greets:
            self._greeted.set()
        layer.reset()
        if opened is not None:
            layer.opened(self._link, opened)
        return True

    def _announce(self, link: Link) -> None:
        if self.view is not None:
            layer = self.view.layer
            link.report(ProtocolChosen(layer.name, layer.title, self.view.reason))
        else:
            link.report(ProtocolChosen(RAW, RAW_TITLE, "no protocol detected"))

    def received(self, link: Link, row: int, opcode: Opcode, payload: bytes) -> None:
        self._message(link, Direction.RECEIVED, row, opcode, payload)

    def sent(self, link: Link, row: int, opcode: Opcode, payload: bytes) -> None:
        self._message(link, Direction.SENT, row, opcode, payload)

    def _message(
        self, link: Link, direction: Direction, row: int, opcode: Opcode, payload: bytes
    ) -> None:
        if not self._start(link) and not self._detect(link, opcode, payload):
            return
        assert self.view is not None and self._link is not None
        layer = self.view.layer
        messages = tuple(layer.decode(direction, opcode, payload))
        store = self._session.store
        self.view.add(row, store.time(row - store.dropped), direction, messages)
        if direction is Direction.RECEIVED:
            for message in messages:
                if layer.greeted(message):
                    self._greeted.set()
                layer.answer(self._link, message)

    def _detect(self, link: Link, opcode: Opcode, payload: bytes) -> bool:
        """Try the first messages for a sign; give up (raw) after :data:`DETECT_WITHIN`."""
        found = detect.by_first_frame(opcode, payload)
        if found is not None:
            self._use(found.layer, found.reason)
            return self._start(link)
        self._seen += 1
        if self._seen >= DETECT_WITHIN:
            self.listening = False
            self._announce(link)
        return False

    async def greeted(self, timeout: float) -> bool:
        """Wait until the layer's handshake is answered (at once without one); False when
        ``timeout`` seconds passed first."""
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(self._greeted.wait(), timeout)
        return self._greeted.is_set()

    def ended(self, link: Link, outcome: Closed | Failed) -> None:
        self._greeted.set()
        self._end_connection()

    def _end_connection(self) -> None:
        if self._link is not None:
            self._link.cancel_timers()
            self._link = None
