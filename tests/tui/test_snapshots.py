"""How the app looks: one SVG snapshot per scene of :mod:`scenes` (fixed rows and times).

After an intended change, regenerate with
``pytest tests/tui/test_snapshots.py --snapshot-update`` and look at every changed SVG
before committing it. These tests are sync: ``snap_compare`` runs the app on its own loop.
"""

from __future__ import annotations

from collections.abc import Callable

import pytest

from .scenes import SCENES, Scene

SnapCompare = Callable[..., bool]


@pytest.mark.parametrize("scene", [pytest.param(scene, id=scene.name) for scene in SCENES])
def test_scene_looks_as_approved(snap_compare: SnapCompare, scene: Scene) -> None:
    assert snap_compare(scene.build(), terminal_size=scene.size, run_before=scene.drive)
