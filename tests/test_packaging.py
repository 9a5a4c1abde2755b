"""The wheel carries the styles and runs outside the checkout (non-editable install)."""

from __future__ import annotations

import os
import site
import subprocess
import sys
import sysconfig
import venv
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

START_HEADLESS = """
import asyncio, sockscope.tui.app as module
from sockscope.tui.factory import build_app

async def main():
    app = build_app()
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        assert "site-packages" in str(module.SockscopeApp.CSS_PATH), module.SockscopeApp.CSS_PATH
        assert app.query_one("#status").styles.height.value == 1  # a rule from app.tcss
    print("started with", module.SockscopeApp.CSS_PATH)

asyncio.run(main())
"""


def _run(*args: str | Path, cwd: Path | None = None) -> str:
    result = subprocess.run(
        [str(a) for a in args], capture_output=True, text=True, cwd=cwd, timeout=180
    )
    assert result.returncode == 0, f"{args} failed:\n{result.stdout}\n{result.stderr}"
    return result.stdout


def test_wheel_installs_and_starts_with_its_styles(tmp_path: Path) -> None:
    dist = tmp_path / "dist"
    pip = (sys.executable, "-m", "pip")
    _run(*pip, "wheel", "-q", "--no-deps", "--no-build-isolation", "-w", dist, ROOT)
    wheel = next(dist.glob("sockscope-*.whl"))
    assert "sockscope/styles/app.tcss" in zipfile.ZipFile(wheel).namelist()

    env_dir = tmp_path / "venv"
    venv.create(env_dir, with_pip=False)
    python = env_dir / "bin" / "python"
    target = Path(
        _run(python, "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])").strip()
    )
    _run(*pip, "install", "-q", "--no-deps", "--target", target, wheel)
    # The dependencies come from this environment, after the wheel's own files.
    ours = {sysconfig.get_paths()["purelib"], *site.getsitepackages()}
    (target / "zz_test_deps.pth").write_text("\n".join(sorted(ours)) + "\n")

    out = _run(env_dir / "bin" / "python", "-m", "sockscope", "--version", cwd=tmp_path)
    assert out.strip() == "sockscope, version 0.1.0"
    env = {**os.environ, "PYTHONPATH": ""}
    result = subprocess.run(
        [str(python), "-c", START_HEADLESS], capture_output=True, text=True, cwd=tmp_path,
        env=env, timeout=120,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    assert "started with" in result.stdout
