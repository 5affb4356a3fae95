"""The equity count summary (`equity_cell_counts`), kept equal to the student data it counts.

Counting a school year of a large district (150,000 students with their attendance, discipline and
supports) takes most of a second; the Equity page needs every year and the meeting screen three. So
the counts per school year, building and demographic cell are stored, and rebuilt for the school
years a transaction changed, inside that transaction, just before it commits:

- ORM writes (`session.add(Student(...))`, edits, deletes) are noticed after each flush;
- bulk Core writes (the importer, the demo loader) say which years they wrote with `years_changed`.

Either way the summary and the rows it counts commit or roll back together: no reader ever sees
one without the other.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from itertools import chain

from sqlalchemy import (
    ColumnElement,
    Select,
    and_,
    case,
    delete,
    event,
    func,
    insert,
    inspect,
    select,
)
from sqlalchemy.orm import Session

from data_access import student_needs
from data_access.equity.metrics import CELL_COUNTS, GROUP_COLUMNS
from data_access.models import (
    Attendance,
    Discipline,
    EquityCellCount,
    Screening,
    Student,
    Support,
)
from data_access.student_counts import EVERY_YEAR, PENDING_YEARS, rebuild_student_counts, snapshot

STUDENT_DATA = (Student, Attendance, Discipline, Support, Screening)
STUDENT_DATA_TABLES = tuple(model.__tablename__ for model in STUDENT_DATA)
SUMMARY_COLUMNS = ("school_year", "building_id", *GROUP_COLUMNS, *CELL_COUNTS)
# `years_changed(session, EVERY_YEAR)`: rebuild the whole summary. PENDING_YEARS: the session.info
# key of the years to rebuild at commit (data_access.student_counts reads it too).
_PENDING = PENDING_YEARS


def _yes(condition: ColumnElement[bool]) -> ColumnElement[int]:
    return case((condition, 1), else_=0)


def cell_counts_query(school_years: Iterable[str] | None = None) -> Select:
    """Students, the chronic-absence and screened populations and students with each outcome, per
    school year,
    building and demographic cell, counted from the student rows (every year when `school_years`
    is None). The one definition of the counts: the summary is this query's result.

    Each outcome is a yes/no per student and year: discipline and supports are first reduced to one
    row per student (so a student with both OSS and EXP counts once for exclusion; screening and
    supports by the shared rules of `data_access.student_needs`), then joined to
    the year's students row, so an outcome counts toward the building the student attended."""
    years = None if school_years is None else sorted(set(school_years))

    def in_years(column):
        return True if years is None else column.in_(years)

    discipline = (
        select(
            Discipline.student_id,
            Discipline.school_year,
            # Every incident is a referral, whatever followed it (ISS, OSS, EXP): since 0008.
            func.max(_yes(Discipline.incident_id.is_not(None))).label("odr"),
            func.max(_yes(Discipline.action == "ISS")).label("iss"),
            func.max(_yes(Discipline.action == "OSS")).label("oss"),
            func.max(_yes(Discipline.action.in_(("OSS", "EXP")))).label("exclusion"),
        )
        .where(in_years(Discipline.school_year))
        .group_by(Discipline.student_id, Discipline.school_year)
        .subquery("student_discipline")
    )
    tiers = student_needs.support_tiers(years)
    screening = student_needs.screening_status(years)
    in_attendance_population = student_needs.in_attendance_population()
    chronic = student_needs.chronically_absent()
    keys = [
        Student.school_year,
        Student.building_id,
        # An unknown race/ethnicity or sex (NULL) is the cell '': in every total, in no group.
        *(
            func.coalesce(getattr(Student, column), "").label(column)
            if column in UNKNOWN_AS_EMPTY
            else getattr(Student, column)
            for column in GROUP_COLUMNS
        ),
    ]
    return (
        select(
            *keys,
            func.count().label("n_students"),
            func.sum(_yes(in_attendance_population)).label("n_attendance"),
            *(
                func.sum(func.coalesce(discipline.c[name], 0)).label(name)
                for name in ("odr", "iss", "oss", "exclusion")
            ),
            func.sum(_yes(chronic)).label("chronic_absence"),
            func.sum(_yes(tiers.c.tier.in_((2, 3)))).label("tier2plus"),
            func.sum(_yes(tiers.c.tier == 3)).label("tier3"),
            # below_benchmark's population (screened that year) and events; unsupported_need's
            # population is below_benchmark's events, its events those of them with no support.
            func.sum(_yes(screening.c.below_benchmark.is_not(None))).label("n_screened"),
            func.sum(func.coalesce(screening.c.below_benchmark, 0)).label("below_benchmark"),
            func.sum(_yes(and_(screening.c.below_benchmark == 1, tiers.c.tier.is_(None)))).label(
                "unsupported_need"
            ),
        )
        .outerjoin(
            discipline,
            and_(
                discipline.c.student_id == Student.student_id,
                discipline.c.school_year == Student.school_year,
            ),
        )
        .outerjoin(
            tiers,
            and_(
                tiers.c.student_id == Student.student_id,
                tiers.c.school_year == Student.school_year,
            ),
        )
        .outerjoin(
            screening,
            and_(
                screening.c.student_id == Student.student_id,
                screening.c.school_year == Student.school_year,
            ),
        )
        .outerjoin(
            Attendance,
            and_(
                Attendance.student_id == Student.student_id,
                Attendance.school_year == Student.school_year,
            ),
        )
        .where(in_years(Student.school_year))
        .group_by(*keys)
    )


