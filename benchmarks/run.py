"""The whole district-scale benchmark: every page and role cold and warm, peak memory, the equity
computation against a raw GROUP BY, server memory with five browser sessions open, and the import
against a bare bulk insert, on SQLite and PostgreSQL stores of the large demo district.

    python -m benchmarks [--store sqlite|postgresql|both] [--size large|xlarge] [--runs N] [--json PATH]
                         [--no-import] [--no-server] [--roles ROLE,...] [--pages PAGE,...]

Stores: SQLite is a copy of /tmp/large.db (made with `python -m data_access demo --size large` when
missing) at /tmp/scale-large.db, copied because opening pages may upgrade the schema. PostgreSQL is
the database `mtss_bench` on the server in MTSS_TEST_POSTGRES_URL (default
postgresql+psycopg://mtss:mtss@127.0.0.1:5432/postgres), loaded with `load_demo(size="large")` (about
4 minutes) when missing or short of rows, and reused otherwise. Either is upgraded to the newest
schema before anything is timed.

Each store is measured in its own child process, so the peak RSS is that store's. Targets (2 cores,
large district): pages cold < 2 s, warm < 0.3 s; equity < 1.5x the raw GROUP BY; server < 1.5 GB with
five sessions; import < 3x a bare insert. The machine may be shared: the load average is printed at the
start and end, and the CPU time of this process beside the wall clock.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

ROOT = Path(__file__).resolve().parent.parent
LARGE_SQLITE = Path("/tmp/large.db")
SCRATCH_SQLITE = Path("/tmp/scale-large.db")
POSTGRES_ADMIN_URL = os.environ.get(
    "MTSS_TEST_POSTGRES_URL", "postgresql+psycopg://mtss:mtss@127.0.0.1:5432/postgres"
)
POSTGRES_DATABASE = "mtss_bench"
MIN_STUDENT_ROWS = 700_000  # five years of ~150,000 students: the large district, fully loaded
TARGETS = {"cold": 2.0, "warm": 0.3, "equity_ratio": 1.5, "server_mb": 1536, "import_ratio": 3.0}
SERVER_PAGES = ("", "fidelity", "equity", "staff_support", "follow_up")


def load_average() -> list[float]:
    return [round(value, 2) for value in os.getloadavg()]


def student_rows(url: str) -> int:
    engine = create_engine(url)
    try:
        with engine.connect() as connection:
            return connection.execute(text("SELECT COUNT(*) FROM students")).scalar_one()
    except Exception:  # noqa: BLE001 - a missing database or table means "not loaded"
        return 0
    finally:
        engine.dispose()


def sqlite_store(size: str = "large") -> str:
    """The SQLite store of the demo district of `size` ("xlarge", twice the large district, is
    how the pages grow: /tmp/xlarge.db and /tmp/scale-xlarge.db)."""
    kept = LARGE_SQLITE if size == "large" else Path(f"/tmp/{size}.db")
    scratch = SCRATCH_SQLITE if size == "large" else Path(f"/tmp/scale-{size}.db")
    if not kept.exists():
        print(f"loading the {size} demo district into SQLite (a few minutes)", flush=True)
        env = dict(os.environ, DATABASE_URL=f"sqlite:///{kept}")
        command = [sys.executable, "-m", "data_access", "demo", "--size", size]
        subprocess.run(command, cwd=ROOT, env=env, check=True)
    if not scratch.exists():
        shutil.copyfile(kept, scratch)
    return f"sqlite:///{scratch}"


def postgres_store() -> str:
    admin_url = make_url(POSTGRES_ADMIN_URL)
    url = admin_url.set(database=POSTGRES_DATABASE).render_as_string(hide_password=False)
    if student_rows(url) >= MIN_STUDENT_ROWS:
        return url
    admin = create_engine(admin_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'DROP DATABASE IF EXISTS "{POSTGRES_DATABASE}" WITH (FORCE)'))
        connection.execute(text(f'CREATE DATABASE "{POSTGRES_DATABASE}"'))
    admin.dispose()
    print("loading the large demo district into PostgreSQL (about 4 minutes)", flush=True)
    from data_access.demo import load_demo

    load_demo(database_url=url, size="large")
    return url


def equity_ratio(url: str, runs: int) -> dict:
    """benchmarks.equity's computation against its raw GROUP BY, newest school year."""
    from benchmarks.equity import time_compute
    from data_access.db import session_scope
    from data_access.equity.queries import list_equity_school_years

    with session_scope(url) as session:
        year = list_equity_school_years(session)[0]
    times = time_compute(url, year, runs)
    result = {"school_year": year}
    for name, seconds in times.items():
        result[name.replace(" ", "_")] = round(statistics.median(seconds), 3)
    for name in ("compute", "recount"):
        result[f"{name}_ratio"] = round(result[name] / result["raw"], 2)
        result[f"{name}_ratio_cpu"] = round(result[f"{name}_cpu"] / max(result["raw_cpu"], 1e-3), 2)
    return result


