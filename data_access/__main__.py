"""The command line: `python -m data_access init | demo | export | import | sync | recount` (see the README
and the data contract).

Exit status 0 on success; non-zero on any error, with the problem on stderr. On error the store is
exactly as it was before the command.
"""

from __future__ import annotations

import argparse
import sys

from data_access.db import StoreUnavailable, describe_url
from data_access.settings import get_settings


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m data_access",
        description="Manage the MTSS dashboard's store (named by DATABASE_URL).",
    )
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    commands.add_parser("init", help="create or upgrade the store's schema to the latest version")
    demo = commands.add_parser("demo", help="load the synthetic demo district")
    demo.add_argument(
        "--size",
        choices=("small", "large", "xlarge"),
        default="small",
        help="small: 12 buildings, 6,000 students a year; large: 200 buildings, 150,000; "
        "xlarge: 400 buildings, 300,000 (for measuring growth)",
    )
    demo.add_argument(
        "--seed", type=int, default=2026, help="the same seed always gives the same district"
    )
    demo.add_argument(
        "--replace", action="store_true", help="delete the district data already in the store first"
    )
    export = commands.add_parser("export", help="write a computed table as CSV")
    export.add_argument("kind", help="which table: " + ", ".join(_export_kinds()))
    export.add_argument("--out", required=True, help="the file to write, or - for standard output")
    export.add_argument(
        "--year", help="school year, e.g. 2025-26 (default: the newest in the store)"
    )
    export.add_argument("--as-of", help="the date to compute as of, YYYY-MM-DD (default: today)")
    commands.add_parser(
        "recount",
        help="recount the equity summary and the student counts from the student rows (only needed "
        "after changing students, attendance, discipline, supports or screening with SQL, outside "
        "the dashboard)",
    )
    from data_access.imports.cli import add_import_arguments

    add_import_arguments(
        commands.add_parser("import", help="import CSV or XLSX files or folders, all or nothing")
    )
    sync = commands.add_parser("sync", help="fetch a roster from a OneRoster 1.2 REST server")
    sync.add_argument("source", choices=("oneroster",), help="the kind of server: oneroster")
    sync.add_argument(
        "--base-url", required=True, help="the server's address, e.g. https://sis.example.org"
    )
    sync.add_argument("--token-url", help="the OAuth 2 token endpoint (default: BASE-URL/token)")
    sync.add_argument("--school-year", help="the school year to import students for, e.g. 2025-26")
    sync.add_argument(
        "--dry-run",
        action="store_true",
        help="fetch and check; say what would change; store nothing",
    )
    from data_access.serve import add_serve_arguments

    add_serve_arguments(
        commands.add_parser(
            "serve", help="start one dashboard server process per core, for a load balancer"
        )
    )
    args = parser.parse_args(argv)

    url = get_settings().database_url
    try:
        if args.command == "init":
            return run_init(url)
        if args.command == "recount":
            return run_recount(url)
        if args.command == "export":
            return run_export(url, kind=args.kind, out=args.out, year=args.year, as_of=args.as_of)
        if args.command == "serve":
            from data_access.serve import run_serve

            return run_serve(url, workers=args.workers, port=args.port, address=args.address)
        if args.command == "sync":
            from data_access.imports.oneroster_api import run_sync_command

            return run_sync_command(
                url,
                base_url=args.base_url,
                token_url=args.token_url,
                dry_run=args.dry_run,
                school_year=args.school_year,
            )
        if args.command == "import":
            from data_access.imports.cli import run_import_command

            return run_import_command(
                url,
                paths=args.paths,
                replace_demo=args.replace_demo,
                school_year=args.school_year,
                dry_run=args.dry_run,
                mapping=args.mapping,
            )
        return run_demo(url, size=args.size, seed=args.seed, replace=args.replace)
    except StoreUnavailable as error:
        print(f"error: {error}", file=sys.stderr)
        return 2


def run_init(url: str) -> int:
    from data_access.store import init_store

    done = init_store(url)
    store = describe_url(url)
    print(f"{store}: " + ("; ".join(done) if done else "already up to date, nothing changed"))
    return 0


def run_recount(url: str) -> int:
    from data_access.db import record_write, session_scope
    from data_access.equity.summary import recount_equity_summary
    from data_access.store import init_store

    init_store(url)
    with session_scope(url) as session:
        result = recount_equity_summary(session)
        if result.changed_cells or result.changed_student_counts:  # caches must see them
            record_write(
                session,
                actor="command line",
                operation="recount",
                table_name="equity_cell_counts",
                detail={
                    "changed_cells": result.changed_cells,
                    "changed_student_counts": result.changed_student_counts,
                },
            )
    print(
        f"{describe_url(url)}: counted {result.cells:,} cells of {len(result.school_years)} school "
        f"year(s); {result.changed_cells:,} differed from the stored counts"
        + (" and were corrected." if result.changed_cells else ".")
    )
    if result.changed_student_counts:
        print(
            f"{result.changed_student_counts:,} stored student counts (system health, support "
            "need) differed and were corrected."
        )
    return 0


def run_demo(url: str, *, size: str, seed: int, replace: bool) -> int:
    from data_access.demo import StoreNotEmpty, load_demo

    def progress(fraction: float, message: str) -> None:
        print(f"  {fraction:4.0%}  {message}", file=sys.stderr)

    try:
        summary = load_demo(
            database_url=url, size=size, seed=seed, replace=replace, progress=progress
        )
    except StoreNotEmpty as error:
        print(f"error: {error}", file=sys.stderr)
        return 1
    total = sum(summary.rows.values())
    print(
        f"Loaded the {summary.size} demo district (seed {summary.seed}, as of {summary.as_of}) into "
        f"{describe_url(url)}: {total:,} rows in {summary.seconds:.1f} s."
    )
    for table, count in summary.rows.items():
        print(f"  {table:<20} {count:>10,}")
    return 0


def _export_kinds() -> list[str]:
    from data_access.exports import EXPORT_KINDS

    return list(EXPORT_KINDS)


def run_export(url: str, *, kind: str, out: str, year: str | None, as_of: str | None) -> int:
    from datetime import date

    from data_access.db import session_scope
    from data_access.export_format import ExportOptions, write_csv
    from data_access.exports import registered_exports
    from data_access.school_year import normalise_school_year
    from data_access.users.access import COMMAND_LINE

    exports = registered_exports()
    problems = []
    if kind not in exports:
        problems.append(f"export: KIND: '{kind}' is not one of {', '.join(sorted(exports))}")
    school_year = None
    if year is not None:
        school_year = normalise_school_year(year)
        if school_year is None:
            problems.append(f"export: --year: '{year}' is not a school year like 2025-26")
    day = None
    if as_of is not None:
        try:
            day = date.fromisoformat(as_of)
        except ValueError:
            problems.append(f"export: --as-of: '{as_of}' is not a date like 2026-03-15")
    if problems:
        for problem in problems:
            print(problem, file=sys.stderr)
        return 1
    with session_scope(url) as session:
        table = exports[kind].build(
            session, ExportOptions(school_year=school_year, as_of=day, scope=COMMAND_LINE.scope)
        )
    write_csv(table, out)
    if out != "-":
        print(f"Wrote {len(table):,} rows of {kind} to {out}.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
