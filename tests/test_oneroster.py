"""OneRoster 1.1 and 1.2 CSV exports, with the quirks real ones have (tests/fixtures/oneroster_*):
vendor columns, a byte-order mark, CRLF lines, M/D/YYYY dates, tobedeleted rows, students in many
classes and in two schools, teachers and guardians in users.csv, race flags to map, classes.csv and
courses.csv the dashboard does not need; the 1.2 export has roles.csv and no enrollments.csv."""

from __future__ import annotations

import shutil
from datetime import date
from pathlib import Path

import pytest

from data_access.db import session_scope
from data_access.imports.oneroster import infer_level
from data_access.models import Building, Student
from tests.test_import_rules import messages, run_import, store_rows
from tests.utils.factories import write_import_file

FIXTURES = Path(__file__).resolve().parent / "fixtures"
ONEROSTER_1_1 = FIXTURES / "oneroster_1_1"
ONEROSTER_1_2 = FIXTURES / "oneroster_1_2"
ONEROSTER_1_0 = FIXTURES / "oneroster_1_0"
AUTUMN_2025 = date(2025, 10, 1)


def test_a_oneroster_1_1_export_becomes_buildings_and_students(store_url):
    result = run_import(store_url, ONEROSTER_1_1, today=AUTUMN_2025)
    assert result.ok, messages(result)
    rows = store_rows(store_url, ("buildings", "students"))
    # The tobedeleted school is skipped; Adams has no identifier, so its sourcedId stands in.
    assert rows["buildings"] == [
        ("LIN-ES", "Lincoln Elementary School", "elementary", None),
        ("RIV", "Riverside Academy", "high", None),  # no level in its name: grades 9 and 10
        ("org-ms-2", "Adams Middle School", "middle", None),
    ]
    assert rows["students"] == [
        # Students are keyed by sourcedId, never their identifier, username or email.
        # Hispanic and white: Hispanic first. KG is K. 3 classes at Lincoln.
        ("u-s1", "2025-26", "LIN-ES", "K", "HI", "F", False, False, False, False),
        # Asian and white: two or more races. 2 classes at Adams beat 1 at Lincoln.
        ("u-s2", "2025-26", "org-ms-2", "7", "TR", "M", False, False, False, False),
        # Black plus the explicit flag: two or more.
        ("u-s3", "2025-26", "RIV", "9", "TR", "X", False, False, False, False),
        # Black only (TRUE in capitals); sex unspecified is X; M/D/YYYY enrollment dates.
        ("u-s4", "2025-26", "RIV", "10", "BL", "X", False, False, False, False),
        # No enrollments: the school comes from orgSourcedIds. American Indian: AM.
        ("u-s6", "2025-26", "LIN-ES", "1", "AM", "F", False, False, False, False),
    ]
    notes = [str(note).removeprefix(f"{ONEROSTER_1_1}/") for note in result.warnings]
    assert "users.csv:6: status: note: 1 row marked tobedeleted or inactive skipped" in notes
    assert (
        "users.csv:1: role: note: 3 teachers, guardians and other people who are not students "
        "were not imported" in notes
    )
    assert (
        "classes.csv:1: -: note: the dashboard needs no classes, courses or results; not read: "
        "classes.csv, courses.csv" in notes
    )
    assert {(f.table, f.rows) for f in result.files if f.file.endswith("users.csv")} == {
        ("OneRoster 1.1", 8)
    }
    dump = repr(store_rows(store_url))
    assert "Rivera" not in dump and "2020-03-14" not in dump and "555-0100" not in dump


def test_a_oneroster_1_2_export_with_roles_and_no_enrollments(sqlite_url):
    result = run_import(sqlite_url, ONEROSTER_1_2, today=AUTUMN_2025)
    assert result.ok, messages(result)
    rows = store_rows(sqlite_url, ("buildings", "students"))
    assert rows["buildings"] == [
        ("OAK-K8", "Oak Grove K-8", "k8", None),
        ("sch-2", "Summit Learning Center", "high", None),
    ]
    assert [row[:6] for row in rows["students"]] == [
        ("s-a", "2025-26", "OAK-K8", "PK", "HP", "F"),
        ("s-b", "2025-26", "OAK-K8", "8", "WH", "M"),
        ("s-c", "2025-26", "sch-2", "12", "AS", "X"),
    ]
    assert {f.table for f in result.files} == {"OneRoster 1.2"}


