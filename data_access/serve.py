"""`python -m data_access serve --workers N`: one dashboard server process per core on one store,
for a load balancer with sticky sessions in front (README, "Running for a whole district").

The store is upgraded once here, before any process starts; then N `streamlit run dashboard.py`
processes listen on consecutive ports from `--port`. The command prints the load balancer's
`upstream` block for those ports and stays in the foreground: Ctrl+C (or SIGTERM from a service
manager) stops every process, and if one process exits the others are stopped too and the command
exits non-zero, so that the service manager restarts the whole set (a session lives in one process;
a half-running set would drop the sessions of the process that went)."""

from __future__ import annotations

import argparse
import os
import signal
import subprocess
import sys
import time
from collections.abc import Sequence

from data_access.settings import PROJECT_ROOT


def add_serve_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--workers",
        type=int,
        default=os.cpu_count() or 1,
        help="server processes (default: one per core)",
    )
    parser.add_argument("--port", type=int, default=8501, help="the first process's port")
    parser.add_argument(
        "--address",
        default="127.0.0.1",
        help="where the processes listen (default 127.0.0.1: the load balancer on this machine)",
    )


def server_command(port: int, address: str) -> list[str]:
    return [
        sys.executable,
        "-m",
        "streamlit",
        "run",
        "dashboard.py",
        "--server.port",
        str(port),
        "--server.address",
        address,
        "--server.headless",
        "true",
    ]


def upstream_block(ports: Sequence[int], address: str) -> str:
    lines = ["upstream mtss {", "    ip_hash;  # sticky: a browser stays with its process"]
    lines += [f"    server {address}:{port};" for port in ports]
    return "\n".join([*lines, "}"])


def run_serve(url: str, *, workers: int, port: int, address: str) -> int:
    from data_access.store import init_store

    if workers < 1:
        print("error: --workers must be at least 1", file=sys.stderr)
        return 2
    for change in init_store(url):  # once, before the processes start
        print(change, flush=True)
    ports = [port + number for number in range(workers)]
    processes = [
        subprocess.Popen(server_command(each, address), cwd=PROJECT_ROOT, env=dict(os.environ))
        for each in ports
    ]
    print(f"{workers} server process(es) on {address}, ports {ports[0]}-{ports[-1]}", flush=True)
    print(upstream_block(ports, address), flush=True)
    stopping = False

    def stop(_signal: int, _frame: object) -> None:
        nonlocal stopping
        stopping = True

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    exit_code = 0
    try:
        while not stopping:
            ended = [process for process in processes if process.poll() is not None]
            if ended:
                print(
                    f"a server process (port {ports[processes.index(ended[0])]}) exited with "
                    f"{ended[0].returncode}: stopping the others",
                    file=sys.stderr,
                    flush=True,
                )
                exit_code = 1
                break
            time.sleep(0.5)
    finally:
        for process in processes:
            if process.poll() is None:
                process.terminate()
        for process in processes:
            try:
                process.wait(20)
            except subprocess.TimeoutExpired:
                process.kill()
    return exit_code
