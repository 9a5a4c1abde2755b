"""One measurement in a fresh Python process, its result sent back as JSON.

A fresh process inherits no memory, warm caches or garbage-collector state from the
measurements before it, and its RSS is its own. A benchmark module lists its measurements
in a dict and ends with ``serve(MEASUREMENTS)``; :func:`measure` then runs one of them as
``python -m bench.MODULE NAME ARG ...`` and returns what it printed.
"""

from __future__ import annotations

import asyncio
import inspect
import json
import os
import subprocess
import sys
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
TIMEOUT = 180.0

#: A measurement takes string arguments and returns JSON-able data (or a coroutine of it).
Measurement = Callable[..., Any]


def measure(
    module: str,
    name: str,
    *args: object,
    timeout: float = TIMEOUT,
    env: Mapping[str, str] | None = None,
) -> Any:
    """Run measurement ``name`` of ``bench.<module>`` in a child process; return its result.

    ``env`` adds to (or, with ``""`` values, removes from) the child's environment.
    """
    environ = dict(os.environ)
    for key, value in (env or {}).items():
        if value:
            environ[key] = value
        else:
            environ.pop(key, None)
    done = subprocess.run(
        [sys.executable, "-m", f"bench.{module}", name, *map(str, args)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=timeout,
        env=environ,
    )
    if done.returncode != 0:
        raise RuntimeError(f"The {module} {name} run failed:\n{done.stderr.strip()}")
    return json.loads(done.stdout.strip().splitlines()[-1])


def serve(measurements: Mapping[str, Measurement], argv: list[str] | None = None) -> None:
    """The child's side: run the measurement named by ``argv[0]``, print its result as JSON."""
    name, *args = sys.argv[1:] if argv is None else argv
    result = measurements[name](*args)
    if inspect.iscoroutine(result):
        result = asyncio.run(result)
    print(json.dumps(result))
