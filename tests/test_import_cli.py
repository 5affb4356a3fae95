"""`python -m data_access import`, run as a nightly script would run it: in a subprocess, reading its
exit status, its stderr (`FILE:LINE: COLUMN: message`) and its stdout summary."""

from __future__ import annotations

import os
import re
import shutil
import sqlite3
import subprocess
import sys
from pathlib import Path

from tests.test_import_rules import DISTRICT, district_files
from tests.utils.factories import write_import_file

ROOT = Path(__file__).resolve().parent.parent
PROBLEM_LINE = re.compile(r"^(?P<file>[^:]+):(?P<line>\d+): (?P<column>[^:]+): (?P<message>.+)$")
BOOKKEEPING = ('INSERT INTO "audit_log"', 'INSERT INTO "data_version"')


def run_cli(*arguments: str, database_url: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "data_access", *arguments],
        cwd=ROOT,
        env=dict(os.environ, DATABASE_URL=database_url),
        capture_output=True,
        text=True,
        timeout=300,
    )


def dump(path: Path, *, skip: tuple[str, ...] = ()) -> list[str]:
    with sqlite3.connect(path) as connection:
        return [line for line in connection.iterdump() if not line.startswith(skip)]


def test_every_problem_is_printed_as_file_line_column_message_and_nothing_is_stored(tmp_path):
    path = tmp_path / "store.db"
    url = f"sqlite:///{path}"
    assert run_cli("init", database_url=url).returncode == 0
    before = dump(path)
    folder = district_files(
        tmp_path / "files",
        students=DISTRICT["students"]
        + [["S9", "2025-26", "B1", "Kindergarten", "WH", "F", "N", "N", "N", ""]],
        attendance=DISTRICT["attendance"] + [["S1", "2025-26", "10", "11"]],
    )
    write_import_file(folder, "students_2025.csv", DISTRICT["students"])

    result = run_cli("import", str(folder), database_url=url)

    assert result.returncode == 1
    lines = result.stderr.strip().splitlines()
    assert lines[-1] == (
        f"Nothing was imported: 4 problems (listed above). The store {url} is exactly as it was."
    )
    problems = [PROBLEM_LINE.match(line) for line in lines[:-1]]
    assert all(problems), lines
    assert [m.group("file", "line", "column") for m in problems] == [
        (str(folder / "attendance.csv"), "5", "days_absent"),
        (str(folder / "attendance.csv"), "5", "student_id"),
        (str(folder / "students.csv"), "6", "grade"),
        (str(folder / "students_2025.csv"), "1", "-"),
    ]
    assert problems[2].group("message") == "grade 'Kindergarten' is not one of PK, K, 1-12"
    assert "Traceback" not in result.stderr
    assert result.stdout == ""
    assert dump(path) == before


def test_a_folder_is_imported_and_the_summary_says_what_changed(tmp_path):
    path = tmp_path / "store.db"
    url = f"sqlite:///{path}"
    folder = district_files(tmp_path / "files")

    first = run_cli("import", str(folder), database_url=url)
    assert first.returncode == 0, first.stderr
    assert first.stderr == ""
    assert f"Imported 15 files into {url}" in first.stdout
    assert re.search(r"students\s+4\s+4\s+0\s+0\n", first.stdout)
    with sqlite3.connect(path) as connection:
        assert connection.execute("SELECT count(*) FROM students").fetchone() == (4,)
        assert connection.execute(
            "SELECT actor, operation FROM audit_log WHERE operation = 'import'"
        ).fetchall() == [("command line", "import")]
    stored = dump(path, skip=BOOKKEEPING)

    students = [row[:] for row in DISTRICT["students"]]
    students[1][5] = "X"
    write_import_file(folder, "students.csv", students)
    second = run_cli("import", str(folder / "students.csv"), database_url=url)
    assert second.returncode == 0, second.stderr
    assert re.search(r"students\s+4\s+0\s+1\s+3\n", second.stdout)
    assert dump(path, skip=BOOKKEEPING) != stored


def test_a_dry_run_says_what_would_change_and_stores_nothing(tmp_path):
    path = tmp_path / "store.db"
    url = f"sqlite:///{path}"
    assert run_cli("init", database_url=url).returncode == 0
    before = dump(path)
    result = run_cli("import", "--dry-run", str(district_files(tmp_path / "f")), database_url=url)
    assert result.returncode == 0, result.stderr
    assert "Nothing was stored (--dry-run)" in result.stdout
    assert re.search(r"buildings\s+2\s+2\s+0\s+0\n", result.stdout)
    assert dump(path) == before


def test_the_demo_district_is_replaced_only_when_asked(demo_store_url, tmp_path):
    path = tmp_path / "demo.db"
    shutil.copy(demo_store_url.removeprefix("sqlite:///"), path)
    url = f"sqlite:///{path}"
    folder = district_files(tmp_path / "files")
    before = dump(path)

    refused = run_cli("import", str(folder), database_url=url)
    assert refused.returncode == 1
    assert (
        "import:1: -: the store holds the demo district; clear the demo data first"
        in refused.stderr
    )
    assert "--replace-demo" in refused.stderr
    assert dump(path) == before

    replaced = run_cli("import", "--replace-demo", str(folder), database_url=url)
    assert replaced.returncode == 0, replaced.stderr
    assert "(the demo district was removed)" in replaced.stdout
    with sqlite3.connect(path) as connection:
        assert connection.execute("SELECT count(*) FROM buildings").fetchone() == (2,)
        assert connection.execute("SELECT * FROM store_info WHERE key = 'demo'").fetchall() == []


def test_a_path_that_does_not_exist_is_named(tmp_path):
    result = run_cli(
        "import", str(tmp_path / "nowhere"), database_url=f"sqlite:///{tmp_path / 's.db'}"
    )
    assert result.returncode == 1
    assert f"{tmp_path / 'nowhere'}:1: -: there is no such file or folder" in result.stderr
