"""Which students need support, by the data contract's rules, as SQL the areas build on.

Three areas count the same students: the equity summary (the `below_benchmark` and
`unsupported_need` indicators), system health (tiers, screening, unmet need) and staff support
(students needing support per support FTE). Each rule is written here once, as a subquery or a
column expression with one row per student and school year, so the three can never disagree and
every count is made by the database, not by loading student rows into Python.

- **Below benchmark** (`system_health` rule): a student is at benchmark in a window when
  `at_benchmark` is true on every measure screened in that window; below benchmark that year when
  not at benchmark in the *latest* window they were screened in (fall < winter < spring).
- **Chronically absent** (equity rule): missing 10% or more of enrolled days, among students with an
  attendance row and at least `CHRONIC_ABSENCE_MIN_DAYS` enrolled.
- **Tier**: the highest tier of any support row that year (no row: Tier 1 only).
"""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import ColumnElement, Subquery, and_, case, func, select

from data_access.models import SCREENING_WINDOWS, Attendance, Screening, Support

CHRONIC_ABSENCE_MIN_DAYS = 10
WINDOW_ORDER = {window: rank for rank, window in enumerate(SCREENING_WINDOWS, start=1)}


def _yes(condition: ColumnElement[bool]) -> ColumnElement[int]:
    return case((condition, 1), else_=0)


def _in_years(column, school_years: Iterable[str] | None):
    return True if school_years is None else column.in_(sorted(set(school_years)))


def in_attendance_population() -> ColumnElement[bool]:
    """Students whose attendance counts toward chronic absence (join `Attendance` first)."""
    return Attendance.days_enrolled >= CHRONIC_ABSENCE_MIN_DAYS


def chronically_absent() -> ColumnElement[bool]:
    """days_absent / days_enrolled >= 0.10, in integers so exactly 10% is never lost to rounding."""
    return and_(in_attendance_population(), 10 * Attendance.days_absent >= Attendance.days_enrolled)


def screening_windows(school_years: Iterable[str] | None = None) -> Subquery:
    """One row per student, school year and window screened: `student_id`, `school_year`,
    `window_rank` (1 fall, 2 winter, 3 spring) and `at_benchmark` (1 when at benchmark on every
    measure screened in that window, else 0)."""
    window_rank = case(WINDOW_ORDER, value=Screening.window)
    return (
        select(
            Screening.student_id,
            Screening.school_year,
            window_rank.label("window_rank"),
            # at benchmark in the window only when at benchmark on every measure screened in it
            func.min(_yes(Screening.at_benchmark)).label("at_benchmark"),
        )
        .where(_in_years(Screening.school_year, school_years))
        .group_by(Screening.student_id, Screening.school_year, window_rank)
        .subquery("screening_windows")
    )


def screening_status(school_years: Iterable[str] | None = None) -> Subquery:
    """One row per student and school year with any screening row: `student_id`, `school_year`,
    `latest_window` (1 fall, 2 winter, 3 spring) and `below_benchmark` (1 or 0)."""
    per_window = screening_windows(school_years)
    latest = (
        select(
            per_window.c.student_id,
            per_window.c.school_year,
            func.max(per_window.c.window_rank).label("latest_window"),
        )
        .group_by(per_window.c.student_id, per_window.c.school_year)
        .subquery("screening_latest")
    )
    return (
        select(
            latest.c.student_id,
            latest.c.school_year,
            latest.c.latest_window,
            (1 - per_window.c.at_benchmark).label("below_benchmark"),
        )
        .join(
            per_window,
            and_(
                per_window.c.student_id == latest.c.student_id,
                per_window.c.school_year == latest.c.school_year,
                per_window.c.window_rank == latest.c.latest_window,
            ),
        )
        .subquery("screening_status")
    )


def support_tiers(school_years: Iterable[str] | None = None) -> Subquery:
    """One row per student and school year with any support row: `student_id`, `school_year`,
    `tier` (the highest tier of the year's supports, 2 or 3)."""
    return (
        select(Support.student_id, Support.school_year, func.max(Support.tier).label("tier"))
        .where(_in_years(Support.school_year, school_years))
        .group_by(Support.student_id, Support.school_year)
        .subquery("support_tiers")
    )
