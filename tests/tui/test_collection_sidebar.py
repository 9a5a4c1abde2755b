"""The collection sidebar against a real local server: choose, connect, save, pick messages."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from textual.widgets import Input, Label, OptionList, Tree
from websockets.asyncio.server import ServerConnection, serve

from sockscope.core.events import ReadyState
from sockscope.core.settings import ConnectionSettings
from sockscope.core.store.frames import Kind
from sockscope.core.text.compose import ComposeMode
from sockscope.tui.app import SockscopeApp
from sockscope.tui.factory import build_app
from sockscope.tui.screens.name_screen import NameScreen
from sockscope.tui.screens.saved_messages import SavedMessagesScreen

from .helpers import wait_for

SIZE = (140, 40)
TOKEN = "abc-123-secret"

API = """\
name: api
url: ws://127.0.0.1:{port}/live?room={{{{ROOM}}}}
headers:
  X-Token: '{{{{TOKEN}}}}'
messages:
  - {{name: hello, body: '{{"op":"hello","room":"{{{{ROOM}}}}"}}', mode: json}}
  - {{name: plain, body: just text}}
variables:
  ROOM: lobby
"""


class Recorder:
    """A server that keeps each handshake's request and every message it hears."""

    def __init__(self) -> None:
        self.paths: list[str] = []
        self.headers: list[dict[str, str]] = []
        self.heard: list[str] = []

    async def handler(self, ws: ServerConnection) -> None:
        assert ws.request is not None
        self.paths.append(ws.request.path)
        self.headers.append({k.lower(): v for k, v in ws.request.headers.raw_items()})
        async for message in ws:
            self.heard.append(str(message))


@pytest.fixture
async def server() -> AsyncIterator[tuple[Recorder, int]]:
    recorder = Recorder()
    async with serve(recorder.handler, "127.0.0.1", 0) as running:
        yield recorder, running.sockets[0].getsockname()[1]


def collection(folder: Path, port: int) -> Path:
    (folder / "team").mkdir(parents=True)
    (folder / "team" / "api.sockscope.yaml").write_text(API.format(port=port))
    (folder / "team" / "broken.sockscope.yaml").write_text("url: ws://x/\npign: 20\n")
    return folder


def app_on(folder: Path, **options: object) -> SockscopeApp:
    return build_app(ConnectionSettings(), collection=folder, env=(("TOKEN", TOKEN),), **options)


def tree(app: SockscopeApp) -> Tree[object]:
    return app.main_screen.query_one("#collection-tree", Tree)


def labels(app: SockscopeApp) -> list[str]:
    found: list[str] = []

    def walk(node: object) -> None:
        for child in node.children:  # type: ignore[attr-defined]
            found.append(str(child.label))
            walk(child)

    walk(tree(app).root)
    return found


async def choose(pilot: object, app: SockscopeApp, name: str, key: str = "enter") -> None:
    """Move the tree's cursor to ``name`` and press enter (or ``key``), as a user does."""
    names = tree(app)
    names.focus()
    for line in range(names.last_line + 1):
        node = names.get_node_at_line(line)
        if node is not None and str(node.label).endswith(name):
            names.cursor_line = line
            break
    else:
        raise AssertionError(f"{name} not in the tree: {labels(app)}")
    await pilot.press(key)  # type: ignore[attr-defined]


async def test_choosing_a_saved_connection_connects_with_its_headers(
    server: tuple[Recorder, int], tmp_path: Path
) -> None:
    recorder, port = server
    app = app_on(collection(tmp_path / "c", port))
    async with app.run_test(size=SIZE) as pilot:
        await wait_for(pilot, lambda: "api" in labels(app))
        assert labels(app)[0] == "team/"
        assert "✗ broken.sockscope.yaml" in labels(app)
        await choose(pilot, app, "api")
        await wait_for(pilot, lambda: app.session.state is ReadyState.OPEN)
        assert recorder.headers[0]["x-token"] == TOKEN
        assert recorder.paths[0] == "/live?room=lobby"
        assert app.main_screen.panel.query_one("#url", Input).value.endswith("room=lobby")


async def test_a_bad_file_is_shown_with_its_sentence(tmp_path: Path) -> None:
    app = app_on(collection(tmp_path / "c", 9))
    async with app.run_test(size=SIZE) as pilot:
        await wait_for(pilot, lambda: "✗ broken.sockscope.yaml" in labels(app))
        await choose(pilot, app, "broken.sockscope.yaml")
        detail = str(app.main_screen.query_one("#collection-detail", Label).render())
        assert "line 2: unknown key 'pign'" in detail
        assert app.session.state is ReadyState.CLOSED


