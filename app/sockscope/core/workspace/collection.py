"""A collection: a directory tree of saved connections, grouped by folder.

One bad file never keeps the others from loading: it is left out and its one-sentence
complaint is kept in :attr:`Collection.errors` for whoever shows the collection.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import NamedTuple

from sockscope.core.workspace.parse import SavedFileError, read_saved
from sockscope.core.workspace.saved import SavedConnection, is_saved_connection


class CollectionEntry(NamedTuple):
    folder: tuple[str, ...]
    """The folders between the collection's root and the file (empty at the root)."""
    connection: SavedConnection


class BadFile(NamedTuple):
    """A file of the collection that could not be used, and why (one sentence)."""

    folder: tuple[str, ...]
    name: str
    """The file's name, as the folder lists it."""
    error: str


class Collection(NamedTuple):
    root: Path
    entries: tuple[CollectionEntry, ...]
    errors: tuple[str, ...]
    bad: tuple[BadFile, ...] = ()
    """The files behind :attr:`errors`, where they are (for a tree showing them in place)."""

    def find(self, name: str) -> SavedConnection | None:
        """The first saved connection called ``name`` (or at ``folder/name``)."""
        for entry in self.entries:
            if name in (entry.connection.name, "/".join((*entry.folder, entry.connection.name))):
                return entry.connection
        return None


def load_collection(root: Path) -> Collection:
    """Every ``*.sockscope.yaml`` under ``root`` (hidden folders skipped), by folder then name."""
    entries: list[CollectionEntry] = []
    errors: list[str] = []
    bad: list[BadFile] = []
    if not root.is_dir():
        return Collection(root, (), (f"The collection {str(root)!r} is not a folder.",))
    for folder, subfolders, files in os.walk(root, onerror=lambda exc: errors.append(
        f"Cannot read the folder {exc.filename!r}: {exc.strerror}.")):  # fmt: skip
        subfolders[:] = sorted(name for name in subfolders if not name.startswith("."))
        where = Path(folder).relative_to(root).parts
        for name in sorted(files):
            if not is_saved_connection(name):
                continue
            try:
                entries.append(CollectionEntry(where, read_saved(Path(folder) / name)))
            except SavedFileError as exc:
                errors.append(str(exc))
                bad.append(BadFile(where, name, str(exc)))
    return Collection(root, tuple(entries), tuple(errors), tuple(bad))
