"""The import rules of the data contract, each on small hand-written files: what is stored, what is
refused, and the exact message a data manager reads."""

from __future__ import annotations

import shutil
from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import select

from data_access.db import get_data_version, get_store_info, session_scope
from data_access.imports.pipeline import import_files
from data_access.imports.reading import ImportFile, collect_files
from data_access.models import (
    Action,
    ActionUpdate,
    AuditLog,
    Building,
    Discipline,
    InstrumentItem,
    Student,
    UserBuilding,
)
from data_access.users.access import UserAccess
from tests.utils.factories import write_import_file

IMPORTER = UserAccess(email="test", role="district_admin")

STORE_TABLES = (
    "buildings",
    "instruments",
    "staff",
    "users",
    "user_buildings",
    "students",
    "attendance",
    "discipline",
    "supports",
    "screening",
    "school_calendar",
    "fidelity",
    "staff_assignments",
    "supervision",
    "caseloads",
    "actions",
    "action_updates",
)

DISTRICT = {
    "buildings": [
        ["building_id", "name", "level", "principal_email"],
        ["B1", "Lincoln Elementary", "elementary", "p1@d.org"],
        ["B2", "Adams Middle", "middle", ""],
    ],
    "instruments": [
        ["instrument", "scale", "item_id", "item_title", "max_score", "criterion_pct", "subscale"],
        ["SAM-lite", "Leadership", "L1", "Leadership team", "3", "70", "Team"],
        ["SAM-lite", "Leadership", "L2", "Shared vision", "3", "70", ""],
    ],
    "staff": [
        ["staff_id", "name", "role", "email"],
        ["C1", "Jordan Lee", "counselor", "jordan@d.org"],
        ["P1", "Sam Ortiz", "psychologist", ""],
        ["A1", "Kim Park", "administrator", ""],
    ],
    "users": [
        ["email", "role", "building_ids"],
        ["admin@d.org", "district_admin", ""],
        ["principal@d.org", "principal", "B1"],
        ["coach@d.org", "coach", "B1;B2"],
    ],
    "students": [
        [
            "student_id",
            "school_year",
            "building_id",
            "grade",
            "race_ethnicity",
            "sex",
            "iep",
            "el",
            "econ_disadv",
            "section_504",
        ],
        ["S1", "2025-26", "B1", "3", "WH", "F", "N", "N", "Y", ""],
        ["S2", "2025-26", "B1", "K", "HI", "M", "Y", "N", "N", "N"],
        ["S3", "2025-26", "B2", "7", "BL", "X", "N", "Y", "Y", "Y"],
        ["S4", "2025-26", "B2", "8", "TR", "F", "N", "N", "N", "N"],
    ],
    "attendance": [
        ["student_id", "school_year", "days_enrolled", "days_absent"],
        ["S1", "2025-26", "170", "20"],
        ["S2", "2025-26", "170", "3"],
        ["S3", "2025-26", "160", "0"],
    ],
    "discipline": [
        ["incident_id", "student_id", "school_year", "incident_date", "action"],
        ["I1", "S3", "2025-26", "2025-10-03", "ODR"],
        ["I2", "S3", "2025-26", "10/20/2025", "OSS"],
    ],
    "supports": [
        [
            "support_id",
            "student_id",
            "school_year",
            "domain",
            "tier",
            "intervention",
            "start_date",
            "end_date",
            "champion_staff_id",
        ],
        ["SP1", "S1", "2025-26", "reading", "2", "Small-group phonics", "2025-10-01", "", "C1"],
    ],
    "screening": [
        ["student_id", "school_year", "window", "measure", "at_benchmark"],
        ["S1", "2025-26", "fall", "DIBELS composite", "N"],
        ["S2", "2025-26", "fall", "DIBELS composite", "Y"],
    ],
    "school_calendar": [
        ["school_year", "building_id", "month", "school_days"],
        ["2025-26", "ALL", "2025-09", "21"],
        ["2025-26", "B2", "2025-09", "19"],
    ],
    "fidelity": [
        ["building_id", "instrument", "administered_on", "item_id", "score"],
        ["B1", "SAM-lite", "2025-10-20", "L1", "2"],
        ["B1", "SAM-lite", "2025-10-20", "L2", "3"],
        ["B2", "TFI-2.1", "2025-10-21", "1.1", "1"],
    ],
    "staff_assignments": [
        ["staff_id", "building_id", "school_year", "fte"],
        ["C1", "B1", "2025-26", "1"],
        ["P1", "B1", "2025-26", "0.5"],
        ["P1", "B2", "2025-26", "0.5"],
        ["A1", "B2", "2025-26", "1.0"],
    ],
    "supervision": [
        ["session_id", "staff_id", "session_date", "format", "status", "supervisor_id", "minutes"],
        ["V1", "C1", "2025-11-04", "individual", "held", "P1", "60"],
        ["V2", "C1", "2026-01-09", "individual", "scheduled", "", ""],
    ],
    "caseloads": [
        ["staff_id", "building_id", "as_of", "active_cases"],
        ["C1", "B1", "2026-01-15", "38"],
    ],
    "actions": [
        [
            "action_id",
            "building_id",
            "title",
            "owner_email",
            "due_date",
            "status",
            "fidelity_check",
            "outcome_check",
            "created_at",
            "updated_at",
            "overdue",
        ],
        [
            "101",
            "B1",
            "Reteach hallway expectations",
            "coach@d.org",
            "2026-02-27",
            "open",
            "not_started",
            "",
            "2025-11-12T15:30:00Z",
            "",
            "true",
        ],
        [
            "102",
            "",
            "One referral form for the district",
            "admin@d.org",
            "2026-03-31",
            "in_progress",
            "partial",
            "no_change",
            "2025-12-01",
            "2026-01-08T09:00:00Z",
            "false",
        ],
    ],
}


