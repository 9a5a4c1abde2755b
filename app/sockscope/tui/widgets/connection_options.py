"""The connection options form: headers (masked), subprotocols, TLS, proxy, timeouts...

It lives in the connection panel's "Options" collapsible and is mounted the first time
that opens: most sessions never open it, and its 16 fields cost the first frame a fifth
of the startup time. Until then the settings the app started with stand for it.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterable

from textual import on
from textual.app import ComposeResult
from textual.containers import Grid, Horizontal, Vertical
from textual.widgets import Button, Checkbox, Input, Label, Static, TextArea

from sockscope.core.formats.redact import is_secret_header
from sockscope.core.settings import ConnectionSettings, SettingsError, parse_header
from sockscope.core.text.display import mask_secret, safe_block
from sockscope.tui.protocol_options import options_text, parse_options


def masked_headers(headers: Iterable[tuple[str, str]]) -> str:
    """Headers as shown while not edited: Authorization, Cookie... values masked."""
    lines = [
        f"{name}: {mask_secret(value) if is_secret_header(name) else value}"
        for name, value in headers
    ]
    return safe_block("\n".join(lines)) or "(none)"


def _optional(text: str) -> str | None:
    return text.strip() or None


def _number(text: str, name: str) -> float | None:
    text = text.strip()
    if not text:
        return None
    try:
        return float(text)
    except ValueError:
        raise SettingsError(f"{name} must be a number, not {text!r}.") from None


def _field(label: str, value: str, placeholder: str, widget_id: str) -> Input:
    """An input labelled in its top border: a placeholder goes once a value is typed, and
    a prefilled ``20`` says nothing on its own."""
    field = Input(value, placeholder=placeholder, id=widget_id)
    field.border_title = label
    return field


def _protocol_field(protocol: str) -> Input:
    """The protocol layer's name, completed from the registry's (auto, raw, json-rpc…)."""
    from textual.suggester import SuggestFromList

    from sockscope.core.protocols.registry import names

    field = _field("Protocol", protocol, "auto, raw, json-rpc…", "protocol")
    field.suggester = SuggestFromList(names(), case_sensitive=False)
    return field


def _protocol(text: str) -> str:
    from sockscope.core.protocols.base import ProtocolError
    from sockscope.core.protocols.registry import AUTO, check_name

    try:
        return check_name(text.strip().lower() or AUTO)
    except ProtocolError as exc:
        raise SettingsError(str(exc)) from None


def _texts(s: ConnectionSettings) -> dict[str, str]:
    """Each text field's value for ``s``, by widget id."""
    return {
        "subprotocols": ", ".join(s.subprotocols),
        "protocol": s.protocol,
        "protocol-options": options_text(s.protocol_options),
        "origin": s.origin or "",
        "user-agent": s.user_agent or "",
        "proxy": s.proxy or "",
        "ca": s.ca_file or "",
        "cert": s.cert_file or "",
        "key": s.key_file or "",
        "ping-interval": f"{s.ping_interval or 0:g}",
        "open-timeout": f"{s.open_timeout:g}",
        "max-size": str(s.max_size or ""),
    }


