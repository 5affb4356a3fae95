"""A corpus of bad input: each file is refused with the exact `FILE:LINE: COLUMN: message` a data
manager reads (or, where said, accepted as it should be), and a refusal leaves the store byte for byte
as it was (a dump of every table, before and after)."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from tests.test_import_rules import DISTRICT, district_files, run_import
from tests.utils.factories import write_import_file


@pytest.fixture(scope="module")
def district_store(tmp_path_factory) -> Path:
    """A SQLite store holding the small district, imported from files; copied for each test."""
    from data_access.store import init_store

    folder = tmp_path_factory.mktemp("district")
    path = folder / "store.db"
    init_store(f"sqlite:///{path}")
    result = run_import(f"sqlite:///{path}", district_files(folder / "files"))
    assert result.ok, [str(problem) for problem in result.problems]
    return path


@pytest.fixture
def store(district_store, tmp_path) -> Path:
    path = tmp_path / "store.db"
    # SQLite's backup, not a file copy: the store's recent writes may still be in its WAL file.
    with sqlite3.connect(district_store) as source, sqlite3.connect(path) as copy:
        source.backup(copy)
    return path


def dump(path: Path) -> list[str]:
    """Every table's rows and schema, as SQL text."""
    with sqlite3.connect(path) as connection:
        return list(connection.iterdump())


def refused(store: Path, folder: Path, *names: str) -> list[str]:
    """Import the named files of a folder; assert the store is unchanged; the problems, file names
    relative to the folder."""
    before = dump(store)
    result = run_import(f"sqlite:///{store}", *[folder / name for name in names])
    assert not result.ok, "the import was accepted"
    assert dump(store) == before, "a refused import changed the store"
    return [str(problem).removeprefix(f"{folder}/") for problem in result.problems]


def header(table: str) -> list[str]:
    return DISTRICT[table][0]


# (case, file, rows after the header, the one expected problem)
ROW_CASES = [
    (
        "huge number",
        "attendance.csv",
        [["S1", "2025-26", "1e20", "3"]],
        "attendance.csv:2: days_enrolled: days_enrolled '1e20' is not a whole number "
        "(write it with the digits 0-9)",
    ),
    (
        "huge number, written out",
        "attendance.csv",
        [["S1", "2025-26", "100000000000000000000", "3"]],
        "attendance.csv:2: days_enrolled: days_enrolled 100000000000000000000 is not a whole "
        "number from 0 to 366",
    ),
    (
        "days enrolled beyond a year",
        "attendance.csv",
        [["S1", "2025-26", "3000000000", "3"]],
        "attendance.csv:2: days_enrolled: days_enrolled 3000000000 is not a whole number from 0 "
        "to 366",
    ),
    (
        "underscores in a number",
        "attendance.csv",
        [["S1", "2025-26", "1_7_0", "3"]],
        "attendance.csv:2: days_enrolled: days_enrolled '1_7_0' is not a whole number "
        "(write it with the digits 0-9)",
    ),
    (
        "exponent",
        "attendance.csv",
        [["S1", "2025-26", "170", "1e1"]],
        "attendance.csv:2: days_absent: days_absent '1e1' is not a whole number "
        "(write it with the digits 0-9)",
    ),
    (
        "Arabic-Indic digits",
        "attendance.csv",
        [["S1", "2025-26", "\u0661\u0667\u0660", "3"]],
        "attendance.csv:2: days_enrolled: days_enrolled '\u0661\u0667\u0660' is not a whole "
        "number (write it with the digits 0-9)",
    ),
    (
        "infinity",
        "staff_assignments.csv",
        [["C1", "B1", "2025-26", "inf"]],
        "staff_assignments.csv:2: fte: fte 'inf' is not a number (write it with the digits 0-9)",
    ),
    (
        "minutes beyond a working day",
        "supervision.csv",
        [["V9", "C1", "2025-11-05", "individual", "held", "P1", "100000"]],
        "supervision.csv:2: minutes: minutes 100000 is not a whole number from 1 to 480",
    ),
    (
        "a score beyond any instrument",
        "instruments.csv",
        [["NEW-1", "Leadership", "L3", "Budget", "1e20", "70", ""]],
        "instruments.csv:2: max_score: max_score '1e20' is not a whole number "
        "(write it with the digits 0-9)",
    ),
]


@pytest.mark.parametrize(
    ("file", "rows", "expected"),
    [case[1:] for case in ROW_CASES],
    ids=[case[0] for case in ROW_CASES],
)
def test_a_bad_row_is_refused_with_its_line_and_the_store_is_unchanged(
    store, tmp_path, file, rows, expected
):
    folder = tmp_path / "files"
    write_import_file(folder, file, [header(file.split(".")[0]), *rows])
    assert refused(store, folder, file) == [expected]