def district_files(folder: Path, extension: str = ".csv", **changes: list[list[str]]) -> Path:
    """The small district as one import file per table; `changes` replaces a table's rows."""
    for name, rows in (DISTRICT | changes).items():
        write_import_file(folder, f"{name}{extension}", rows)
    return folder


def run_import(url: str, *paths: Path | str, **options):
    files, problems, _ = collect_files([str(path) for path in paths])
    return import_files(
        files, database_url=url, editor=IMPORTER, earlier_problems=problems, **options
    )


def store_rows(url: str, tables: tuple[str, ...] = STORE_TABLES) -> dict[str, list[tuple]]:
    """Every row of the district tables, in key order (bookkeeping left out)."""
    from sqlmodel import SQLModel

    import data_access.models  # noqa: F401 - the tables are defined there

    contents = {}
    with session_scope(url) as session:
        for name in tables:
            table = SQLModel.metadata.tables[name]
            keys = list(table.primary_key.columns)
            contents[name] = [tuple(row) for row in session.execute(select(table).order_by(*keys))]
    return contents


def messages(result) -> list[str]:
    return [str(problem) for problem in result.problems]


# --- Loading --------------------------------------------------------------------------------------


def test_every_table_imports_and_a_reimport_changes_nothing(store_url, tmp_path):
    folder = district_files(tmp_path / "district")
    first = run_import(store_url, folder)
    assert first.ok, messages(first)
    assert {name: (c.rows, c.added) for name, c in first.counts.items()} == {
        "buildings": (2, 2),
        "instruments": (2, 2),
        "staff": (3, 3),
        "users": (3, 3),
        "students": (4, 4),
        "attendance": (3, 3),
        "discipline": (2, 2),
        "supports": (1, 1),
        "screening": (2, 2),
        "school_calendar": (2, 2),
        "fidelity": (3, 3),
        "staff_assignments": (4, 4),
        "supervision": (2, 2),
        "caseloads": (1, 1),
        "actions": (2, 2),
    }
    before = store_rows(store_url)
    with session_scope(store_url) as session:
        student = session.get(Student, ("S3", "2025-26"))
        assert (student.iep, student.el, student.econ_disadv, student.section_504) == (
            False,
            True,
            True,
            True,
        )
        assert session.get(Student, ("S1", "2025-26")).section_504 is False  # empty means N
        assert sorted(
            session.execute(
                select(UserBuilding.building_id).where(UserBuilding.email == "coach@d.org")
            ).scalars()
        ) == ["B1", "B2"]

    again = run_import(store_url, folder)
    assert again.ok, messages(again)
    assert all(c.added == 0 and c.updated == 0 for c in again.counts.values()), again.counts
    assert sum(c.unchanged for c in again.counts.values()) == 36
    assert store_rows(store_url) == before


def test_a_changed_row_is_updated_and_a_new_one_added(store_url, tmp_path):
    assert run_import(store_url, district_files(tmp_path / "first")).ok
    students = [row[:] for row in DISTRICT["students"]]
    students[1][3] = "4"  # S1 moves up a grade
    students.append(["S5", "2025-2026", "B2", "6", "AS", "M", "N", "N", "N", "N"])
    result = run_import(store_url, write_import_file(tmp_path / "second", "students.csv", students))
    assert result.ok, messages(result)
    counts = result.counts["students"]
    assert (counts.rows, counts.added, counts.updated, counts.unchanged) == (5, 1, 1, 3)
    with session_scope(store_url) as session:
        assert session.get(Student, ("S1", "2025-26")).grade == "4"
        assert session.get(Student, ("S5", "2025-26")).building_id == "B2"


def test_a_bad_line_at_the_end_stores_nothing_from_any_file(store_url, tmp_path):
    students = DISTRICT["students"] + [["S9", "2025-26", "B1", "13", "WH", "F", "N", "N", "N", ""]]
    folder = district_files(tmp_path / "district", students=students)
    with session_scope(store_url) as session:
        version = get_data_version(session)
    before = store_rows(store_url)

    result = run_import(store_url, folder)

    assert messages(result) == [
        f"{folder / 'students.csv'}:6: grade: grade '13' is not one of PK, K, 1-12"
    ]
    assert not result.imported
    assert store_rows(store_url) == before  # buildings, checked and written first, are gone too
    with session_scope(store_url) as session:
        assert get_data_version(session) == version
        assert (
            session.execute(select(AuditLog).where(AuditLog.operation == "import")).first() is None
        )


