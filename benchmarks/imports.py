"""How fast the importer loads the large demo district, against a bare bulk insert of the same rows.

    python -m benchmarks.imports [--source /tmp/large.db] [--work /tmp/imports-bench]
                                 [--store sqlite|postgresql]

1. Exports the source store's contract tables to one CSV file per table (a plain SELECT of the
   contract's columns; users get their `;`-separated building_ids).
2. Imports that folder into a fresh store with `python -m data_access import`, in its own process,
   timed, with its peak memory (RSS) measured by /usr/bin/time. The import includes counting the
   equity summary of every school year it wrote, as the product does.
3. In another process, reads the same CSV files into typed Python rows (not timed), then times a bare
   SQLAlchemy Core executemany INSERT of them, in chunks, in one transaction, into another fresh
   store through the same driver and engine settings.

The fresh stores are SQLite files in the work folder, or with `--store postgresql` two databases made
(and dropped afterwards) on the server in MTSS_TEST_POSTGRES_URL.
Prints both times, their ratio (the target: the import within 3x of the bare insert) and peak RSS.

    python -m benchmarks.imports --page [--runs 5]

times the Data page instead, with AppTest against DATABASE_URL (default the large store), cold
(Streamlit's caches cleared, a fresh AppTest) and warm (the same page rerun), and prints the medians.
"""

from __future__ import annotations

import argparse
import csv
import os
import shutil
import sqlite3
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_SOURCE = "/tmp/large.db"
DEFAULT_WORK = "/tmp/imports-bench"
CHUNK_ROWS = 5_000
POSTGRES_ADMIN_URL = os.environ.get(
    "MTSS_TEST_POSTGRES_URL", "postgresql+psycopg://mtss:mtss@127.0.0.1:5432/postgres"
)


@contextmanager
def fresh_stores(store: str, work: Path) -> Iterator[tuple[str, str]]:
    """Two empty stores (the import's and the bare insert's) of the kind asked for."""
    if store == "sqlite":
        yield f"sqlite:///{work / 'imported.db'}", f"sqlite:///{work / 'bare.db'}"
        return
    from sqlalchemy import create_engine, text
    from sqlalchemy.engine import make_url

    admin_url = make_url(POSTGRES_ADMIN_URL)
    names = ("mtss_import_bench_imported", "mtss_import_bench_bare")
    admin = create_engine(admin_url, isolation_level="AUTOCOMMIT")

    def drop() -> None:
        with admin.connect() as connection:
            for name in names:
                connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))

    drop()
    with admin.connect() as connection:
        for name in names:
            connection.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield tuple(
            admin_url.set(database=name).render_as_string(hide_password=False) for name in names
        )
    finally:
        drop()
        admin.dispose()


def export_tables(source: Path, folder: Path) -> dict[str, int]:
    """One CSV per contract table, straight from the source SQLite file."""
    from data_access.imports.tables import TABLES

    folder.mkdir(parents=True, exist_ok=True)
    counts = {}
    with sqlite3.connect(source) as connection:
        for name, spec in TABLES.items():
            columns = [column.name for column in spec.columns]
            if name == "users":
                query = (
                    "SELECT u.email, u.role, COALESCE(GROUP_CONCAT(b.building_id, ';'), ''), u.name "
                    "FROM users u LEFT JOIN user_buildings b ON b.email = u.email GROUP BY u.email"
                )
            else:
                table = spec.model.__tablename__
                # A column kept in a table of its own (a session's themes): `;`-separated, as the
                # file has it. (A name SQLite does not know would be read as a string literal.)
                stored_elsewhere = {
                    "themes": f"(SELECT GROUP_CONCAT(t.theme, ';') FROM supervision_themes t "
                    f"WHERE t.session_id = {table}.session_id)"
                }
                selected = ", ".join(
                    stored_elsewhere.get(column)
                    if name == "supervision" and column in stored_elsewhere
                    else f'"{column}"'
                    for column in columns
                )
                query = f"SELECT {selected} FROM {table}"
            cursor = connection.execute(query)
            with (folder / f"{name}.csv").open("w", newline="", encoding="utf-8") as handle:
                writer = csv.writer(handle, lineterminator="\n")
                writer.writerow(columns)
                rows = 0
                while batch := cursor.fetchmany(50_000):
                    writer.writerows(["" if v is None else v for v in row] for row in batch)
                    rows += len(batch)
            counts[name] = rows
    return counts


def run_timed(arguments: list[str], env: dict[str, str]) -> tuple[float, int, str]:
    """Wall seconds, peak RSS in MB and stderr tail of a child process."""
    started = time.perf_counter()
    done = subprocess.run(
        ["/usr/bin/time", "-f", "PEAK_RSS_KB=%M", *arguments],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
    )
    seconds = time.perf_counter() - started
    if done.returncode != 0:
        raise SystemExit(f"{arguments} failed:\n{done.stdout[-3000:]}\n{done.stderr[-3000:]}")
    peak = next(
        int(line.split("=")[1])
        for line in done.stderr.splitlines()
        if line.startswith("PEAK_RSS_KB=")
    )
    return seconds, peak // 1024, done.stdout


