"""A corpus of bad input: each file is refused with the exact `FILE:LINE: COLUMN: message` a data
manager reads (or, where said, accepted as it should be), and a refusal leaves the store byte for byte
as it was (a dump of every table, before and after)."""

from __future__ import annotations

import sqlite3
from datetime import date
from pathlib import Path

import pytest

from data_access.validation import latest_due_date
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


TODAY = date.today().isoformat()
_START = date.today().year if date.today().month >= 7 else date.today().year - 1
NEXT_YEAR = f"{_START + 1}-{(_START + 2) % 100:02d}"
FIVE_YEARS_AHEAD = latest_due_date(date.today()).isoformat()


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
    (
        "NUL byte in a building id",
        "buildings.csv",
        [["B\x003", "Hoover High", "high", ""]],
        "buildings.csv:2: building_id: building_id holds an invisible or control character "
        "(U+0000); retype it with visible characters only",
    ),
    (
        "NUL byte in a name",
        "staff.csv",
        [["C9", "Jo\x00rdan", "counselor", ""]],
        "staff.csv:2: name: name holds an invisible or control character (U+0000); retype it "
        "with visible characters only",
    ),
    (
        "zero-width space in a building id",
        "buildings.csv",
        [["B\u200b1", "Lincoln Elementary", "elementary", ""]],
        "buildings.csv:2: building_id: building_id holds an invisible or control character "
        "(U+200B); retype it with visible characters only",
    ),
    (
        "a building id differing only in case",
        "buildings.csv",
        [["b1", "Lincoln Elementary again", "elementary", ""]],
        "buildings.csv:2: building_id: building_id 'b1' differs from the building 'B1' only in "
        "upper and lower case; use 'B1' (IDs that differ only in case are the same building)",
    ),
    (
        "a staff id differing only in case, in one file",
        "staff.csv",
        [["T1", "Ann Lee", "counselor", ""], ["t1", "Ann Lee", "counselor", ""]],
        "staff.csv:3: staff_id: staff_id 't1' differs from the staff member 'T1' only in upper "
        "and lower case; use 'T1' (IDs that differ only in case are the same staff member)",
    ),
    (
        "a fidelity administration in the future",
        "fidelity.csv",
        [["B1", "SAM-lite", "2031-10-20", "L1", "2"]],
        "fidelity.csv:2: administered_on: administered_on 2031-10-20 is in the future (today is "
        f"{TODAY}); a fidelity administration is recorded once the team has done it",
    ),
    (
        "a caseload counted in the future",
        "caseloads.csv",
        [["C1", "B1", "2031-01-15", "38"]],
        f"caseloads.csv:2: as_of: as_of 2031-01-15 is in the future (today is {TODAY}); cases "
        "are counted on a day that has come",
    ),
    (
        "a held supervision in the future",
        "supervision.csv",
        [["V9", "C1", "2031-11-04", "individual", "held", "P1", "60"]],
        "supervision.csv:2: status: a session on 2031-11-04 cannot be held yet (today is "
        f"{TODAY}); mark it scheduled",
    ),
    (
        "a school year far ahead",
        "attendance.csv",
        [["S1", "2099-00", "170", "3"]],
        "attendance.csv:2: school_year: school_year 2099-00 is not between 2000-01 and next "
        f"school year ({NEXT_YEAR})",
    ),
    (
        "a due date in year 9999",
        "actions.csv",
        [
            [
                "101",
                "B1",
                "Reteach",
                "coach@d.org",
                "9999-12-31",
                "open",
                "not_started",
                "",
                "",
                "",
                "",
            ]
        ],
        f"actions.csv:2: due_date: due_date 9999-12-31 is more than 5 years ahead (at most "
        f"{FIVE_YEARS_AHEAD})",
    ),
    (
        "a student's name and birth date as the student id",
        "students.csv",
        [["Alice Smith 2015-03-02", "2025-26", "B1", "3", "WH", "F", "N", "N", "N", "N"]],
        "students.csv:2: student_id: student_id 'Alice Smith 2015-03-02' looks like an email "
        "address or a name; student IDs must be pseudonymous (your information system's student "
        "number, without spaces or @)",
    ),
    (
        "an email as the student id",
        "students.csv",
        [["alice@d.org", "2025-26", "B1", "3", "WH", "F", "N", "N", "N", "N"]],
        "students.csv:2: student_id: student_id 'alice@d.org' looks like an email address or a "
        "name; student IDs must be pseudonymous (your information system's student number, "
        "without spaces or @)",
    ),
    (
        "a calendar month outside its school year",
        "school_calendar.csv",
        [["2025-26", "ALL", "2025-06", "12"]],
        "school_calendar.csv:2: month: month 2025-06 is not in school year 2025-26 (July 2025 to "
        "June 2026)",
    ),
    (
        "more school days than a month has",
        "school_calendar.csv",
        [["2025-26", "B1", "2025-09", "40"]],
        "school_calendar.csv:2: school_days: school_days 40 is not a whole number from 0 to 31",
    ),
    (
        "a calendar for an unknown building (ALL in lower case is a building id)",
        "school_calendar.csv",
        [["2025-26", "all", "2025-09", "20"]],
        "school_calendar.csv:2: building_id: building 'all' is not in the store or in this import "
        "(the buildings file)",
    ),
    (
        "a calendar month written as a date",
        "school_calendar.csv",
        [["2025-26", "ALL", "2025-09-01", "20"]],
        "school_calendar.csv:2: month: month '2025-09-01' is not a month (write YYYY-MM, 2025-09)",
    ),
    (
        "a principal without a building",
        "users.csv",
        [["new.principal@d.org", "principal", ""]],
        "users.csv:2: building_ids: a principal needs at least one building in building_ids",
    ),
    (
        "a district leader with buildings",
        "users.csv",
        [["leader@d.org", "district_leader", "B1;B2"]],
        "users.csv:2: building_ids: a district leader sees every building; leave building_ids "
        "empty (it has B1;B2)",
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


# The system-health columns, with their own headers (the district's files do without them).
SYSTEM_HEALTH_CASES = [
    (
        "a referral type that is neither major nor minor",
        "discipline.csv",
        ["incident_id", "student_id", "school_year", "incident_date", "action", "referral_type"],
        ["I9", "S3", "2025-26", "2025-11-03", "ODR", "Major referral"],
        "discipline.csv:2: referral_type: referral_type 'Major referral' is not one of major, minor",
    ),
    (
        "a time with AM/PM",
        "discipline.csv",
        ["incident_id", "student_id", "school_year", "incident_date", "action", "incident_time"],
        ["I9", "S3", "2025-26", "2025-11-03", "ODR", "1:30 PM"],
        "discipline.csv:2: incident_time: incident_time '1:30 PM' is not a time of day (write "
        "HH:MM on the 24-hour clock, 13:05)",
    ),
    (
        "an unknown outcome",
        "supports.csv",
        [*DISTRICT["supports"][0], "outcome"],
        [*DISTRICT["supports"][1], "met"],
        "supports.csv:2: outcome: outcome 'met' is not one of goal_met, progressing, "
        "not_responding, intensified, discontinued",
    ),
    (
        "negative sessions delivered",
        "supports.csv",
        [*DISTRICT["supports"][0], "sessions_planned", "sessions_delivered"],
        [*DISTRICT["supports"][1], "20", "-1"],
        "supports.csv:2: sessions_delivered: sessions_delivered -1 is not a whole number from 0 "
        "to 1000",
    ),
    (
        "an unknown risk level",
        "screening.csv",
        [*DISTRICT["screening"][0], "risk_level"],
        ["S1", "2025-26", "winter", "DIBELS composite", "N", "at risk"],
        "screening.csv:2: risk_level: risk_level 'at risk' is not one of low, some, high",
    ),
]


@pytest.mark.parametrize(
    ("file", "columns", "row", "expected"),
    [case[1:] for case in SYSTEM_HEALTH_CASES],
    ids=[case[0] for case in SYSTEM_HEALTH_CASES],
)
def test_a_bad_system_health_value_is_refused_and_the_store_is_unchanged(
    store, tmp_path, file, columns, row, expected
):
    folder = tmp_path / "files"
    write_import_file(folder, file, [columns, row])
    assert refused(store, folder, file) == [expected]


# --- Whole files that cannot be read as a table ------------------------------------------------------


def write_bytes(folder: Path, name: str, content: bytes) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / name).write_bytes(content)
    return folder / name


