"""A driver's plug-ins, each hook run guarded: a failing plug-in is reported, never fatal."""

from __future__ import annotations

from collections.abc import Callable, Sequence

from sockscope.core.events import Closed, CommandFailed, DriverEvent, Failed, Opened
from sockscope.core.session.session import Session
from sockscope.core.settings import ConnectionSettings
from sockscope.core.store.frames import Kind, Opcode
from sockscope.core.wire.plugin import Link, Plugin, PluginSink


class PluginHost:
    """Runs the plug-ins' hooks for a driver (which is their :class:`Link`)."""

    def __init__(
        self, plugins: Sequence[Plugin], link: Link, report: Callable[[DriverEvent], object]
    ) -> None:
        self._plugins = list(plugins)
        self._link = link
        self._report = report

    def sink(self, session: Session) -> Session | PluginSink:
        """Where a connection records: the session itself when there are no plug-ins."""
        return PluginSink(session, self) if self._plugins else session

    def prepare(self, settings: ConnectionSettings) -> ConnectionSettings:
        """The settings as the plug-ins adjust them; one that fails leaves them as they were."""
        for plugin in self._plugins:
            try:
                settings = plugin.prepare(settings)
            except Exception as exc:
                self._failed(plugin, exc)
        return settings

    async def before_connect(self, settings: ConnectionSettings) -> ConnectionSettings:
        """One attempt's settings as the plug-ins adjust them (a failing one: unchanged)."""
        for plugin in self._plugins:
            try:
                settings = await plugin.before_connect(settings)
            except Exception as exc:
                self._failed(plugin, exc)
        return settings

    def opened(self, event: Opened) -> None:
        for plugin in self._plugins:
            self._guarded(plugin, plugin.opened, event)

    def ended(self, outcome: Closed | Failed) -> None:
        for plugin in self._plugins:
            self._guarded(plugin, plugin.ended, outcome)

    @property
    def listened(self) -> bool:
        return any(plugin.listening for plugin in self._plugins)

    def deliver(self, kind: Kind, row: int, opcode: Opcode, payload: bytes) -> None:
        """A message was recorded: hand it to the listening plug-ins (from the sink)."""
        for plugin in self._plugins:
            if plugin.listening:
                hook = plugin.received if kind is Kind.RECV else plugin.sent
                self._guarded(plugin, hook, row, opcode, payload)

    def _guarded(self, plugin: Plugin, hook: Callable[..., object], *args: object) -> None:
        try:
            hook(self._link, *args)
        except Exception as exc:
            self._failed(plugin, exc)

    def _failed(self, plugin: Plugin, exc: Exception) -> None:
        name = type(plugin).__name__
        self._report(CommandFailed(f"The plug-in {name} failed: {type(exc).__name__}: {exc}"))
