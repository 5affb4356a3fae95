"""System-health reads: every student count made by the database (GROUP BY school year and
building), with the shared rules of `data_access.student_needs`; the per-student counts are stored
(`data_access.student_counts`) and read from there. No student row leaves the store.

Counts are read for the whole district whatever the viewer's scope: the disclosure layer decides
what may be published over every building at once (`disclosure.py`), and callers filter to scope.
"""

from __future__ import annotations

from collections.abc import Iterable

import pandas as pd
from sqlalchemy import and_, case, func, select
from sqlmodel import Session

from data_access import student_counts
from data_access.memo import remembered
from data_access.models import SchoolCalendar, Student, Support
from data_access.school_year import school_year_end, school_year_start
from data_access.scope import Scope
from data_access.settings import get_settings
from data_access.system_health.disclosure import publish, publish_interventions
from data_access.system_health.rules import (
    DISTRICT_ID,
    SYSTEM_HEALTH_COLUMNS,
    system_health_counts,
    with_percents,
)

STUDENT_COUNTS = [
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
]
WINDOW_COUNTS = ["screened", "at_benchmark"]
SUPPORT_COUNTS = ["supports_ended", "supports_goal_met"]
STORED_COUNTS = list(student_counts.STUDENT_COUNTS)


def _yes(condition) -> object:
    return func.sum(case((condition, 1), else_=0))


def _frame(session: Session, statement, columns: list[str]) -> pd.DataFrame:
    rows = [tuple(row) for row in session.connection().execute(statement)]
    return pd.DataFrame.from_records(rows, columns=columns)


def _years(column, school_years: Iterable[str] | None):
    return True if school_years is None else column.in_(sorted(set(school_years)))


def get_student_counts(
    session: Session, *, school_years: Iterable[str] | None = None
) -> pd.DataFrame:
    """One row per school year and building: the columns of `STUDENT_COUNTS` (`screened_any`:
    students screened in any window that year, the population of below benchmark). Read from the
    stored counts (`data_access.student_counts`, kept equal to the student rows)."""
    student_counts.up_to_date(session)
    statement = student_counts.stored_student_counts(school_years)
    frame = _frame(session, statement, ["school_year", "building_id", *STORED_COUNTS])
    frame = frame[["school_year", "building_id", *STUDENT_COUNTS]]
    frame[STUDENT_COUNTS] = frame[STUDENT_COUNTS].astype("int64")
    return frame


def get_window_counts(
    session: Session, *, school_years: Iterable[str] | None = None
) -> pd.DataFrame:
    """One row per school year, building and screening window anyone was screened in: `window`
    (fall, winter, spring), `screened` (students with a screening row in it) and `at_benchmark`
    (those at benchmark on every measure they were screened on in it). Stored counts, like
    `get_student_counts`."""
    student_counts.up_to_date(session)
    statement = student_counts.stored_window_counts(school_years)
    frame = _frame(session, statement, ["school_year", "building_id", "window", *WINDOW_COUNTS])
    frame[WINDOW_COUNTS] = frame[WINDOW_COUNTS].astype("int64")
    return frame


def get_support_counts(session: Session, *, school_years: Iterable[str]) -> pd.DataFrame:
    """One row per school year and building with supports: `supports_ended` (support rows of that
    year with an end date in that school year and an outcome) and `supports_goal_met` (of them,
    outcome goal_met). Stored counts, like `get_student_counts`."""
    student_counts.up_to_date(session)
    years = sorted(set(school_years))
    if not years:
        return pd.DataFrame(columns=["school_year", "building_id", *SUPPORT_COUNTS])
    statement = student_counts.stored_student_counts(years)
    frame = _frame(session, statement, ["school_year", "building_id", *STORED_COUNTS])
    frame = frame[frame["supports"] > 0][["school_year", "building_id", *SUPPORT_COUNTS]]
    frame = frame.reset_index(drop=True)
    frame[SUPPORT_COUNTS] = frame[SUPPORT_COUNTS].astype("int64")
    return frame


def get_calendar_days(
    session: Session, *, school_years: Iterable[str] | None = None
) -> pd.DataFrame:
    """One row per school year and calendar (`building_id`, or `ALL`): the school days summed over
    the year's months."""
    statement = (
        select(
            SchoolCalendar.school_year,
            SchoolCalendar.building_id,
            func.sum(SchoolCalendar.school_days),
        )
        .where(_years(SchoolCalendar.school_year, school_years))
        .group_by(SchoolCalendar.school_year, SchoolCalendar.building_id)
    )
    frame = _frame(session, statement, ["school_year", "building_id", "school_days"])
    frame["school_days"] = frame["school_days"].astype("int64")
    return frame


def list_school_years(session: Session) -> list[str]:
    """School years with students, newest first."""
    rows = session.connection().execute(select(Student.school_year).distinct())
    return sorted((row[0] for row in rows), reverse=True)


