"""``proxy --record FILE``: every client connection in one log, one after another.

A log's connections are its open rows in order (docs/log-format.md): ``replay`` replays
each in turn and the mock server gives client *n* connection *n*. Proxied connections
overlap in time, so each is journaled live into a file of its own beside FILE
(``out.client-3.jsonl``: kept after a crash, an ordinary log) and appended to FILE
whole once it and every connection before it have ended: FILE holds the connections in
the order the clients came.
"""

from __future__ import annotations

import shutil
from pathlib import Path

from sockscope.commands.headless import fail, open_journal
from sockscope.commands.record import KEPT_BYTES, KEPT_ROWS
from sockscope.core.formats.errors import LogError
from sockscope.core.formats.journal import JournalWriter
from sockscope.core.proxy.relay import ProxiedConnection
from sockscope.core.session.session import Session


class ConnectionLogs:
    """Makes each connection's journaled session; splices the ended ones into one file."""

    def __init__(self, path: Path, url: str, include_secrets: bool) -> None:
        self.path = path
        self._include_secrets = include_secrets
        open_journal(path, url, include_secrets).close()  # the header, mode 0600
        self._parts: dict[int, JournalWriter] = {}
        self._ended: set[int] = set()
        self._next = 1
        """The number of the next connection to append to the file."""
        self.connections = 0
        self.errors: list[str] = []

    def part(self, number: int) -> Path:
        return self.path.with_name(f"{self.path.stem}.client-{number}.jsonl")

    def new_session(self, number: int, url: str) -> Session:
        journal = open_journal(self.part(number), url, self._include_secrets)
        self._parts[number] = journal
        return Session(journal=journal, max_frames=KEPT_ROWS, max_bytes=KEPT_BYTES)

    def ended(self, number: int) -> None:
        """Connection ``number`` ended: append it, and those after it that are waiting."""
        self._ended.add(number)
        while self._next in self._ended:
            self._append(self._next)
            self._next += 1

    def connection_ended(self, relay: ProxiedConnection) -> None:
        self.ended(relay.number)

    def close(self) -> None:
        """Append every connection not appended yet (the proxy has stopped)."""
        for number in sorted(self._parts):
            self._append(number)

    def _append(self, number: int) -> None:
        journal = self._parts.pop(number, None)
        if journal is None:
            return
        try:
            journal.close()
            with journal.path.open("rb") as part, self.path.open("ab") as whole:
                part.readline()  # its header: the file has one
                shutil.copyfileobj(part, whole)
            journal.path.unlink()
            self.connections += 1
        except (OSError, LogError) as exc:
            self.errors.append(f"Connection {number} stays in {journal.path}: {exc}")


def fail_on(logs: ConnectionLogs) -> None:
    if logs.errors:
        fail(" ".join(logs.errors))
