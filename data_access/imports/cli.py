"""`python -m data_access import PATH [PATH ...]`: what it prints and the status it exits with.

Problems and warnings go to stderr as `FILE:LINE: COLUMN: message`; the summary goes to stdout.
Exit status 0 when the files were imported (or, with --dry-run, would be), 1 when nothing was."""

from __future__ import annotations

import argparse
import sys

from data_access.db import describe_url


def add_import_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "paths",
        nargs="+",
        metavar="PATH",
        help="CSV or XLSX files named after their table (students.csv), or folders of them, or a "
        "OneRoster CSV export folder",
    )
    parser.add_argument(
        "--replace-demo",
        action="store_true",
        help="the store holds the demo district: delete it in the same step as this import",
    )
    parser.add_argument(
        "--school-year",
        help="OneRoster only: the school year to import students for, e.g. 2025-26 (default: "
        "that of the academic session running today, else the newest)",
    )
    parser.add_argument(
        "--mapping",
        metavar="NAME",
        help="read the files whose names name no table (and no saved mapping) through the "
        "mapping NAME saved on the Data page, e.g. a behaviour system's referral export",
    )
    parser.add_argument(
        "--dry-run",
        action="store_true",
        help="check the files and say what they would change; store nothing",
    )


def run_import_command(
    url: str,
    *,
    paths: list[str],
    replace_demo: bool,
    school_year: str | None,
    dry_run: bool,
    mapping: str | None = None,
) -> int:
    from data_access.imports.pipeline import import_files
    from data_access.imports.reading import Problem, collect_files
    from data_access.school_year import normalise_school_year
    from data_access.users.access import COMMAND_LINE

    files, problems, notes = collect_files(paths)
    year = None
    if school_year is not None:
        year = normalise_school_year(school_year)
        if year is None:
            problems.append(
                Problem(
                    "import",
                    1,
                    "--school-year",
                    f"'{school_year}' is not a school year like 2025-26",
                )
            )
    interactive = sys.stderr.isatty()

    def progress(fraction: float, message: str) -> None:
        if interactive:
            print(f"  {fraction:4.0%}  {message}", file=sys.stderr)

    result = import_files(
        files,
        database_url=url,
        editor=COMMAND_LINE,
        replace_demo=replace_demo,
        dry_run=dry_run,
        school_year=year,
        progress=progress,
        earlier_problems=problems,
        mapping=mapping,
    )
    for warning in notes + result.warnings:
        print(warning, file=sys.stderr)
    for problem in result.problems:
        print(problem, file=sys.stderr)
    store = describe_url(url)
    if not result.ok:
        count = len(result.problems)
        print(
            f"Nothing was imported: {count:,} problem{'s' if count != 1 else ''} (listed above). "
            f"The store {store} is exactly as it was.",
            file=sys.stderr,
        )
        return 1
    if dry_run:
        print(
            f"Checked {len(result.files)} files: no problems. Nothing was stored (--dry-run); importing them would:"
        )
    else:
        replaced = " (the demo district was removed)" if result.replaced_demo else ""
        print(
            f"Imported {len(result.files)} files into {store}{replaced} in {result.seconds:.1f} s:"
        )
    for name, used in result.mappings.items():
        saved = (
            f", saved by {used.saved_by} on {used.saved_at:%Y-%m-%d %H:%M} UTC"
            if used.saved_at
            else ""
        )
        print(f"  {name}: read as {used.table} through {used.label}{saved}")
    print(f"  {'table':<20} {'rows':>10} {'added':>10} {'updated':>10} {'unchanged':>10}")
    for counts in result.counts.values():
        print(
            f"  {counts.table:<20} {counts.rows:>10,} {counts.added:>10,} {counts.updated:>10,} "
            f"{counts.unchanged:>10,}"
        )
    return 0