class ConnectionOptions(Vertical):
    """Every connection option but the URL, as fields; :meth:`apply` reads them."""

    def __init__(self, settings: ConnectionSettings, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self._initial = settings

    def compose(self) -> ComposeResult:
        s, text = self._initial, _texts(self._initial)
        with Horizontal(id="headers-bar"):
            yield Label("Headers (one 'Name: value' per line)")
            yield Button("Edit", id="edit-headers", compact=True)
        # Secrets stay masked on screen until the user asks to edit the headers.
        yield Static(masked_headers(s.headers), id="headers-masked", markup=False)
        yield TextArea("\n".join(f"{n}: {v}" for n, v in s.headers), id="headers", soft_wrap=False)
        with Grid(id="options-grid"):
            yield _field("Subprotocols", text["subprotocols"], "a, b", "subprotocols")
            yield _protocol_field(s.protocol)
            options = text["protocol-options"]
            yield _field("Protocol options", options, "NAME=VALUE; …", "protocol-options")
            yield _field("Origin", text["origin"], "", "origin")
            yield _field("User-Agent", text["user-agent"], "", "user-agent")
            yield _field("Proxy URL", text["proxy"], "from the env", "proxy")
            yield _field("CA file", text["ca"], "", "ca")
            yield _field("Client cert", text["cert"], "", "cert")
            yield _field("Client key", text["key"], "", "key")
            yield _field("Ping interval (s)", text["ping-interval"], "0: never", "ping-interval")
            yield _field("Open timeout (s)", text["open-timeout"], "", "open-timeout")
            yield _field("Max size (bytes)", text["max-size"], "no limit", "max-size")
            yield Checkbox("insecure TLS (-k)", s.insecure, id="insecure", compact=True)
            yield Checkbox("compression", s.compression, id="compression", compact=True)
            yield Checkbox("reconnect", s.reconnect, id="reconnect", compact=True)
        yield Label("On-open messages (sent after every open, one per line)")
        yield TextArea("\n".join(s.on_open), id="on-open", soft_wrap=False)

    def fill(self, settings: ConnectionSettings) -> None:
        """Show ``settings`` in every field (a saved connection chosen, a curl pasted)."""
        self._initial = settings
        for widget_id, value in _texts(settings).items():
            self.query_one(f"#{widget_id}", Input).value = value
        for widget_id, flag in (
            ("insecure", settings.insecure),
            ("compression", settings.compression),
            ("reconnect", settings.reconnect),
        ):
            self.query_one(f"#{widget_id}", Checkbox).value = flag
        headers = "\n".join(f"{n}: {v}" for n, v in settings.headers)
        self.query_one("#headers", TextArea).load_text(headers)
        self.query_one("#on-open", TextArea).load_text("\n".join(settings.on_open))

    @on(Button.Pressed, "#edit-headers")
    def _edit_headers(self) -> None:
        """Edit shows the real values; Done masks them again."""
        editing = not self.has_class("-editing-headers")
        self.set_class(editing, "-editing-headers")
        self.query_one("#edit-headers", Button).label = "Done" if editing else "Edit"
        if editing:
            self.call_after_refresh(self.query_one("#headers", TextArea).focus)

    @on(TextArea.Changed, "#headers")
    def _headers_changed(self) -> None:
        self.query_one("#headers-masked", Static).update(masked_headers(self._headers()))

    def _headers(self) -> tuple[tuple[str, str], ...]:
        """The headers typed so far, skipping lines that do not parse yet."""
        pairs = []
        for line in self.query_one("#headers", TextArea).text.splitlines():
            with contextlib.suppress(SettingsError):
                if line.strip():
                    pairs.append(parse_header(line))
        return tuple(pairs)

    def _value(self, widget_id: str) -> str:
        return self.query_one(f"#{widget_id}", Input).value

    def apply(self, settings: ConnectionSettings) -> ConnectionSettings:
        """``settings`` with every option the fields describe (raises SettingsError)."""
        headers = tuple(
            parse_header(line)
            for line in self.query_one("#headers", TextArea).text.splitlines()
            if line.strip()
        )
        subprotocols = tuple(p for p in self._value("subprotocols").replace(",", " ").split())
        ping = _number(self._value("ping-interval"), "The ping interval")
        timeout = _number(self._value("open-timeout"), "The open timeout")
        max_size = _number(self._value("max-size"), "The maximum size")
        return settings._replace(
            headers=headers,
            subprotocols=subprotocols,
            origin=_optional(self._value("origin")),
            user_agent=_optional(self._value("user-agent")),
            proxy=_optional(self._value("proxy")),
            ca_file=_optional(self._value("ca")),
            cert_file=_optional(self._value("cert")),
            key_file=_optional(self._value("key")),
            ping_interval=ping or None,
            open_timeout=timeout or self._initial.open_timeout,
            max_size=int(max_size) if max_size else None,
            insecure=self.query_one("#insecure", Checkbox).value,
            compression=self.query_one("#compression", Checkbox).value,
            reconnect=self.query_one("#reconnect", Checkbox).value,
            protocol=_protocol(self._value("protocol")),
            protocol_options=parse_options(self._value("protocol-options")),
            on_open=tuple(
                line for line in self.query_one("#on-open", TextArea).text.splitlines() if line
            ),
        )
