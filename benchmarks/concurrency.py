"""Many sessions at once: N websocket sessions (benchmarks.sessions: Streamlit's own protocol, as a
browser speaks it, so the figures are the server's alone) open a page at the same moment and then
all switch to a second page, against one or several server processes (sessions dealt out in turn,
as a sticky load balancer would), warm (caches filled) and cold (just after a write).

    python -m benchmarks.concurrency [--store sqlite|postgresql|both|URL] [--sessions 1,5,10,20,40]
                                     [--workers 1,2] [--page ""] [--then equity] [--json PATH]
                                     [--profile DIR] [--option runner.postScriptGC=true ...]

For every store, number of processes and number of sessions it prints and writes (JSON): p50, p95
and max seconds from asking for a page to the run's "finished" message, server CPU seconds per
session (all processes, user + system), server memory per session (resident memory after the
sessions ran less before they opened), kilobytes sent per page, page errors, and the load average
before and after (the machine may be shared). Targets (2 cores, large district, the Overview):
two processes, 20 sessions, p95 < 3 s warm and < 6 s cold; one process, 10 sessions, p95 < 3 s warm.
`--profile DIR` records each server with py-spy (if installed) into DIR while it is measured;
MTSS_BENCH_SERVER_LOG=PATH keeps the servers' console (a page error's traceback) in PATH.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import shutil
import statistics
import subprocess
import time
from datetime import UTC, datetime
from pathlib import Path

from benchmarks.memory import load_average, store_url, write_once
from benchmarks.sessions import Server, Session

TARGETS = {"two_processes_20_warm_p95": 3.0, "two_processes_20_cold_p95": 6.0}
TARGETS["one_process_10_warm_p95"] = 3.0


def percentile(values: list[float], share: float) -> float:
    """The nearest-rank percentile (p95 of 20 values is the 19th smallest)."""
    ordered = sorted(values)
    rank = max(1, -(-len(ordered) * share // 1))
    return ordered[int(rank) - 1]


def summarise(runs: list) -> dict:
    seconds = [run.seconds for run in runs]
    return {
        "p50": round(statistics.median(seconds), 3),
        "p95": round(percentile(seconds, 0.95), 3),
        "max": round(max(seconds), 3),
        "kb_per_page": round(statistics.mean(run.bytes_received for run in runs) / 1024, 1),
        "page_errors": sum(run.exceptions for run in runs),
    }


async def one_step(servers: list[Server], count: int, pages: tuple[str, str]) -> dict:
    """`count` sessions open `pages[0]` at once, then all switch to `pages[1]` at once."""
    rss_before = sum(server.rss_mb() for server in servers)
    cpu_before = sum(server.cpu_seconds() for server in servers)
    sessions = await asyncio.gather(
        *(Session.open(servers[number % len(servers)].stream) for number in range(count))
    )
    result: dict = {}
    try:
        for page in pages:
            runs = await asyncio.gather(*(session.run(page) for session in sessions))
            result[page or "overview"] = summarise(runs)
        cpu = sum(server.cpu_seconds() for server in servers) - cpu_before
        rss = sum(server.rss_mb() for server in servers)
        result["server_cpu_per_session"] = round(cpu / count, 2)
        result["server_mb_per_session"] = round((rss - rss_before) / count, 1)
        result["server_rss_mb"] = round(rss)
    finally:
        await asyncio.gather(*(session.close() for session in sessions))
    return result


async def warm_up(servers: list[Server], pages: tuple[str, str]) -> None:
    for server in servers:
        session = await Session.open(server.stream)
        for page in pages:
            await session.run(page)
        await session.close()


def measure(
    url: str,
    workers: int,
    counts: list[int],
    pages: tuple[str, str],
    profile: str | None,
    options: tuple[str, ...] = (),
) -> list[dict]:
    log = (
        Path(os.environ["MTSS_BENCH_SERVER_LOG"]) if "MTSS_BENCH_SERVER_LOG" in os.environ else None
    )
    servers = [Server(url, extra_args=options, log=log).start() for _ in range(workers)]
    spies: list[subprocess.Popen] = []
    rows: list[dict] = []
    try:
        asyncio.run(warm_up(servers, pages))
        if profile and shutil.which("py-spy"):
            Path(profile).mkdir(parents=True, exist_ok=True)
            for number, server in enumerate(servers):
                out = Path(profile) / f"server{number}-{workers}p.txt"
                spies.append(
                    subprocess.Popen(
                        ["py-spy", "record", "--pid", str(server.process.pid), "--nonblocking"]
                        + ["--format", "raw", "--threads", "--rate", "50", "-o", str(out)],
                        stdout=subprocess.DEVNULL,
                        stderr=subprocess.DEVNULL,
                    )
                )
        for count in counts:
            for state in ("warm", "cold"):
                if state == "cold":
                    write_once(url, count)  # every cache keyed by the data version goes cold
                else:  # after the last cold step, every process (not only those it used) warm
                    asyncio.run(warm_up(servers, pages))
                load = load_average()
                started = time.perf_counter()
                step = asyncio.run(one_step(servers, count, pages))
                row = {"workers": workers, "sessions": count, "state": state}
                row |= step | {"wall_seconds": round(time.perf_counter() - started, 1)}
                row["load_average"] = load
                rows.append(row)
                print_row(row, pages)
                time.sleep(1)  # let the disconnected sessions go before the next step
    finally:
        for spy in spies:
            spy.send_signal(2)  # SIGINT: py-spy writes what it has
            try:
                spy.wait(30)
            except subprocess.TimeoutExpired:
                spy.kill()
        for server in servers:
            server.stop()
    return rows


HEADER = (
    f"  {'proc':>4} {'sess':>4} {'state':<5} {'page':<14} {'p50 s':>6} {'p95 s':>6} {'max s':>6}"
    f" {'KB/page':>8} {'CPU s/sess':>10} {'MB/sess':>8} {'errors':>6}  load"
)


def print_row(row: dict, pages: tuple[str, str]) -> None:
    for page in pages:
        timing = row[page or "overview"]
        print(
            f"  {row['workers']:>4} {row['sessions']:>4} {row['state']:<5} {page or 'overview':<14}"
            f" {timing['p50']:6.2f} {timing['p95']:6.2f} {timing['max']:6.2f}"
            f" {timing['kb_per_page']:8.1f} {row['server_cpu_per_session']:10.2f}"
            f" {row['server_mb_per_session']:8.1f} {timing['page_errors']:>6}  {row['load_average']}",
            flush=True,
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--store", default="sqlite", help="sqlite, postgresql, both, or a URL/path")
    parser.add_argument("--sessions", default="1,5,10,20,40", help="comma-separated counts")
    parser.add_argument("--workers", default="1,2", help="comma-separated numbers of processes")
    parser.add_argument("--page", default="", help="the page all open first (url path)")
    parser.add_argument("--then", default="equity", help="the page all switch to")
    parser.add_argument("--json", default="/tmp/scale-concurrency.json")
    parser.add_argument("--profile", help="a folder for py-spy recordings of the servers")
    parser.add_argument(
        "--option",
        action="append",
        default=[],
        help="a Streamlit option for the servers, e.g. runner.postScriptGC=true (repeatable)",
    )
    args = parser.parse_args()
    options = tuple(
        part
        for option in args.option
        for part in (f"--{option.split('=')[0]}", option.split("=", 1)[1])
    )
    stores = ("sqlite", "postgresql") if args.store == "both" else (args.store,)
    counts = [int(count) for count in args.sessions.split(",")]
    pages = (args.page, args.then)
    report: dict = {
        "date": datetime.now(UTC).isoformat(timespec="seconds"),
        "cores": os.cpu_count(),
        "load_average_start": load_average(),
        "pages": [page or "overview" for page in pages],
        "targets": TARGETS,
        "streamlit_options": args.option,
        "stores": [],
    }
    print(f"load average at start: {report['load_average_start']} ({report['cores']} cores)")
    from data_access.db import describe_url
    from data_access.store import init_store

    for store in stores:
        url = store_url(store)
        init_store(url)
        print(f"\n== {describe_url(url)}\n{HEADER}", flush=True)
        rows = []
        for workers in (int(value) for value in args.workers.split(",")):
            rows += measure(url, workers, counts, pages, args.profile, options)
        report["stores"].append({"store": describe_url(url), "rows": rows})
    report["load_average_end"] = load_average()
    print(f"load average at end: {report['load_average_end']}")
    Path(args.json).write_text(json.dumps(report, indent=2))
    print(f"JSON: {args.json}")


if __name__ == "__main__":
    main()
