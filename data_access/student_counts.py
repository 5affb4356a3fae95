"""The student counts per school year and building that system health and support need read,
stored (`student_counts`, `screening_window_counts`, `referral_counts`) and kept equal to the
student rows they count.

Counting 150,000 students a year over screening, supports, attendance and discipline takes the
database seconds a year; the Student outcomes page, the Overview and the Building page need them on
every cold load. So, as the equity summary does (`data_access/equity/summary.py`), the counts are
stored and rebuilt for the school years a transaction changed, inside that transaction, just before
it commits: `rebuild_equity_summary` calls `rebuild_student_counts`, so every path that keeps the
equity summary (ORM writes, the importer, the demo loader, `python -m data_access recount`) keeps
these too.

`student_counts_query`, `window_counts_query` and `referral_counts_query` are the one definition of
the counts (with the shared rules of `data_access.student_needs`): the tables are their result.
"""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import (
    Integer,
    Select,
    String,
    and_,
    case,
    cast,
    delete,
    func,
    insert,
    literal,
    or_,
    select,
    union_all,
)
from sqlalchemy.orm import Session

from data_access import student_needs
from data_access.models import (
    Attendance,
    Discipline,
    ReferralCount,
    ScreeningWindowCount,
    Student,
    StudentCount,
    Support,
)
from data_access.school_year import school_year_end, school_year_start

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
    "supports",
    "supports_ended",
    "supports_goal_met",
)
WINDOW_COUNTS = ("screened", "at_benchmark")
# Where a transaction notes the school years of student data it wrote, rebuilt when it commits
# (data_access/equity/summary.py keeps the note): a set of years, or EVERY_YEAR in it.
PENDING_YEARS = "equity_years_changed"
EVERY_YEAR = "*"
WINDOW_NAMES = {rank: window for window, rank in student_needs.WINDOW_ORDER.items()}


def _count(condition):
    return func.sum(case((condition, 1), else_=0))


def _same_student(left, right):
    return and_(left.c.student_id == right.student_id, left.c.school_year == right.school_year)


def _in_years(column, years: list[str] | None):
    return True if years is None else column.in_(years)


def _sorted(school_years: Iterable[str] | None) -> list[str] | None:
    return None if school_years is None else sorted(set(school_years))


def _supports_ended(years: list[str]):
    """1 for a support row of one of `years` that ended within its school year with an outcome."""
    if not years:
        return literal(0)
    within = case(
        *(
            (
                and_(
                    Support.school_year == year,
                    Support.end_date >= school_year_start(year),
                    Support.end_date <= school_year_end(year),
                ),
                1,
            )
            for year in years
        ),
        else_=0,
    )
    return case((and_(within == 1, Support.outcome.is_not(None)), 1), else_=0)


def student_counts_query(school_years: Iterable[str]) -> Select:
    """Per school year and building of `school_years`, counted from the student rows: `enrolled`;
    students whose highest support tier is 2 (`tier2_students`) or 3;
    `screened_any` (screened in any window, the population of below benchmark); `below_benchmark`
    and, of them, with no support (`below_benchmark_no_support`); students with 0-1, 2-5 and 6+
    incidents and the `incidents`; `needs_support` (a tier 2 or 3 support, or chronically absent,
    or below benchmark: each student once); `supports` (support rows), `supports_ended` (of them,
    ended within the school year with an outcome) and `supports_goal_met` (of those, goal met)."""
    years = sorted(set(school_years))
    tiers = student_needs.support_tiers(years)
    status = student_needs.screening_status(years)
    incidents = (
        select(Discipline.student_id, Discipline.school_year, func.count().label("incidents"))
        .where(_in_years(Discipline.school_year, years))
        .group_by(Discipline.student_id, Discipline.school_year)
        .subquery("incidents_per_student")
    )
    ended = _supports_ended(years)
    support_rows = (
        select(
            Support.student_id,
            Support.school_year,
            func.count().label("supports"),
            func.sum(ended).label("ended"),
            func.sum(case((and_(ended == 1, Support.outcome == "goal_met"), 1), else_=0)).label(
                "goal_met"
            ),
        )
        .where(_in_years(Support.school_year, years))
        .group_by(Support.student_id, Support.school_year)
        .subquery("support_rows")
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
            *(
                func.coalesce(func.sum(support_rows.c[name]), 0).label(label)
                for name, label in (
                    ("supports", "supports"),
                    ("ended", "supports_ended"),
                    ("goal_met", "supports_goal_met"),
                )
            ),
        )
        .select_from(Student)
        .outerjoin(tiers, _same_student(tiers, Student))
        .outerjoin(status, _same_student(status, Student))
        .outerjoin(incidents, _same_student(incidents, Student))
        .outerjoin(support_rows, _same_student(support_rows, Student))
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


