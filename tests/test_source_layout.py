"""The source tree keeps the shape docs/architecture.md draws: small files, one job each."""

from __future__ import annotations

from pathlib import Path

import sockscope

#: "No file in the app over ~350 lines".
MAX_LINES = 350
PACKAGE = Path(sockscope.__file__).resolve().parent


def test_no_module_of_the_app_is_over_the_line_limit() -> None:
    sizes = {
        str(path.relative_to(PACKAGE)): len(path.read_text(encoding="utf-8").splitlines())
        for path in PACKAGE.rglob("*.py")
    }
    assert len(sizes) > 50  # the package was found, not an empty folder
    too_long = {name: lines for name, lines in sizes.items() if lines > MAX_LINES}
    assert not too_long, f"split these by responsibility: {too_long}"
