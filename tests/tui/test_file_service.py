"""The file service on its own: a bare Textual app over a session, no sockscope screens.

It saves a real session file through its dialog, opens that file in a log viewer, and
journals rows as they come; what it needs is what its constructor takes.
"""

from __future__ import annotations

from pathlib import Path

from textual.app import App

from sockscope.core.events import Connecting, Opened
from sockscope.core.formats.load import load_log
from sockscope.core.session.session import Session
from sockscope.core.store.frames import Kind, Opcode
from sockscope.tui.file_service import FileService
from sockscope.tui.log.message_log import MessageLog
from sockscope.tui.screens.file_screens import OpenRequest, SaveScreen
from sockscope.tui.screens.log_viewer import LogViewerScreen
from sockscope.tui.tabs.tab_set import TabSet

from .helpers import visible_text, wait_for

URL = "ws://files.test/feed"
T0 = 1_700_000_000.0
SIZE = (140, 36)


class HostApp(App[None]):
    """Just enough app for the service: it shows dialogs and runs threads (and has the
    tabs a log viewer's tab bar draws: none, so the viewer is pushed over the screen)."""

    def __init__(self, session: Session, journal: Path | None = None) -> None:
        super().__init__()
        self.tabs = TabSet(self)
        self.files = FileService(self, session, lambda: URL, journal)


def a_session() -> Session:
    session = Session()
    session.on_event(T0, Connecting(URL))
    opened = Opened(
        URL, 101, "Switching Protocols", [("Authorization", "Bearer s3cr3t")], [], None, []
    )
    session.on_event(T0 + 0.05, opened)
    session.on_frame(T0 + 0.1, Kind.SEND, Opcode.TEXT, b'{"op":"hello"}')
    session.on_frame(T0 + 0.2, Kind.RECV, Opcode.BINARY, b"\x00\x01\xfe\xff")
    return session


async def test_saves_a_session_through_its_dialog_and_opens_the_file_in_a_viewer(
    tmp_path: Path,
) -> None:
    session = a_session()
    app = HostApp(session)
    target = tmp_path / "saved.jsonl"
    async with app.run_test(size=SIZE) as pilot:
        app.files.ask_and_save()
        await wait_for(
            pilot, lambda: isinstance(app.screen, SaveScreen) and app.screen.query("#save-path")
        )
        app.screen.query_one("#save-path").value = str(target)  # type: ignore[attr-defined]
        await pilot.press("enter")
        await wait_for(pilot, lambda: any("Saved 3 rows" in n.message for n in app._notifications))

        saved = load_log(target)
        store = saved.store
        assert saved.header.url == URL  # the service's url callable made the header
        assert [store.kind(i) for i in range(len(store))] == [Kind.OPEN, Kind.SEND, Kind.RECV]
        assert store.payload(2) == b"\x00\x01\xfe\xff"
        assert "s3cr3t" not in target.read_text()  # secrets are redacted unless asked for

        app.files.open_log(OpenRequest(target, None))
        assert app.files.opening_log  # the app's keys wait for the viewer
        await wait_for(pilot, lambda: isinstance(app.screen, LogViewerScreen))
        viewer = app.screen
        await wait_for(pilot, lambda: not viewer.rows_loading)  # type: ignore[attr-defined]
        assert not app.files.opening_log
        await pilot.pause(0.05)
        assert '{"op":"hello"}' in visible_text(viewer.query_one(MessageLog))


async def test_journals_rows_as_they_come_and_closes_the_journal(tmp_path: Path) -> None:
    session = a_session()
    journal = tmp_path / "journal" / "live.jsonl"
    app = HostApp(session, journal)
    async with app.run_test(size=SIZE) as pilot:
        app.files.start_journal()
        session.on_frame(T0 + 0.3, Kind.RECV, Opcode.TEXT, b"after the journal began")
        await wait_for(pilot, lambda: b"after the journal began" in journal.read_bytes())
    app.files.close_journal()
    logged = load_log(journal).store
    assert logged.payload(len(logged) - 1) == b"after the journal began"