async def test_save_a_new_connection_into_the_collection_without_env_values(
    server: tuple[Recorder, int], tmp_path: Path
) -> None:
    _recorder, port = server
    folder = tmp_path / "c"
    folder.mkdir()
    settings = ConnectionSettings(
        f"ws://127.0.0.1:{port}/feed", headers=(("Authorization", f"Bearer {TOKEN}"),)
    )
    app = build_app(settings, collection=folder, env=(("TOKEN", TOKEN),))
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await pilot.press("ctrl+b")
        await wait_for(pilot, lambda: tree(app).has_focus)
        await pilot.press("n")
        await wait_for(pilot, lambda: isinstance(app.screen, NameScreen))
        await pilot.press(*"My feed", "enter")
        written = folder / "My-feed.sockscope.yaml"
        await wait_for(pilot, written.exists)
        text = written.read_text()
        assert "Bearer {{TOKEN}}" in text and TOKEN not in text
        assert "name: My feed" in text
        await wait_for(pilot, lambda: "My feed" in labels(app))
        # The new file is the open one now: s writes over it.
        app.main_screen.panel.query_one("#url", Input).value = f"ws://127.0.0.1:{port}/other"
        tree(app).focus()
        await pilot.press("s")
        await wait_for(pilot, lambda: "/other" in written.read_text())
        assert TOKEN not in written.read_text()
        assert list(folder.iterdir()) == [written]


async def test_saved_messages_are_one_key_away_and_variables_resolve(
    server: tuple[Recorder, int], tmp_path: Path
) -> None:
    recorder, port = server
    app = app_on(collection(tmp_path / "c", port))
    async with app.run_test(size=SIZE) as pilot:
        await wait_for(pilot, lambda: "api" in labels(app))
        await choose(pilot, app, "api")
        await wait_for(pilot, lambda: app.session.state is ReadyState.OPEN)
        composer = app.main_screen.composer
        await pilot.press("f3")
        await wait_for(pilot, lambda: isinstance(app.screen, SavedMessagesScreen))
        options = app.screen.query_one(OptionList)
        assert "hello" in str(options.get_option_at_index(0).prompt)
        await pilot.press("enter")
        await wait_for(pilot, lambda: composer.editor.text.startswith('{"op":"hello"'))
        assert composer.mode is ComposeMode.JSON
        preview = composer.query_one("#composer-preview", Label)
        await wait_for(pilot, lambda: preview.display)
        assert str(preview.render()) == '= {"op":"hello","room":"lobby"}'
        await pilot.press("enter")
        await wait_for(pilot, lambda: '{"op":"hello","room":"lobby"}' in recorder.heard)


async def test_an_unknown_variable_sends_nothing_and_says_which(
    server: tuple[Recorder, int], tmp_path: Path
) -> None:
    recorder, port = server
    app = app_on(collection(tmp_path / "c", port))
    async with app.run_test(size=SIZE) as pilot:
        await wait_for(pilot, lambda: "api" in labels(app))
        await choose(pilot, app, "api")
        await wait_for(pilot, lambda: app.session.state is ReadyState.OPEN)
        composer = app.main_screen.composer
        composer.editor.load_text('{"who":"{{NOBODY}}"}')
        preview = composer.query_one("#composer-preview", Label)
        await wait_for(pilot, lambda: "NOBODY" in str(preview.render()))
        await pilot.press("enter")
        error = composer.query_one("#composer-error", Label)
        await wait_for(pilot, lambda: "{{NOBODY}}" in str(error.render()))
        assert composer.editor.text == '{"who":"{{NOBODY}}"}'
        composer.editor.load_text("after")
        await pilot.press("enter")
        await wait_for(pilot, lambda: "after" in recorder.heard)
        assert recorder.heard == ["after"]
        sent = [i for i in range(len(app.session.store)) if app.session.store.kind(i) is Kind.SEND]
        assert len(sent) == 1


async def test_ctrl_b_goes_to_the_sidebar_then_hides_it(tmp_path: Path) -> None:
    app = app_on(collection(tmp_path / "c", 9))
    async with app.run_test(size=SIZE) as pilot:
        sidebar = app.main_screen.query_one("#sidebar")
        await pilot.press("ctrl+b")
        await wait_for(pilot, lambda: tree(app).has_focus)
        await pilot.press("ctrl+b")
        await wait_for(pilot, lambda: not sidebar.display)
        assert app.main_screen.composer.editor.has_focus


async def test_the_palette_opens_saved_connections_and_offers_their_messages(
    server: tuple[Recorder, int], tmp_path: Path
) -> None:
    """Typing a saved connection's name in the palette connects with it; then its saved
    messages are palette commands too, putting their body in the composer."""
    recorder, port = server
    app = app_on(collection(tmp_path / "c", port))
    async with app.run_test(size=SIZE) as pilot:
        await wait_for(pilot, lambda: "api" in labels(app))
        titles = [entry.title for entry in app.palette_entries]
        assert titles == ["Connect: team/api", "Connect in a new tab: team/api"]
        await pilot.press("ctrl+p")
        await pilot.pause()
        await pilot.press(*"team/api")
        await pilot.pause(0.3)
        await pilot.press("enter")
        await wait_for(pilot, lambda: app.session.state is ReadyState.OPEN)
        assert recorder.headers[-1]["x-token"] == TOKEN
        titles = [entry.title for entry in app.palette_entries]
        assert titles[2:] == ["Saved message: hello", "Saved message: plain"]
        next(e for e in app.palette_entries if e.title.endswith("plain")).run()
        await pilot.pause()
        assert app.main_screen.composer.editor.text == "just text"
