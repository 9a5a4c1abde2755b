"""The collection's sidebar: saved connections in a tree, grouped by folder.

Enter (or a click) on a name opens that connection, ``t`` opens it in a new tab; ``s``
saves the panel's connection
over the open one, ``n`` as a new one (a name is asked), ``r`` reads the folder again.
A file that cannot be used is shown in its place, marked, with its one sentence below
the tree when it is highlighted; the others load as usual.
"""

from __future__ import annotations

import os
from typing import TYPE_CHECKING

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.message import Message
from textual.widgets import Label, Tree
from textual.widgets.tree import TreeNode

from sockscope.core.text.display import safe_line
from sockscope.core.workspace.saved import SavedConnection

if TYPE_CHECKING:
    from sockscope.core.workspace.collection import BadFile, Collection

    Item = SavedConnection | BadFile | None


class CollectionSidebar(Vertical):
    """A tree of the collection; posts :class:`Chosen` and :class:`SaveRequested`."""

    DEFAULT_CSS = """
    CollectionSidebar {
        dock: left;
        width: 34;
        max-width: 40%;
        height: 1fr;
        border-right: vkey $primary-muted;
        padding: 0 0 0 1;
        & > #collection-title { color: $text-muted; width: 1fr; }
        & > Tree { height: 1fr; background: transparent; }
        & > #collection-detail { color: $text-muted; width: 1fr; height: auto; max-height: 6; }
        & > #collection-detail.-bad { color: $error; }
    }
    """

    BINDINGS = [
        Binding(
            "s",
            "save(False)",
            "Save over",
            id="collection.save",
            tooltip="Save the connection over the open one",
        ),
        Binding(
            "n",
            "save(True)",
            "Save as new",
            id="collection.save_new",
            tooltip="Save the connection as a new one",
        ),
        Binding(
            "t",
            "open_in_tab",
            "New tab",
            id="collection.open_tab",
            show=False,
            tooltip="Open the saved connection in a new tab and connect",
        ),
        Binding(
            "r",
            "reload",
            "Reload",
            id="collection.reload",
            show=False,
            tooltip="Read the collection again",
        ),
    ]

    class Chosen(Message):
        """A saved connection was chosen: open it (in a new tab if ``new_tab``)."""

        def __init__(
            self, sidebar: CollectionSidebar, saved: SavedConnection, new_tab: bool = False
        ) -> None:
            super().__init__()
            self.sidebar = sidebar
            self.saved = saved
            self.new_tab = new_tab

        @property
        def control(self) -> CollectionSidebar:
            return self.sidebar

    class SaveRequested(Message):
        """Save the panel's connection: as a new one (``new``), or over the open one."""

        def __init__(self, sidebar: CollectionSidebar, new: bool) -> None:
            super().__init__()
            self.sidebar = sidebar
            self.new = new

        @property
        def control(self) -> CollectionSidebar:
            return self.sidebar

    class ReloadRequested(Message):
        pass

    def __init__(self, title: str, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self._title = title
        self._root = ""

    def compose(self) -> ComposeResult:
        yield Label(safe_line(self._title), id="collection-title", markup=False)
        tree: Tree[Item] = Tree("collection", id="collection-tree")
        tree.show_root = False
        tree.guide_depth = 2
        yield tree
        yield Label("", id="collection-detail", markup=False)

    @property
    def names(self) -> Tree[Item]:
        return self.query_one(Tree)

    def focus_names(self) -> None:
        """Focus the tree, its cursor on a line (Textual's starts on none: enter did nothing)."""
        names = self.names
        names.focus()
        if names.cursor_line < 0:
            names.cursor_line = 0

    def show(self, collection: Collection) -> None:
        """Fill the tree with ``collection``: folders first, open, then names."""
        tree = self.names
        tree.clear()
        self._root = f"{collection.root}{os.sep}"
        folders: dict[tuple[str, ...], TreeNode[Item]] = {(): tree.root}

        def folder(path: tuple[str, ...]) -> TreeNode[Item]:
            if path not in folders:
                parent = folder(path[:-1])
                folders[path] = parent.add(Text(safe_line(path[-1]) + "/"), expand=True)
            return folders[path]

        items: list[tuple[tuple[str, ...], str, SavedConnection | BadFile]] = [
            (entry.folder, entry.connection.name, entry.connection) for entry in collection.entries
        ]
        items += [(bad.folder, bad.name, bad) for bad in collection.bad]
        for where, _, _ in sorted(items, key=lambda item: (item[0], item[1].lower())):
            folder(where)  # folders made first: Textual lists children in the order added
        for where, name, data in sorted(items, key=lambda item: (item[0], item[1].lower())):
            label = Text(safe_line(name))
            if not isinstance(data, SavedConnection):
                label = Text("✗ ", style="bold red") + label
            folder(where).add_leaf(label, data=data)
        if not items:
            self._detail("No saved connections here yet: n saves this one.")

    def _detail(self, text: str, bad: bool = False) -> None:
        detail = self.query_one("#collection-detail", Label)
        detail.update(safe_line(text))
        detail.set_class(bad, "-bad")

    @on(Tree.NodeHighlighted)
    def _highlighted(self, event: Tree.NodeHighlighted[Item]) -> None:
        data = event.node.data
        if data is None:
            self._detail("")
        elif isinstance(data, SavedConnection):
            self._detail(data.settings.url)  # as written: {{VARIABLES}}, not their values
        else:
            self._detail(data.error.replace(self._root, ""), bad=True)  # paths as in the tree

    @on(Tree.NodeSelected)
    def _selected(self, event: Tree.NodeSelected[Item]) -> None:
        event.stop()
        self._choose(event.node.data, new_tab=False)

    def _choose(self, data: Item, new_tab: bool) -> None:
        if isinstance(data, SavedConnection):
            self.post_message(self.Chosen(self, data, new_tab))
        elif data is not None:
            self.notify(data.error, title="Cannot open", severity="error", markup=False)

    def action_open_in_tab(self) -> None:
        node = self.names.cursor_node
        if node is not None:
            self._choose(node.data, new_tab=True)

    def action_save(self, new: bool) -> None:
        self.post_message(self.SaveRequested(self, new))

    def action_reload(self) -> None:
        self.post_message(self.ReloadRequested())
