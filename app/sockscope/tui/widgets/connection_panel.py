"""The connection panel: URL, connect/disconnect, and every connection option.

The options form (:mod:`~sockscope.tui.widgets.connection_options`) is imported and
mounted when the "Options" disclosure first opens.
"""

from __future__ import annotations

import contextlib
from typing import TYPE_CHECKING

from textual import events, on
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.message import Message
from textual.widgets import Button, Input, Label

from sockscope.core.events import ReadyState
from sockscope.core.settings import ConnectionSettings, SettingsError
from sockscope.tui.widgets.compact_button import CompactButton
from sockscope.tui.widgets.disclosure import Disclosure

if TYPE_CHECKING:
    from sockscope.tui.widgets.connection_options import ConnectionOptions

#: What a curl command fills: the rest (protocol, ping, rules…) stays as it was.
CURL_FIELDS = ("url", "headers", "subprotocols", "origin", "user_agent", "insecure", "ca_file",
               "cert_file", "key_file", "proxy", "open_timeout")  # fmt: skip


def is_curl(text: str) -> bool:
    return text.lstrip().startswith(("curl ", "curl.exe "))


class UrlInput(Input):
    """The URL field: a pasted curl command (over many lines) is read whole, not cut at its
    first line as an Input does with a paste."""

    class CurlPasted(Message):
        def __init__(self, text: str) -> None:
            super().__init__()
            self.text = text

    def on_paste(self, event: events.Paste) -> None:
        if is_curl(event.text):
            event.prevent_default()  # Input's own paste keeps the first line only
            event.stop()
            self.post_message(self.CurlPasted(event.text))


class ConnectionPanel(Vertical):
    """Edits :class:`ConnectionSettings` and asks the app to connect."""

    class ConnectRequested(Message):
        def __init__(self, panel: ConnectionPanel, settings: ConnectionSettings) -> None:
            super().__init__()
            self.panel = panel
            self.settings = settings

        @property
        def control(self) -> ConnectionPanel:
            return self.panel

    class DisconnectRequested(Message):
        def __init__(self, panel: ConnectionPanel) -> None:
            super().__init__()
            self.panel = panel

        @property
        def control(self) -> ConnectionPanel:
            return self.panel

    def __init__(self, settings: ConnectionSettings, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self._initial = settings
        self._state = ReadyState.CLOSED
        self._options: ConnectionOptions | None = None

    def compose(self) -> ComposeResult:
        s = self._initial
        with Horizontal(id="url-bar"):
            yield UrlInput(s.url, placeholder="ws://host:port/path", id="url", compact=True)
            yield CompactButton("Connect", "success", id="connect")
        yield Label("", id="settings-error")
        # The form is made and mounted when the options first open (connection_options.py).
        title = "Options: headers, subprotocols, TLS, proxy…"
        if s.protocol != "auto":  # --protocol, shown without opening the options
            title += f" · protocol {s.protocol}"
        yield Disclosure(title, self._options_form, id="options")

    def _options_form(self) -> ConnectionOptions:
        from sockscope.tui.widgets.connection_options import ConnectionOptions

        self._options = ConnectionOptions(self._initial, id="options-form")
        return self._options

    def settings(self) -> ConnectionSettings:
        """The settings the fields describe, validated (raises SettingsError).

        Options never opened are those the app started with.
        """
        settings = self._initial._replace(url=self.query_one("#url", Input).value)
        if self._options is not None:
            settings = self._options.apply(settings)
        return settings.validated()

    def load(self, settings: ConnectionSettings) -> None:
        """Show ``settings`` in the URL field and the options (opened or not)."""
        self._initial = settings
        self.query_one("#url", Input).value = settings.url
        if self._options is not None:
            self._options.fill(settings)

    def fill_from_curl(self, text: str) -> bool:
        """Fill the fields from a curl command; False (and the error shown) if it is not one."""
        from sockscope.core.workspace.curl import parse_curl_command

        try:
            request = parse_curl_command(text)
        except SettingsError as exc:
            self.show_error(str(exc))
            return False
        self.show_error("")
        current = self._initial
        if self._options is not None:
            with contextlib.suppress(SettingsError):  # a half-typed option: the last good ones
                current = self._options.apply(current)
        self.load(current._replace(**{f: getattr(request.settings, f) for f in CURL_FIELDS}))
        for notice in request.notices:
            self.notify(notice, title="curl", markup=False)
        return True

    @on(UrlInput.CurlPasted)
    def _curl_pasted(self, message: UrlInput.CurlPasted) -> None:
        self.fill_from_curl(message.text)

    def show_error(self, text: str) -> None:
        self.query_one("#settings-error", Label).update(text)
        self.set_class(bool(text), "-error")

    def set_state(self, state: ReadyState) -> None:
        """Switch the button between Connect and Disconnect."""
        self._state = state
        button = self.query_one("#connect", Button)
        active = state in (ReadyState.CONNECTING, ReadyState.OPEN, ReadyState.CLOSING)
        button.label = "Disconnect" if active else "Connect"
        button.variant = "error" if active else "success"

    @on(Input.Submitted, "#url")
    def _url_submitted(self) -> None:
        self.request_connect()

    @on(Button.Pressed, "#connect")
    def _button(self) -> None:
        if self._state in (ReadyState.CONNECTING, ReadyState.OPEN, ReadyState.CLOSING):
            self.post_message(self.DisconnectRequested(self))
        else:
            self.request_connect()

    def request_connect(self) -> None:
        url = self.query_one("#url", Input).value
        if is_curl(url) and not self.fill_from_curl(url):
            return  # a curl command typed (or pasted as keys): its fields, then connect
        try:
            settings = self.settings()
        except SettingsError as exc:
            self.show_error(str(exc))
            return
        self.show_error("")
        self.query_one("#url", Input).value = settings.url
        self.post_message(self.ConnectRequested(self, settings))
