"""The command palette (ctrl+p) as a user drives it, against the demo server."""

from __future__ import annotations

import pyperclip
import pytest
from textual import events
from textual.command import CommandList, CommandPalette
from textual.pilot import Pilot

from sockscope.core.events import ReadyState
from sockscope.core.settings import ConnectionSettings
from sockscope.core.store.frames import Kind, Opcode
from sockscope.servers.demo import DemoServerThread
from sockscope.tui.app import SockscopeApp
from sockscope.tui.factory import build_app
from sockscope.tui.log.message_log import MessageLog
from sockscope.tui.palette.actions import own_bindings
from sockscope.tui.palette.entries import PaletteEntry
from sockscope.tui.palette.provider import palette_entries
from sockscope.tui.screens.main_screen import MainScreen
from sockscope.tui.user_config import known_binding_ids
from sockscope.tui.widgets.composer import Composer
from sockscope.tui.widgets.filter_bar import FilterBar
from sockscope.tui.widgets.inspector import Inspector
from sockscope.tui.widgets.session_view import SessionView

from .helpers import frames, screen_lines, wait_for

SIZE = (120, 40)


def pings(app: SockscopeApp) -> int:
    return sum(1 for kind, op, _ in frames(app) if (kind, op) == (Kind.SEND, Opcode.PING))


async def run_in_palette(
    pilot: Pilot[None], app: SockscopeApp, typed: str, *, typing: bool = False
) -> None:
    """ctrl+p, the command's name, enter: as a user runs a command.

    The name is pasted (one event, as a terminal's bracketed paste delivers it) unless
    ``typing``: pilot waits for the app to idle after every key, ~0.1 s a character.
    """
    await pilot.press("ctrl+p")
    await wait_for(pilot, lambda: isinstance(app.screen, CommandPalette))
    if typing:
        await pilot.press(*typed)
    else:
        app.post_message(events.Paste(typed))
    palette = app.screen
    await wait_for(pilot, lambda: palette.query_one(CommandList).option_count > 0)
    await pilot.press("enter")


async def test_typing_ping_and_enter_sends_a_ping(demo_server: DemoServerThread) -> None:
    app = build_app(ConnectionSettings(demo_server.url("/echo")), connect_now=True)
    async with app.run_test(size=SIZE) as pilot:
        await wait_for(pilot, lambda: app.session.state is ReadyState.OPEN)
        assert pings(app) == 0
        await run_in_palette(pilot, app, "ping", typing=True)
        await wait_for(pilot, lambda: (Kind.RECV, Opcode.PONG) in [f[:2] for f in frames(app)])
        assert pings(app) == 1
        assert not isinstance(app.screen, CommandPalette)


async def test_every_binding_id_is_one_command(demo_server: DemoServerThread) -> None:
    """Every key of the live screen is in the palette once: none forgotten, none twice."""
    settings = ConnectionSettings(demo_server.url("/echo"), replies=(("ping", "pong"),))
    app = build_app(settings)
    async with app.run_test(size=SIZE) as pilot:
        app.action_filter()  # the filter bar's keys are there while it is open
        await wait_for(pilot, lambda: bool(app.query(FilterBar)))
        entries = palette_entries(app, app.main_screen)
        ids = [i for entry in entries for i in entry.binding_ids]
        expected = {
            binding.id
            for cls in (
                SockscopeApp,
                MainScreen,
                MessageLog,
                SessionView,
                Inspector,
                Composer,
                FilterBar,
            )
            for binding in own_bindings(cls)
        }
        # Shown only where they apply (a protocol layer, a row with a pair or an operation
        # to stop), as on the bar.
        expected -= {"log.pair", "log.keepalives", "log.stop", "composer.saved"}
        # One command an open tab: its key's id goes with it.
        expected -= {f"show_tab.{n}" for n in range(2, 10)}
        assert sorted(ids) == sorted(expected)
        titles = [entry.title for entry in entries]
        assert len(titles) == len(set(titles))
        filter_entry = next(e for e in entries if "filter" in e.binding_ids)
        assert filter_entry.binding_ids == ("filter", "log.filter")
        assert "^f, /" in filter_entry.help
        # What the palette shows with nothing typed: these, and Textual's own but its Quit.
        await pilot.press("ctrl+p")
        await wait_for(pilot, lambda: isinstance(app.screen, CommandPalette))
        listed = app.screen.query_one(CommandList)
        await wait_for(pilot, lambda: listed.option_count >= len(entries))
        shown = [str(listed.get_option_at_index(i).prompt) for i in range(listed.option_count)]
        assert sum(1 for line in shown if line.startswith("Quit")) == 1
        for title in titles:
            assert sum(1 for line in shown if line.split("\n")[0] == title) == 1, title


