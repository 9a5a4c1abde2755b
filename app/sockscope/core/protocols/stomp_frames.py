"""STOMP frames (https://stomp.github.io/stomp-specification-1.2.html) and SockJS framing.

A WebSocket message may hold several STOMP frames, each ended by a NUL, with heart-beats
(bare EOLs) between them. A body is ``content-length`` bytes when that header is given,
else everything up to the NUL. Header values are escaped (``\\n``, ``\\c``, ``\\\\``,
``\\r``) in every frame but CONNECT and CONNECTED.

SockJS (https://github.com/sockjs/sockjs-protocol) wraps them: the server sends ``o``
(open), ``h`` (heartbeat), ``a["…",…]`` (messages) and ``c[code,"reason"]`` (close); the
client sends a JSON array of strings.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field

_UNESCAPED = ("CONNECT", "CONNECTED")
_ESCAPES = {"\\n": "\n", "\\c": ":", "\\\\": "\\", "\\r": "\r"}


@dataclass(frozen=True)
class Frame:
    command: str
    headers: tuple[tuple[str, str], ...] = ()
    body: bytes = b""
    problem: str = ""
    """Why the frame is not well formed ("" when it is)."""

    def header(self, name: str) -> str | None:
        """The first value of the header (STOMP 1.2: a repeated header's first one counts)."""
        return next((value for key, value in self.headers if key == name), None)


@dataclass(frozen=True)
class HeartBeat:
    """One or more bare EOLs between frames."""


@dataclass
class SockJs:
    """A SockJS frame: its type letter and the strings (``a``) or close reason (``c``) it holds."""

    letter: str
    items: list[str] = field(default_factory=list)


def parse(data: bytes) -> list[Frame | HeartBeat]:
    """Every frame in one message, or a heart-beat (only EOLs); a malformed frame has a
    ``problem``."""
    frames: list[Frame | HeartBeat] = []
    position = 0
    while position < len(data):
        if data[position] in b"\r\n":  # EOLs after a frame's NUL are allowed and mean nothing
            position += 1
            continue
        frame, position = _frame(data, position)
        frames.append(frame)
    return frames if frames or not data else [HeartBeat()]


def _frame(data: bytes, start: int) -> tuple[Frame, int]:
    head_end = data.find(b"\n\n", start)
    crlf_end = data.find(b"\r\n\r\n", start)
    if crlf_end != -1 and (head_end == -1 or crlf_end < head_end):
        head_end, body_start = crlf_end, crlf_end + 4
    else:
        body_start = head_end + 2
    if head_end == -1:
        text = data[start:].rstrip(b"\0").decode("utf-8", "replace")
        command = text.splitlines()[0].strip() if text.strip() else "?"
        return Frame(command, problem="no blank line after the headers"), len(data)
    lines = data[start:head_end].decode("utf-8", "replace").replace("\r\n", "\n").split("\n")
    command = lines[0].strip()
    headers = tuple(_header(line, command) for line in lines[1:] if line)
    length_text = next((v for k, v in headers if k == "content-length"), None)
    if length_text is not None and length_text.strip().isdigit():
        end = body_start + int(length_text)
        if end >= len(data) or data[end] != 0:
            body = data[body_start:end]
            return Frame(command, headers, body, "content-length runs past the NUL"), len(data)
    else:
        end = data.find(b"\0", body_start)
        if end == -1:
            body = data[body_start:]
            return Frame(command, headers, body, "not ended by a NUL"), len(data)
    return Frame(command, headers, data[body_start:end]), end + 1


def _header(line: str, command: str) -> tuple[str, str]:
    name, _, value = line.partition(":")
    if command in _UNESCAPED:
        return name, value
    return _unescape(name), _unescape(value)


def _unescape(text: str) -> str:
    if "\\" not in text:
        return text
    out, i = [], 0
    while i < len(text):
        pair = text[i : i + 2]
        if pair in _ESCAPES:
            out.append(_ESCAPES[pair])
            i += 2
        else:  # an undefined escape is kept as sent rather than refused
            out.append(text[i])
            i += 1
    return "".join(out)


def _escape(text: str) -> str:
    return text.replace("\\", "\\\\").replace("\n", "\\n").replace(":", "\\c").replace("\r", "\\r")


def serialize(
    command: str, headers: list[tuple[str, str]], body: str = "", escape: bool = True
) -> str:
    """A frame as text; ``content-length`` is added for a body (so it may hold a NUL).

    ``escape`` is off for STOMP 1.0, which has no header escapes.
    """
    escape = escape and command not in _UNESCAPED
    lines = [command]
    for name, value in headers:
        lines.append(f"{_escape(name)}:{_escape(value)}" if escape else f"{name}:{value}")
    if body and not any(name == "content-length" for name, _ in headers):
        lines.append(f"content-length:{len(body.encode())}")
    return "\n".join(lines) + "\n\n" + body + "\0"


def sockjs(data: bytes) -> SockJs | None:
    """The SockJS frame ``data`` is, if it is one (a STOMP frame starts with a capital)."""
    if data in (b"o", b"h"):
        return SockJs(data.decode())
    letter = data[:1]
    if letter in (b"a", b"c", b"[") and len(data) > 1:
        body = data if letter == b"[" else data[1:]
        try:
            value = json.loads(body)
        except ValueError:
            return None
        if isinstance(value, list):
            return SockJs("a" if letter == b"[" else letter.decode(), [str(v) for v in value])
    return None


def wrap(text: str) -> str:
    """A client message in SockJS framing."""
    return json.dumps([text], ensure_ascii=False)


#: CONNECTED headers that differ on every connection by design.
VOLATILE = frozenset({"session", "server"})
BLANK = "<volatile>"


def volatile_blanked(data: bytes) -> bytes:
    """A server message (bare or SockJS ``a[…]``) with CONNECTED's :data:`VOLATILE` headers
    blanked; anything else, or a frame that does not parse, as it is."""
    framed = sockjs(data)
    if framed is None:
        text = data.decode("utf-8", "replace")
        blanked = _blanked(text)
        return data if blanked is text else blanked.encode()
    if framed.letter != "a":
        return data
    items = [_blanked(item) for item in framed.items]
    return ("a" + json.dumps(items, ensure_ascii=False)).encode()


def _blanked(text: str) -> str:
    found = parse(text.encode())
    if len(found) != 1 or not isinstance(found[0], Frame):
        return text
    frame = found[0]
    if frame.command != "CONNECTED" or frame.problem:
        return text
    headers = [(k, BLANK if k in VOLATILE else v) for k, v in frame.headers]
    return serialize(frame.command, headers, frame.body.decode("utf-8", "replace"), escape=False)
