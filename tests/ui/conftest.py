"""A real chat server (real Assistant: model, Chroma, knowledge) on a free local port, and a real Chromium.

The server runs ``ui.app.launch`` in a subprocess with its own data folder, exactly as ``assistant serve``
does, and is stopped at the end of the session. Screenshots go to ``artifacts/screenshots/`` (gitignored).
"""

from __future__ import annotations

import contextlib
import json
import os
import queue
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

from assistant.settings import REPO_ROOT
from tests.servers import free_port

CHROMIUM = Path("/usr/bin/chromium")
SCREENSHOTS = REPO_ROOT / "artifacts" / "screenshots"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]
START_TIMEOUT_S = 600  # the first run builds the embedding model and the index
SERVER_SCRIPT = "from ui.app import launch; launch()"


@dataclass
class UIServer:
    url: str
    data_dir: Path
    ready_seconds: float
    output: list[str] = field(default_factory=list)


def _pump(stream: Any, lines: queue.Queue[str], keep: list[str]) -> None:
    for line in iter(stream.readline, ""):
        keep.append(line.rstrip())
        lines.put(line)


@pytest.fixture(scope="session")
def measurements() -> Iterator[dict[str, Any]]:
    """Numbers the browser tests observe, written next to the screenshots for the report (never asserted)."""
    numbers: dict[str, Any] = {}
    yield numbers
    if numbers:
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        (SCREENSHOTS / "timings.json").write_text(json.dumps(numbers, indent=2, ensure_ascii=False) + "\n")


@contextlib.contextmanager
def launch_ui(data_dir: Path, **extra_env: str) -> Iterator[UIServer]:
    """``ui.app.launch`` in a subprocess on a free port (as ``assistant serve`` runs it), stopped on exit."""
    port = free_port()
    env = {
        **os.environ,
        "ASSISTANT_DATA_DIR": str(data_dir),
        "ASSISTANT_KNOWLEDGE_DIR": str(REPO_ROOT / "knowledge"),
        "ASSISTANT_HOST": "127.0.0.1",
        "ASSISTANT_PORT": str(port),
        "ASSISTANT_SHARE": "false",
        "PYTHONUNBUFFERED": "1",
        **extra_env,
    }
    started = time.perf_counter()
    proc = subprocess.Popen(
        [sys.executable, "-c", SERVER_SCRIPT],
        cwd=REPO_ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        encoding="utf-8",
    )
    lines: queue.Queue[str] = queue.Queue()
    output: list[str] = []
    threading.Thread(target=_pump, args=(proc.stdout, lines, output), daemon=True).start()
    url = None
    deadline = time.monotonic() + START_TIMEOUT_S
    while url is None and time.monotonic() < deadline and proc.poll() is None:
        try:
            line = lines.get(timeout=1)
        except queue.Empty:
            continue
        if "ready:" in line:
            url = line.split("ready:", 1)[1].strip()
    if url is None:
        proc.kill()
        pytest.fail("the chat server did not start:\n" + "\n".join(output[-40:]))
    try:
        yield UIServer(url=url, data_dir=data_dir, ready_seconds=time.perf_counter() - started, output=output)
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(timeout=10)


@pytest.fixture(scope="session")
def ui_server(tmp_path_factory: pytest.TempPathFactory, measurements: dict[str, Any]) -> Iterator[UIServer]:
    with launch_ui(tmp_path_factory.mktemp("ui-data")) as server:
        measurements["launch_to_ready_s"] = round(server.ready_seconds, 2)
        yield server


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    if not CHROMIUM.exists():
        pytest.skip("browser tests need Debian's chromium at /usr/bin/chromium (apt-get install chromium)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        chromium = pw.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()
