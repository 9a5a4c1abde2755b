"""The app uses websockets (and asyncio's transports) through documented API only.

What the wire used to patch or read, and anything like it, must not come back: no
private (``_``-prefixed) attribute of a websockets or asyncio object, no method of the
protocol replaced, none of the protocol internals the old tap read. The one private
knob left, asyncio's ``transport.max_size``, is allowed in ``core/wire/read_size.py``
alone, where it is checked before use (see that module).
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

APP = Path(__file__).resolve().parents[2] / "app" / "sockscope"
READ_SIZE_MODULE = APP / "core" / "wire" / "read_size.py"

#: (what it finds, why it is not allowed)
FORBIDDEN = [
    (r"\b(process_event|recv_frame|send_frame)\b", "a websockets method that is not API"),
    (r"\b(current_size|max_message_size|max_fragment_size)\b", "websockets protocol internals"),
    (r"\bprotocol\.(events|parser|reader|writes|extensions)\b", "websockets protocol internals"),
    (r"\b(protocol|sans_io|ws|websocket|connection)\.\w+\s*=[^=]", "a websockets object patched"),
    (r"\b(protocol|sans_io|ws|websocket|connection|transport)\._\w+", "a private attribute"),
    (r"\bfrom websockets[\w.]* import [^\n]*\b_\w+", "a private name of websockets"),
    (r"\btype:\s*ignore\[method-assign\]", "a method replaced at run time"),
]
TRANSPORT_KNOB = r"\.max_size\s*=[^=]"


def _sources() -> list[Path]:
    return sorted(APP.rglob("*.py"))


def _hits(pattern: str, path: Path) -> list[str]:
    text = path.read_text(encoding="utf-8")
    return [
        f"{path.relative_to(APP)}:{text.count(chr(10), 0, match.start()) + 1}: {match.group(0)}"
        for match in re.finditer(pattern, text)
    ]


@pytest.mark.parametrize(("pattern", "why"), FORBIDDEN, ids=[why for _, why in FORBIDDEN])
def test_no_private_websockets_use_in_the_app(pattern: str, why: str) -> None:
    hits = [hit for path in _sources() for hit in _hits(pattern, path)]
    assert not hits, f"{why}:\n" + "\n".join(hits)


def test_the_read_size_knob_is_turned_in_one_module_only() -> None:
    hits = [hit for path in _sources() for hit in _hits(TRANSPORT_KNOB, path)]
    assert hits and all(hit.startswith("core/wire/read_size.py") for hit in hits), hits
    assert 'isinstance(getattr(type(transport), "max_size"' in READ_SIZE_MODULE.read_text()


def test_the_patterns_find_what_the_old_tap_did() -> None:
    """The check would have caught the connection this replaced (a guard for the guard)."""
    old = """
        protocol.recv_frame = tapped_recv_frame  # type: ignore[method-assign]
        return "plain" if protocol.current_size is None else "frames"
        response = next(e for e in self.protocol.events if isinstance(e, Response))
        self.transport.max_size = 4096
    """
    found = {why for pattern, why in FORBIDDEN if re.search(pattern, old)}
    assert found == {
        "a websockets method that is not API",
        "websockets protocol internals",
        "a websockets object patched",
        "a method replaced at run time",
    }
