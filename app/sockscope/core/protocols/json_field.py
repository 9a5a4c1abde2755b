"""A composer field or protocol option that holds JSON: read, its shape checked, and what
is wrong said in one sentence naming the field."""

from __future__ import annotations

import json
from typing import Any

from sockscope.core.protocols.base import ProtocolError

_SHAPES: dict[type, str] = {dict: "object", list: "array"}


def json_field(
    text: str,
    what: str,
    shape: type | tuple[type, ...] | None = None,
    *,
    are: bool = False,
) -> Any:
    """``text`` parsed; ``shape`` the type(s) it must be (None: any); ``are``: ``what`` is
    plural ("The arguments are not JSON")."""
    try:
        value = json.loads(text)
    except ValueError as exc:
        raise ProtocolError(f"The {what} {'are' if are else 'is'} not JSON: {exc}.") from exc
    if shape is not None and not isinstance(value, shape):
        shapes = shape if isinstance(shape, tuple) else (shape,)
        wanted = " or ".join(_SHAPES[kind] for kind in shapes)
        raise ProtocolError(f"The {what} must be a JSON {wanted}.")
    return value