def test_success_bumps_the_data_version_once_and_audits_what_changed(sqlite_url, tmp_path):
    with session_scope(sqlite_url) as session:
        version = get_data_version(session)
    result = run_import(sqlite_url, district_files(tmp_path / "district"))
    assert result.ok and result.data_version == version + 1
    with session_scope(sqlite_url) as session:
        assert get_data_version(session) == version + 1
        audit = session.execute(select(AuditLog).where(AuditLog.operation == "import")).scalar_one()
    assert audit.actor == "test" and audit.data_version == version + 1
    assert '"students": {"added": 4, "unchanged": 0, "updated": 0}' in audit.detail
    assert "students.csv" in audit.detail


# --- Reading files --------------------------------------------------------------------------------


def test_headers_match_whatever_their_case_and_surrounding_spaces(sqlite_url, tmp_path):
    path = write_import_file(
        tmp_path,
        "buildings.csv",
        [[" Building_ID ", "NAME", "Level  "], ["B1", "Lincoln Elementary", "Elementary"]],
    )
    result = run_import(sqlite_url, path)
    assert result.ok, messages(result)
    with session_scope(sqlite_url) as session:
        assert session.get(Building, "B1").level == "elementary"


def test_unknown_columns_warn_once_each_and_personal_data_is_never_stored(sqlite_url, tmp_path):
    district_files(tmp_path / "d")
    students = [
        DISTRICT["students"][0] + ["first_name", "Date of Birth", "home_phone", "homeroom"],
        DISTRICT["students"][1] + ["Xiomara", "2015-03-02", "555-0100", "4B"],
        DISTRICT["students"][2] + ["Bob", "2019-01-01", "555-0101", "KA"],
    ]
    path = write_import_file(tmp_path / "d", "students.csv", students)
    result = run_import(sqlite_url, tmp_path / "d" / "buildings.csv", path)
    assert result.ok, messages(result)
    warnings = [str(warning) for warning in result.warnings]
    assert warnings == [
        f"{path}:1: first_name: warning: this column looks like personal data about students "
        "(a name); it was not read and is never stored",
        f"{path}:1: Date of Birth: warning: this column looks like personal data about students "
        "(a birth date); it was not read and is never stored",
        f"{path}:1: home_phone: warning: this column looks like personal data about students "
        "(a phone number); it was not read and is never stored",
        f"{path}:1: homeroom: warning: students has no column 'homeroom'; it was ignored (the "
        "columns are student_id, school_year, building_id, grade, race_ethnicity, sex, iep, el, "
        "econ_disadv, section_504)",
    ]
    dump = repr(store_rows(sqlite_url))
    assert "Xiomara" not in dump and "2015-03-02" not in dump and "555-0100" not in dump


def test_booleans_dates_and_school_years_in_every_accepted_form(sqlite_url, tmp_path):
    district_files(tmp_path / "d")
    header = DISTRICT["students"][0]
    students = [header] + [
        [f"S{n}", year, "B1", "3", "WH", "F", iep, "N", "N", ""]
        for n, (iep, year) in enumerate(
            [
                ("Y", "2025-26"),
                ("yes", "2025-2026"),
                ("TRUE", " 2025-26 "),
                ("1", "2025-26"),
                ("n", "2025-26"),
                ("No", "2025-26"),
                ("false", "2025-26"),
                ("0", "2025-26"),
            ]
        )
    ]
    discipline = [
        DISTRICT["discipline"][0],
        ["I1", "S0", "2025-26", "2025-10-03", "ODR"],
        ["I2", "S0", "2025-26", "1/5/2026", "ODR"],
    ]
    folder = tmp_path / "d"
    write_import_file(folder, "students.csv", students)
    write_import_file(folder, "discipline.csv", discipline)
    result = run_import(
        sqlite_url, folder / "buildings.csv", folder / "students.csv", folder / "discipline.csv"
    )
    assert result.ok, messages(result)
    rows = store_rows(sqlite_url, ("students", "discipline"))
    assert [(row[0], row[1], row[6]) for row in rows["students"]] == [
        ("S0", "2025-26", True),
        ("S1", "2025-26", True),
        ("S2", "2025-26", True),
        ("S3", "2025-26", True),
        ("S4", "2025-26", False),
        ("S5", "2025-26", False),
        ("S6", "2025-26", False),
        ("S7", "2025-26", False),
    ]
    assert [row[3] for row in rows["discipline"]] == [date(2025, 10, 3), date(2026, 1, 5)]


