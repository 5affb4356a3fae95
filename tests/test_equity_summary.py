"""The equity count summary stays equal to the student rows it counts: after the demo loads, after ORM
writes, after imports (including an incident moved to another year), after a failed write, after the
demo is cleared, and after the migration that creates it on a store already holding students."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from sqlalchemy import delete, select, text

from data_access.db import get_engine, session_scope
from data_access.equity.metrics import CELL_COUNTS, GROUP_COLUMNS
from data_access.equity.summary import SUMMARY_COLUMNS, cell_counts_query
from data_access.imports.pipeline import import_files, remove_demo
from data_access.imports.reading import collect_files
from data_access.models import Discipline, EquityCellCount, Student
from data_access.store import init_store, upgrade_store
from data_access.users.access import UserAccess
from tests.utils.factories import (
    add_attendance,
    add_building,
    add_incidents,
    add_students,
    add_supports,
    write_import_file,
)

IMPORTER = UserAccess(email="test", role="district_admin")


def summary_rows(url: str) -> list[tuple]:
    summary = EquityCellCount.__table__
    with session_scope(url) as session:
        rows = session.execute(select(*(summary.c[name] for name in SUMMARY_COLUMNS)))
        return sorted(tuple(row) for row in rows)


def live_rows(url: str) -> list[tuple]:
    """The counts computed from the student rows now."""
    with session_scope(url) as session:
        return sorted(tuple(row) for row in session.execute(cell_counts_query()))


def cell(url: str, school_year: str, building_id: str) -> dict[str, int]:
    """The summed counts of one building and year, by count name."""
    totals = dict.fromkeys(CELL_COUNTS, 0)
    for row in summary_rows(url):
        if row[0] == school_year and row[1] == building_id:
            for name, value in zip(CELL_COUNTS, row[2 + len(GROUP_COLUMNS) :], strict=True):
                totals[name] += value
    return totals


def test_the_demo_loads_with_its_summary(demo_store_url):
    summary = summary_rows(demo_store_url)
    assert summary == live_rows(demo_store_url)
    with session_scope(demo_store_url) as session:
        years = set(session.execute(select(Student.school_year).distinct()).scalars())
        students = session.execute(select(Student.student_id)).all()
    assert {row[0] for row in summary} == years and len(years) >= 2
    assert sum(row[SUMMARY_COLUMNS.index("n_students")] for row in summary) == len(students)


def test_orm_writes_recount_only_their_year_and_a_failed_write_changes_nothing(store_url):
    with session_scope(store_url) as session:
        add_building(session, "B1")
        this_year = add_students(session, "B1", "2025-26", 40, race_ethnicity="BL")
        add_students(session, "B1", "2024-25", 30)
        add_incidents(session, this_year[:12], "2025-26", "OSS")
        add_incidents(session, this_year[:3], "2025-26", "EXP")  # already excluded: counted once
        add_attendance(session, this_year[:10], "2025-26", days_enrolled=100, days_absent=10)
        add_supports(session, this_year[:5], "2025-26", tier=3)
    now = cell(store_url, "2025-26", "B1")
    assert (now["n_students"], now["oss"], now["exclusion"]) == (40, 12, 12)
    assert (now["n_attendance"], now["chronic_absence"], now["tier2plus"], now["tier3"]) == (
        10,
        10,
        5,
        5,
    )
    assert cell(store_url, "2024-25", "B1")["n_students"] == 30
    assert summary_rows(store_url) == live_rows(store_url)

    before = summary_rows(store_url)
    with pytest.raises(RuntimeError), session_scope(store_url) as session:
        add_students(session, "B1", "2025-26", 5, start=100)
        raise RuntimeError("the write fails after the students were flushed")
    assert summary_rows(store_url) == before

    with session_scope(store_url) as session:
        session.delete(session.get(Student, (this_year[0], "2025-26")))
        session.execute(delete(Discipline).where(Discipline.student_id == this_year[0]))
    after = cell(store_url, "2025-26", "B1")
    assert (after["n_students"], after["oss"], after["exclusion"]) == (39, 11, 11)
    assert cell(store_url, "2024-25", "B1")["n_students"] == 30


def test_a_screening_write_alone_recounts_its_year(store_url):
    from data_access.models import Screening

    with session_scope(store_url) as session:
        add_building(session, "B1")
        students = add_students(session, "B1", "2025-26", 3, race_ethnicity="BL")
    assert cell(store_url, "2025-26", "B1")["n_screened"] == 0
    with session_scope(store_url) as session:
        for student_id, at_benchmark in zip(students, (False, False, True), strict=True):
            session.add(
                Screening(
                    student_id=student_id,
                    school_year="2025-26",
                    window="winter",
                    measure="reading",
                    at_benchmark=at_benchmark,
                )  # fmt: skip
            )
    with session_scope(store_url) as session:
        add_supports(session, students[:1], "2025-26", tier=2)
    counts = cell(store_url, "2025-26", "B1")
    assert (counts["n_screened"], counts["below_benchmark"], counts["unsupported_need"]) == (
        3,
        2,
        1,
    )
    assert summary_rows(store_url) == live_rows(store_url)


STUDENTS = [
    ["student_id", "school_year", "building_id", "grade", "race_ethnicity", "sex"]
    + ["iep", "el", "econ_disadv"],
    ["S1", "2024-25", "B1", "2", "BL", "F", "N", "N", "Y"],
    ["S1", "2025-26", "B1", "3", "BL", "F", "N", "N", "Y"],
    ["S2", "2025-26", "B1", "3", "WH", "M", "N", "N", "N"],
]


def run_import(url: str, *paths: Path):
    files, problems, _ = collect_files([str(path) for path in paths])
    return import_files(files, database_url=url, editor=IMPORTER, earlier_problems=problems)


def test_imports_recount_the_years_they_change(sqlite_url, tmp_path):
    buildings = write_import_file(
        tmp_path,
        "buildings.csv",
        [["building_id", "name", "level"], ["B1", "Lincoln", "elementary"]],
    )
    students = write_import_file(tmp_path, "students.csv", STUDENTS)
    header = ["incident_id", "student_id", "school_year", "incident_date", "action"]
    discipline = write_import_file(
        tmp_path / "first",
        "discipline.csv",
        [header, ["I1", "S1", "2025-26", "2025-10-03", "OSS"]],
    )
    assert run_import(sqlite_url, buildings, students, discipline).imported
    assert cell(sqlite_url, "2025-26", "B1")["oss"] == 1
    assert cell(sqlite_url, "2024-25", "B1")["oss"] == 0

    # The incident was entered under the wrong year: re-imported under 2024-25, it leaves 2025-26.
    moved = write_import_file(
        tmp_path / "moved",
        "discipline.csv",
        [header, ["I1", "S1", "2024-25", "2024-10-03", "OSS"]],
    )
    result = run_import(sqlite_url, moved)
    assert result.imported and result.counts["discipline"].updated == 1
    assert cell(sqlite_url, "2025-26", "B1")["oss"] == 0
    assert cell(sqlite_url, "2024-25", "B1")["oss"] == 1
    assert summary_rows(sqlite_url) == live_rows(sqlite_url)

    # A file with a problem imports nothing, and the summary is as it was.
    before = summary_rows(sqlite_url)
    bad = write_import_file(
        tmp_path / "bad",
        "students.csv",
        [*STUDENTS, ["S3", "2025-26", "B1", "3", "ZZ", "F", "N", "N", "N"]],
    )
    assert not run_import(sqlite_url, bad).imported
    assert summary_rows(sqlite_url) == before


def test_clearing_the_demo_clears_its_summary(demo_store_url, tmp_path):
    url = f"sqlite:///{tmp_path / 'copy.db'}"
    shutil.copyfile(get_engine(demo_store_url).url.database, tmp_path / "copy.db")
    assert summary_rows(url)
    assert remove_demo(database_url=url, editor=IMPORTER)
    assert summary_rows(url) == []


def test_the_migration_counts_the_students_already_in_the_store(tmp_path):
    url = f"sqlite:///{tmp_path / 'old.db'}"
    upgrade_store(url, revision="0004")
    student = (
        "INSERT INTO students (student_id, school_year, building_id, grade, race_ethnicity, sex,"
        " iep, el, econ_disadv, section_504) VALUES ('{}', '2025-26', 'B1', '3', '{}', 'F', 0, 0, 0, 0)"
    )
    with get_engine(url).begin() as connection:
        connection.execute(
            text(
                "INSERT INTO buildings (building_id, name, level) VALUES ('B1', 'L', 'elementary')"
            )
        )
        for number, race in ((1, "BL"), (2, "BL"), (3, "WH")):
            connection.execute(text(student.format(f"S{number}", race)))
        connection.execute(
            text(
                "INSERT INTO discipline (incident_id, student_id, school_year, incident_date, action)"
                " VALUES ('I1', 'S1', '2025-26', '2025-10-01', 'EXP'),"
                " ('I2', 'S1', '2025-26', '2025-10-02', 'OSS')"
            )
        )
        connection.execute(
            text(
                "INSERT INTO attendance (student_id, school_year, days_enrolled, days_absent)"
                " VALUES ('S2', '2025-26', 150, 15), ('S3', '2025-26', 150, 14)"
            )
        )
    init_store(url)
    summary = summary_rows(url)
    assert summary == live_rows(url)
    black = next(row for row in summary if row[2] == "BL")
    counts = dict(zip(CELL_COUNTS, black[2 + len(GROUP_COLUMNS) :], strict=True))
    assert (counts["n_students"], counts["oss"], counts["exclusion"]) == (2, 1, 1)
    assert (counts["n_attendance"], counts["chronic_absence"]) == (1, 1)


def test_the_screening_migration_recounts_every_cell_and_keeps_every_row(tmp_path):
    """0012 adds the screened, below-benchmark and unmet-need counts to a store already holding
    students, screening and supports (and a student of unknown race, the cell '')."""
    url = f"sqlite:///{tmp_path / 'old.db'}"
    upgrade_store(url, revision="0011")
    student = (
        "INSERT INTO students (student_id, school_year, building_id, grade, race_ethnicity, sex,"
        " iep, el, econ_disadv, section_504) VALUES ('{}', '2025-26', 'B1', '3', {}, 'F', 0, 1, 0, 0)"
    )
    screening = (
        "INSERT INTO screening (student_id, school_year, window, measure, at_benchmark)"
        " VALUES ('{}', '2025-26', '{}', '{}', {})"
    )
    with get_engine(url).begin() as connection:
        connection.execute(
            text(
                "INSERT INTO buildings (building_id, name, level) VALUES ('B1', 'L', 'elementary')"
            )
        )
        for number, race in ((1, "'HI'"), (2, "'HI'"), (3, "'HI'"), (4, "'HI'"), (5, "NULL")):
            connection.execute(text(student.format(f"S{number}", race)))
        for row in (
            ("S1", "spring", "reading", 0),  # below, no support
            ("S2", "fall", "reading", 0),  # below in fall, at benchmark in spring: not below
            ("S2", "spring", "reading", 1),
            ("S3", "spring", "reading", 1),  # below on one of two measures: below, supported
            ("S3", "spring", "math", 0),
            ("S5", "winter", "reading", 0),  # unknown race: below, no support
        ):
            connection.execute(text(screening.format(*row)))
        connection.execute(
            text(
                "INSERT INTO supports (support_id, student_id, school_year, domain, tier,"
                " intervention, start_date) VALUES"
                " ('P1', 'S3', '2025-26', 'math', 2, 'Math group', '2025-10-01'),"
                " ('P2', 'S3', '2025-26', 'math', 3, 'Tutoring', '2025-11-01')"
            )
        )
    init_store(url)
    summary = summary_rows(url)
    assert summary == live_rows(url) and len(summary) == 2
    by_race = {
        row[2]: dict(zip(CELL_COUNTS, row[2 + len(GROUP_COLUMNS) :], strict=True))
        for row in summary
    }
    hispanic, unknown = by_race["HI"], by_race[""]
    assert (hispanic["n_students"], hispanic["n_screened"]) == (4, 3)
    assert (hispanic["below_benchmark"], hispanic["unsupported_need"]) == (2, 1)
    assert (hispanic["tier2plus"], hispanic["tier3"]) == (1, 1)
    assert (unknown["n_screened"], unknown["below_benchmark"], unknown["unsupported_need"]) == (
        1,
        1,
        1,
    )


def test_recount_corrects_a_summary_left_stale_by_a_change_made_with_sql(
    sqlite_url, monkeypatch, capsys
):
    from data_access.__main__ import main
    from data_access.db import get_data_version

    with session_scope(sqlite_url) as session:
        add_building(session, "B1")
        add_students(session, "B1", "2025-26", 3, race_ethnicity="WH")
    # A database administrator recodes one student in SQL, outside the dashboard: no session, no
    # recount, so the summary still says three White students.
    with get_engine(sqlite_url).begin() as connection:
        connection.execute(
            text("UPDATE students SET race_ethnicity = 'BL' WHERE student_id = 'SB1-00000'")
        )
    assert summary_rows(sqlite_url) != live_rows(sqlite_url)
    with session_scope(sqlite_url) as session:
        version = get_data_version(session)

    monkeypatch.setenv("DATABASE_URL", sqlite_url)
    assert main(["recount"]) == 0
    assert "counted 2 cells of 1 school year(s); 2 differed" in capsys.readouterr().out
    assert summary_rows(sqlite_url) == live_rows(sqlite_url)
    with session_scope(sqlite_url) as session:
        assert get_data_version(session) == version + 1  # open dashboards reload the counts

    assert main(["recount"]) == 0
    assert "0 differed from the stored counts." in capsys.readouterr().out
    with session_scope(sqlite_url) as session:
        assert get_data_version(session) == version + 1