def workbook(rows: list[list[object]]):
    from openpyxl import Workbook

    book = Workbook()
    for row in rows:
        book.active.append(row)
    return book


ATTENDANCE_HEADER = "student_id,school_year,days_enrolled,days_absent\n"

FILE_CASES = [
    (
        "Latin-1 text",
        "students.csv",
        (
            ",".join(header("students"))
            + "\nS1,2025-26,B1,3,WH,F,N,N,Y,\nS\xe9,2025-26,B1,3,WH,F,N,N,Y,\n"
        ).encode("latin-1"),
        "students.csv:3: -: the file is not UTF-8 text (it has a character UTF-8 does not allow); "
        "in Excel, save it as 'CSV UTF-8 (comma delimited)'",
    ),
    (
        "UTF-16 text",
        "attendance.csv",
        (ATTENDANCE_HEADER + "S1,2025-26,170,3\n").encode("utf-16"),
        "attendance.csv:1: -: the file is not UTF-8 text (it has a character UTF-8 does not "
        "allow); in Excel, save it as 'CSV UTF-8 (comma delimited)'",
    ),
    (
        "semicolons for commas",
        "attendance.csv",
        b"student_id;school_year;days_enrolled;days_absent\nS1;2025-26;170;3\n",
        "attendance.csv:1: -: the values are separated by semicolons (;), not commas; save the "
        "file as 'CSV UTF-8 (comma delimited)'",
    ),
    (
        "tabs for commas",
        "attendance.csv",
        b"student_id\tschool_year\tdays_enrolled\tdays_absent\nS1\t2025-26\t170\t3\n",
        "attendance.csv:1: -: the values are separated by tabs, not commas; save the file as 'CSV "
        "UTF-8 (comma delimited)'",
    ),
    (
        "a comma inside an unquoted value",
        "attendance.csv",
        (ATTENDANCE_HEADER + "S1,2025-26,170,3,4\n").encode(),
        "attendance.csv:2: -: this line has 5 values but the header has 4 columns; a value "
        "holding a comma must be in double quotes",
    ),
    (
        "a column twice",
        "attendance.csv",
        b"student_id,school_year,days_enrolled,Days_Enrolled,days_absent\nS1,2025-26,170,170,3\n",
        "attendance.csv:1: Days_Enrolled: the column 'Days_Enrolled' appears twice (columns 3 "
        "and 4); keep one",
    ),
    (
        "a spreadsheet named .csv",
        "attendance.csv",
        None,  # an xlsx file's bytes, written below
        "attendance.csv:1: -: the file is not UTF-8 text (it has a character UTF-8 does not "
        "allow); in Excel, save it as 'CSV UTF-8 (comma delimited)'",
    ),
    (
        "CSV text named .xlsx",
        "attendance.xlsx",
        (ATTENDANCE_HEADER + "S1,2025-26,170,3\n").encode(),
        "attendance.xlsx:1: -: the file cannot be opened as an Excel workbook (File is not a zip "
        "file)",
    ),
    (
        "an old Excel file",
        "attendance.xls",
        b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 504,
        "attendance.xls:1: -: 'attendance.xls' is not a .csv or .xlsx file; save it as CSV UTF-8 "
        "or as an Excel workbook (.xlsx)",
    ),
    (
        "an empty file",
        "attendance.csv",
        b"",
        "attendance.csv:1: -: the file is empty: it needs a header row",
    ),
]


