"""Real servers for tests and benchmarks: a free local port, and a `chroma run` on it."""

from __future__ import annotations

import contextlib
import shutil
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def start_chroma(path: Path, port: int, timeout_s: float = 60.0) -> subprocess.Popen[bytes]:
    """`chroma run` (the CLI chromadb installs beside this Python) on 127.0.0.1:``port``, once it accepts
    connections; RuntimeError if it does not within ``timeout_s``."""
    chroma = shutil.which("chroma", path=str(Path(sys.executable).parent))
    assert chroma, "the chroma CLI ships with chromadb and must be installed"
    proc = subprocess.Popen(
        [chroma, "run", "--path", str(path), "--host", "127.0.0.1", "--port", str(port)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.5):
                return proc
        except OSError:
            time.sleep(0.2)
    proc.kill()
    raise RuntimeError(f"chroma server did not start within {timeout_s:.0f} s")


def stop(proc: subprocess.Popen[bytes], timeout_s: float = 30.0) -> None:
    proc.terminate()
    proc.wait(timeout=timeout_s)


@contextlib.contextmanager
def chroma_server(path: Path) -> Iterator[int]:
    """A `chroma run` over ``path`` for the duration of the block; yields its port."""
    port = free_port()
    proc = start_chroma(path, port)
    try:
        yield port
    finally:
        stop(proc)