def test_a_file_whose_every_line_is_bad_reports_every_line(sqlite_url, tmp_path):
    district_files(tmp_path / "d")
    path = write_import_file(
        tmp_path / "d",
        "students.csv",
        [
            DISTRICT["students"][0],
            ["S1", "2025-26", "B1", "Kindergarten", "WH", "F", "N", "N", "N", ""],
            ["S2", "2025", "B1", "3", "WH", "F", "N", "N", "N", ""],
            ["S3", "2025-26", "B7", "3", "WH", "F", "N", "N", "N", ""],
            ["S4", "2025-26", "B1", "3", "White", "F", "N", "N", "N", ""],
            ["S5", "2025-26", "B1", "3", "WH", "female", "N", "N", "N", ""],
            ["S6", "2025-26", "B1", "3", "WH", "F", "maybe", "N", "N", ""],
            ["", "2025-26", "B1", "3", "WH", "F", "N", "N", "N", ""],
            ["S1", "2025-26", "B2", "4", "WH", "F", "N", "N", "N", ""],
        ],
    )
    result = run_import(sqlite_url, tmp_path / "d" / "buildings.csv", path)
    assert messages(result) == [
        f"{path}:2: grade: grade 'Kindergarten' is not one of PK, K, 1-12",
        f"{path}:3: school_year: school_year '2025' is not a school year (write 2024-25 or "
        "2024-2025)",
        f"{path}:4: building_id: building 'B7' is not in the store or in this import (the "
        "buildings file)",
        f"{path}:5: race_ethnicity: race_ethnicity 'White' is not one of HI (Hispanic or Latino, "
        "of any race); for students who are not Hispanic: AM (American Indian or Alaska Native), "
        "AS (Asian), HP (Native Hawaiian or Other Pacific Islander), BL (Black or African "
        "American), WH (White), TR (two or more races)",
        f"{path}:6: sex: sex 'female' is not one of F, M, X",
        f"{path}:7: iep: iep 'maybe' is not yes or no (write Y, N, yes, no, true, false, 1 or 0)",
        f"{path}:8: student_id: student_id is empty; every row needs one",
        f"{path}:9: student_id: the same student_id and school_year as line 2 (student_id S1, "
        "school_year 2025-26); a row may appear only once in an import",
    ]
    assert store_rows(sqlite_url, ("buildings", "students")) == {"buildings": [], "students": []}


def test_rules_that_compare_values_of_a_row(sqlite_url, tmp_path):
    folder = district_files(
        tmp_path / "d",
        attendance=[
            DISTRICT["attendance"][0],
            ["S1", "2025-26", "170", "171"],
            ["S2", "2025-26", "-1", "0"],
        ],
        discipline=[DISTRICT["discipline"][0], ["I1", "S3", "2025-26", "2025-06-30", "ODR"]],
        supports=[
            DISTRICT["supports"][0],
            ["SP1", "S1", "2025-26", "reading", "1", "Phonics", "2025-10-01", "2025-09-01", "C9"],
        ],
        staff_assignments=[
            DISTRICT["staff_assignments"][0],
            ["C1", "B1", "2025-26", "0"],
            ["P1", "B1", "2025-26", "1.5"],
        ],
        fidelity=[DISTRICT["fidelity"][0], ["B1", "SAM-lite", "2025-10-20", "L1", "4"]],
    )
    result = run_import(sqlite_url, folder)
    assert [str(p).removeprefix(f"{folder}/") for p in result.problems] == [
        "attendance.csv:2: days_absent: days_absent 171 is more than days_enrolled 170",
        "attendance.csv:3: days_enrolled: days_enrolled -1 is not a whole number from 0 to 366",
        "discipline.csv:2: incident_date: incident_date 2025-06-30 is not in school year 2025-26 "
        "(1 July 2025 to 30 June 2026)",
        "fidelity.csv:2: score: score 4 is more than item L1's maximum of 3",
        "staff_assignments.csv:2: fte: fte 0 is not a number more than 0 and at most 1",
        "staff_assignments.csv:3: fte: fte 1.5 is not a number more than 0 and at most 1",
        "supports.csv:2: tier: tier '1' is not one of 2, 3",
        "supports.csv:2: end_date: end_date 2025-09-01 is before start_date 2025-10-01",
        "supports.csv:2: champion_staff_id: staff member 'C9' is not in the store or in this "
        "import (the staff file)",
    ]


def test_references_may_be_met_by_the_store_or_by_the_same_import(sqlite_url, tmp_path):
    assert run_import(sqlite_url, district_files(tmp_path / "first")).ok
    # The second import refers to S1 and C1 in the store, and brings S9 and building B3 itself.
    folder = tmp_path / "second"
    write_import_file(
        folder, "buildings.csv", [DISTRICT["buildings"][0], ["B3", "Hill High", "high", ""]]
    )
    write_import_file(
        folder,
        "students.csv",
        [DISTRICT["students"][0], ["S9", "2025-26", "B3", "9", "WH", "M", "N", "N", "N", ""]],
    )
    write_import_file(
        folder,
        "attendance.csv",
        [
            DISTRICT["attendance"][0],
            ["S1", "2025-26", "171", "21"],
            ["S9", "2025-26", "100", "5"],
            ["S9", "2024-25", "100", "5"],
            ["S404", "2025-26", "100", "5"],
        ],
    )
    result = run_import(sqlite_url, folder)
    assert [str(p).removeprefix(f"{folder}/") for p in result.problems] == [
        "attendance.csv:4: student_id: student 'S9' has no students row for 2024-25, in the "
        "store or in this import",
        "attendance.csv:5: student_id: student 'S404' has no students row for 2025-26, in the "
        "store or in this import",
    ]


