"""The stored student counts (`student_counts`, `screening_window_counts`) stay equal to a live
recount of the student rows: after the demo loads, after ORM writes (screening included), an import
and deletes, on both backends, and after the migration that creates them on a store already holding
students."""

from __future__ import annotations

import shutil

from sqlalchemy import delete, select, text

from data_access.db import get_engine, session_scope
from data_access.equity.summary import recount_equity_summary
from data_access.imports.pipeline import import_files, remove_demo
from data_access.imports.reading import collect_files
from data_access.models import (
    ReferralCount,
    Screening,
    ScreeningWindowCount,
    Student,
    StudentCount,
    Support,
)
from data_access.store import init_store, upgrade_store
from data_access.student_counts import (
    STUDENT_COUNTS,
    WINDOW_COUNTS,
    referral_counts_query,
    student_counts_query,
    window_counts_query,
)
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
YEAR = "2025-26"


def stored(url: str) -> tuple[list[tuple], ...]:
    tables = (StudentCount, ScreeningWindowCount, ReferralCount)
    with session_scope(url) as session:
        return tuple(
            sorted(tuple(row) for row in session.execute(select(model.__table__)))
            for model in tables
        )


def live(url: str) -> tuple[list[tuple], ...]:
    """The counts computed from the student rows now."""
    with session_scope(url) as session:
        years = session.execute(select(Student.school_year).distinct()).scalars().all()
        queries = (student_counts_query(years), window_counts_query(), referral_counts_query())
        return tuple(sorted(tuple(row) for row in session.execute(query)) for query in queries)


def referrals(url: str, by: str, building_id: str = "B1") -> dict[str, int]:
    return {
        row[4]: row[5]
        for row in stored(url)[2]
        if row[0] == YEAR and row[1] == building_id and row[3] == by
    }


def counts(url: str, building_id: str, school_year: str = YEAR) -> dict[str, int]:
    for row in stored(url)[0]:
        if row[:2] == (school_year, building_id):
            return dict(zip(STUDENT_COUNTS, row[2:], strict=True))
    return {}


def windows(url: str, building_id: str, school_year: str = YEAR) -> dict[str, tuple[int, int]]:
    return {
        row[2]: row[3:]
        for row in stored(url)[1]
        if row[:2] == (school_year, building_id) and len(row[3:]) == len(WINDOW_COUNTS)
    }


def screen(session, student_ids, window: str, at_benchmark: bool, measure: str = "reading"):
    for student_id in student_ids:
        session.add(
            Screening(
                student_id=student_id,
                school_year=YEAR,
                window=window,
                measure=measure,
                at_benchmark=at_benchmark,
            )
        )
    session.flush()


def test_the_demo_loads_with_its_counts(demo_store_url):
    summaries = stored(demo_store_url)
    assert all(summaries)
    assert summaries == live(demo_store_url)


def test_clearing_the_demo_clears_its_counts(demo_store_url, tmp_path):
    url = f"sqlite:///{tmp_path / 'copy.db'}"
    shutil.copyfile(get_engine(demo_store_url).url.database, tmp_path / "copy.db")
    assert all(stored(url))
    assert remove_demo(database_url=url, editor=IMPORTER)
    assert stored(url) == ([], [], [])


def test_orm_writes_an_import_and_deletes_keep_the_counts(store_url, tmp_path):
    with session_scope(store_url) as session:
        add_building(session, "B1")
        add_building(session, "B2")
        ids = add_students(session, "B1", YEAR, 20)
        add_students(session, "B2", YEAR, 5)
        add_students(session, "B1", "2024-25", 7)
        add_supports(session, ids[:4], YEAR, tier=2)
        add_supports(session, ids[3:5], YEAR, tier=3)  # ids[3]: tier 2 and 3, counted as tier 3
        add_attendance(session, ids[10:13], YEAR, days_enrolled=100, days_absent=10)
        add_incidents(session, ids[:2], YEAR, "ODR", per_student=6)
        add_incidents(session, ids[2:5], YEAR, "OSS", per_student=2)
        screen(session, ids[:10], "fall", True)
        screen(session, ids[4:8], "fall", False, measure="math")  # below on one of two measures
    # Need: ids[0:5] supported, ids[10:13] chronically absent, ids[4:8] below (ids[4] supported).
    assert counts(store_url, "B1") == {
        "enrolled": 20,
        "tier2_students": 3,
        "tier3_students": 2,
        "screened_any": 10,
        "below_benchmark": 4,
        "below_benchmark_no_support": 3,
        "students_0_1_incidents": 15,
        "students_2_5_incidents": 3,
        "students_6_plus_incidents": 2,
        "incidents": 18,
        "needs_support": 11,
        "supports": 6,
        "supports_ended": 0,
        "supports_goal_met": 0,
    }
    assert windows(store_url, "B1") == {"fall": (10, 6)}
    # add_incidents: every incident on 1 October (a Wednesday in 2025), time and place not given.
    assert referrals(store_url, "month") == {"202510": 18}
    assert referrals(store_url, "weekday") == {"3": 18}
    assert referrals(store_url, "location") == referrals(store_url, "hour") == {"": 18}
    assert counts(store_url, "B1", "2024-25")["enrolled"] == 7
    assert stored(store_url) == live(store_url)

    # An import of winter screening: ids[4:8] at benchmark in their latest window, ids[8] below.
    header = ["student_id", "school_year", "window", "measure", "at_benchmark"]
    rows = [[student, YEAR, "winter", "reading", "Y"] for student in ids[4:8]]
    rows.append([ids[8], YEAR, "winter", "reading", "N"])
    screening = write_import_file(tmp_path, "screening.csv", [header, *rows])
    files, problems, _ = collect_files([str(screening)])
    result = import_files(files, database_url=store_url, editor=IMPORTER, earlier_problems=problems)
    assert result.imported, result.problems
    now = counts(store_url, "B1")
    assert (now["below_benchmark"], now["below_benchmark_no_support"], now["needs_support"]) == (
        1,
        1,
        9,
    )
    assert windows(store_url, "B1") == {"fall": (10, 6), "winter": (5, 4)}
    assert stored(store_url) == live(store_url)

    # Deletes: every screening row of ids[8], and the tier 3 supports.
    with session_scope(store_url) as session:
        for row in session.scalars(select(Screening).where(Screening.student_id == ids[8])):
            session.delete(row)
        for row in session.scalars(select(Support).where(Support.tier == 3)):
            session.delete(row)
    now = counts(store_url, "B1")
    # ids[3] had a tier 2 support too: now a tier 2 student.
    assert (now["screened_any"], now["below_benchmark"], now["tier2_students"]) == (9, 0, 4)
    assert (now["tier3_students"], now["needs_support"]) == (0, 7)
    assert windows(store_url, "B1") == {"fall": (9, 5), "winter": (4, 4)}
    assert stored(store_url) == live(store_url)

    # A bulk delete in SQL through the session says nothing to the ORM: a recount puts it right.
    with session_scope(store_url) as session:
        session.execute(delete(Screening))
    assert stored(store_url) != live(store_url)

    with session_scope(store_url) as session:
        recount_equity_summary(session)
    assert windows(store_url, "B1") == {}
    assert counts(store_url, "B1")["screened_any"] == 0
    assert stored(store_url) == live(store_url)


