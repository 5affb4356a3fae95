"""Retention of support staff and caseloads over the school year: who the support team loses, where
a post stands vacant, and whether caseloads drift apart before the latest count shows it.

- **Turnover** per school year, building (and DISTRICT) and role: `in_post` = support staff with an
  assignment there that year who had not left before it began (and had started by its end);
  `leavers` = those of them whose end_date falls in that year (up to the as-of date in its own
  year); `turnover` = leavers / in_post. A person split across two buildings counts once in each
  building and once in the district.
- **Vacant posts** as of a date: a building and role with a national recommended ratio where
  someone assigned there this school year or last has left, and the FTE of those still in post
  this year leaves the building above its recommended students per FTE (or with nobody).
- **Caseloads by month** per role: each person's latest count in the month (per building, summed
  over their buildings) per FTE, and the median, quartiles and range over the role's staff in the
  district.

Staff rows only; no student is counted here but the enrolment the ratios divide."""

from __future__ import annotations

from datetime import date

import numpy as np
import pandas as pd
from sqlalchemy import and_, func, select
from sqlmodel import Session

from data_access.memo import remembered
from data_access.models import Caseload, Staff, StaffAssignment, Student
from data_access.school_year import (
    previous_school_year,
    school_year_end,
    school_year_of,
    school_year_start,
)
from data_access.scope import Scope
from data_access.settings import get_settings

DISTRICT_ID = "DISTRICT"
TURNOVER_COLUMNS = ["school_year", "building_id", "role", "in_post", "leavers", "turnover"]
VACANCY_COLUMNS = [
    "building_id",
    "role",
    "left",
    "last_left_on",
    "fte_in_post",
    "enrollment",
    "students_per_fte",
    "recommended_ratio",
    "fte_short",
]
TREND_COLUMNS = ["month", "role", "staff", "median", "q1", "q3", "lowest", "highest"]


# --- Reads ------------------------------------------------------------------------------------------


def support_staff_assignments(session: Session, *, up_to: str) -> pd.DataFrame:
    """staff_id, role, start_date, end_date, building_id, school_year, fte: every assignment of a
    support-role staff member in a school year up to `up_to`."""
    rows = session.execute(
        select(
            Staff.staff_id,
            Staff.role,
            Staff.start_date,
            Staff.end_date,
            StaffAssignment.building_id,
            StaffAssignment.school_year,
            StaffAssignment.fte,
        )
        .join(StaffAssignment, StaffAssignment.staff_id == Staff.staff_id)
        .where(
            Staff.role.in_(get_settings().support_roles),
            StaffAssignment.school_year <= up_to,
        )
    ).all()
    columns = ["staff_id", "role", "start_date", "end_date", "building_id", "school_year", "fte"]
    frame = pd.DataFrame(rows, columns=columns)
    frame["fte"] = frame["fte"].astype(float)
    return frame


def enrollment(session: Session, *, school_year: str) -> dict[str, int]:
    rows = session.execute(
        select(Student.building_id, func.count())
        .where(Student.school_year == school_year)
        .group_by(Student.building_id)
    ).all()
    return {building_id: int(count) for building_id, count in rows}


# --- Arithmetic (pure) ------------------------------------------------------------------------------


def _in_post(frame: pd.DataFrame) -> pd.Series:
    """Assignments whose person had started by the year's end and not left before its start."""
    flags = [
        (start is None or pd.isna(start) or start <= school_year_end(year))
        and (end is None or pd.isna(end) or end >= school_year_start(year))
        for start, end, year in zip(
            frame["start_date"], frame["end_date"], frame["school_year"], strict=True
        )
    ]
    return pd.Series(flags, index=frame.index, dtype=bool)


def turnover(assignments: pd.DataFrame, *, as_of: date) -> pd.DataFrame:
    """The turnover rows (`TURNOVER_COLUMNS`) of every school year up to as_of's: each building and
    the DISTRICT, each role and `ALL` support roles."""
    frame = assignments[_in_post(assignments)].copy()
    if frame.empty:
        return pd.DataFrame(columns=TURNOVER_COLUMNS)
    frame["left"] = [
        end is not None and not pd.isna(end) and end <= min(school_year_end(year), as_of)
        for end, year in zip(frame["end_date"], frame["school_year"], strict=True)
    ]
    parts = []
    for building in ("building_id", None):
        for role in ("role", None):
            keys = ["school_year"] + [k for k in (building, role) if k]
            once = frame.drop_duplicates([*keys, "staff_id"])
            part = once.groupby(keys, as_index=False).agg(
                in_post=("staff_id", "size"), leavers=("left", "sum")
            )
            if building is None:
                part["building_id"] = DISTRICT_ID
            if role is None:
                part["role"] = "ALL"
            parts.append(part)
    table = pd.concat(parts, ignore_index=True)
    table["leavers"] = table["leavers"].astype(int)
    table["turnover"] = table["leavers"] / table["in_post"]
    table["_district"] = table["building_id"] == DISTRICT_ID
    table["_all"] = table["role"] == "ALL"
    table = table.sort_values(["school_year", "_district", "building_id", "_all", "role"])
    return table[TURNOVER_COLUMNS].reset_index(drop=True)