def test_two_rows_with_one_key_in_two_files_name_both_places(sqlite_url, tmp_path):
    district_files(tmp_path / "a")
    second = write_import_file(
        tmp_path / "b",
        "buildings.xlsx",
        [DISTRICT["buildings"][0], ["B9", "Nine", "other", ""], ["B2", "Adams", "middle", ""]],
    )
    result = run_import(sqlite_url, tmp_path / "a" / "buildings.csv", second)
    assert messages(result) == [
        f"{second}:3: building_id: the same building_id as {tmp_path / 'a' / 'buildings.csv'} "
        "line 3 (building_id B2); a row may appear only once in an import"
    ]


def test_a_file_must_be_named_after_its_table(sqlite_url, tmp_path):
    path = write_import_file(tmp_path, "students_2025.csv", DISTRICT["students"])
    result = run_import(sqlite_url, path)
    assert messages(result) == [
        f"{path}:1: -: 'students_2025.csv' does not name a table: a file's name (without .csv or "
        ".xlsx) must be one of buildings, instruments, staff, users, students, attendance, "
        "discipline, supports, screening, school_calendar, fidelity, staff_assignments, supervision, "
        "caseloads, staff_pulse, actions; rename it students.csv"
    ]


def test_a_missing_required_column_is_named_with_the_header_it_found(sqlite_url, tmp_path):
    path = write_import_file(tmp_path, "buildings.csv", [["building_id", "nme"], ["B1", "x"]])
    result = run_import(sqlite_url, path)
    assert messages(result) == [
        f"{path}:1: name: the required column name is missing (the header has: building_id, nme)",
        f"{path}:1: level: the required column level is missing (the header has: building_id, nme)",
    ]


def test_csv_quirks_bom_blank_lines_and_quoted_line_breaks_keep_line_numbers(sqlite_url, tmp_path):
    path = tmp_path / "buildings.csv"
    path.write_bytes(
        "\ufeffbuilding_id,name,level\r\n"
        'B1,"Lincoln\r\nElementary",elementary\r\n'
        "\r\n"
        "B2,Adams Middle,middel\r\n".encode()
    )
    result = run_import(sqlite_url, path)
    assert messages(result) == [
        f"{path}:5: level: level 'middel' is not one of elementary, middle, high, k8, other"
    ]


def test_a_file_that_is_not_utf8_or_has_a_ragged_line_is_refused_clearly(sqlite_url, tmp_path):
    latin = tmp_path / "latin" / "buildings.csv"
    latin.parent.mkdir()
    latin.write_bytes("building_id,name,level\nB1,Montréal School,other\n".encode("latin-1"))
    ragged = write_import_file(
        tmp_path / "ragged",
        "staff.csv",
        [["staff_id", "name", "role"], ["C1", "Lee, Jordan", "counselor"]],
    )
    ragged.write_text("staff_id,name,role\nC1,Lee, Jordan,counselor\n")
    result = run_import(sqlite_url, latin, ragged)
    assert messages(result) == [
        f"{latin}:2: -: the file is not UTF-8 text (it has a character UTF-8 does not allow); in "
        "Excel, save it as 'CSV UTF-8 (comma delimited)'",
        f"{ragged}:2: -: this line has 4 values but the header has 3 columns; a value holding a "
        "comma must be in double quotes",
    ]


def test_a_folder_is_loaded_in_dependency_order_whatever_the_file_order(sqlite_url, tmp_path):
    folder = district_files(tmp_path / "district")
    files, _, _ = collect_files([str(folder)])
    assert [file.base_name for file in files][:3] == [
        "actions.csv",
        "attendance.csv",
        "buildings.csv",
    ]
    result = run_import(sqlite_url, folder)
    assert result.ok, messages(result)
    assert list(result.counts)[:4] == ["buildings", "instruments", "staff", "users"]
    assert list(result.counts)[-1] == "actions"


def test_xlsx_files_give_exactly_the_store_csv_files_give(tmp_path):
    from tests.conftest import sqlite_store

    csv_url = sqlite_store(tmp_path / "csv")
    xlsx_url = sqlite_store(tmp_path / "xlsx")
    assert run_import(csv_url, district_files(tmp_path / "csv-files")).ok
    result = run_import(xlsx_url, district_files(tmp_path / "xlsx-files", ".xlsx"))
    assert result.ok, messages(result)
    tables = tuple(name for name in STORE_TABLES if name != "action_updates")
    assert store_rows(xlsx_url, tables) == store_rows(csv_url, tables)


def test_excel_cells_typed_as_numbers_and_dates_read_as_their_text(sqlite_url, tmp_path):
    district_files(tmp_path / "d")
    path = write_import_file(
        tmp_path / "d",
        "discipline.xlsx",
        [DISTRICT["discipline"][0], ["I1", "S3", "2025-26", date(2025, 10, 3), "ODR"]],
    )
    write_import_file(
        tmp_path / "d",
        "staff_assignments.xlsx",
        [DISTRICT["staff_assignments"][0], ["C1", "B1", "2025-26", 0.5]],
    )
    folder = tmp_path / "d"
    result = run_import(
        sqlite_url,
        *(folder / f"{name}.csv" for name in ("buildings", "staff", "students")),
        path,
        folder / "staff_assignments.xlsx",
    )
    assert result.ok, messages(result)
    rows = store_rows(sqlite_url, ("discipline", "staff_assignments"))
    assert rows["discipline"] == [
        ("I1", "S3", "2025-26", date(2025, 10, 3), "ODR", None, "major", None, None, None)
    ]
    assert rows["staff_assignments"] == [("C1", "B1", "2025-26", 0.5)]


