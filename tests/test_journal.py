"""The journal: every row a session records reaches the file, in order, byte for byte.

The journal reads the rows from the session's store on a thread of its own, so these
tests check what that design could get wrong: rows a bounded store drops before the
thread reached them, a fast feed read while it is being appended, a loop that stops
calling, a disk that fills up, and a process killed mid-stream.
"""

from __future__ import annotations

import asyncio
import os
import signal
import stat
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import orjson
import pytest
from websockets.asyncio.server import ServerConnection, serve

from log_samples import HEADER, OPEN_INFO, T0
from sockscope.core.formats.errors import LogError
from sockscope.core.formats.journal import SLICE_BYTES, SLICE_ROWS, JournalWriter
from sockscope.core.formats.jsonl import read_jsonl
from sockscope.core.formats.model import LogHeader
from sockscope.core.session.session import Session
from sockscope.core.settings import ConnectionSettings
from sockscope.core.store.frames import FrameStore, Kind, Opcode
from sockscope.core.wire.connection import Connection

TEXT = FrameStore.pack_flags(Kind.RECV, Opcode.TEXT)
DATA = (Opcode.TEXT, Opcode.BINARY)
NEVER = 3600.0
"""An interval the journal's thread never reaches in a test: only explicit writes count."""


def lines_of(path: Path) -> list[dict[str, object]]:
    return [orjson.loads(line) for line in path.read_bytes().splitlines()]


def frames_of(store: FrameStore) -> list[tuple[Kind, Opcode, bytes]]:
    return [
        (store.kind(i), store.opcode(i), store.payload(i))
        for i in range(len(store))
        if store.kind(i).is_frame
    ]


def test_journal_writes_on_flush_with_owner_only_permissions(tmp_path: Path) -> None:
    path = tmp_path / "journal.jsonl"
    path.write_text("old content that must go\n")
    path.chmod(0o644)
    with JournalWriter(path, LogHeader(url="ws://h/"), interval=NEVER) as journal:
        assert stat.S_IMODE(path.stat().st_mode) == 0o600
        assert len(lines_of(path)) == 1  # the header is written at once
        session = Session(journal=journal)
        session.on_frame(T0, Kind.SEND, Opcode.TEXT, b"one")
        session.on_frame(T0 + 1, Kind.RECV, Opcode.BINARY, b"\xff")
        assert len(lines_of(path)) == 1  # not yet: the journal writes on its own time
        session.flush_journal()
        assert journal.rows_flushed == 2 and len(lines_of(path)) == 3
        session.note(T0 + 2, "an event is written at once")
        assert journal.rows_flushed == 3
        session.on_frame(T0 + 3, Kind.RECV, Opcode.TEXT, b"last")
    log = read_jsonl(path)  # closing wrote the last row
    assert [log.store.payload(i) for i in (0, 1, 3)] == [b"one", b"\xff", b"last"]
    assert log.store.info(2) == {"message": "an event is written at once"}


def test_only_rows_recorded_after_the_journal_started_are_journaled(tmp_path: Path) -> None:
    session = Session()
    session.on_frame(T0, Kind.RECV, Opcode.TEXT, b"before")
    path = tmp_path / "journal.jsonl"
    with JournalWriter(path, HEADER) as journal:
        session.journal = journal
        session.on_frame(T0 + 1, Kind.RECV, Opcode.TEXT, b"after")
    store = read_jsonl(path).store
    assert [store.payload(i) for i in range(len(store))] == [b"after"]


def test_frames_recorded_together_read_back_as_recorded_one_by_one(tmp_path: Path) -> None:
    rows = [
        (Opcode.TEXT, "héllo ✓".encode()),
        (Opcode.BINARY, b"\x00\xff"),
        (Opcode.TEXT, b'{"quote":"\\"","nl":"\n"}'),
    ]
    flags = bytes(FrameStore.pack_flags(Kind.RECV, opcode) for opcode, _ in rows)
    together, alone = tmp_path / "together.jsonl", tmp_path / "alone.jsonl"
    with JournalWriter(together, HEADER) as journal:
        Session(journal=journal).on_frames(T0, flags, [payload for _, payload in rows])
    with JournalWriter(alone, HEADER) as journal:
        session = Session(journal=journal)
        for opcode, payload in rows:
            session.on_frame(T0, Kind.RECV, opcode, payload)
    assert together.read_bytes().splitlines()[1:] == alone.read_bytes().splitlines()[1:]
    store = read_jsonl(together).store
    assert [(store.opcode(i), store.payload(i)) for i in range(len(store))] == rows


