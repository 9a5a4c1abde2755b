"""What the inspector shows above a row's raw payload when a protocol layer decoded it.

The decoded messages (kind, name, id, payload pretty), then the paired row (its name and
time) and the latency between. Plain :class:`rich.text.Text` from safe strings: a
payload is data, never markup.
"""

from __future__ import annotations

import json
from typing import Any

from rich.text import Text

from sockscope.core.protocols.message import Message, MessageKind
from sockscope.core.protocols.view import ProtocolView
from sockscope.core.text.display import safe_block, safe_line
from sockscope.core.text.labels import format_time

#: Messages of one row shown (a JSON-RPC batch may hold thousands).
MAX_MESSAGES = 20
#: Characters of one message's pretty payload shown.
MAX_PAYLOAD_CHARS = 4_000
KIND_STYLES = {
    MessageKind.ERROR: "bold red",
    MessageKind.KEEPALIVE: "dim",
    MessageKind.CALL: "bold cyan",
    MessageKind.ANSWER: "bold green",
}


def pretty(value: Any) -> str:
    """A message's payload as indented JSON (text as is), cut at :data:`MAX_PAYLOAD_CHARS`."""
    if isinstance(value, str):
        text = value
    else:
        try:
            text = json.dumps(value, indent=2, ensure_ascii=False, default=repr)
        except (TypeError, ValueError):
            text = repr(value)
    if len(text) > MAX_PAYLOAD_CHARS:
        text = text[:MAX_PAYLOAD_CHARS] + f"\n… {len(text) - MAX_PAYLOAD_CHARS:,} more characters"
    return safe_block(text)


def message_heading(message: Message) -> Text:
    """``call sum  id 1``: the kind, the name and the protocol's id."""
    text = Text()
    text.append(message.kind.value, KIND_STYLES.get(message.kind, "bold"))
    text.append(f" {safe_line(message.name)}", "bold")
    if message.id is not None:
        text.append(f"  id {safe_line(message.id)}", "dim")
    return text


def decoded_text(view: ProtocolView, number: int) -> Text | None:
    """Row ``number`` (in the session) as ``view``'s layer read it; None if it did not."""
    messages = view.messages(number)
    if not messages:
        return None
    text = Text()
    text.append(f"{view.layer.title}\n", "bold underline")
    for message in messages[:MAX_MESSAGES]:
        text.append_text(message_heading(message))
        if message.payload is not None:
            text.append("\n" + pretty(message.payload))
        text.append("\n")
    if len(messages) > MAX_MESSAGES:
        text.append(f"… {len(messages) - MAX_MESSAGES:,} more messages\n", "italic")
    pair = pair_line(view, number)
    if pair is not None:
        text.append_text(pair)
        text.append("\n")
    text.append("raw", "dim underline")
    return text


def pair_line(view: ProtocolView, number: int) -> Text | None:
    """``paired with row 12: result · 10:00:01.234 · 41 ms (p: go there)``, if it has one."""
    partner = view.pairs.partner(number)
    if partner is None:
        return None
    store = view.store
    text = Text("paired with ", "bold")
    text.append(f"row {partner:,}")
    messages = view.messages(partner)
    if messages:
        text.append(f": {safe_line(messages[0].name)}")
    index = partner - store.dropped
    if 0 <= index < len(store):
        text.append(f" · {format_time(store.time(index))}")
    latency = view.pairs.latency(number)
    if latency is not None:
        side = "answered in" if partner > number else "answers after"
        text.append(f" · {side} {latency * 1000:.1f} ms", "bold")
    text.append("  (p: go there)", "dim")
    return text