def test_flags_oneroster_lacks_and_levels_set_earlier_are_kept(store_url, tmp_path):
    folder = tmp_path / "earlier"
    write_import_file(
        folder,
        "buildings.csv",
        [["building_id", "name", "level"], ["LIN-ES", "Lincoln", "k8"]],
    )
    write_import_file(
        folder,
        "students.csv",
        [
            ["student_id", "school_year", "building_id", "grade", "race_ethnicity", "sex"]
            + ["iep", "el", "econ_disadv", "section_504"],
            ["u-s1", "2025-26", "LIN-ES", "1", "WH", "M", "Y", "Y", "Y", "Y"],
        ],
    )
    assert run_import(store_url, folder).ok

    result = run_import(store_url, ONEROSTER_1_1, today=AUTUMN_2025)
    assert result.ok, messages(result)
    assert (result.counts["students"].added, result.counts["students"].updated) == (4, 1)
    with session_scope(store_url) as session:
        student = session.get(Student, ("u-s1", "2025-26"))
        assert (student.grade, student.race_ethnicity, student.sex) == ("K", "HI", "F")
        assert (student.iep, student.el, student.econ_disadv, student.section_504) == (
            True,
            True,
            True,
            True,
        )
        building = session.get(Building, "LIN-ES")
        assert (building.name, building.level) == ("Lincoln Elementary School", "k8")


@pytest.mark.parametrize(
    ("today", "asked", "expected"),
    [
        (date(2024, 10, 1), None, "2024-25"),  # the session running today
        (AUTUMN_2025, None, "2025-26"),
        (date(2027, 1, 1), None, "2025-26"),  # none running: the newest
        (AUTUMN_2025, "2024-25", "2024-25"),  # --school-year
    ],
)
def test_students_are_imported_for_the_active_school_year(sqlite_url, today, asked, expected):
    result = run_import(sqlite_url, ONEROSTER_1_1, today=today, school_year=asked)
    assert result.ok, messages(result)
    assert {row[1] for row in store_rows(sqlite_url, ("students",))["students"]} == {expected}


def test_enrollments_outside_the_school_year_do_not_decide_the_school(sqlite_url):
    # u-s1's Adams enrollment ran 2024-25 only; its Lincoln classes all begin in August 2025.
    assert run_import(sqlite_url, ONEROSTER_1_1, today=date(2024, 10, 1)).ok
    with session_scope(sqlite_url) as session:
        assert session.get(Student, ("u-s1", "2024-25")).building_id == "org-ms-2"


def test_problems_in_an_export_name_the_oneroster_file_line_and_column(sqlite_url, tmp_path):
    folder = tmp_path / "export"
    shutil.copytree(ONEROSTER_1_1, folder)
    users = (folder / "users.csv").read_text().replace(",KG,,free", ",TK,,free")
    (folder / "users.csv").write_text(users)
    with (folder / "enrollments.csv").open("a") as handle:
        handle.write("e99,active,2025-08-15T09:00:00Z,c-x,org-gone,u-s4,student,false,,,\n")
    demographics = (folder / "demographics.csv").read_text()
    demographics = demographics.replace(
        "u-s2,active,2025-08-15T09:00:00Z,2013-01-02,male,false,true",
        "u-s2,active,2025-08-15T09:00:00Z,2013-01-02,male,false,maybe",
    )
    demographics = "\n".join(
        line for line in demographics.splitlines() if not line.startswith("u-s6")
    )
    (folder / "demographics.csv").write_text(demographics + "\n")

    result = run_import(sqlite_url, folder, today=AUTUMN_2025)
    assert [str(p).removeprefix(f"{folder}/") for p in result.problems] == [
        "demographics.csv:3: asian: asian 'maybe' is not true or false",
        "enrollments.csv:15: schoolSourcedId: school 'org-gone' is not an active school in "
        "orgs.csv",
        "users.csv:2: grade: grade 'TK' is not one of PK, K, 1-12",
    ]
    assert store_rows(sqlite_url, ("buildings", "students")) == {"buildings": [], "students": []}