@pytest.mark.parametrize(
    ("count", "size"),
    [(3 * SLICE_ROWS + 7, 1), (5, SLICE_BYTES - 1), (3, 3 * SLICE_BYTES)],
    ids=["many rows", "large rows", "rows larger than a slice"],
)
def test_rows_beyond_one_slice_are_written_whole_and_in_order(
    tmp_path: Path, count: int, size: int
) -> None:
    path = tmp_path / "journal.jsonl"
    payloads = [b"%d" % n + b"x" * size for n in range(count)]
    with JournalWriter(path, HEADER, interval=NEVER) as journal:
        Session(journal=journal).on_frames(T0, bytes([TEXT]) * count, payloads)
        journal.flush()
        assert journal.rows_flushed == count
    store = read_jsonl(path).store
    assert [store.payload(i) for i in range(len(store))] == payloads


def test_the_journal_writes_by_itself_while_nobody_calls_it(tmp_path: Path) -> None:
    """A busy event loop (no flush, no new frame) loses nothing: the thread writes anyway."""
    path = tmp_path / "journal.jsonl"
    journal = JournalWriter(path, LogHeader(), interval=0.05)
    Session(journal=journal).on_frame(T0, Kind.SEND, Opcode.TEXT, b"now")
    deadline = time.monotonic() + 10
    while len(lines_of(path)) < 2 and time.monotonic() < deadline:
        time.sleep(0.01)
    assert lines_of(path)[1]["text"] == "now"
    assert journal.rows_flushed == 1
    journal.close()
    journal.close()
    with pytest.raises(LogError, match="is closed"):
        journal.before_drop(1)


@pytest.mark.parametrize("limit", ["max_frames", "max_bytes"])
@pytest.mark.parametrize("interval", [NEVER, 0.0], ids=["thread never runs", "thread busy"])
def test_a_bounded_session_journals_every_row_it_drops(
    tmp_path: Path, limit: str, interval: float
) -> None:
    """Rows the store drops before the journal's thread reached them are written first."""
    path = tmp_path / "journal.jsonl"
    with JournalWriter(path, HEADER, interval=interval) as journal:
        session = Session(journal=journal, **{limit: 100})
        for i in range(1000):
            session.on_frame(T0 + i, Kind.RECV, Opcode.TEXT, b"frame %d" % i)
        for read in range(100):
            payloads = [b"batch %d" % (read * 10 + i) for i in range(10)]
            session.on_frames(T0 + 1000 + read, bytes([TEXT]) * 10, payloads)
        session.note(T0 + 2000, "the end")
        assert session.store.dropped > 1000 and session.journal_error is None
    store = read_jsonl(path).store
    assert [store.payload(i) for i in range(2000)] == [b"frame %d" % i for i in range(1000)] + [
        b"batch %d" % i for i in range(1000)
    ]
    assert [store.time(i) for i in range(1000)] == [T0 + i for i in range(1000)]
    assert len(store) == 2001 and store.info(2000) == {"message": "the end"}


def test_a_save_reading_the_store_does_not_hold_the_journal_back(tmp_path: Path) -> None:
    """The store's readers share it: the journal writes while a save holds the rows."""
    path = tmp_path / "journal.jsonl"
    with JournalWriter(path, HEADER, interval=NEVER) as journal:
        session = Session(journal=journal, max_frames=10)
        with session.store.held():  # a save in another thread holds the rows where they are
            for i in range(50):
                session.on_frame(T0 + i, Kind.RECV, Opcode.TEXT, b"%d" % i)
            journal.flush()
            assert journal.rows_flushed == 50 and session.store.dropped == 0
        session.on_frame(T0 + 50, Kind.RECV, Opcode.TEXT, b"50")
        assert session.store.dropped == 41
    store = read_jsonl(path).store
    assert [store.payload(i) for i in range(len(store))] == [b"%d" % i for i in range(51)]


BINARY = [b"%d" % n + b"\x00\x01\xfe\xff" * (n % 1600) for n in range(1000)]
"""Binary payloads of most lengths up to 6 KiB, with bytes that are not UTF-8."""
TEXTS = ["{" + f'"seq":{n},"s":"' + 'é"\\\n\t✓' * (n % 700) + '"}' for n in range(1000)]
"""Text payloads that JSON must escape (quotes, backslashes, controls), up to ~8 KiB."""
MESSAGES = [*(m for pair in zip(TEXTS, BINARY, strict=True) for m in pair), *TEXTS[:99] * 30]


async def feed(ws: ServerConnection) -> None:
    for message in MESSAGES:
        await ws.send(message)
    await ws.close()