def test_the_migration_counts_the_students_already_in_the_store(tmp_path):
    url = f"sqlite:///{tmp_path / 'old.db'}"
    upgrade_store(url, revision="0013")
    statements = [
        "INSERT INTO buildings (building_id, name, level) VALUES ('B1', 'L', 'elementary')",
        *(
            "INSERT INTO students (student_id, school_year, building_id, grade, iep, el,"
            f" econ_disadv, section_504) VALUES ('S{n}', '2025-26', 'B1', '3', 0, 0, 0, 0)"
            for n in range(1, 6)
        ),
        "INSERT INTO discipline (incident_id, student_id, school_year, incident_date, action,"
        " behavior, location, incident_time) VALUES"
        " ('I1', 'S1', '2025-26', '2025-10-01', 'ODR', 'defiance', 'hallway', '12:30'),"
        " ('I2', 'S1', '2025-26', '2025-10-02', 'OSS', NULL, NULL, NULL)",
        "INSERT INTO attendance (student_id, school_year, days_enrolled, days_absent)"
        " VALUES ('S2', '2025-26', 150, 15), ('S3', '2025-26', 150, 14)",
        "INSERT INTO supports (support_id, student_id, school_year, domain, tier, intervention,"
        " start_date, end_date, outcome) VALUES"
        " ('P1', 'S3', '2025-26', 'reading', 3, 'x', '2025-09-15', '2026-03-01', 'goal_met'),"
        " ('P2', 'S3', '2025-26', 'math', 2, 'x', '2025-09-15', '2026-07-15', 'goal_met'),"
        " ('P3', 'S3', '2025-26', 'behavior', 2, 'x', '2025-09-15', '2026-06-30', NULL)",
        'INSERT INTO screening (student_id, school_year, "window", measure, at_benchmark) VALUES'
        " ('S4', '2025-26', 'fall', 'reading', 0), ('S4', '2025-26', 'spring', 'reading', 1),"
        " ('S5', '2025-26', 'fall', 'reading', 1), ('S5', '2025-26', 'winter', 'reading', 0),"
        " ('S5', '2025-26', 'winter', 'math', 1)",
    ]
    with get_engine(url).begin() as connection:
        for statement in statements:
            connection.execute(text(statement))
    init_store(url)
    assert stored(url) == live(url)
    assert counts(url, "B1") == {
        "enrolled": 5,
        "tier2_students": 0,
        "tier3_students": 1,
        "screened_any": 2,
        "below_benchmark": 1,
        "below_benchmark_no_support": 1,
        "students_0_1_incidents": 4,
        "students_2_5_incidents": 1,
        "students_6_plus_incidents": 0,
        "incidents": 2,
        "needs_support": 3,  # S2 absent 10%, S3 tier 3, S5 below in winter
        "supports": 3,
        "supports_ended": 1,  # P2 ended after the school year, P3 has no outcome
        "supports_goal_met": 1,
    }
    assert windows(url, "B1") == {"fall": (2, 1), "spring": (1, 1), "winter": (1, 0)}
    assert referrals(url, "month") == {"202510": 2}
    assert referrals(url, "weekday") == {"3": 1, "4": 1}  # a Wednesday and a Thursday
    assert referrals(url, "behavior") == {"defiance": 1, "": 1}
    assert referrals(url, "hour") == {"12": 1, "": 1}
