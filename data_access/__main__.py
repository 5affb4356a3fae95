"""The command line: `python -m data_access init | demo` (see the README and the data contract).

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
        choices=("small", "large"),
        default="small",
        help="small: 12 buildings, 6,000 students a year; large: 200 buildings, 150,000",
    )
    demo.add_argument(
        "--seed", type=int, default=2026, help="the same seed always gives the same district"
    )
    demo.add_argument(
        "--replace", action="store_true", help="delete the district data already in the store first"
    )
    args = parser.parse_args(argv)

    url = get_settings().database_url
    try:
        if args.command == "init":
            return run_init(url)
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


if __name__ == "__main__":
    sys.exit(main())