@remembered("students")
def get_published_rows(
    session: Session, *, school_years: tuple[str, ...] | None = None
) -> pd.DataFrame:
    """The contract's `system_health` rows of every building and the district as they may be
    published (every column of `SYSTEM_HEALTH_COLUMNS`, plus the published at-benchmark counts and
    Tier 1 only); withheld: missing. Decided over every building of the district, whoever asks, so
    two viewers' numbers can never be set against each other."""
    students = get_student_counts(session, school_years=school_years)
    if students.empty:
        return pd.DataFrame(columns=SYSTEM_HEALTH_COLUMNS)
    every_year = sorted(set(students["school_year"]))
    counts = system_health_counts(
        students,
        get_window_counts(session, school_years=school_years),
        get_support_counts(session, school_years=every_year),
        get_calendar_days(session, school_years=school_years),
    )
    published = with_percents(publish(counts, get_settings().min_cell_size))
    published["school_days"] = published["school_days"].astype("Int64")
    return published


def get_system_health(
    session: Session, *, scope: Scope, school_years: Iterable[str] | None = None
) -> pd.DataFrame:
    """`get_published_rows` for the buildings in `scope` and the district."""
    years = None if school_years is None else tuple(sorted(set(school_years)))
    published = get_published_rows(session, school_years=years)
    in_scope = [
        building == DISTRICT_ID or scope.allows(building) for building in published["building_id"]
    ]
    return published.loc[pd.Series(in_scope, index=published.index, dtype=bool)].reset_index(
        drop=True
    )


REFERRAL_BREAKDOWNS = student_counts.REFERRAL_BREAKDOWNS  # the behaviour "Big 5" (SWIS)


def get_referral_counts(session: Session, *, school_years: Iterable[str], by: str) -> pd.DataFrame:
    """Incidents per school year, building (every building: the district's figures are their sums),
    referral type (major, minor) and `by` (`REFERRAL_BREAKDOWNS`): `key` is the month as YYYY-MM,
    the behaviour or location as written, the hour as HH (not given: empty), or the weekday
    (0 Sunday .. 6 Saturday). Stored counts (`data_access.student_counts`)."""
    student_counts.up_to_date(session)
    statement = student_counts.stored_referral_counts(school_years, by)
    columns = ["school_year", "building_id", "referral_type", "key", "incidents"]
    frame = _frame(session, statement, columns)
    frame["incidents"] = frame["incidents"].astype("int64")
    if by == "month" and not frame.empty:
        number = frame["key"].astype(int)
        frame["key"] = [f"{n // 100:04d}-{n % 100:02d}" for n in number]
    elif by == "weekday":
        frame["key"] = frame["key"].astype(int)
    return frame


def get_calendar_months(session: Session, *, school_years: Iterable[str]) -> pd.DataFrame:
    """The school calendar's rows of those years: school_year, building_id (or ALL), month, days."""
    statement = select(
        SchoolCalendar.school_year,
        SchoolCalendar.building_id,
        SchoolCalendar.month,
        SchoolCalendar.school_days,
    ).where(SchoolCalendar.school_year.in_(sorted(set(school_years))))
    return _frame(session, statement, ["school_year", "building_id", "month", "school_days"])


def get_enrolled(session: Session, *, school_years: Iterable[str]) -> pd.DataFrame:
    """Students per school year and building (every building)."""
    statement = (
        select(Student.school_year, Student.building_id, func.count())
        .where(Student.school_year.in_(sorted(set(school_years))))
        .group_by(Student.school_year, Student.building_id)
    )
    frame = _frame(session, statement, ["school_year", "building_id", "enrolled"])
    frame["enrolled"] = frame["enrolled"].astype("int64")
    return frame


INTERVENTION_COUNTS = ["supports", "ended", "goal_met", "sessions_planned", "sessions_delivered"]


def get_intervention_counts(session: Session, *, school_year: str) -> pd.DataFrame:
    """One row per building (every building) and intervention and domain of a school year's
    supports: `supports` (rows), `ended` and `goal_met` (the `supports_ended` rule), and sessions
    planned and delivered summed over the supports that give both."""
    ended = and_(
        Support.end_date >= school_year_start(school_year),
        Support.end_date <= school_year_end(school_year),
        Support.outcome.is_not(None),
    )
    both = and_(Support.sessions_planned.is_not(None), Support.sessions_delivered.is_not(None))
    statement = (
        select(
            Student.building_id,
            Support.intervention,
            Support.domain,
            func.count(),
            _yes(ended),
            _yes(and_(ended, Support.outcome == "goal_met")),
            func.coalesce(func.sum(case((both, Support.sessions_planned), else_=0)), 0),
            func.coalesce(func.sum(case((both, Support.sessions_delivered), else_=0)), 0),
        )
        .join(
            Student,
            and_(
                Student.student_id == Support.student_id,
                Student.school_year == Support.school_year,
            ),
        )
        .where(Support.school_year == school_year)
        .group_by(Student.building_id, Support.intervention, Support.domain)
    )
    frame = _frame(session, statement, ["building_id", "intervention", "domain",
                                        *INTERVENTION_COUNTS])  # fmt: skip
    frame[INTERVENTION_COUNTS] = frame[INTERVENTION_COUNTS].astype("int64")
    return frame


@remembered("students")
def get_interventions(session: Session, *, school_year: str) -> pd.DataFrame:
    """Every building's (and the district's) supports by intervention and domain of a school year,
    as `disclosure.publish_interventions` publishes them beside the `system_health` rows."""
    health = get_published_rows(session, school_years=None)  # get_system_health's: kept once
    health = health[health["school_year"] == school_year]
    counts = get_intervention_counts(session, school_year=school_year)
    return publish_interventions(counts, health, get_settings().min_cell_size)