# --- Tables with their own rules ------------------------------------------------------------------


def test_the_teams_self_check_scores_also_keep_their_instrument_from_changing(sqlite_url, tmp_path):
    from data_access.models import TeamSelfCheck

    with session_scope(sqlite_url) as session:
        session.add(
            TeamSelfCheck(
                instrument="SHARED-LEADERSHIP",
                administered_on=date(2025, 10, 1),
                item_id="SL.1",
                score=1,
            )
        )
    path = write_import_file(
        tmp_path,
        "instruments.csv",
        [
            [
                "instrument",
                "scale",
                "item_id",
                "item_title",
                "max_score",
                "criterion_pct",
                "subscale",
            ],
            ["SHARED-LEADERSHIP", "Shared leadership", "SL1", "Team meets monthly", "2", "75", ""],
        ],
    )
    result = run_import(sqlite_url, path)
    assert [m for m in messages(result) if "SHARED-LEADERSHIP" in m] == [
        f"{path}:2: instrument: instrument 'SHARED-LEADERSHIP' already has 1 score in the store, so "
        "its definition cannot be changed (this file's differs from the stored one); give the new "
        "definition a new name, e.g. 'SHARED-LEADERSHIP-v2'"
    ]


def test_an_instrument_with_scores_cannot_change_but_one_without_can(sqlite_url, tmp_path):
    assert run_import(sqlite_url, district_files(tmp_path / "first")).ok
    changed = [row[:] for row in DISTRICT["instruments"]]
    changed[1][4] = "4"  # L1's maximum, on an instrument with scores
    changed += [
        ["SHARED-LEADERSHIP", "Shared leadership", "SL1", "Team meets monthly", "2", "75", ""],
    ]
    path = write_import_file(tmp_path / "second", "instruments.csv", changed)
    result = run_import(sqlite_url, path)
    assert messages(result) == [
        f"{path}:2: instrument: instrument 'SAM-lite' already has 2 scores in the store, "
        "so its definition cannot be changed (this file's differs from the stored one); give the "
        "new definition a new name, e.g. 'SAM-lite-v2'"
    ]

    # SHARED-LEADERSHIP (built in, no scores) is replaced by the file's one-item definition.
    result = run_import(
        sqlite_url,
        write_import_file(tmp_path / "third", "instruments.csv", [changed[0], changed[-1]]),
    )
    assert result.ok, messages(result)
    with session_scope(sqlite_url) as session:
        items = session.execute(
            select(InstrumentItem.item_id, InstrumentItem.criterion_pct).where(
                InstrumentItem.instrument == "SHARED-LEADERSHIP"
            )
        ).all()
    assert items == [("SL1", 75.0)]


def test_actions_are_upserted_by_id_with_history_and_the_follow_up_rules(store_url, tmp_path):
    sqlite_url = store_url  # both backends: PostgreSQL's id sequence must move past imported ids
    assert run_import(sqlite_url, district_files(tmp_path / "first")).ok
    with session_scope(sqlite_url) as session:
        action = session.get(Action, 102)
        assert (action.status, action.version, action.building_id) == ("in_progress", 1, None)
        history = session.execute(
            select(ActionUpdate.field, ActionUpdate.new_value).where(ActionUpdate.action_id == 102)
        ).all()
    assert history == [
        (
            "imported",
            "building_id: None; title: One referral form for the district; owner_email: "
            "admin@d.org; due_date: 2026-03-31; status: in_progress; fidelity_check: partial; "
            "outcome_check: no_change",
        )
    ]
    actions = [row[:] for row in DISTRICT["actions"]]
    actions[2][5], actions[2][7] = "done", "goal_met"
    actions.append(
        [
            "103",
            "B9",
            "Owner unknown",
            "nobody@d.org",
            "2026-01-01",
            "open",
            "",
            "",
            "2026-02-01",
            "",
            "",
        ]
    )
    path = write_import_file(tmp_path / "second", "actions.csv", actions)
    result = run_import(sqlite_url, path)
    assert messages(result) == [
        f"{path}:4: building_id: building 'B9' is not in the store or in this import (the "
        "buildings file)",
        f"{path}:4: owner_email: user 'nobody@d.org' is not in the store or in this import (the "
        "users file)",
        f"{path}:4: due_date: The due date 1 Jan 2026 is before the action was created (1 Feb "
        "2026).",
    ]
    result = run_import(
        sqlite_url, write_import_file(tmp_path / "third", "actions.csv", actions[:3])
    )
    assert result.ok, messages(result)
    assert (result.counts["actions"].updated, result.counts["actions"].unchanged) == (1, 1)
    with session_scope(sqlite_url) as session:
        action = session.get(Action, 102)
        assert (action.status, action.outcome_check, action.version) == ("done", "goal_met", 2)
        last = (
            session.execute(
                select(ActionUpdate)
                .where(ActionUpdate.action_id == 102)
                .order_by(ActionUpdate.update_id.desc())
            )
            .scalars()
            .first()
        )
    assert (last.field, last.old_value, last.new_value, last.version) == (
        "imported",
        "status: in_progress; outcome_check: no_change",
        "status: done; outcome_check: goal_met",
        2,
    )
    # An action saved afterwards (as the app saves one: no id given) gets the next free id.
    with session_scope(sqlite_url) as session:
        action = Action(title="Follow up", owner_email="admin@d.org", due_date=date(2030, 1, 1))
        session.add(action)
        session.flush()
        assert action.action_id == 103


