"""What the browser tests share: Debian's Chromium, and the app started as the README says."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from tests.conftest import requirement_missing

ROOT = Path(__file__).resolve().parent.parent.parent
CHROMIUM = "/usr/bin/chromium"
# Without the background-networking flags, Chromium keeps dialling hosts this machine cannot reach.
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def require_browser() -> None:
    """Skip locally, fail under CI, when Chromium or Playwright is missing."""
    if not Path(CHROMIUM).exists():
        requirement_missing(f"browser tests need Chromium at {CHROMIUM}")
    try:
        import playwright  # noqa: F401
    except ImportError:
        requirement_missing("browser tests need the playwright package")


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@contextmanager
def running_app(
    log_path: Path, *, env: dict[str, str], args: tuple[str, ...] = (), port: int | None = None
) -> Iterator[str]:
    """`streamlit run dashboard.py` with these environment variables; yields its base URL once it
    answers its health check, and stops it afterwards."""
    port = port or free_port()
    base = f"http://localhost:{port}"
    with log_path.open("w") as log:
        server = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "streamlit",
                "run",
                "dashboard.py",
                "--server.port",
                str(port),
                "--server.headless",
                "true",
                "--server.fileWatcherType",
                "none",
                *args,
            ],
            cwd=ROOT,
            env=dict(os.environ, **env),
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        try:
            deadline = time.monotonic() + 60
            while time.monotonic() < deadline:
                if server.poll() is not None:
                    break
                try:
                    if urllib.request.urlopen(f"{base}/_stcore/health", timeout=2).read() == b"ok":
                        break
                except OSError:
                    time.sleep(0.3)
            else:
                pytest.fail("the server did not answer: " + log_path.read_text()[-2000:])
            if server.poll() is not None:
                pytest.fail("the server stopped: " + log_path.read_text()[-2000:])
            yield base
        finally:
            server.terminate()
            server.wait(10)
