"""Queries for the district at a glance: buildings, enrollment, staff and how fresh each data source is.

Counts are aggregated in SQL; no student row leaves the database.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import pandas as pd
from sqlalchemy import distinct, func, select
from sqlmodel import Session

from data_access.models import (
    Action,
    Attendance,
    Building,
    Caseload,
    Discipline,
    FidelityScore,
    Meeting,
    Screening,
    Staff,
    StaffAssignment,
    Student,
    SupervisionSession,
    Support,
)
from data_access.scope import Scope
from data_access.settings import get_settings


@dataclass(frozen=True)
class DistrictSummary:
    school_years: tuple[str, ...]  # newest first
    buildings: int
    students: int  # in the newest school year
    staff: int  # assigned in the newest school year
    support_staff_fte: float


def list_school_years(session: Session) -> list[str]:
    """School years with enrolled students, newest first."""
    years = session.execute(select(Student.school_year).distinct()).scalars().all()
    return sorted(years, reverse=True)


def get_district_summary(session: Session) -> DistrictSummary:
    years = tuple(list_school_years(session))
    latest = years[0] if years else None
    buildings = session.execute(select(func.count()).select_from(Building)).scalar_one()
    students = session.execute(
        select(func.count()).select_from(Student).where(Student.school_year == latest)
    ).scalar_one()
    staff = get_staff_count(session, school_year=latest) if latest else 0
    support_fte = session.execute(
        select(func.coalesce(func.sum(StaffAssignment.fte), 0.0))
        .join(Staff, Staff.staff_id == StaffAssignment.staff_id)
        .where(StaffAssignment.school_year == latest, Staff.role.in_(get_settings().support_roles))
    ).scalar_one()
    return DistrictSummary(
        school_years=years,
        buildings=buildings,
        students=students,
        staff=staff,
        support_staff_fte=round(float(support_fte), 2),
    )


def get_staff_count(session: Session, *, school_year: str) -> int:
    """How many people hold a staff assignment in the school year (each counted once)."""
    return session.execute(
        select(func.count(distinct(StaffAssignment.staff_id))).where(
            StaffAssignment.school_year == school_year
        )
    ).scalar_one()


def get_building_overview(session: Session, *, school_year: str, scope: Scope) -> pd.DataFrame:
    """One row per building in scope: level, enrollment and support-staff FTE in the school year."""
    enrollment = (
        select(Student.building_id, func.count().label("enrollment"))
        .where(Student.school_year == school_year)
        .group_by(Student.building_id)
        .subquery()
    )
    support = (
        select(
            StaffAssignment.building_id, func.sum(StaffAssignment.fte).label("support_staff_fte")
        )
        .join(Staff, Staff.staff_id == StaffAssignment.staff_id)
        .where(
            StaffAssignment.school_year == school_year,
            Staff.role.in_(get_settings().support_roles),
        )
        .group_by(StaffAssignment.building_id)
        .subquery()
    )
    rows = session.execute(
        select(
            Building.building_id,
            Building.name,
            Building.level,
            func.coalesce(enrollment.c.enrollment, 0).label("enrollment"),
            func.coalesce(support.c.support_staff_fte, 0.0).label("support_staff_fte"),
            Building.principal_email,
        )
        .outerjoin(enrollment, enrollment.c.building_id == Building.building_id)
        .outerjoin(support, support.c.building_id == Building.building_id)
        .where(scope.where(Building.building_id))
        .order_by(Building.name)
    ).all()
    frame = pd.DataFrame(
        rows,
        columns=[
            "building_id",
            "name",
            "level",
            "enrollment",
            "support_staff_fte",
            "principal_email",
        ],
    )
    frame["enrollment"] = frame["enrollment"].astype(int)
    frame["support_staff_fte"] = frame["support_staff_fte"].astype(float).round(2)
    return frame


def get_data_freshness(session: Session, *, as_of: date | None = None) -> pd.DataFrame:
    """For each data source: the latest school year or date it covers and how many rows it holds.

    Supervision counts only sessions that were held: a calendar full of future bookings says nothing
    about how current the record is. `as_of` (default: today) bounds that."""
    as_of = as_of or date.today()
    sources = [
        ("Students (enrollment)", Student, func.max(Student.school_year), None),
        ("Attendance", Attendance, func.max(Attendance.school_year), None),
        ("Discipline incidents", Discipline, func.max(Discipline.incident_date), None),
        ("Tier 2 and 3 supports", Support, func.max(Support.start_date), None),
        ("Screening", Screening, func.max(Screening.school_year), None),
        ("Fidelity scores", FidelityScore, func.max(FidelityScore.administered_on), None),
        ("Staff assignments", StaffAssignment, func.max(StaffAssignment.school_year), None),
        (
            "Supervision sessions (held)",
            SupervisionSession,
            func.max(SupervisionSession.session_date),
            (SupervisionSession.status == "held") & (SupervisionSession.session_date <= as_of),
        ),
        ("Caseloads", Caseload, func.max(Caseload.as_of), None),
        ("Follow-up actions (last change)", Action, func.max(Action.updated_at), None),
        ("Leadership meetings", Meeting, func.max(Meeting.held_on), None),
    ]
    records = []
    for label, model, latest, condition in sources:
        statement = select(latest, func.count()).select_from(model)
        if condition is not None:
            statement = statement.where(condition)
        newest, rows = session.execute(statement).one()
        if hasattr(newest, "date") and callable(newest.date):
            newest = newest.date()
        records.append(
            {"source": label, "latest": str(newest) if newest else "no data", "rows": rows}
        )
    return pd.DataFrame(records, columns=["source", "latest", "rows"])
