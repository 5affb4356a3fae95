"""Equity queries: per-student indicator flags counted in SQL per building and demographic cell, then
the contract's `equity` rows (risks, ratios, suppression, flags) from `equity_metrics`.

No student row leaves the database: one GROUP BY returns at most a few hundred cells per building.
"""

from __future__ import annotations

import pandas as pd
from sqlalchemy import ColumnElement, and_, case, func, select
from sqlmodel import Session

from data_access.equity_metrics import (
    CELL_COUNTS,
    CHRONIC_ABSENCE_MIN_DAYS,
    DISTRICT_ID,
    EXPORT_COLUMNS,
    GROUP_COLUMNS,
    Minimums,
    compute_equity,
)
from data_access.export_format import format_export
from data_access.exports import ExportOptions
from data_access.models import Attendance, Building, Discipline, Student, Support
from data_access.scope import DISTRICT, Scope
from data_access.settings import get_settings


def _yes(condition: ColumnElement[bool]) -> ColumnElement[int]:
    return case((condition, 1), else_=0)


def get_cell_counts(
    session: Session, *, school_year: str, scope: Scope = DISTRICT, by_building: bool = True
) -> pd.DataFrame:
    """One row per building (or, with `by_building=False`, for the whole district) and demographic
    cell of the school year: students, the chronic-absence population, and students with each outcome.

    Each outcome is a yes/no per student: discipline and supports are first reduced to one row per
    student (so a student with both OSS and EXP counts once for exclusion), then joined to the year's
    students rows, so an outcome counts toward the building on the student's row for that year."""
    discipline = (
        select(
            Discipline.student_id,
            func.max(_yes(Discipline.action == "ODR")).label("odr"),
            func.max(_yes(Discipline.action == "ISS")).label("iss"),
            func.max(_yes(Discipline.action == "OSS")).label("oss"),
            func.max(_yes(Discipline.action.in_(("OSS", "EXP")))).label("exclusion"),
        )
        .where(Discipline.school_year == school_year)
        .group_by(Discipline.student_id)
        .subquery("student_discipline")
    )
    supports = (
        select(
            Support.student_id,
            func.max(_yes(Support.tier.in_((2, 3)))).label("tier2plus"),
            func.max(_yes(Support.tier == 3)).label("tier3"),
        )
        .where(Support.school_year == school_year)
        .group_by(Support.student_id)
        .subquery("student_supports")
    )
    in_attendance_population = Attendance.days_enrolled >= CHRONIC_ABSENCE_MIN_DAYS
    # days_absent / days_enrolled >= 0.10, in integers so exactly 10% is never lost to rounding.
    chronic = and_(
        in_attendance_population, 10 * Attendance.days_absent >= Attendance.days_enrolled
    )
    cell = [getattr(Student, column) for column in GROUP_COLUMNS]
    keys = [Student.building_id, *cell] if by_building else cell
    statement = (
        select(
            *keys,
            func.count().label("n_students"),
            func.sum(_yes(in_attendance_population)).label("n_attendance"),
            *(
                func.sum(func.coalesce(discipline.c[name], 0)).label(name)
                for name in ("odr", "iss", "oss", "exclusion")
            ),
            func.sum(_yes(chronic)).label("chronic_absence"),
            *(
                func.sum(func.coalesce(supports.c[name], 0)).label(name)
                for name in ("tier2plus", "tier3")
            ),
        )
        .outerjoin(discipline, discipline.c.student_id == Student.student_id)
        .outerjoin(supports, supports.c.student_id == Student.student_id)
        .outerjoin(
            Attendance,
            and_(
                Attendance.student_id == Student.student_id,
                Attendance.school_year == Student.school_year,
            ),
        )
        .where(Student.school_year == school_year)
        .group_by(*keys)
    )
    if by_building:
        statement = statement.where(scope.where(Student.building_id))
    rows = [tuple(row) for row in session.execute(statement)]
    columns = [*(["building_id"] if by_building else []), *GROUP_COLUMNS, *CELL_COUNTS]
    cells = pd.DataFrame.from_records(rows, columns=columns)
    if not by_building:
        cells.insert(0, "building_id", DISTRICT_ID)
    for column in ("iep", "el", "econ_disadv"):
        cells[column] = cells[column].astype(bool)
    for column in CELL_COUNTS:
        cells[column] = cells[column].fillna(0).astype("int64")
    return cells


def current_minimums() -> Minimums:
    settings = get_settings()
    return Minimums(
        min_cell_size=settings.min_cell_size,
        min_n_size=settings.min_n_size,
        threshold=settings.risk_ratio_threshold,
    )


def get_equity(session: Session, *, school_year: str, scope: Scope = DISTRICT) -> pd.DataFrame:
    """The contract's `equity` rows for one school year: the district's rows (everyone may see them)
    and every building in `scope`, each with its name. Withheld values are NaN."""
    cells = get_cell_counts(session, school_year=school_year, scope=scope)
    if scope.is_district:
        if cells.empty:
            return _empty_equity()
        district = None  # the district's totals are its buildings' sum
    else:
        district = get_cell_counts(session, school_year=school_year, by_building=False)
        if district.empty:
            return _empty_equity()
    rows = compute_equity(cells, district, current_minimums())
    rows.insert(0, "school_year", school_year)
    names = dict(session.execute(select(Building.building_id, Building.name)).all())
    rows["building_name"] = rows["building_id"].map(names).fillna("District (all buildings)")
    return rows


def _empty_equity() -> pd.DataFrame:
    return pd.DataFrame(columns=[*EXPORT_COLUMNS, "building_name"])


def list_equity_school_years(session: Session) -> list[str]:
    """School years with enrolled students, newest first."""
    years = session.execute(select(Student.school_year).distinct()).scalars().all()
    return sorted(years, reverse=True)


def build_equity_export(session: Session, options: ExportOptions) -> pd.DataFrame:
    """`python -m data_access export equity`: one school year (default the newest in the store)."""
    school_year = options.school_year
    if school_year is None:
        years = list_equity_school_years(session)
        school_year = years[0] if years else None
    rows = (
        _empty_equity()
        if school_year is None
        else get_equity(session, school_year=school_year, scope=options.scope)
    )
    return format_export(
        rows[EXPORT_COLUMNS],
        rates=("risk_group", "risk_comparison", "ratio"),
    )
