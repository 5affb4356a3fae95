"""The meeting's own reads: the comparison date (the previous meeting, or a month earlier), overdue
actions as they stood on a past day, which school years the equity figures come from, and the
district at a glance (buildings, enrollment, staff and how fresh each data source is).

Counts are aggregated in SQL; no student row leaves the database. The area figures themselves
(fidelity, supervision, staffing, equity, actions) come from the area modules' own queries."""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from datetime import date
from typing import Any

import pandas as pd
from sqlalchemy import distinct, func, select
from sqlmodel import Session

from data_access.equity.queries import current_identification_rules, list_equity_school_years
from data_access.meeting.rules import OPEN_STATUSES, Comparison, month_before, statuses_on
from data_access.memo import remembered
from data_access.models import (
    Action,
    ActionUpdate,
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
from data_access.school_year import previous_school_year, school_year_of
from data_access.scope import Scope
from data_access.settings import get_settings
from data_access.team.queries import get_meeting_on, get_previous_meeting

# --- The meeting's comparison, overdue then, equity years -------------------------------------------


def get_comparison(session: Session, *, as_of: date) -> Comparison:
    previous = get_previous_meeting(session, before=as_of)
    return Comparison(
        as_of=as_of,
        school_year=school_year_of(as_of),
        compare_on=previous.held_on if previous else month_before(as_of),
        previous_meeting=previous,
        this_meeting=get_meeting_on(session, day=as_of),
    )


def count_overdue_on(
    session: Session,
    *,
    day: date,
    building_id: str | None = None,
    building_ids: Collection[str] | None = None,
) -> int:
    """Actions that were open or in progress at the end of `day` with a due date before it: what
    the Follow-up page said was overdue that day, rebuilt from each action's history. Every action,
    or those of one building (`building_id`) or of some buildings (`building_ids`)."""
    statement = select(Action.action_id, Action.status, Action.created_at).where(
        Action.due_date < day
    )
    if building_id is not None:
        statement = statement.where(Action.building_id == building_id)
    if building_ids is not None:
        statement = statement.where(Action.building_id.in_(sorted(building_ids)))
    actions = pd.DataFrame(
        session.execute(statement).all(), columns=["action_id", "status", "created_at"]
    )
    if actions.empty:
        return 0
    changes = pd.DataFrame(
        session.execute(
            select(
                ActionUpdate.action_id,
                ActionUpdate.changed_at,
                ActionUpdate.old_value,
                ActionUpdate.new_value,
            ).where(
                ActionUpdate.field == "status",
                ActionUpdate.action_id.in_(select(statement.subquery().c.action_id)),
            )
        ).all(),
        columns=["action_id", "changed_at", "old_value", "new_value"],
    )
    return int(statuses_on(actions, changes, day=day).isin(OPEN_STATUSES).sum())


def get_equity_years(session: Session, *, as_of: date) -> list[str]:
    """The school years the meeting reads equity rows of, newest first: the year it reports (that of
    `as_of`, or the newest in the store when the store holds none for it) and those before it that
    the store holds, as many as identification needs (the identification years, and at least
    three: enough to tell a flag three school years in a row and reasonable progress over two).
    Empty without students."""
    years = list_equity_school_years(session)
    if not years:
        return []
    year = school_year_of(as_of) if school_year_of(as_of) in years else years[0]
    wanted = [year]
    while len(wanted) < max(3, current_identification_rules().years):
        wanted.append(previous_school_year(wanted[-1]))
    return [y for y in wanted if y in years]


def list_meeting_action_ids(session: Session, *, meeting_id: int) -> set[int]:
    """The actions a meeting decided (linked to it), by id."""
    return set(
        session.execute(select(Action.action_id).where(Action.meeting_id == meeting_id)).scalars()
    )


# --- The district at a glance ----------------------------------------------------------------------


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


@remembered("students", "staff")
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


@remembered("students", "staff")
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
    """For each data source (a code: students, attendance, ...; FRESHNESS_SOURCES in
    components/meeting_wording.py names them): the latest school year or date it covers (text,
    missing without rows) and how many rows it holds.

    Supervision counts only sessions that were held: a calendar full of future bookings says nothing
    about how current the record is. `as_of` (default: today) bounds that."""
    as_of = as_of or date.today()
    records = [
        record
        for area in FRESHNESS_AREAS
        for record in _FRESHNESS_OF_AREA[area](session, as_of=as_of)
    ]
    return pd.DataFrame(records, columns=["source", "latest", "rows"])


def _freshness_sources(as_of: date) -> dict[str, list[tuple[str, Any, Any, Any]]]:
    """Each area's sources: (code, table, what its latest is, which rows count)."""
    return {
        "students": [
            ("students", Student, func.max(Student.school_year), None),
            ("attendance", Attendance, func.max(Attendance.school_year), None),
            ("discipline", Discipline, func.max(Discipline.incident_date), None),
            ("supports", Support, func.max(Support.start_date), None),
            ("screening", Screening, func.max(Screening.school_year), None),
        ],
        "fidelity": [
            ("fidelity_scores", FidelityScore, func.max(FidelityScore.administered_on), None),
        ],
        "staff": [
            ("staff_assignments", StaffAssignment, func.max(StaffAssignment.school_year), None),
            (
                "supervision_sessions",
                SupervisionSession,
                func.max(SupervisionSession.session_date),
                (SupervisionSession.status == "held") & (SupervisionSession.session_date <= as_of),
            ),
            ("caseloads", Caseload, func.max(Caseload.as_of), None),
        ],
        "actions": [("actions", Action, func.max(Action.updated_at), None)],
        "team": [("meetings", Meeting, func.max(Meeting.held_on), None)],
    }


FRESHNESS_AREAS = ("students", "fidelity", "staff", "actions", "team")  # the order shown


def _area_freshness(area: str) -> Any:
    """The freshness of one area's sources, kept per version of that area: a follow-up action
    saved does not count the district's students again (a fifth of a cold Overview, issue 23)."""

    @remembered(area)
    def freshness_of(session: Session, *, as_of: date) -> list[dict[str, Any]]:
        records = []
        for source, model, latest, condition in _freshness_sources(as_of)[area]:
            statement = select(latest, func.count()).select_from(model)
            if condition is not None:
                statement = statement.where(condition)
            newest, rows = session.execute(statement).one()
            if hasattr(newest, "date") and callable(newest.date):
                newest = newest.date()
            records.append(
                {"source": source, "latest": str(newest) if newest else None, "rows": rows}
            )
        return records

    return freshness_of


_FRESHNESS_OF_AREA = {area: _area_freshness(area) for area in FRESHNESS_AREAS}
