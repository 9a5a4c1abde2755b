"""One-line summaries of decoded values, for the log's preview column."""

from __future__ import annotations

import json
from typing import Any

LIMIT = 200


def compact(value: Any, limit: int = LIMIT) -> str:
    """``value`` as compact JSON (text as is), cut to ``limit`` characters."""
    if value is None:
        return ""
    if isinstance(value, str):
        text = value
    else:
        try:
            text = json.dumps(value, ensure_ascii=False, separators=(",", ":"))
        except (TypeError, ValueError):
            text = repr(value)
    return text if len(text) <= limit else text[: limit - 1] + "…"