def vm_rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    raise RuntimeError(f"no VmRSS for process {pid}")


def server_memory(url: str) -> dict:
    """`streamlit run dashboard.py` on the store, five headless Chromium sessions on five pages; the
    server's resident memory once every page has finished drawing."""
    import urllib.request

    from playwright.sync_api import sync_playwright

    from tests.utils.browser import CHROMIUM, CHROMIUM_ARGS, free_port

    port = free_port()
    base = f"http://localhost:{port}"
    server = subprocess.Popen(
        [sys.executable, "-m", "streamlit", "run", "dashboard.py", "--server.port", str(port)]
        + ["--server.fileWatcherType", "none", "--server.headless", "true"],
        cwd=ROOT,
        env=dict(os.environ, DATABASE_URL=url),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:
            try:
                if urllib.request.urlopen(f"{base}/_stcore/health", timeout=2).read() == b"ok":
                    break
            except OSError:
                time.sleep(0.5)
        idle_mb = vm_rss_mb(server.pid)
        started = time.perf_counter()
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
            pages = []
            for path in SERVER_PAGES:
                page = browser.new_page(viewport={"width": 1400, "height": 1000})
                page.goto(f"{base}/{path}")
                pages.append(page)
            for page in pages:
                page.wait_for_selector("[data-testid='stApp'] h1", timeout=300_000)
                page.wait_for_selector(
                    "[data-testid='stApp'][data-test-script-state='notRunning']", timeout=300_000
                )
            drawn_seconds = time.perf_counter() - started
            page_errors = sum(page.locator("[data-testid='stException']").count() for page in pages)
            five_mb = vm_rss_mb(server.pid)
            browser.close()
        return {
            "idle_mb": round(idle_mb),
            "five_sessions_mb": round(five_mb),
            "five_pages_drawn_seconds": round(drawn_seconds, 1),
            "pages": [path or "overview" for path in SERVER_PAGES],
            "page_errors": page_errors,
        }
    finally:
        server.terminate()
        server.wait(20)


def import_ratio(store: str) -> dict:
    """benchmarks.imports (the importer against a bare bulk insert, into fresh stores of `store`'s
    kind), in its own process."""
    completed = subprocess.run(
        [sys.executable, "-m", "benchmarks.imports", "--source", str(LARGE_SQLITE)]
        + ["--store", store],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
    output = completed.stdout + completed.stderr
    ratio = re.search(r"ratio: ([\d.]+)x", output)
    seconds = re.search(r"import \(whole command.*?: ([\d.]+) s", output)
    bare = re.search(r"bare Core executemany insert of the same rows:\s+([\d.]+) s", output)
    if not ratio:
        return {"error": output[-1500:]}
    return {
        "import_seconds": float(seconds.group(1)) if seconds else None,
        "bare_seconds": float(bare.group(1)) if bare else None,
        "ratio": float(ratio.group(1)),
    }


def measure_store(store: str, args: argparse.Namespace) -> dict:
    """Everything for one store, in this process (a child of the main run)."""
    url = sqlite_store(args.size) if store == "sqlite" else postgres_store()
    os.environ["DATABASE_URL"] = url
    os.chdir(ROOT)
    from benchmarks.pages import ROLES, time_every_page
    from data_access.db import describe_url
    from data_access.store import init_store

    for change in init_store(url):  # before any timing: an older store is upgraded once, here
        print(f"{store}: {change}", flush=True)

    result: dict = {"store": store, "url": describe_url(url), "load_average_start": load_average()}
    print(f"\n== {store}: {describe_url(url)}  load average {result['load_average_start']}")
    cpu = time.process_time()
    started = time.perf_counter()
    roles = tuple(args.roles.split(",")) if args.roles else ROLES
    pages = args.pages.split(",") if args.pages else None
    result["pages"] = time_every_page(url, args.runs, roles=roles, pages=pages)
    print("equity computation vs raw GROUP BY:", flush=True)
    result["equity"] = equity_ratio(url, args.runs)
    result["peak_rss_mb"] = round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024)
    if not args.no_server:
        print("server memory with five sessions open:", flush=True)
        result["server"] = server_memory(url)
    result["wall_seconds"] = round(time.perf_counter() - started, 1)
    result["cpu_seconds"] = round(time.process_time() - cpu, 1)
    result["load_average_end"] = load_average()
    return result


def print_table(result: dict) -> None:
    timed = [row for row in result["pages"] if not row["skipped"]]
    print(f"\n{result['store']}: {result['url']}")
    print(
        f"  load average at start {result['load_average_start']}, end {result['load_average_end']};"
        f" wall {result['wall_seconds']} s, CPU {result['cpu_seconds']} s"
    )
    print(
        f"  {'page':<14} {'role':<16} {'cold s':>7} {'cold CPU':>8} {'warm s':>7} {'warm CPU':>8}"
    )
    for row in timed:
        misses = []
        if row["cold"] >= TARGETS["cold"]:
            misses.append("cold")
        if row["warm"] >= TARGETS["warm"]:
            misses.append("warm")
        flag = f"  MISS {'+'.join(misses)}" if misses else ""
        print(
            f"  {row['page']:<14} {row['role']:<16} {row['cold']:7.2f} {row['cold_cpu']:8.2f}"
            f" {row['warm']:7.2f} {row['warm_cpu']:8.2f}{flag}"
        )
    for kind, prefix in (("skipped (role may not open)", "not in"), ("FAILED", "FAILED")):
        listed = [
            f"{row['role']}/{row['page']}"
            for row in result["pages"]
            if row["skipped"].startswith(prefix)
        ]
        print(f"  {kind}: {', '.join(listed) or 'none'}")
    equity = result["equity"]
    print(f"  equity {equity['school_year']}: raw GROUP BY {equity['raw']:.2f} s;")
    for name, meaning in (("compute", "page computation"), ("recount", "recount on write")):
        print(
            f"    {meaning}: {equity[name]:.2f} s, {equity[f'{name}_ratio']:.2f}x"
            f" (CPU {equity[f'{name}_ratio_cpu']:.2f}x)"
        )
    print(f"  peak RSS of the benchmark process: {result['peak_rss_mb']} MB")
    if "server" in result:
        server = result["server"]
        print(
            f"  server RSS: idle {server['idle_mb']} MB, five sessions {server['five_sessions_mb']} MB"
            f" (pages drawn in {server['five_pages_drawn_seconds']} s)"
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--store", choices=("sqlite", "postgresql", "both"), default="both")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument(
        "--size",
        choices=("large", "xlarge"),
        default="large",
        help="the demo district (xlarge: 400 buildings, SQLite only, for growth)",
    )
    parser.add_argument("--json", default="/tmp/scale-benchmark.json", help="where to write JSON")
    parser.add_argument("--no-import", action="store_true", help="skip the import ratio")
    parser.add_argument("--no-server", action="store_true", help="skip the server memory")
    parser.add_argument("--roles", help="comma-separated roles (default: all five)")
    parser.add_argument("--pages", help="comma-separated pages (default: every page)")
    parser.add_argument("--one-store", help=argparse.SUPPRESS)
    parser.add_argument("--out", help=argparse.SUPPRESS)
    args = parser.parse_args()

    if args.one_store:  # the child process for one store
        Path(args.out).write_text(json.dumps(measure_store(args.one_store, args)))
        return

    report: dict = {
        "date": datetime.now(UTC).isoformat(timespec="seconds"),
        "cores": os.cpu_count(),
        "memory_gib": round(os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30, 1),
        "load_average_start": load_average(),
        "runs": args.runs,
        "targets": TARGETS,
        "stores": [],
    }
    print(f"load average at start: {report['load_average_start']} ({report['cores']} cores)")
    stores = ("sqlite", "postgresql") if args.store == "both" else (args.store,)
    if args.size != "large" and stores != ("sqlite",):
        parser.error("--size xlarge measures SQLite only: add --store sqlite")
    for store in stores:
        with tempfile.NamedTemporaryFile(suffix=".json") as out:
            child = [
                sys.executable,
                "-m",
                "benchmarks.run",
                "--one-store",
                store,
                "--out",
                out.name,
            ]
            child += ["--runs", str(args.runs), "--size", args.size]
            child += ["--no-server"] if args.no_server else []
            child += ["--roles", args.roles] if args.roles else []
            child += ["--pages", args.pages] if args.pages else []
            subprocess.run(child, cwd=ROOT, check=True)
            report["stores"].append(json.loads(Path(out.name).read_text()))
    if not args.no_import:
        report["import"] = {}
        for store in stores:
            print(f"\nimport vs bare bulk insert ({store}):", flush=True)
            report["import"][store] = import_ratio(store)
    report["load_average_end"] = load_average()

    for result in report["stores"]:
        print_table(result)
    for store, result in report.get("import", {}).items():
        print(f"\nimport into {store}: {result}")
    print(f"load average at end: {report['load_average_end']}")
    Path(args.json).write_text(json.dumps(report, indent=2))
    print(f"JSON: {args.json}")


if __name__ == "__main__":
    main()