def test_every_binding_id_of_the_tui_is_known_to_the_keymap() -> None:
    ids = known_binding_ids()
    assert {"ping", "inspector.copy", "log.toggle_time", "filter.regex", "replay.pause"} <= ids
    assert {"diff.back", "viewer.back", "composer.send"} <= ids


SETTINGS = ConnectionSettings(
    "ws://127.0.0.1:9/feed",
    headers=(("Authorization", "Bearer abc"),),
    subprotocols=("json.v1",),
)


@pytest.mark.parametrize(
    ("typed", "start"),
    [
        ("copy as sockscope", "sockscope ws://127.0.0.1:9/feed -H 'Authorization: Bearer abc'"),
        ("copy as websocat", "websocat -H 'Authorization: Bearer abc' --protocol json.v1"),
        ("copy as wscat", "wscat -c ws://127.0.0.1:9/feed -H 'Authorization: Bearer abc'"),
        ("copy as saved", "name: 127.0.0.1\nurl: ws://127.0.0.1:9/feed\nheaders:\n"),
    ],
)
async def test_copy_as_puts_the_connection_on_the_clipboard(
    monkeypatch: pytest.MonkeyPatch, typed: str, start: str
) -> None:
    copied: list[str] = []
    monkeypatch.setattr(pyperclip, "copy", copied.append)
    app = build_app(SETTINGS)
    async with app.run_test(size=SIZE) as pilot:
        await run_in_palette(pilot, app, typed)
        await wait_for(pilot, lambda: bool(copied))
        assert copied[0].startswith(start)
        if typed == "copy as sockscope":
            assert copied == ["sockscope ws://127.0.0.1:9/feed"
                              " -H 'Authorization: Bearer abc' -s json.v1"]  # fmt: skip


async def test_copy_as_never_copies_an_env_value(monkeypatch: pytest.MonkeyPatch) -> None:
    """A token from an --env file goes out as {{NAME}}, in every format."""
    copied: list[str] = []
    monkeypatch.setattr(pyperclip, "copy", copied.append)
    settings = SETTINGS._replace(headers=(("Authorization", "Bearer tok-4f9a-secret"),))
    app = build_app(settings, env=(("TOKEN", "tok-4f9a-secret"),))
    async with app.run_test(size=SIZE) as pilot:
        for typed in ("copy as sockscope", "copy as saved", "copy as websocat", "copy as wscat"):
            await run_in_palette(pilot, app, typed)
        await wait_for(pilot, lambda: len(copied) == 4)
    assert all("tok-4f9a-secret" not in text for text in copied), copied
    assert all("Bearer {{TOKEN}}" in text for text in copied), copied


async def test_copy_as_takes_the_url_being_typed(monkeypatch: pytest.MonkeyPatch) -> None:
    copied: list[str] = []
    monkeypatch.setattr(pyperclip, "copy", copied.append)
    app = build_app()
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await run_in_palette(pilot, app, "copy as wscat")
        await wait_for(pilot, lambda: "No connection to copy" in "".join(screen_lines(app)))
        assert copied == []  # no URL yet: nothing to copy, and a notice says so
        await pilot.press(*"example.com/ws")
        await run_in_palette(pilot, app, "copy as wscat")
        await wait_for(pilot, lambda: bool(copied))
        assert copied == ["wscat -c ws://example.com/ws"]


async def test_the_sidebar_s_entries_are_listed_and_run() -> None:
    ran: list[str] = []
    app = build_app()
    async with app.run_test(size=SIZE) as pilot:
        app.palette_entries.append(
            PaletteEntry(
                "Saved: staging feed", "Open the saved connection", lambda: ran.append("x")
            )
        )
        await run_in_palette(pilot, app, "staging feed")
        await wait_for(pilot, lambda: ran == ["x"])


async def test_a_theme_by_name() -> None:
    app = build_app()
    async with app.run_test(size=SIZE) as pilot:
        await run_in_palette(pilot, app, "theme: nord")
        await wait_for(pilot, lambda: app.theme == "nord")


def test_the_docs_name_every_binding_id() -> None:
    """docs/config.md lists the ids a keymap may use: every one, so none is a secret."""
    from pathlib import Path

    docs = (Path(__file__).parents[2] / "docs" / "config.md").read_text()
    assert [i for i in sorted(known_binding_ids()) if f"`{i}`" not in docs] == []