def bare_insert(folder: str, url: str) -> None:
    """The reference: the same rows, typed in Python first (untimed), then only executemany."""
    from datetime import UTC, datetime

    from sqlalchemy import insert

    from data_access.db import get_engine
    from data_access.imports.tables import TABLE_ORDER, TABLES
    from data_access.models import Action, User, UserBuilding
    from data_access.parsing import parse_date
    from data_access.store import init_store

    init_store(url)

    def convert(kind: str, text: str):
        if text == "":
            return None
        if kind == "date":
            return parse_date(text)
        if kind == "datetime":
            return datetime.fromisoformat(text).replace(tzinfo=UTC)
        if kind == "bool":
            return text in ("1", "true", "True", "Y")
        if kind == "int":
            return int(text)
        if kind == "float":
            return float(text)
        return text

    prepared = []
    for name in TABLE_ORDER:
        if name == "instruments":
            continue  # the fresh store already holds the built-in instruments the source has
        spec = TABLES[name]
        kinds = {column.name: column.kind for column in spec.columns}
        with (Path(folder) / f"{name}.csv").open(newline="", encoding="utf-8") as handle:
            rows = []
            links = []
            for record in csv.DictReader(handle):
                row = {column: convert(kinds[column], value) for column, value in record.items()}
                if name == "users":
                    links.extend(
                        {"email": row["email"], "building_id": b}
                        for b in (row.pop("building_ids") or "").split(";")
                        if b
                    )
                if name == "actions":  # free text the contract's columns do not carry
                    row |= {"problem_statement": "", "goal": "", "solution_actions": ""}
                rows.append(row)
        model = {"users": User, "actions": Action}.get(name, spec.model)
        prepared.append((model.__table__, rows))
        if name == "users":
            prepared.append((UserBuilding.__table__, links))
    total = sum(len(rows) for _, rows in prepared)
    started = time.perf_counter()
    with get_engine(url).begin() as connection:
        for table, rows in prepared:
            for start in range(0, len(rows), CHUNK_ROWS):
                connection.execute(insert(table), rows[start : start + CHUNK_ROWS])
    seconds = time.perf_counter() - started
    print(f"BARE_SECONDS={seconds:.3f} ROWS={total}")


def time_page(runs: int) -> None:
    import statistics

    import streamlit as st
    from streamlit.testing.v1 import AppTest

    os.environ.setdefault("DATABASE_URL", f"sqlite:///{DEFAULT_SOURCE}")
    os.chdir(ROOT)
    cold, warm = [], []
    for _ in range(runs):
        app = AppTest.from_file(str(ROOT / "dashboard.py"), default_timeout=120)
        app.run()
        st.cache_data.clear()
        st.cache_resource.clear()
        for timings, switch in ((cold, True), (warm, False)):
            started = time.perf_counter()
            if switch:
                app.switch_page("pages/data.py")
            app.run()
            timings.append(time.perf_counter() - started)
            if app.exception:
                raise SystemExit(f"the page failed: {[e.value for e in app.exception]}")
    print(f"store: {os.environ['DATABASE_URL']}")
    print(
        f"Data page cold: median {statistics.median(cold):.2f} s ({', '.join(f'{s:.2f}' for s in cold)})"
    )
    print(
        f"Data page warm: median {statistics.median(warm):.2f} s ({', '.join(f'{s:.2f}' for s in warm)})"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--source", default=DEFAULT_SOURCE, help="a SQLite store file to export")
    parser.add_argument("--work", default=DEFAULT_WORK, help="a folder for the files and stores")
    parser.add_argument("--store", choices=("sqlite", "postgresql"), default="sqlite")
    parser.add_argument("--page", action="store_true", help="time the Data page instead")
    parser.add_argument("--runs", type=int, default=5, help="runs of the page (with --page)")
    parser.add_argument("--bare-only", metavar="FOLDER", help=argparse.SUPPRESS)
    parser.add_argument("--url", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.page:
        time_page(args.runs)
        return
    if args.bare_only:
        bare_insert(args.bare_only, args.url)
        return

    work = Path(args.work)
    shutil.rmtree(work, ignore_errors=True)
    files = work / "files"
    started = time.perf_counter()
    counts = export_tables(Path(args.source), files)
    print(
        f"exported {sum(counts.values()):,} rows of {len(counts)} tables in "
        f"{time.perf_counter() - started:.1f} s to {files}"
    )

    with fresh_stores(args.store, work) as (imported_url, bare_url):
        env = dict(os.environ, DATABASE_URL=imported_url)
        init = [sys.executable, "-m", "data_access", "init"]
        subprocess.run(init, cwd=ROOT, env=env, check=True, capture_output=True)
        import_seconds, import_rss, output = run_timed(
            [sys.executable, "-m", "data_access", "import", str(files)], env
        )
        print(output.rstrip())

        bare_command = [sys.executable, "-m", "benchmarks.imports", "--bare-only", str(files)]
        _, bare_rss, bare_output = run_timed(
            [*bare_command, "--url", bare_url], dict(os.environ, DATABASE_URL=bare_url)
        )
    bare_seconds = float(bare_output.split("BARE_SECONDS=")[1].split()[0])
    print(f"store: {args.store}")
    print(
        f"import (whole command, reading and checking included): {import_seconds:.1f} s, "
        f"peak RSS {import_rss:,} MB"
    )
    print(
        f"bare Core executemany insert of the same rows:         {bare_seconds:.1f} s "
        f"(that process's peak RSS {bare_rss:,} MB, rows held in memory)"
    )
    print(f"ratio: {import_seconds / bare_seconds:.2f}x (target: at most 3x)")


if __name__ == "__main__":
    main()