def test_the_demo_district_is_refused_unless_it_is_replaced(demo_store_url, tmp_path):
    demo_copy = tmp_path / "demo.db"
    shutil.copy(demo_store_url.removeprefix("sqlite:///"), demo_copy)
    url = f"sqlite:///{demo_copy}"
    before = store_rows(url, ("buildings", "students"))
    folder = district_files(tmp_path / "district")

    refused = run_import(url, folder)
    assert messages(refused) == [
        "import:1: -: the store holds the demo district; clear the demo data first (on the Data "
        "page, or with `python -m data_access import --replace-demo ...`), so your district's "
        "data is not mixed with made-up data"
    ]
    assert store_rows(url, ("buildings", "students")) == before

    replaced = run_import(url, folder, replace_demo=True)
    assert replaced.ok and replaced.replaced_demo
    rows = store_rows(url, ("buildings", "students"))
    assert [row[0] for row in rows["buildings"]] == ["B1", "B2"]
    assert len(rows["students"]) == 4
    with session_scope(url) as session:
        assert "demo" not in get_store_info(session)


def test_a_dry_run_checks_and_counts_but_stores_nothing(sqlite_url, tmp_path):
    before = store_rows(sqlite_url)
    result = run_import(sqlite_url, district_files(tmp_path / "d"), dry_run=True)
    assert result.ok and not result.imported
    assert result.counts["students"].added == 4
    assert store_rows(sqlite_url) == before


@pytest.mark.parametrize("name", ["notes.txt", "students.xls"])
def test_files_that_are_neither_csv_nor_xlsx_are_refused(sqlite_url, name):
    result = import_files([ImportFile(name, b"x")], database_url=sqlite_url, editor=IMPORTER)
    assert len(result.problems) == 1
    assert "is not a .csv or .xlsx file" in result.problems[0].message


def test_days_removed_is_an_optional_whole_number_of_days(sqlite_url, tmp_path):
    """The discipline file's days_removed (the IDEA view's removal length): stored when given,
    empty when not, refused when negative or not a whole number."""
    folder = district_files(
        tmp_path / "d",
        discipline=[
            [*DISTRICT["discipline"][0], "days_removed"],
            ["I1", "S3", "2025-26", "2025-10-03", "ODR", ""],
            ["I2", "S3", "2025-26", "10/20/2025", "OSS", "3"],
        ],
    )
    assert messages(run_import(sqlite_url, folder)) == []
    rows = store_rows(sqlite_url, ("discipline",))["discipline"]
    assert [(row[0], row[5]) for row in rows] == [("I1", None), ("I2", 3)]

    bad = district_files(
        tmp_path / "bad",
        discipline=[
            [*DISTRICT["discipline"][0], "days_removed"],
            ["I1", "S3", "2025-26", "2025-10-03", "OSS", "-1"],
            ["I2", "S3", "2025-26", "10/20/2025", "OSS", "2.5"],
        ],
    )
    problems = [str(p).removeprefix(f"{bad}/") for p in run_import(sqlite_url, bad).problems]
    assert [p.split(": ")[:2] for p in problems] == [
        ["discipline.csv:2", "days_removed"],
        ["discipline.csv:3", "days_removed"],
    ]


SYSTEM_HEALTH_DISCIPLINE = [
    "incident_id",
    "student_id",
    "school_year",
    "incident_date",
    "action",
    "referral_type",
    "behavior",
    "location",
    "incident_time",
]
SYSTEM_HEALTH_SUPPORTS = [
    *DISTRICT["supports"][0],
    "outcome",
    "sessions_planned",
    "sessions_delivered",
]