def test_an_export_without_its_optional_files_still_imports(sqlite_url, tmp_path):
    folder = tmp_path / "minimal"
    folder.mkdir()
    for name in ("orgs.csv", "users.csv", "demographics.csv"):
        shutil.copy(ONEROSTER_1_1 / name, folder / name)
    result = run_import(sqlite_url, folder, today=date(2026, 3, 1))
    assert result.ok, messages(result)
    students = store_rows(sqlite_url, ("students",))["students"]
    # Without enrollments, each student's school is the school among their orgSourcedIds.
    assert [(row[0], row[1], row[2]) for row in students] == [
        ("u-s1", "2025-26", "LIN-ES"),
        ("u-s2", "2025-26", "org-ms-2"),
        ("u-s3", "2025-26", "RIV"),
        ("u-s4", "2025-26", "RIV"),
        ("u-s6", "2025-26", "LIN-ES"),
    ]
    assert any("no academic sessions" in str(note) for note in result.warnings)


def test_oneroster_files_without_orgs_csv_are_refused_clearly(sqlite_url):
    result = run_import(sqlite_url, ONEROSTER_1_1 / "demographics.csv")
    assert messages(result) == [
        f"{ONEROSTER_1_1 / 'demographics.csv'}:1: -: demographics.csv is a OneRoster file; import "
        "the whole OneRoster export together (it needs orgs.csv and users.csv)"
    ]


@pytest.mark.parametrize(
    ("name", "grades", "level"),
    [
        ("Lincoln Elementary School", [], "elementary"),
        ("Jefferson Junior High", ["7"], "middle"),
        ("Oak Grove K-8", ["K", "8"], "k8"),
        ("North High School", ["9"], "high"),
        ("Summit Academy", ["K", "1", "5"], "elementary"),
        ("Summit Academy", ["6", "7", "8"], "middle"),
        ("Summit Academy", ["PK", "3", "8"], "k8"),
        ("Summit Academy", ["11", "12"], "high"),
        ("Summit Academy", ["3", "10"], "other"),
        ("Summit Academy", [], "other"),
    ],
)
def test_a_school_level_comes_from_its_name_else_its_students_grades(name, grades, level):
    assert infer_level(name, grades) == level


# --- OneRoster the way vendors write it -----------------------------------------------------------

UNKNOWN_COUNTED = (
    " (imported: counted in enrollment and in the groups they belong to, never in a race group)"
)


def _warnings(result, folder: Path) -> list[str]:
    return [str(note).removeprefix(f"{folder}/") for note in result.warnings]


def test_quirk_oneroster_1_0_usersourcedid_demographics_no_grades_no_schoolyear(sqlite_url):
    # OneRoster 1.0: demographics.csv keyed by userSourcedId, users.csv without grades,
    # academicSessions.csv without schoolYear, no manifest; identifier is a login (bruce.wayne).
    result = run_import(sqlite_url, ONEROSTER_1_0, today=date(2026, 10, 1))
    assert result.ok, messages(result)
    rows = store_rows(sqlite_url, ("buildings", "students"))
    assert rows["buildings"] == [("WASH", "Washington Elementary", "elementary", None)]
    assert [row[:6] for row in rows["students"]] == [
        ("p-100", "2017-18", "WASH", None, "WH", "M"),
        ("p-101", "2017-18", "WASH", None, "HI", "F"),
        ("p-102", "2017-18", "WASH", None, None, None),  # no demographics row
    ]
    warnings = _warnings(result, ONEROSTER_1_0)
    assert (
        "users.csv:1: -: warning: 1 student has no row in demographics.csv, so their "
        "race/ethnicity and sex are unknown" + UNKNOWN_COUNTED in warnings
    )
    assert (
        "users.csv:1: -: warning: 3 students have no grade, so their grade is unknown"
        + (UNKNOWN_COUNTED)
        in warnings
    )
    assert "bruce.wayne" not in repr(store_rows(sqlite_url))


def test_quirk_demographics_csv_with_no_rows_imports_everyone_with_race_and_sex_unknown(
    sqlite_url, tmp_path
):
    folder = tmp_path / "export"
    shutil.copytree(ONEROSTER_1_1, folder)
    header = (folder / "demographics.csv").read_text().splitlines()[0]
    (folder / "demographics.csv").write_text(header + "\n")
    result = run_import(sqlite_url, folder, today=AUTUMN_2025)
    assert result.ok, messages(result)
    students = store_rows(sqlite_url, ("students",))["students"]
    assert [(row[0], row[3], row[4], row[5]) for row in students] == [
        ("u-s1", "K", None, None),
        ("u-s2", "7", None, None),
        ("u-s3", "9", None, None),
        ("u-s4", "10", None, None),
        ("u-s6", "1", None, None),
    ]
    unknown = [w for w in _warnings(result, folder) if "unknown" in w]
    assert unknown == [
        "users.csv:1: -: warning: 5 students have no row in demographics.csv, so their "
        "race/ethnicity and sex are unknown" + UNKNOWN_COUNTED
    ]


