"""Regenerate the README's screenshots (screenshots/*.svg) from the snapshot tests' scenes.

Usage: ``python scripts/screenshots.py [SCENE ...]`` (default: every scene listed below).
The scenes (fixed rows, fixed times, no network) live in ``tests/tui/scenes.py``, so the
README shows exactly what the snapshot tests check.
"""

from __future__ import annotations

import asyncio
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.tui.scenes import SCENES, Scene  # noqa: E402

#: The scenes the README shows, each saved as screenshots/NAME.svg.
README_SCENES = ("session", "inspector-json", "filter", "rpc-pair", "collection", "tabs")


async def screenshot(scene: Scene) -> str:
    app = scene.build()
    async with app.run_test(size=scene.size) as pilot:
        await scene.drive(pilot)
        await pilot.pause()
        return app.export_screenshot(title="sockscope")


def main(names: list[str]) -> int:
    by_name = {scene.name: scene for scene in SCENES}
    unknown = [name for name in names if name not in by_name]
    if unknown:
        print(f"Unknown scene {unknown[0]!r}; choose from {', '.join(by_name)}.", file=sys.stderr)
        return 2
    out = ROOT / "screenshots"
    out.mkdir(exist_ok=True)
    for name in names or README_SCENES:
        path = out / f"{name}.svg"
        path.write_text(asyncio.run(screenshot(by_name[name])), encoding="utf-8")
        print(f"wrote {path.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
