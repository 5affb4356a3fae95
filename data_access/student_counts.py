"""The student counts per school year and building that system health and support need read,
stored (`student_counts`, `screening_window_counts`) and kept equal to the student rows they count.

Counting 150,000 students a year over screening, supports, attendance and discipline takes the
database seconds a year; the Student outcomes page, the Overview and the Building page need them on
every cold load. So, as the equity summary does (`data_access/equity/summary.py`), the counts are
stored and rebuilt for the school years a transaction changed, inside that transaction, just before
it commits: `rebuild_equity_summary` calls `rebuild_student_counts`, so every path that keeps the
equity summary (ORM writes, the importer, the demo loader, `python -m data_access recount`) keeps
these too.

`student_counts_query` and `window_counts_query` are the one definition of the counts (with the
shared rules of `data_access.student_needs`): the tables are their result.
"""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import Select, and_, case, delete, func, insert, or_, select
from sqlalchemy.orm import Session

from data_access import student_needs
from data_access.models import Attendance, Discipline, ScreeningWindowCount, Student, StudentCount

STUDENT_COUNTS = (
    "enrolled",
    "tier2_students",
    "tier3_students",
    "screened_any",
    "below_benchmark",
    "below_benchmark_no_support",
    "students_0_1_incidents",
    "students_2_5_incidents",
    "students_6_plus_incidents",
    "incidents",
    "needs_support",
)
WINDOW_COUNTS = ("screened", "at_benchmark")
WINDOW_NAMES = {rank: window for window, rank in student_needs.WINDOW_ORDER.items()}


def _count(condition):
    return func.sum(case((condition, 1), else_=0))


def _same_student(left, right):
    return and_(left.c.student_id == right.student_id, left.c.school_year == right.school_year)


def _in_years(column, years: list[str] | None):
    return True if years is None else column.in_(years)


def _sorted(school_years: Iterable[str] | None) -> list[str] | None:
    return None if school_years is None else sorted(set(school_years))


def student_counts_query(school_years: Iterable[str] | None = None) -> Select:
    """Per school year and building (every year when `school_years` is None), counted from the
    student rows: `enrolled`; students whose highest support tier is 2 (`tier2_students`) or 3;
    `screened_any` (screened in any window, the population of below benchmark); `below_benchmark`
    and, of them, with no support (`below_benchmark_no_support`); students with 0-1, 2-5 and 6+
    incidents and the `incidents`; `needs_support` (a tier 2 or 3 support, or chronically absent,
    or below benchmark: each student once)."""
    years = _sorted(school_years)
    tiers = student_needs.support_tiers(years)
    status = student_needs.screening_status(years)
    incidents = (
        select(Discipline.student_id, Discipline.school_year, func.count().label("incidents"))
        .where(_in_years(Discipline.school_year, years))
        .group_by(Discipline.student_id, Discipline.school_year)
        .subquery("incidents_per_student")
    )
    n = func.coalesce(incidents.c.incidents, 0)
    below = status.c.below_benchmark == 1
    needs_support = or_(tiers.c.tier >= 2, student_needs.chronically_absent(), below)
    return (
        select(
            Student.school_year,
            Student.building_id,
            func.count().label("enrolled"),
            _count(tiers.c.tier == 2).label("tier2_students"),
            _count(tiers.c.tier == 3).label("tier3_students"),
            func.count(status.c.student_id).label("screened_any"),
            _count(below).label("below_benchmark"),
            _count(and_(below, tiers.c.tier.is_(None))).label("below_benchmark_no_support"),
            _count(n <= 1).label("students_0_1_incidents"),
            _count(and_(n >= 2, n <= 5)).label("students_2_5_incidents"),
            _count(n >= 6).label("students_6_plus_incidents"),
            func.coalesce(func.sum(incidents.c.incidents), 0).label("incidents"),
            _count(needs_support).label("needs_support"),
        )
        .select_from(Student)
        .outerjoin(tiers, _same_student(tiers, Student))
        .outerjoin(status, _same_student(status, Student))
        .outerjoin(incidents, _same_student(incidents, Student))
        .outerjoin(
            Attendance,
            and_(
                Attendance.student_id == Student.student_id,
                Attendance.school_year == Student.school_year,
            ),
        )
        .where(_in_years(Student.school_year, years))
        .group_by(Student.school_year, Student.building_id)
    )


def window_counts_query(school_years: Iterable[str] | None = None) -> Select:
    """Per school year, building and screening window anyone was screened in: `window` (fall,
    winter, spring), `screened` (students with a screening row in it) and `at_benchmark` (those at
    benchmark on every measure they were screened on in it)."""
    windows = student_needs.screening_windows(_sorted(school_years))
    window = case(WINDOW_NAMES, value=windows.c.window_rank)
    return (
        select(
            Student.school_year,
            Student.building_id,
            window.label("window"),
            func.count().label("screened"),
            func.sum(windows.c.at_benchmark).label("at_benchmark"),
        )
        .select_from(windows)
        .join(Student, _same_student(windows, Student))
        .group_by(Student.school_year, Student.building_id, windows.c.window_rank)
    )


SUMMARIES = (
    (StudentCount.__table__, ("school_year", "building_id", *STUDENT_COUNTS), student_counts_query),
    (
        ScreeningWindowCount.__table__,
        ("school_year", "building_id", "window", *WINDOW_COUNTS),
        window_counts_query,
    ),
)


def rebuild_student_counts(session: Session, school_years: Iterable[str] | None = None) -> None:
    """Replace both tables' rows of `school_years` (every year when None) with fresh counts, in the
    caller's transaction."""
    years = _sorted(school_years)
    if years == []:
        return
    for table, columns, query in SUMMARIES:
        clear = delete(table)
        if years is not None:
            clear = clear.where(table.c.school_year.in_(years))
        session.execute(clear)
        session.execute(insert(table).from_select(columns, query(years)))


def stored_student_counts(school_years: Iterable[str] | None = None) -> Select:
    """The stored counts of `school_years` (every year when None), by school year and building."""
    table = StudentCount.__table__
    return (
        select(table.c.school_year, table.c.building_id, *(table.c[c] for c in STUDENT_COUNTS))
        .where(_in_years(table.c.school_year, _sorted(school_years)))
        .order_by(table.c.school_year, table.c.building_id)
    )


def stored_window_counts(school_years: Iterable[str] | None = None) -> Select:
    """The stored window counts of `school_years` (every year when None)."""
    table = ScreeningWindowCount.__table__
    rank = case(student_needs.WINDOW_ORDER, value=table.c.window)
    return (
        select(
            table.c.school_year,
            table.c.building_id,
            table.c.window,
            table.c.screened,
            table.c.at_benchmark,
        )  # fmt: skip
        .where(_in_years(table.c.school_year, _sorted(school_years)))
        .order_by(table.c.school_year, table.c.building_id, rank)
    )