UNKNOWN_AS_EMPTY = ("race_ethnicity", "sex")


def rebuild_equity_summary(session: Session, school_years: Iterable[str] | None = None) -> None:
    """Replace the summary's rows of `school_years` (every year when None) with fresh counts, in
    the caller's transaction."""
    years = None if school_years is None else sorted(set(school_years))
    if years == []:
        return
    summary = EquityCellCount.__table__
    clear = delete(summary)
    if years is not None:
        clear = clear.where(summary.c.school_year.in_(years))
    session.execute(clear)
    session.execute(insert(summary).from_select(SUMMARY_COLUMNS, cell_counts_query(years)))
    rebuild_student_counts(session, years)  # system health's and support need's counts


@dataclass(frozen=True)
class Recount:
    school_years: tuple[str, ...]
    cells: int
    changed_cells: int  # cells added, removed or with a different count
    changed_student_counts: int = 0  # rows of data_access.student_counts' tables, likewise


def recount_equity_summary(session: Session) -> Recount:
    """Rebuild the whole summary from the student rows, saying how much of it was out of date
    (anything but 0 means student data was changed outside the dashboard)."""
    summary = EquityCellCount.__table__
    columns = [summary.c[name] for name in SUMMARY_COLUMNS]
    before = {tuple(row) for row in session.execute(select(*columns))}
    counts_before = snapshot(session)
    rebuild_equity_summary(session)
    after = {tuple(row) for row in session.execute(select(*columns))}
    counts_after = snapshot(session)
    keys = len(GROUP_COLUMNS) + 2
    changed = {row[:keys] for row in before ^ after}
    return Recount(
        school_years=tuple(sorted({row[0] for row in after})),
        cells=len(after),
        changed_cells=len(changed),
        changed_student_counts=len({row[:2] for row in counts_before ^ counts_after}),
    )


def years_changed(session: Session, school_years: Iterable[str] | str) -> None:
    """Say that this transaction wrote student data of `school_years` (or `EVERY_YEAR`) other than
    through ORM objects; their summary is rebuilt when the transaction commits."""
    pending = session.info.setdefault(_PENDING, set())
    if school_years == EVERY_YEAR:
        pending.add(EVERY_YEAR)
    else:
        pending.update(school_years)


@event.listens_for(Session, "after_flush")
def _note_orm_writes(session: Session, _flush_context) -> None:
    years = set()
    for row in chain(session.new, session.dirty, session.deleted):
        if isinstance(row, STUDENT_DATA):
            years.add(row.school_year)
            years.update(inspect(row).attrs.school_year.history.deleted or ())
    if years:
        years_changed(session, years)


@event.listens_for(Session, "before_commit")
def _rebuild_before_commit(session: Session) -> None:
    session.flush()  # commit would flush next anyway; rows added since the last flush count too
    pending = session.info.pop(_PENDING, None)
    if not pending:
        return
    rebuild_equity_summary(session, None if EVERY_YEAR in pending else pending)


@event.listens_for(Session, "after_rollback")
def _forget_on_rollback(session: Session) -> None:
    session.info.pop(_PENDING, None)