async def test_a_journal_of_a_fast_feed_reads_back_byte_for_byte(tmp_path: Path) -> None:
    """Written while the connection appends as fast as it reads, text and binary alike."""
    path = tmp_path / "journal.jsonl"
    async with serve(feed, "127.0.0.1", 0, compression=None) as server:
        port = next(iter(server.sockets)).getsockname()[1]
        settings = ConnectionSettings(f"ws://127.0.0.1:{port}/", compression=False)
        with JournalWriter(path, HEADER, interval=0.0) as journal:
            session = Session(journal=journal)
            await asyncio.wait_for(Connection(settings, session).run(), 60)
    log = read_jsonl(path)
    assert log.warnings == []
    assert frames_of(log.store) == frames_of(session.store)
    data = [(op, payload) for _, op, payload in frames_of(log.store) if op in DATA]
    assert data == [
        (Opcode.TEXT, m.encode()) if isinstance(m, str) else (Opcode.BINARY, m) for m in MESSAGES
    ]
    assert list(log.store.times) == list(session.store.times)
    assert [log.store.kind(i) for i in (0, len(log.store) - 1)] == [Kind.OPEN, Kind.CLOSE]


@pytest.mark.skipif(not Path("/dev/full").exists(), reason="needs /dev/full")
def test_a_disk_that_fills_up_stops_the_journal_not_the_session(tmp_path: Path) -> None:
    journal = JournalWriter(tmp_path / "journal.jsonl", LogHeader())
    full = os.open("/dev/full", os.O_WRONLY)
    os.dup2(full, journal._fd)  # the disk fills up while the session runs
    os.close(full)
    session = Session(journal=journal)
    session.on_frames(T0, bytes([TEXT]), [b"x"])
    session.flush_journal()
    assert session.journal is None and session.journal_error is not None
    assert "journal.jsonl" in session.journal_error, session.journal_error
    session.on_frames(T0 + 1, bytes([TEXT]), [b"y"])
    assert [session.store.payload(i) for i in range(2)] == [b"x", b"y"]
    with pytest.raises(LogError):
        journal.close()  # the failure again; the file is closed all the same


def test_journal_redacts_only_when_asked(tmp_path: Path) -> None:
    for redact in (False, True):
        path = tmp_path / f"journal-{redact}.jsonl"
        store = FrameStore()
        with JournalWriter(path, HEADER, redact=redact) as journal:
            journal.follow(store)
            store.append_event(T0, Kind.OPEN, OPEN_INFO)
        assert ("token-123" in path.read_text()) is not redact
        assert ("hunter2" in path.read_text()) is not redact


CHILD = textwrap.dedent(
    """
    import sys, time
    from sockscope.core.formats.journal import JournalWriter
    from sockscope.core.formats.model import LogHeader
    from sockscope.core.session.session import Session
    from sockscope.core.store.frames import Kind, Opcode

    journal = JournalWriter(sys.argv[1], LogHeader(url="ws://h/"))
    session = Session(journal=journal)
    reported = seq = 0
    while True:
        session.on_frame(time.time(), Kind.RECV, Opcode.TEXT, b'{"seq":%d}' % seq)
        seq += 1
        if journal.rows_flushed != reported:
            reported = journal.rows_flushed
            print(reported, flush=True)
        if seq % 100 == 0:
            time.sleep(0.001)
    """
)


@pytest.mark.skipif(sys.platform == "win32", reason="SIGKILL is POSIX")
def test_a_journal_killed_mid_stream_loads_all_but_the_last_second(tmp_path: Path) -> None:
    path = tmp_path / "journal.jsonl"
    child = subprocess.Popen(
        [sys.executable, "-c", CHILD, str(path)], stdout=subprocess.PIPE, text=True
    )
    try:
        assert child.stdout is not None
        first = child.stdout.readline()  # the first write the 1 s rule made on its own
        assert first.strip().isdigit(), "the child died before its first write"
        time.sleep(0.5)
    finally:
        child.send_signal(signal.SIGKILL)
        child.wait()
    assert child.stdout is not None
    flushed = int([first, *child.stdout.read().split()][-1])
    log = read_jsonl(path)
    count = len(log.store)
    assert count >= flushed > 0
    seqs = [orjson.loads(log.store.payload(i))["seq"] for i in range(count)]
    assert seqs == list(range(count))
    assert all(line.endswith(b"}") for line in path.read_bytes().split(b"\n")[:-1])
    assert os.stat(path).st_mode & 0o777 == 0o600