@pytest.mark.parametrize(
    ("name", "content", "expected"),
    [case[1:] for case in FILE_CASES],
    ids=[case[0] for case in FILE_CASES],
)
def test_a_file_that_cannot_be_read_is_refused_and_the_store_is_unchanged(
    store, tmp_path, name, content, expected
):
    folder = tmp_path / "files"
    if content is None:
        folder.mkdir(parents=True)
        workbook([header("attendance"), ["S1", "2025-26", 170, 3]]).save(folder / name)
    else:
        write_bytes(folder, name, content)
    assert refused(store, folder, name) == [expected]


def test_merged_cells_are_refused(store, tmp_path):
    folder = tmp_path / "files"
    folder.mkdir()
    book = workbook([header("attendance"), ["S1", "2025-26", 170, 3], ["S2", "2025-26", 170]])
    book.active.merge_cells("C2:C3")
    book.save(folder / "attendance.xlsx")
    assert refused(store, folder, "attendance.xlsx") == [
        "attendance.xlsx:1: -: the sheet has merged cells (C2:C3); unmerge them so that every "
        "value sits in its own cell of its own column"
    ]


def test_a_formula_without_a_calculated_value_says_so(store, tmp_path):
    folder = tmp_path / "files"
    folder.mkdir()
    workbook([header("buildings"), ["B3", '=CONCAT("New ", "School")', "middle", ""]]).save(
        folder / "buildings.xlsx"
    )
    assert refused(store, folder, "buildings.xlsx") == [
        "buildings.xlsx:2: name: cell B2 holds a formula with no calculated value saved in the "
        "file (it was written by a program, not saved by Excel); open and save it in Excel, or "
        "paste the values instead of the formula"
    ]


