"""The official JavaScript clients of SignalR, Phoenix and Action Cable, run again now: the
frames they send today decode as the committed fixtures do (keepalives aside, whose number
depends on timing)."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from node_servers import NODE_DIR, ensure_packages, node_command
from sockscope.core.protocols.actioncable import ActionCableLayer
from sockscope.core.protocols.base import ProtocolLayer
from sockscope.core.protocols.phoenix import PhoenixLayer
from sockscope.core.protocols.signalr import SignalRLayer

from .captured import decode_all, frames


def _names(layer: ProtocolLayer, name: str, folder: Path | None = None) -> list[str]:
    captured = frames(name) if folder is None else frames(name, folder)
    return [
        f"{d.value[0]}:{m.name}:{m.kind.value}"
        for d, m in decode_all(layer, captured)
        if not m.is_keepalive
    ]


@pytest.fixture(scope="module")
def fresh_capture(tmp_path_factory: pytest.TempPathFactory) -> Path:
    ensure_packages()
    folder = tmp_path_factory.mktemp("captured")
    subprocess.run(
        [node_command("node"), str(NODE_DIR / "capture_clients.mjs"), str(folder)],
        cwd=NODE_DIR,
        check=True,
        timeout=60,
        capture_output=True,
    )
    return folder


@pytest.mark.parametrize(
    ("name", "layer"),
    [("signalr", SignalRLayer), ("phoenix", PhoenixLayer), ("actioncable", ActionCableLayer)],
)
def test_todays_client_frames_decode_like_the_fixture(
    fresh_capture: Path, name: str, layer: type[ProtocolLayer]
) -> None:
    today = _names(layer(), name, fresh_capture)
    assert today == _names(layer(), name)
    assert not any(n.endswith(":error") and "phx_" not in n and "reject" not in n for n in today)
