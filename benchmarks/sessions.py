"""Streamlit sessions without a browser: a server process started on a store, and a client speaking
Streamlit's websocket protocol as the browser does (a `BackMsg` asking for a page, `ForwardMsg`s
back until the run has finished), so that what is timed is the server's work alone. Shared by
`benchmarks.memory` and `benchmarks.concurrency`."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

import websockets
from streamlit.proto.BackMsg_pb2 import BackMsg
from streamlit.proto.ForwardMsg_pb2 import ForwardMsg

ROOT = Path(__file__).resolve().parent.parent
FINISHED = {
    ForwardMsg.FINISHED_SUCCESSFULLY,
    ForwardMsg.FINISHED_WITH_COMPILE_ERROR,
}


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@dataclass
class Server:
    """One `streamlit run dashboard.py` process on a store."""

    url: str
    port: int = field(default_factory=free_port)
    extra_args: tuple[str, ...] = ()
    log: Path | None = None  # where the server's console goes (nowhere by default)
    process: subprocess.Popen | None = None

    def start(self, timeout: float = 120) -> Server:
        command = [sys.executable, "-m", "streamlit", "run", "dashboard.py"]
        command += ["--server.port", str(self.port), "--server.address", "localhost"]
        command += ["--server.fileWatcherType", "none", "--server.headless", "true"]
        self.process = subprocess.Popen(
            [*command, *self.extra_args],
            cwd=ROOT,
            env=dict(os.environ, DATABASE_URL=self.url),
            stdout=subprocess.DEVNULL,
            stderr=self.log.open("ab") if self.log else subprocess.DEVNULL,
        )
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            try:
                with urllib.request.urlopen(f"{self.base}/_stcore/health", timeout=2) as answer:
                    if answer.read() == b"ok":
                        return self
            except OSError:
                time.sleep(0.3)
        self.stop()
        raise RuntimeError(f"the server on port {self.port} did not start")

    @property
    def base(self) -> str:
        return f"http://localhost:{self.port}"

    @property
    def stream(self) -> str:
        return f"ws://localhost:{self.port}/_stcore/stream"

    def rss_mb(self) -> float:
        for line in Path(f"/proc/{self.process.pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
        raise RuntimeError("no VmRSS")

    def cpu_seconds(self) -> float:
        """User and system CPU time of the server process so far."""
        fields = Path(f"/proc/{self.process.pid}/stat").read_text().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(20)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(5)

    def __enter__(self) -> Server:
        return self.start()

    def __exit__(self, *_exc: object) -> None:
        self.stop()


@dataclass
class PageRun:
    page: str
    seconds: float
    bytes_received: int
    messages: int
    exceptions: int  # st.exception elements, or a page error shown as st.error with a reference
    status: int


class Session:
    """One browser tab's websocket: `await Session.open(server)`, then `await session.run(page)`."""

    def __init__(self, websocket: websockets.ClientConnection) -> None:
        self.websocket = websocket

    @classmethod
    async def open(cls, stream_url: str) -> Session:
        websocket = await websockets.connect(
            stream_url, subprotocols=["streamlit"], max_size=None, open_timeout=60
        )
        return cls(websocket)

    async def run(self, page: str = "", query: str = "", timeout: float = 300) -> PageRun:
        """Ask for `page` (its url path; "" for the default page) and wait for the run to finish."""
        message = BackMsg()
        state = message.rerun_script
        state.query_string = query
        state.page_name = page
        state.context_info.timezone = "UTC"
        state.context_info.locale = "en-US"
        state.context_info.url = f"http://localhost/{page}"
        started = time.perf_counter()
        await self.websocket.send(message.SerializeToString())
        received = messages = exceptions = 0
        while True:
            data = await _receive(self.websocket, started + timeout)
            received += len(data)
            messages += 1
            forward = ForwardMsg()
            forward.ParseFromString(data)
            kind = forward.WhichOneof("type")
            if kind == "delta" and forward.delta.WhichOneof("type") == "new_element":
                element = forward.delta.new_element
                if element.WhichOneof("type") == "exception" or (
                    element.WhichOneof("type") == "alert" and "reference **" in element.alert.body
                ):
                    exceptions += 1
            if kind == "script_finished" and forward.script_finished in FINISHED:
                return PageRun(
                    page=page or "overview",
                    seconds=time.perf_counter() - started,
                    bytes_received=received,
                    messages=messages,
                    exceptions=exceptions,
                    status=forward.script_finished,
                )

    async def close(self) -> None:
        await self.websocket.close()


async def _receive(websocket: websockets.ClientConnection, deadline: float) -> bytes:
    import asyncio

    remaining = max(deadline - time.perf_counter(), 0.1)
    data = await asyncio.wait_for(websocket.recv(), remaining)
    return data if isinstance(data, bytes) else data.encode()
