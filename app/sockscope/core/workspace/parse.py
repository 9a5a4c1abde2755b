"""Reading a ``NAME.sockscope.yaml`` file into a :class:`SavedConnection`.

ruamel.yaml, not PyYAML: its round-trip loader gives every key its line (``.lc``), so a
mistake is named by file, line and key; it keeps comments and key order when a file is
written back over (``write.py``), which a file people diff and commit needs; and it reads
YAML 1.2, where ``no`` and ``off`` stay strings rather than turning into false.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap, CommentedSeq
from ruamel.yaml.error import MarkedYAMLError, YAMLError

from sockscope.core.settings import ConnectionSettings, SettingsError
from sockscope.core.workspace.saved import (
    ReplyRule,
    SavedConnection,
    SavedMessage,
    Timer,
    default_name,
)

TOP_KEYS = (
    "name", "url", "headers", "subprotocols", "origin", "protocol", "options", "on_open",
    "messages", "replies", "every", "variables",
)  # fmt: skip
OPTION_KEYS = (
    "insecure", "ca", "cert", "key", "proxy", "no_proxy", "compression", "ping", "max_size",
    "reconnect", "open_timeout", "user_agent", "protocol_options",
)  # fmt: skip


class SavedFileError(SettingsError):
    """A saved connection file that cannot be used: one sentence naming file, line and key."""


class _Reader:
    """Reads one parsed document, naming the file and line of any mistake."""

    def __init__(self, path: Path) -> None:
        self.path = path

    def fail(self, line: int | None, message: str) -> SavedFileError:
        where = f"{self.path}, line {line + 1}" if line is not None else str(self.path)
        return SavedFileError(f"{where}: {message}.")

    def check_keys(self, node: CommentedMap, known: tuple[str, ...], within: str) -> None:
        for key in node:
            if key not in known:
                raise self.fail(
                    node.lc.key(key)[0],
                    f"unknown key {key!r}{within} (known: {', '.join(known)})",
                )

    def value(self, node: CommentedMap, key: str, kinds: tuple[type, ...], what: str) -> Any:
        value = node.get(key)
        if value is None:
            return None
        if (isinstance(value, bool) and bool not in kinds) or not isinstance(value, kinds):
            raise self.fail(node.lc.key(key)[0], f"{key!r} must be {what}")
        return value

    def text(self, node: CommentedMap, key: str) -> str | None:
        value = self.value(node, key, (str, int, float), "text")
        return None if value is None else str(value)

    def flag(self, node: CommentedMap, key: str, default: bool) -> bool:
        value = self.value(node, key, (bool,), "true or false")
        return default if value is None else bool(value)

    def number(self, node: CommentedMap, key: str) -> float | None:
        value = self.value(node, key, (int, float), "a number")
        if value is not None and value < 0:
            raise self.fail(node.lc.key(key)[0], f"{key!r} cannot be negative")
        return None if value is None else float(value)

    def pairs(self, node: CommentedMap, key: str) -> tuple[tuple[str, str], ...]:
        """A map of texts (headers, variables) as pairs, in the file's order."""
        value = self.value(node, key, (CommentedMap,), "a map of NAME: VALUE")
        if value is None:
            return ()
        for name in value:
            self.value(value, name, (str, int, float), "text")
        return tuple((str(name), str(value[name])) for name in value if value[name] is not None)

    def texts(self, node: CommentedMap, key: str) -> tuple[str, ...]:
        """A list of texts; one text alone is a list of one."""
        value = self.value(node, key, (CommentedSeq, str), "a list of texts")
        if value is None:
            return ()
        if isinstance(value, str):
            return (value,)
        for index, item in enumerate(value):
            if not isinstance(item, str | int | float) or isinstance(item, bool):
                raise self.fail(value.lc.item(index)[0], f"each item of {key!r} must be text")
        return tuple(str(item) for item in value)

    def records(self, node: CommentedMap, key: str, build: Callable[[CommentedMap], Any]) -> Any:
        """A list of maps (messages, replies, every), each made by ``build``."""
        value = self.value(node, key, (CommentedSeq,), "a list")
        if value is None:
            return ()
        built = []
        for index, item in enumerate(value):
            if not isinstance(item, CommentedMap):
                raise self.fail(value.lc.item(index)[0], f"each item of {key!r} must be a map")
            built.append(build(item))
        return tuple(built)

    def required(self, node: CommentedMap, key: str, within: str) -> str:
        text = self.text(node, key)
        if text is None:
            raise self.fail(_line_of(node), f"{within} needs {key!r}")
        return text

    def message(self, node: CommentedMap) -> SavedMessage:
        self.check_keys(node, ("name", "body", "mode"), " in a message")
        body = self.required(node, "body", "a saved message")
        return SavedMessage(
            self.text(node, "name") or body[:40], body, self.text(node, "mode") or "text"
        )

    def reply(self, node: CommentedMap) -> ReplyRule:
        self.check_keys(node, ("match", "reply"), " in a reply rule")
        return ReplyRule(self.required(node, "match", "a reply rule"),
                         self.required(node, "reply", "a reply rule"))  # fmt: skip

    def timer(self, node: CommentedMap) -> Timer:
        self.check_keys(node, ("seconds", "message"), " in a timer")
        seconds = self.number(node, "seconds")
        if not seconds:
            raise self.fail(_line_of(node), "a timer needs 'seconds' above 0")
        return Timer(seconds, self.required(node, "message", "a timer"))

    def settings(self, top: CommentedMap) -> ConnectionSettings:
        options = self.value(top, "options", (CommentedMap,), "a map") or CommentedMap()
        self.check_keys(options, OPTION_KEYS, " in options")
        base = ConnectionSettings()
        ping = self.number(options, "ping")
        timeout = self.number(options, "open_timeout")
        max_size = self.value(options, "max_size", (int,), "a whole number of bytes")
        return ConnectionSettings(
            url=self.text(top, "url") or "",
            headers=self.pairs(top, "headers"),
            subprotocols=self.texts(top, "subprotocols"),
            origin=self.text(top, "origin"),
            user_agent=self.text(options, "user_agent"),
            insecure=self.flag(options, "insecure", base.insecure),
            ca_file=self.text(options, "ca"),
            cert_file=self.text(options, "cert"),
            key_file=self.text(options, "key"),
            proxy=self.text(options, "proxy"),
            no_proxy=self.flag(options, "no_proxy", base.no_proxy),
            compression=self.flag(options, "compression", base.compression),
            ping_interval=(ping or None) if "ping" in options else base.ping_interval,
            open_timeout=timeout if timeout else base.open_timeout,
            max_size=max_size if "max_size" in options else base.max_size,
            on_open=self.texts(top, "on_open"),
            reconnect=self.flag(options, "reconnect", base.reconnect),
            protocol=self.text(top, "protocol") or base.protocol,
            protocol_options=self.pairs(options, "protocol_options"),
        )


