"""The mock server: plays the server side of a recorded session (``sockscope serve --replay``).

Every connection, whatever its path, gets the same script: the log's first
connection, in order. The mock waits for each recorded client message (compared
as :mod:`~sockscope.core.replay.diff` compares: JSON-aware, with optional paths to
ignore), and sends each recorded server message at its recorded time after the
client message before it (at once with ``fast``). A client message that does not
match is reported and then ignored or answered by closing with 1008. When the
script ends, the mock closes as the recorded server did when it closed first (same code,
reason and timing); otherwise the connection stays open, silent, until the client closes it.

A log of a protocol (detected as ``--protocol auto`` would: its URL, subprotocol or first
messages) is played without its keepalives: the server's recorded pings are not sent on
the recorded schedule (the protocol's own are sent live), and the client's keepalives are
neither waited for nor reported as unexpected, whenever they come; the ids a live client
chooses are mapped onto the recorded ones (:mod:`~sockscope.servers.mock_protocol`).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections.abc import Callable, Sequence
from typing import Literal

from websockets.asyncio.server import Server, ServerConnection, serve
from websockets.exceptions import ConnectionClosed
from websockets.http11 import Request, Response
from websockets.typing import Data, Subprotocol

from sockscope.core.replay.json_paths import parse_ignore
from sockscope.core.replay.plan import ReplayPlan
from sockscope.core.replay.protocol import keepalives, recorded_layer, without
from sockscope.core.replay.values import Message, canonical, show_message
from sockscope.core.store.frames import Kind, Opcode
from sockscope.servers.demo import MAX_MESSAGE_SIZE, ws_url
from sockscope.servers.mock_protocol import ProtocolPlay

OnUnexpected = Literal["ignore", "close"]
Report = Callable[[str], None]
POLICY_VIOLATION = 1008
_MAX_REASON = 123

_log = logging.getLogger(__name__)
_log.addHandler(logging.NullHandler())  # a library must not print websockets' warnings


class _HungUp(Exception):
    """The mock closed the connection because of an unexpected message."""


def _received(data: Data) -> Message:
    if isinstance(data, str):
        return Message(Opcode.TEXT, data.encode())
    return Message(Opcode.BINARY, bytes(data))


def _reason(text: str) -> str:
    """A close reason cut to the 123 bytes a close frame allows."""
    return text.encode()[:_MAX_REASON].decode(errors="ignore")


#: Headers a refusal gets from the server itself, not from the recording.
_OWN_HEADERS = frozenset({"content-length", "transfer-encoding", "connection", "date", "server"})


class MockServer:
    """Plays the server side of a log's connections; start it with :func:`start_mock_server`.

    Client *n* gets connection *n* of the plans given (a client that reconnects meets the
    server as it was after the recorded reconnect); clients past the last get the last.
    """

    def __init__(
        self,
        plans: ReplayPlan | Sequence[ReplayPlan],
        host: str = "127.0.0.1",
        *,
        fast: bool = False,
        on_unexpected: OnUnexpected = "ignore",
        ignore: Sequence[str] = (),
        report: Report | None = None,
    ) -> None:
        given = [plans] if isinstance(plans, ReplayPlan) else list(plans)
        if not given:
            raise ValueError("A mock server needs a plan to play.")
        self._layers = {plan.connection: recorded_layer(plan) for plan in given}
        """The protocol each connection of the log speaks (None: plain WebSocket)."""
        self.plans = [self._playable(plan) for plan in given]
        self._protocols: dict[ServerConnection, ProtocolPlay] = {}
        """A protocol's state per client, reading its messages in order (protocol logs)."""
        self.host = host
        self.port = 0
        self.fast = fast
        self.on_unexpected = on_unexpected
        self.clients = 0
        self._patterns = [parse_ignore(path) for path in ignore]
        self._report = report or (lambda line: None)
        self._expected: dict[tuple[int, int], Message] = {}
        """Canonical forms of the recorded client messages, by plan and script index."""
        self._server: Server | None = None
        self._plans: dict[ServerConnection, ReplayPlan] = {}
        """The plan each admitted client plays, until its handler takes it."""

    async def _listen(self, port: int) -> None:
        recorded = [plan.subprotocol for plan in self.plans if plan.subprotocol is not None]

        def select(_: ServerConnection, offered: Sequence[Subprotocol]) -> Subprotocol | None:
            return next((Subprotocol(name) for name in recorded if name in offered), None)

        self._server = await serve(
            self._handle,
            self.host,
            port,
            process_request=self._admit,
            select_subprotocol=select,
            max_size=MAX_MESSAGE_SIZE,
            logger=_log,
        )
        self.port = self._server.sockets[0].getsockname()[1]

    def url(self, path: str = "/") -> str:
        return ws_url(self.host, self.port, path)

    async def close(self) -> None:
        """Stop listening, close open connections with 1001 and wait for their handlers."""
        if self._server is not None:
            self._server.close()
            await self._server.wait_closed()

    def _admit(self, ws: ServerConnection, request: Request) -> Response | None:
        """Give the client its connection of the log; refuse it as recorded, if it was."""
        self.clients += 1
        plan = self.plans[min(self.clients, len(self.plans)) - 1]
        self._plans[ws] = plan
        refusal = plan.refusal
        if refusal is None:
            return None
        self._report(
            f"{self._client(plan)} refused as recorded ({refusal.status}) ({request.path})"
        )
        response = ws.respond(refusal.status, refusal.body)
        for name, value in refusal.headers:
            if name.lower() not in _OWN_HEADERS:
                response.headers[name] = value
        return response

    def _client(self, plan: ReplayPlan) -> str:
        client = f"client {self.clients}"
        return f"{client} (connection {plan.connection})" if len(self.plans) > 1 else client

    def _playable(self, plan: ReplayPlan) -> ReplayPlan:
        layer = self._layers[plan.connection]
        return without(plan, layer, keepalives) if layer is not None else plan

    def _is_keepalive(self, ws: ServerConnection, message: Message) -> bool:
        """Whether a client message is one of its protocol's keepalives (taken silently)."""
        play = self._protocols.get(ws)
        return play is not None and play.is_keepalive(message)

    async def _handle(self, ws: ServerConnection) -> None:
        plan = self._plans.pop(ws)
        layer = self._layers[plan.connection]
        if layer is not None:
            self._protocols[ws] = ProtocolPlay(layer)
        client = self._client(plan)
        path = ws.request.path if ws.request is not None else "/"
        self._report(f"{client} connected ({path})")
        closed = asyncio.ensure_future(ws.wait_closed())
        try:
            with contextlib.suppress(ConnectionClosed, _HungUp):
                await self._play(plan, ws, client, closed)
                async for data in ws:
                    if not self._is_keepalive(ws, _received(data)):
                        await self._unexpected(plan, ws, client, _received(data), None)
        finally:
            closed.cancel()
            play = self._protocols.pop(ws, None)
            if play is not None:
                play.stop()
        code = ws.close_code if ws.close_code is not None else 1006
        reason = f" {ws.close_reason}" if ws.close_reason else ""
        self._report(f"{client} closed ({code}{reason})")

    async def _play(
        self, plan: ReplayPlan, ws: ServerConnection, client: str, closed: asyncio.Future[None]
    ) -> None:
        """Go through the script: wait for client messages, send server messages on time.

        Then, if the recorded server closed the connection, close it as it did.
        """
        anchor, anchor_at = time.monotonic(), 0.0
        number = sent = 0

        async def on_time(at: float) -> bool:
            """Wait for recorded time ``at`` (after the last client message); False: gone."""
            delay = anchor + at - anchor_at - time.monotonic()
            if not self.fast and delay > 0:
                await asyncio.wait({closed}, timeout=delay)
            return not closed.done()

        for index, item in enumerate(plan.script):
            if item.kind is Kind.SEND:
                number += 1
                await self._expect(plan, ws, client, index, number)
                anchor, anchor_at = time.monotonic(), item.at
                continue
            if not await on_time(item.at):
                return
            message = item.message
            play = self._protocols.get(ws)
            if play is not None:
                message = play.outgoing(message, ws.send)
            await ws.send(message.payload, text=message.opcode is Opcode.TEXT)
            sent += 1
        self._report(f"{client}: end of the script ({number} received, {sent} sent)")
        close = plan.close
        if close is not None and close.by is Kind.RECV and close.sendable:
            if not await on_time(close.at):
                return
            said = f"{close.code} {close.reason}".rstrip()
            self._report(f"{client}: closing as recorded ({said})")
            await ws.close(close.code, close.reason)

    async def _expect(
        self, plan: ReplayPlan, ws: ServerConnection, client: str, index: int, number: int
    ) -> None:
        """Receive until the recorded client message ``number`` (script ``index``) comes."""
        expected = plan.script[index].message
        play = self._protocols.get(ws)
        while True:
            got = _received(await ws.recv())
            if play is not None:
                got = play.as_recorded(got, expected)
            if got == expected or canonical(got, self._patterns) == self._canonical(plan, index):
                if play is not None:
                    play.matched()
                return
            if self._is_keepalive(ws, got):
                continue
            await self._unexpected(plan, ws, client, got, number)

    def _canonical(self, plan: ReplayPlan, index: int) -> Message:
        key = (plan.connection, index)
        found = self._expected.get(key)
        if found is None:
            found = self._expected[key] = canonical(plan.script[index].message, self._patterns)
        return found

    async def _unexpected(
        self,
        plan: ReplayPlan,
        ws: ServerConnection,
        client: str,
        got: Message,
        number: int | None,
    ) -> None:
        """Report a message the script did not expect; close with 1008 if told to."""
        if number is None:
            problem = "unexpected message after the end of the script"
        else:
            problem = f"unexpected message instead of client message {number}"
        line = f"{client}: {problem}: {show_message(got)}"
        if number is not None:
            expected = plan.sends[number - 1].message
            line += f" (expected {show_message(expected)})"
        if self.on_unexpected == "close":
            line += f"; closing with {POLICY_VIOLATION}"
        self._report(line)
        if self.on_unexpected == "close":
            await ws.close(POLICY_VIOLATION, _reason(problem))
            raise _HungUp


async def start_mock_server(
    plan: ReplayPlan | Sequence[ReplayPlan],
    host: str = "127.0.0.1",
    port: int = 0,
    *,
    fast: bool = False,
    on_unexpected: OnUnexpected = "ignore",
    ignore: Sequence[str] = (),
    report: Report | None = None,
) -> MockServer:
    """Listen on host:port (0 picks a free port) and play ``plan`` (client n: plan n).

    Raises ``IgnorePathError`` for a bad ignore path and OSError if it cannot listen.
    """
    server = MockServer(
        plan, host, fast=fast, on_unexpected=on_unexpected, ignore=ignore, report=report
    )
    await server._listen(port)
    return server
