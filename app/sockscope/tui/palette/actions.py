"""The palette's commands made from the key bindings themselves, so none is forgotten.

Every ``Binding`` with an id on the app, the screen shown and its widgets is a command,
once: two bindings of one action on one target (ctrl+f and "/" both filter) are one
command with both ids and keys. A binding the target refuses now (``check_action`` False:
the live session's keys over a log viewer, the rules key without rules) is left out, as
the key bar leaves it out.
"""

from __future__ import annotations

from dataclasses import replace
from functools import partial

from textual.actions import parse as parse_action
from textual.binding import Binding
from textual.dom import DOMNode
from textual.screen import Screen

from sockscope.tui.palette.entries import PaletteEntry


def own_bindings(node_class: type[DOMNode]) -> list[Binding]:
    """The bindings with an id that sockscope's classes in ``node_class``'s MRO declare."""
    found: list[Binding] = []
    for cls in reversed(node_class.__mro__):
        if not cls.__module__.startswith("sockscope."):
            continue
        for binding in vars(cls).get("BINDINGS", ()):
            if isinstance(binding, Binding) and binding.id:
                found.append(binding)
    return found


def title_of(binding: Binding) -> str:
    """``Ping``; ``Leave (disconnect)``; ``Inspector: JSON``: the key bar's word, the id's
    words where they say more, and the widget's name for a widget's binding."""
    assert binding.id is not None
    scope, _, name = binding.id.rpartition(".")
    words = name.replace("_", " ")
    title = binding.description or words
    if words.lower() not in title.lower():
        title = f"{title} ({words})"
    return f"{scope.capitalize()}: {title}" if scope else title


def _target(node: DOMNode, action: str, screen: Screen[object]) -> tuple[DOMNode, str] | None:
    namespace, name, _ = parse_action(action)
    if namespace == "app":
        return screen.app, name
    if namespace == "screen":
        return screen, name
    return (node, name) if not namespace else None


def _keys(binding: Binding, screen: Screen[object], keymap: dict[str, str]) -> list[str]:
    keys = keymap.get(binding.id or "", binding.key)
    return [screen.app.get_key_display(replace(binding, key=key)) for key in keys.split(",")]


def binding_entries(screen: Screen[object], keymap: dict[str, str]) -> list[PaletteEntry]:
    """The commands of the app's, ``screen``'s and its widgets' bindings; ``keymap`` (binding
    id to keys) says which keys the user moved them to."""
    app = screen.app
    commands: dict[tuple[int, str, tuple[object, ...]], list[Binding]] = {}
    targets: dict[tuple[int, str, tuple[object, ...]], DOMNode] = {}
    seen: set[str] = set()
    for node in (app, screen, *screen.query("*")):
        for binding in own_bindings(type(node)):
            target = _target(node, binding.action, screen)
            if binding.id in seen or target is None:
                continue  # a second widget of a kind: its twin's command is enough
            _, name, parameters = parse_action(binding.action)
            if target[0].check_action(name, parameters) is False:
                continue
            seen.add(binding.id or "")
            key = (id(target[0]), name, parameters)
            commands.setdefault(key, []).append(binding)
            targets[key] = target[0]
    entries = []
    for key, found in commands.items():
        first = found[0]
        ids = tuple(binding.id or "" for binding in found)
        keys = ", ".join(k for binding in found for k in _keys(binding, screen, keymap))
        entries.append(
            PaletteEntry(
                title_of(first),
                f"{first.tooltip or first.description} · {keys} · id {', '.join(ids)}",
                partial(app.run_action, first.action, targets[key]),
                ids,
            )
        )
    return entries
