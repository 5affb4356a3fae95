"""The contract's `staffing` and `supervision` tables as exported files (`python -m data_access
export`): the rows the queries compute, in the contract's columns, formatted by `format_export`."""

from __future__ import annotations

import pandas as pd
from sqlalchemy import func, select
from sqlmodel import Session

from data_access.export_format import ExportOptions, format_export
from data_access.models import Student
from data_access.staff_support.queries import (
    STAFFING_COLUMNS,
    _staff_supervision,
    get_staffing,
    resolve_as_of,
    visible_staff,
)

SUPERVISION_COLUMNS = [
    "staff_id",
    "role",
    "building_ids",
    "last_held_on",
    "days_since_last_held",
    "held_in_window",
    "covered",
    "held_this_year",
    "cancelled_this_year",
    "scheduled_ahead",
]


def build_supervision_export(session: Session, options: ExportOptions) -> pd.DataFrame:
    """The contract's `supervision` table: one row per support staff member active in the school
    year of the as-of date (default: the demo's date for a demo store, else today)."""
    as_of = resolve_as_of(session, as_of=options.as_of, school_year=options.school_year)
    staff, _ = _staff_supervision(session, as_of=as_of)
    table = visible_staff(staff, options.scope).sort_values("staff_id", ignore_index=True)
    table["last_held_on"] = [
        "" if day is None else day.isoformat() for day in table["last_held_on"]
    ]
    return format_export(table[SUPERVISION_COLUMNS], booleans=["covered"])


def build_staffing_export(session: Session, options: ExportOptions) -> pd.DataFrame:
    """The contract's `staffing` table for `--year` (default: the newest school year in the store)."""
    school_year = options.school_year or _newest_school_year(session)
    if school_year is None:
        return pd.DataFrame(columns=STAFFING_COLUMNS)
    table = get_staffing(session, school_year=school_year, scope=options.scope)
    return format_export(
        table[STAFFING_COLUMNS],
        rates=["fte", "students_per_fte"],
        booleans=["meets_recommendation"],
    )


def _newest_school_year(session: Session) -> str | None:
    return session.execute(select(func.max(Student.school_year))).scalar_one_or_none()