def test_quirk_no_race_flag_and_no_grade_are_unknown_with_one_warning_per_kind(
    sqlite_url, tmp_path
):
    folder = tmp_path / "export"
    shutil.copytree(ONEROSTER_1_1, folder)
    demographics = (folder / "demographics.csv").read_text()
    # u-s6: every flag empty or false; u-s4: every flag false.
    demographics = demographics.replace(
        "u-s6,active,2025-08-15T09:00:00Z,4/1/2019,female,true,",
        "u-s6,active,2025-08-15T09:00:00Z,4/1/2019,female,false,",
    ).replace(
        "2009-09-09,unspecified,false,false,TRUE,false",
        "2009-09-09,unspecified,false,false,false,false",
    )
    (folder / "demographics.csv").write_text(demographics)
    users = (folder / "users.csv").read_text().replace(",KG,,free", ",,,free")
    (folder / "users.csv").write_text(users)

    result = run_import(sqlite_url, folder, today=AUTUMN_2025)
    assert result.ok, messages(result)
    students = store_rows(sqlite_url, ("students",))["students"]
    assert [(row[0], row[3], row[4], row[5]) for row in students] == [
        ("u-s1", None, "HI", "F"),
        ("u-s2", "7", "TR", "M"),
        ("u-s3", "9", "TR", "X"),
        ("u-s4", "10", None, "X"),
        ("u-s6", "1", None, "F"),
    ]
    unknown = [w for w in _warnings(result, folder) if "unknown" in w]
    assert unknown == [
        "demographics.csv:1: -: warning: 2 students have no race or ethnicity flag set in "
        "demographics.csv, so their race/ethnicity is unknown" + UNKNOWN_COUNTED,
        "users.csv:1: -: warning: 1 student has no grade, so their grade is unknown"
        + UNKNOWN_COUNTED,
    ]


def test_quirk_unknown_race_counts_in_enrollment_and_in_no_race_group(store_url, tmp_path):
    from sqlmodel import select

    from data_access.models import EquityCellCount

    folder = tmp_path / "export"
    shutil.copytree(ONEROSTER_1_0, folder)
    assert run_import(store_url, folder, today=date(2026, 10, 1)).ok
    with session_scope(store_url) as session:
        cells = sorted(
            (cell.race_ethnicity, cell.sex, cell.n_students)
            for cell in session.exec(select(EquityCellCount))
        )
    # Three enrolled: p-102's unknown race and sex are the cell '' (in the total, in no group).
    assert cells == [("", "", 1), ("HI", "F", 1), ("WH", "M", 1)]


def test_quirk_school_year_from_session_dates_and_schoolyear_disagreeing_is_a_warning(
    sqlite_url, tmp_path
):
    folder = tmp_path / "export"
    shutil.copytree(ONEROSTER_1_1, folder)
    (folder / "academicSessions.csv").write_text(
        "sourcedId,status,dateLastModified,title,type,startDate,endDate,parentSourcedId,"
        "schoolYear\n"
        "s1,active,2023-06-01T00:00:00Z,Semester 1,semester,2023-09-04,2024-01-26,,2023\n"
    )
    result = run_import(sqlite_url, folder, today=date(2023, 10, 2))
    assert result.ok, messages(result)
    assert {row[1] for row in store_rows(sqlite_url, ("students",))["students"]} == {"2023-24"}
    assert (
        "academicSessions.csv:2: schoolYear: warning: session 'Semester 1' (s1) runs 2023-09-04 "
        "to 2024-01-26, in school year 2023-24, but its schoolYear 2023 means 2022-23; the "
        "dates were used" in _warnings(result, folder)
    )


def test_quirk_a_refused_export_with_unknowns_leaves_the_store_untouched(sqlite_url, tmp_path):
    assert run_import(sqlite_url, ONEROSTER_1_1, today=AUTUMN_2025).ok
    before = store_rows(sqlite_url)
    folder = tmp_path / "export"
    shutil.copytree(ONEROSTER_1_0, folder)
    with (folder / "enrollments.csv").open("a") as handle:
        handle.write("en-5,active,2017-08-20T00:00:00Z,cl-1,o-gone,p-100,student,true\r\n")
    result = run_import(sqlite_url, folder, today=date(2026, 10, 1))
    assert not result.ok
    assert store_rows(sqlite_url) == before