def vacancies(assignments: pd.DataFrame, enrolled: dict[str, int], *, as_of: date) -> pd.DataFrame:
    """The vacant posts as of a date (`VACANCY_COLUMNS`), the most short-staffed first."""
    ratios = get_settings().recommended_ratios
    year = school_year_of(as_of)
    years = {year, previous_school_year(year)}
    frame = assignments[assignments["role"].isin(list(ratios))]
    since = school_year_start(previous_school_year(year))
    gone = pd.Series(
        [end is not None and not pd.isna(end) and end <= as_of for end in frame["end_date"]],
        index=frame.index,
        dtype=bool,
    )
    left = frame[gone & frame["school_year"].isin(years)]
    left = left.loc[[end >= since for end in left["end_date"]]]
    still = frame[~gone & (frame["school_year"] == year)]
    rows = []
    for (building_id, role), leavers in left.groupby(["building_id", "role"]):
        fte = float(
            still.loc[(still["building_id"] == building_id) & (still["role"] == role), "fte"].sum()
        )
        students = enrolled.get(building_id, 0)
        if students == 0:
            continue
        per_fte = students / fte if fte > 0 else None
        recommended = ratios[role]
        if per_fte is not None and per_fte <= recommended:
            continue
        rows.append(
            {
                "building_id": building_id,
                "role": role,
                "left": leavers["staff_id"].nunique(),
                "last_left_on": leavers["end_date"].max(),
                "fte_in_post": round(fte, 4),
                "enrollment": students,
                "students_per_fte": per_fte,
                "recommended_ratio": recommended,
                "fte_short": round(students / recommended - fte, 2),
            }
        )
    table = pd.DataFrame(rows, columns=VACANCY_COLUMNS)
    return table.sort_values(
        ["fte_short", "building_id"], ascending=[False, True], ignore_index=True
    )


def caseload_trend(counts: pd.DataFrame, fte: pd.DataFrame) -> pd.DataFrame:
    """Per month and role (`TREND_COLUMNS`): the spread of cases per FTE over the role's staff.
    `counts`: staff_id, role, building_id, as_of, active_cases; `fte`: staff_id, fte (their total
    support FTE that year)."""
    if counts.empty:
        return pd.DataFrame(columns=TREND_COLUMNS)
    frame = counts.copy()
    frame["month"] = [day.replace(day=1) for day in frame["as_of"]]
    frame = frame.sort_values("as_of").drop_duplicates(
        ["staff_id", "building_id", "month"], keep="last"
    )
    per_staff = frame.groupby(["month", "role", "staff_id"], as_index=False)["active_cases"].sum()
    per_staff = per_staff.merge(fte, on="staff_id", how="inner")
    per_staff["per_fte"] = per_staff["active_cases"] / per_staff["fte"]
    grouped = per_staff.groupby(["month", "role"])["per_fte"]
    table = grouped.agg(
        staff="size",
        median="median",
        q1=lambda v: float(np.percentile(v, 25)),
        q3=lambda v: float(np.percentile(v, 75)),
        lowest="min",
        highest="max",
    ).reset_index()
    return table[TREND_COLUMNS].sort_values(["role", "month"], ignore_index=True)


# --- Queries for the page ---------------------------------------------------------------------------


def in_scope(table: pd.DataFrame, scope: Scope) -> pd.DataFrame:
    if scope.is_district or table.empty:
        return table
    keep = (table["building_id"] == DISTRICT_ID) | table["building_id"].map(scope.allows)
    return table[keep.astype(bool)].reset_index(drop=True)


@remembered("students", "staff")
def get_retention(
    session: Session, *, as_of: date, scope: Scope
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(turnover rows of every school year up to as_of's, vacant posts as of it) for the scope's
    buildings (and the DISTRICT's turnover)."""
    year = school_year_of(as_of)
    assignments = support_staff_assignments(session, up_to=year)
    table = turnover(assignments, as_of=as_of)
    vacant = vacancies(assignments, enrollment(session, school_year=year), as_of=as_of)
    if not scope.is_district:
        vacant = vacant[vacant["building_id"].map(scope.allows).astype(bool)]
    return in_scope(table, scope), vacant.reset_index(drop=True)


@remembered("staff")
def get_caseload_trend(session: Session, *, as_of: date) -> pd.DataFrame:
    """Caseloads per FTE by month and role from 1 July of as_of's school year to as_of, over every
    support staff member of the district (as caseload parity compares them)."""
    year = school_year_of(as_of)
    assigned = and_(
        StaffAssignment.staff_id == Caseload.staff_id,
        StaffAssignment.building_id == Caseload.building_id,
        StaffAssignment.school_year == year,
    )
    rows = session.execute(
        select(
            Caseload.staff_id,
            Staff.role,
            Caseload.building_id,
            Caseload.as_of,
            Caseload.active_cases,
        )
        .join(StaffAssignment, assigned)
        .join(Staff, Staff.staff_id == Caseload.staff_id)
        .where(
            Staff.role.in_(get_settings().support_roles),
            Caseload.as_of.between(school_year_start(year), as_of),
        )
    ).all()
    counts = pd.DataFrame(
        rows, columns=["staff_id", "role", "building_id", "as_of", "active_cases"]
    )
    fte_rows = session.execute(
        select(StaffAssignment.staff_id, func.sum(StaffAssignment.fte))
        .join(Staff, Staff.staff_id == StaffAssignment.staff_id)
        .where(StaffAssignment.school_year == year, Staff.role.in_(get_settings().support_roles))
        .group_by(StaffAssignment.staff_id)
    ).all()
    fte = pd.DataFrame(fte_rows, columns=["staff_id", "fte"])
    fte["fte"] = fte["fte"].astype(float)
    return caseload_trend(counts, fte)
