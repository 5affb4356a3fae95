"""`python -m data_access init | demo`, run as a data manager would, in a subprocess."""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BOOKKEEPING = (
    'INSERT INTO "audit_log"',
    'INSERT INTO "data_version"',
    'INSERT INTO "data_area_versions"',
)


def run_cli(*arguments: str, database_url: str) -> subprocess.CompletedProcess[str]:
    env = dict(os.environ, DATABASE_URL=database_url)
    return subprocess.run(
        [sys.executable, "-m", "data_access", *arguments],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )


def dump(path: Path, *, skip: tuple[str, ...] = ()) -> list[str]:
    """The whole SQLite store as SQL statements: schema and every row."""
    with sqlite3.connect(path) as connection:
        return [line for line in connection.iterdump() if not line.startswith(skip)]


def test_init_twice_changes_nothing(tmp_path):
    path = tmp_path / "store.db"
    first = run_cli("init", database_url=f"sqlite:///{path}")
    assert first.returncode == 0, first.stderr
    assert "schema upgraded to revision" in first.stdout
    before = dump(path)

    second = run_cli("init", database_url=f"sqlite:///{path}")
    assert second.returncode == 0, second.stderr
    assert "already up to date, nothing changed" in second.stdout
    assert dump(path) == before


def test_demo_refuses_a_store_that_holds_data_and_changes_nothing(tmp_path):
    path = tmp_path / "store.db"
    loaded = run_cli("demo", database_url=f"sqlite:///{path}")
    assert loaded.returncode == 0, loaded.stderr
    assert "Loaded the small demo district" in loaded.stdout
    before = dump(path)

    again = run_cli("demo", database_url=f"sqlite:///{path}")
    assert again.returncode != 0
    assert "--replace" in again.stderr
    assert dump(path) == before


def test_demo_replace_with_the_same_seed_gives_identical_stores(tmp_path):
    path = tmp_path / "store.db"
    url = f"sqlite:///{path}"
    assert run_cli("demo", "--seed", "3", database_url=url).returncode == 0
    seed_3 = dump(path, skip=BOOKKEEPING)

    first = run_cli("demo", "--replace", "--seed", "7", database_url=url)
    assert first.returncode == 0, first.stderr
    seed_7 = dump(path, skip=BOOKKEEPING)
    second = run_cli("demo", "--replace", "--seed", "7", database_url=url)
    assert second.returncode == 0, second.stderr

    assert dump(path, skip=BOOKKEEPING) == seed_7
    assert seed_7 != seed_3


def test_an_unreachable_database_gets_a_clear_message(tmp_path):
    result = run_cli("init", database_url="postgresql+psycopg://mtss:hunter2@127.0.0.1:1/mtss")
    assert result.returncode == 2
    assert (
        "Cannot open the store at postgresql+psycopg://mtss:***@127.0.0.1:1/mtss" in result.stderr
    )
    assert "hunter2" not in result.stderr
    assert "Traceback" not in result.stderr


def test_the_export_kinds_named_in_the_help_are_the_registered_ones():
    from data_access.exports import EXPORT_KINDS, registered_exports

    assert list(EXPORT_KINDS) == sorted(registered_exports())