# --- Bounded reading -------------------------------------------------------------------------------


def wide_attendance(path: Path, *, declared: bool = True) -> Path:
    """2,000 rows and one stray cell in column XFD (the last Excel has): a small file whose sheet
    is 16,384 columns wide. Without `declared`, the sheet does not state its used range."""
    import re
    import zipfile

    from openpyxl import Workbook

    book = Workbook(write_only=not declared)
    sheet = book.active if declared else book.create_sheet()
    sheet.append(header("attendance"))
    for number in range(2000):
        stray = [None] * (16384 - 5) + ["x"] if number == 1499 and not declared else []
        sheet.append([f"S{number}", "2025-26", 170, 3, *stray])
    if declared:
        sheet["XFD1501"] = "x"
    book.save(path)
    if not declared:  # openpyxl writes no dimension in write-only mode; make sure of it
        with zipfile.ZipFile(path) as source:
            sheet_xml = source.read("xl/worksheets/sheet1.xml")
        assert not re.search(rb"<dimension", sheet_xml)
    return path


@pytest.mark.parametrize(
    ("declared", "expected"),
    [
        (
            True,
            "attendance.xlsx:1: -: the sheet's used range reaches column XFD (16,384 columns); an "
            "import file has at most 200 columns. Delete the columns after the table's last one "
            "(a stray cell far to the right is enough), or save the sheet as CSV",
        ),
        (
            False,
            "attendance.xlsx:1501: column XFD: a value in column XFD, beyond the 200 columns an "
            "import file may have; delete it (or save the sheet as CSV)",
        ),
    ],
    ids=["declared used range", "found while streaming"],
)
def test_a_sheet_with_a_cell_in_column_xfd_is_refused_quickly_in_little_memory(
    store, tmp_path, declared, expected
):
    import time
    import tracemalloc

    folder = tmp_path / "files"
    folder.mkdir()
    wide_attendance(folder / "attendance.xlsx", declared=declared)
    tracemalloc.start()
    started = time.perf_counter()
    problems = refused(store, folder, "attendance.xlsx")
    seconds = time.perf_counter() - started
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    assert problems == [expected]
    assert peak < 50_000_000, f"peak {peak / 1e6:.0f} MB"
    assert seconds < 10, f"{seconds:.1f} s"  # about 0.5 s; generous for a busy test machine
