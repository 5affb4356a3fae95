"""The shared student-need rules (`data_access/student_needs.py`) on both backends, on students whose
answer is worked out by hand in each comment."""

from __future__ import annotations

from datetime import date

from sqlalchemy import select

from data_access import student_needs
from data_access.db import session_scope
from data_access.models import Attendance, Screening, Student, Support
from tests.utils.factories import add_building, add_students

YEAR = "2025-26"


def _screen(session, student_id, window, measure, at_benchmark, year=YEAR):
    session.add(
        Screening(
            student_id=student_id,
            school_year=year,
            window=window,
            measure=measure,
            at_benchmark=at_benchmark,
        )
    )


def test_below_benchmark_is_the_latest_window_on_every_measure(store_url):
    with session_scope(store_url) as session:
        add_building(session, "A")
        a, b, c, d, e = add_students(session, "A", YEAR, 5)
        add_students(session, "A", "2024-25", 1)  # S A-00000 in the year before too
        # a: below in fall, at benchmark on both measures in spring → at benchmark (latest window)
        _screen(session, a, "fall", "reading", False)
        _screen(session, a, "spring", "reading", True)
        _screen(session, a, "spring", "math", True)
        # b: at benchmark in fall, below on one of two measures in winter → below benchmark
        _screen(session, b, "fall", "reading", True)
        _screen(session, b, "winter", "reading", True)
        _screen(session, b, "winter", "math", False)
        # c: only screened in fall, below → below benchmark
        _screen(session, c, "fall", "reading", False)
        # d: spring below, though at benchmark in fall and winter → below benchmark
        _screen(session, d, "fall", "reading", True)
        _screen(session, d, "winter", "reading", True)
        _screen(session, d, "spring", "reading", False)
        # e: never screened → no row
        # a in the year before, below → not in this year's rows
        _screen(session, a, "fall", "reading", False, year="2024-25")

    status = student_needs.screening_status([YEAR])
    with session_scope(store_url) as session:
        rows = {
            row.student_id: (row.latest_window, row.below_benchmark)
            for row in session.execute(select(status))
        }
    assert rows == {a: (3, 0), b: (2, 1), c: (1, 1), d: (3, 1)}
    assert e not in rows
    assert student_needs.WINDOW_ORDER == {"fall": 1, "winter": 2, "spring": 3}


def test_every_year_without_a_filter(store_url):
    with session_scope(store_url) as session:
        add_building(session, "A")
        (a,) = add_students(session, "A", YEAR, 1)
        add_students(session, "A", "2024-25", 1)
        _screen(session, a, "fall", "reading", True)
        _screen(session, a, "fall", "reading", False, year="2024-25")
    status = student_needs.screening_status()
    with session_scope(store_url) as session:
        rows = sorted(session.execute(select(status.c.school_year, status.c.below_benchmark)))
    assert rows == [("2024-25", 1), ("2025-26", 0)]


def test_tier_is_the_highest_support_and_chronic_absence_starts_at_ten_percent(store_url):
    with session_scope(store_url) as session:
        add_building(session, "A")
        a, b, c, d = add_students(session, "A", YEAR, 4)
        for support_id, student, tier in (("1", a, 2), ("2", a, 3), ("3", b, 2)):
            session.add(
                Support(
                    support_id=support_id,
                    student_id=student,
                    school_year=YEAR,
                    domain="reading",
                    tier=tier,
                    intervention="Small group",
                    start_date=date(2025, 10, 1),
                )
            )
        # a: 18 of 180 days absent = exactly 10% → chronic; b: 17 of 180 → not;
        # c: 1 of 9 enrolled days → too few days to count at all; d: no attendance row.
        for student, enrolled, absent in ((a, 180, 18), (b, 180, 17), (c, 9, 1)):
            session.add(
                Attendance(
                    student_id=student, school_year=YEAR, days_enrolled=enrolled, days_absent=absent
                )
            )

    tiers = student_needs.support_tiers([YEAR])
    with session_scope(store_url) as session:
        assert dict(session.execute(select(tiers.c.student_id, tiers.c.tier)).all()) == {a: 3, b: 2}
        attendance = dict(
            session.execute(
                select(
                    Student.student_id,
                    student_needs.chronically_absent(),
                )
                .join(
                    Attendance,
                    (Attendance.student_id == Student.student_id)
                    & (Attendance.school_year == Student.school_year),
                )
                .where(Student.school_year == YEAR)
            ).all()
        )
    assert {student: bool(flag) for student, flag in attendance.items()} == {
        a: True,
        b: False,
        c: False,
    }
    assert d not in attendance