def test_the_system_health_columns_are_stored_and_a_reimport_updates_them(sqlite_url, tmp_path):
    """Referral type (empty: major), behavior, location and time (9:05 → 09:05); a support's
    outcome and sessions; a screening risk level; the school calendar, ALL or one building."""
    folder = district_files(
        tmp_path / "d",
        discipline=[
            SYSTEM_HEALTH_DISCIPLINE,
            ["I1", "S3", "2025-26", "2025-10-03", "ODR", "minor", "Defiance", "Classroom", "9:05"],
            ["I2", "S3", "2025-26", "10/20/2025", "OSS", "", "Fighting", "Hallway", "12:40"],
        ],
        supports=[
            SYSTEM_HEALTH_SUPPORTS,
            [*DISTRICT["supports"][1][:-1], "C1", "Goal_Met", "30", "0"],
        ],
        screening=[
            [*DISTRICT["screening"][0], "risk_level"],
            ["S1", "2025-26", "fall", "DIBELS composite", "N", "HIGH"],
            ["S2", "2025-26", "fall", "DIBELS composite", "Y", ""],
        ],
    )
    assert messages(run_import(sqlite_url, folder)) == []
    stored = store_rows(sqlite_url, ("discipline", "supports", "screening", "school_calendar"))
    assert [row[-4:] for row in stored["discipline"]] == [
        ("minor", "Defiance", "Classroom", "09:05"),
        ("major", "Fighting", "Hallway", "12:40"),
    ]
    assert [row[-3:] for row in stored["supports"]] == [("goal_met", 30, 0)]
    assert [row[-1] for row in stored["screening"]] == ["high", None]
    assert stored["school_calendar"] == [
        ("2025-26", "ALL", "2025-09", 21),
        ("2025-26", "B2", "2025-09", 19),
    ]

    # A file without the new columns leaves them as stored; one with them updates them.
    again = district_files(
        tmp_path / "again",
        discipline=DISTRICT["discipline"],
        supports=[
            SYSTEM_HEALTH_SUPPORTS,
            [*DISTRICT["supports"][1][:-1], "C1", "progressing", "30", "12"],
        ],
        school_calendar=[
            DISTRICT["school_calendar"][0],
            ["2025-26", "ALL", "2025-09", "20"],
        ],
    )
    result = run_import(sqlite_url, again)
    assert result.ok, messages(result)
    assert (result.counts["supports"].updated, result.counts["school_calendar"].updated) == (1, 1)
    assert result.counts["discipline"].updated == 0
    stored = store_rows(sqlite_url, ("discipline", "supports", "school_calendar"))
    assert [row[-4:] for row in stored["discipline"]] == [
        ("minor", "Defiance", "Classroom", "09:05"),
        ("major", "Fighting", "Hallway", "12:40"),
    ]
    assert [row[-3:] for row in stored["supports"]] == [("progressing", 30, 12)]
    assert [row[-1] for row in stored["school_calendar"]] == [20, 19]


def test_a_referral_with_no_type_column_is_major(sqlite_url, tmp_path):
    assert messages(run_import(sqlite_url, district_files(tmp_path / "d"))) == []
    rows = store_rows(sqlite_url, ("discipline",))["discipline"]
    columns = [c.name for c in Discipline.__table__.columns]
    assert [row[columns.index("referral_type")] for row in rows] == ["major", "major"]


def test_the_system_health_columns_refuse_what_they_cannot_mean(sqlite_url, tmp_path):
    """Each wrong value is named with its line; nothing is stored."""
    bad = district_files(
        tmp_path / "bad",
        discipline=[
            SYSTEM_HEALTH_DISCIPLINE,
            ["I1", "S3", "2025-26", "2025-10-03", "ODR", "moderate", "", "", "12:30"],
            ["I2", "S3", "2025-26", "10/20/2025", "OSS", "major", "", "", "24:10"],
            ["I3", "S3", "2025-26", "10/21/2025", "OSS", "major", "", "", "lunch"],
        ],
        supports=[
            SYSTEM_HEALTH_SUPPORTS,
            [*DISTRICT["supports"][1][:-1], "C1", "finished", "30", "-2"],
        ],
        screening=[
            [*DISTRICT["screening"][0], "risk_level"],
            ["S1", "2025-26", "fall", "DIBELS composite", "N", "medium"],
        ],
        school_calendar=[
            DISTRICT["school_calendar"][0],
            ["2025-26", "ALL", "2026-07", "20"],
            ["2025-26", "B1", "2025-10", "32"],
            ["2025-26", "B7", "2025-10", "20"],
            ["2025-26", "ALL", "2025-13", "20"],
        ],
    )
    result = run_import(sqlite_url, bad)
    assert [str(p).removeprefix(f"{bad}/") for p in result.problems] == [
        "discipline.csv:2: referral_type: referral_type 'moderate' is not one of major, minor",
        "discipline.csv:3: incident_time: incident_time '24:10' is not a time of day (write HH:MM "
        "on the 24-hour clock, 13:05)",
        "discipline.csv:4: incident_time: incident_time 'lunch' is not a time of day (write HH:MM "
        "on the 24-hour clock, 13:05)",
        "school_calendar.csv:2: month: month 2026-07 is not in school year 2025-26 (July 2025 to "
        "June 2026)",
        "school_calendar.csv:3: school_days: school_days 32 is not a whole number from 0 to 31",
        "school_calendar.csv:4: building_id: building 'B7' is not in the store or in this import "
        "(the buildings file)",
        "school_calendar.csv:5: month: month '2025-13' is not a month (write YYYY-MM, 2025-09)",
        "screening.csv:2: risk_level: risk_level 'medium' is not one of low, some, high",
        "supports.csv:2: outcome: outcome 'finished' is not one of goal_met, progressing, "
        "not_responding, intensified, discontinued",
        "supports.csv:2: sessions_delivered: sessions_delivered -2 is not a whole number from 0 "
        "to 1000",
    ]
    assert store_rows(sqlite_url, ("discipline", "school_calendar")) == {
        "discipline": [],
        "school_calendar": [],
    }