def _line_of(node: CommentedMap) -> int | None:
    line = getattr(node.lc, "line", None)
    return line if isinstance(line, int) else None


def parse_saved(text: str, path: Path) -> SavedConnection:
    """The saved connection in ``text`` (read from ``path``); raises :class:`SavedFileError`."""
    reader = _Reader(path)
    try:
        top = YAML(typ="rt").load(text)
    except MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        problem = (exc.problem or exc.context or "malformed").rstrip(".")
        raise reader.fail(
            mark.line if mark else None, f"the YAML is malformed: {problem}"
        ) from None
    except YAMLError as exc:
        raise reader.fail(None, f"the YAML is malformed: {str(exc).rstrip('.')}") from None
    if top is None:
        top = CommentedMap()
    if not isinstance(top, CommentedMap):
        raise reader.fail(None, "a saved connection is a map of keys (name, url, headers…)")
    reader.check_keys(top, TOP_KEYS, "")
    return SavedConnection(
        name=reader.text(top, "name") or default_name(path),
        settings=reader.settings(top),
        variables=reader.pairs(top, "variables"),
        messages=reader.records(top, "messages", reader.message),
        replies=reader.records(top, "replies", reader.reply),
        every=reader.records(top, "every", reader.timer),
        path=path,
    )


def read_saved(path: Path) -> SavedConnection:
    """Read and parse a saved connection file; every failure is a :class:`SavedFileError`."""
    try:
        text = Path(path).read_text(encoding="utf-8")
    except OSError as exc:
        raise SavedFileError(
            f"Cannot read the saved connection {str(path)!r}: {exc.strerror}."
        ) from None
    except UnicodeDecodeError:
        raise SavedFileError(f"The saved connection {str(path)!r} is not UTF-8 text.") from None
    return parse_saved(text, path)
