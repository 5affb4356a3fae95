"""`python -m data_access serve --workers N`: N server processes on one store, each answering a
session on its own port (a sticky load balancer sends each browser to one of them); stopping the
command stops them all, and one process exiting stops the set so a service manager restarts it."""

from __future__ import annotations

import asyncio
import os
import shutil
import signal
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

from benchmarks.sessions import Session, free_port

ROOT = Path(__file__).resolve().parent.parent


def answers(port: int) -> bool:
    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/_stcore/health", timeout=2) as reply:
            return reply.read() == b"ok"
    except OSError:
        return False


def wait_for(condition, seconds: float = 120) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.5)
    return False


async def open_overview(port: int):
    session = await Session.open(f"ws://127.0.0.1:{port}/_stcore/stream")
    try:
        return await session.run("")
    finally:
        await session.close()


def test_two_workers_each_serve_the_overview_and_stop_together(demo_store_url, tmp_path):
    store = tmp_path / "store.db"
    shutil.copyfile(demo_store_url.removeprefix("sqlite:///"), store)
    first = free_port()  # and, almost surely, the port after it
    serve = subprocess.Popen(
        [sys.executable, "-m", "data_access", "serve", "--workers", "2", "--port", str(first)],
        cwd=ROOT,
        env=dict(os.environ, DATABASE_URL=f"sqlite:///{store}"),
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        assert wait_for(lambda: answers(first) and answers(first + 1))
        for port in (first, first + 1):
            run = asyncio.run(open_overview(port))
            assert run.status == 0 and run.exceptions == 0
            assert run.bytes_received > 10_000  # the whole meeting screen, not an error message
        children = [
            int(pid)
            for pid in Path(f"/proc/{serve.pid}/task/{serve.pid}/children").read_text().split()
        ]
        assert len(children) == 2
        os.kill(children[1], signal.SIGKILL)  # one process dies: the set stops, non-zero
        assert serve.wait(60) == 1
        assert wait_for(lambda: not answers(first), 30)
        output = serve.stdout.read()
        assert "upstream mtss {" in output and f"server 127.0.0.1:{first + 1};" in output
        assert "exited" in output
    finally:
        if serve.poll() is None:
            serve.send_signal(signal.SIGTERM)
            serve.wait(30)