# The referral breakdowns of the behaviour "Big 5" (SWIS): every incident is a referral.
REFERRAL_BREAKDOWNS = ("month", "behavior", "location", "hour", "weekday")


def _breakdown_key(by: str):
    """The breakdown's value as text: YYYYMM, the weekday 0 (Sunday) .. 6 on both backends, the
    hour HH, the behaviour or location as written; not given: empty."""
    if by == "month":
        month = func.extract("year", Discipline.incident_date) * 100 + func.extract(
            "month", Discipline.incident_date
        )
        return cast(cast(month, Integer), String)
    if by == "weekday":
        return cast(cast(func.extract("dow", Discipline.incident_date), Integer), String)
    if by == "hour":
        return func.coalesce(func.substr(Discipline.incident_time, 1, 2), "")
    return func.coalesce(getattr(Discipline, by), "")


def referral_counts_query(school_years: Iterable[str] | None = None) -> Select:
    """Incidents per school year, building (the student's that year), referral type, breakdown
    (`REFERRAL_BREAKDOWNS`) and its `key` (`_breakdown_key`)."""
    years = _sorted(school_years)
    parts = []
    for by in REFERRAL_BREAKDOWNS:
        key = _breakdown_key(by)
        parts.append(
            select(
                Discipline.school_year,
                Student.building_id,
                Discipline.referral_type,
                literal(by, String).label("breakdown"),
                key.label("key"),
                func.count().label("incidents"),
            )
            .join(
                Student,
                and_(
                    Student.student_id == Discipline.student_id,
                    Student.school_year == Discipline.school_year,
                ),
            )
            .where(_in_years(Discipline.school_year, years))
            .group_by(Discipline.school_year, Student.building_id, Discipline.referral_type, key)
        )
    return union_all(*parts)


SUMMARIES = (
    (StudentCount.__table__, ("school_year", "building_id", *STUDENT_COUNTS), student_counts_query),
    (
        ScreeningWindowCount.__table__,
        ("school_year", "building_id", "window", *WINDOW_COUNTS),
        window_counts_query,
    ),
    (
        ReferralCount.__table__,
        ("school_year", "building_id", "referral_type", "breakdown", "key", "incidents"),
        referral_counts_query,
    ),
)


def rebuild_student_counts(session: Session, school_years: Iterable[str] | None = None) -> None:
    """Replace the tables' rows of `school_years` (every year when None: every row) with fresh
    counts, in the caller's transaction."""
    years = _sorted(school_years)
    if years == []:
        return
    every_year = years is None
    if every_year:
        years = sorted(session.execute(select(Student.school_year).distinct()).scalars())
    for table, columns, query in SUMMARIES:
        clear = delete(table)
        if not every_year:
            clear = clear.where(table.c.school_year.in_(years))
        session.execute(clear)
        if years:
            session.execute(insert(table).from_select(columns, query(years)))


def up_to_date(session: Session) -> None:
    """Before reading the stored counts in a transaction that wrote student data (not committed
    yet, so not recounted yet): recount the years it wrote, so it reads its own writes as a live
    count would. The commit recounts them again, with anything written after this read."""
    session.flush()
    pending = session.info.get(PENDING_YEARS)
    if pending:
        rebuild_student_counts(session, None if EVERY_YEAR in pending else pending)


def snapshot(session: Session) -> set[tuple]:
    """Every stored row of the tables as (table, key, counts): to tell what a recount changed."""
    rows = set()
    for table, _, _ in SUMMARIES:
        keys = len(table.primary_key.columns)
        for row in session.execute(select(table)):
            rows.add((table.name, tuple(row[:keys]), tuple(row[keys:])))
    return rows


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


def stored_referral_counts(school_years: Iterable[str], by: str) -> Select:
    """The stored incidents of `school_years` by one breakdown: school_year, building_id,
    referral_type, key, incidents."""
    table = ReferralCount.__table__
    return (
        select(
            table.c.school_year,
            table.c.building_id,
            table.c.referral_type,
            table.c.key,
            table.c.incidents,
        )  # fmt: skip
        .where(table.c.school_year.in_(sorted(set(school_years))), table.c.breakdown == by)
        .order_by(table.c.school_year, table.c.building_id, table.c.referral_type, table.c.key)
    )
