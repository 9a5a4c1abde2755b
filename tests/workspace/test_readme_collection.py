"""The README's collection is the fixture the snapshots and the screenshot show, and loads."""

from __future__ import annotations

from pathlib import Path

from sockscope.core.workspace.collection import load_collection

ROOT = Path(__file__).resolve().parents[2]
FIXTURE = ROOT / "tests" / "fixtures" / "collection"


def test_the_readme_shows_the_fixture_collection_as_it_is() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert (FIXTURE / "chat" / "staging.sockscope.yaml").read_text() in readme
    assert (FIXTURE / "dev.env").read_text() in readme


def test_the_fixture_collection_has_two_connections_and_one_bad_file() -> None:
    collection = load_collection(FIXTURE)
    assert [(e.folder, e.connection.name) for e in collection.entries] == [
        ((), "Prices"),
        (("chat",), "Chat, staging"),
    ]
    assert [(b.folder, b.name) for b in collection.bad] == [(("chat",), "broken.sockscope.yaml")]
    assert "line 3: unknown key 'pign' in options" in collection.bad[0].error
