"""Where the packaged data files (the .tcss styles) live.

In a wheel the styles are shipped inside the package (``sockscope/styles``);
in a checkout they stay in the repository's top-level ``styles/`` folder.
"""

from __future__ import annotations

from pathlib import Path

_PACKAGE = Path(__file__).resolve().parent


def styles_dir() -> Path:
    packaged = _PACKAGE / "styles"
    if packaged.is_dir():
        return packaged
    return _PACKAGE.parent.parent / "styles"


def stylesheet(name: str) -> Path:
    """The path of one stylesheet; raises FileNotFoundError naming where it looked."""
    path = styles_dir() / name
    if not path.is_file():
        raise FileNotFoundError(f"sockscope's stylesheet {name} is missing (looked in {path}).")
    return path
