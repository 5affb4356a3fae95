"""Staff support coverage: supervision of student-support staff, caseload parity and staffing ratios
(the data contract's `supervision` and `staffing` tables). Counting happens in SQL; the arithmetic
over the counted rows lives in `metrics`, the exported tables in `export`.

Who sees what: staff-level rows (names, gaps since supervision, caseloads) are only for a scope that
includes one of the staff member's buildings; everyone else sees aggregates. `may_see_staff_member`
is the one place that rule is decided, and every staff-level result goes through `visible_staff`.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

import pandas as pd
from sqlalchemy import and_, case, func, select
from sqlmodel import Session

from data_access.buildings import list_buildings
from data_access.memo import remembered
from data_access.models import (
    STAFF_ROLES,
    Caseload,
    Staff,
    StaffAssignment,
    Student,
    SupervisionSession,
)
from data_access.school_year import school_year_end, school_year_of, school_year_start
from data_access.scope import DISTRICT, Scope
from data_access.settings import get_settings
from data_access.staff_support import metrics
from data_access.store import StoreStatus, get_store_status

ID_LIST_LIMIT = 500  # more staff ids than this go to the database as a subquery, not a list
DISTRICT_ID = "DISTRICT"  # the building_id of district roll-up rows, as in the contract

STAFFING_COLUMNS = [
    "school_year",
    "building_id",
    "role",
    "enrollment",
    "fte",
    "students_per_fte",
    "recommended_ratio",
    "meets_recommendation",
]


# --- Who sees what ------------------------------------------------------------------------------


def may_see_staff_member(scope: Scope, building_ids: Iterable[str]) -> bool:
    """Staff-level rows of a staff member are for the whole-district scope and for a scope that
    includes one of the buildings they work in this school year; everyone else sees aggregates."""
    return scope.is_district or any(scope.allows(building_id) for building_id in building_ids)


def visible_staff(
    frame: pd.DataFrame, scope: Scope, *, building_ids_column: str = "building_ids"
) -> pd.DataFrame:
    """The rows of `frame` (one per staff member, their buildings `;`-joined) the scope may see."""
    if scope.is_district or frame.empty:
        return frame
    allowed = frame[building_ids_column].map(
        lambda ids: may_see_staff_member(scope, str(ids).split(";") if ids else [])
    )
    return frame[allowed.astype(bool)]


def staff_working_in(frame: pd.DataFrame, building_id: str) -> pd.DataFrame:
    """The rows of `frame` (one per staff member, their buildings `;`-joined) of staff who work in
    the building. Always the same columns: an empty frame stays a frame with every column (a mask
    mapped over no rows is not boolean, and pandas would read it as a list of column names)."""
    works_here = frame["building_ids"].map(lambda ids: building_id in str(ids).split(";"))
    return frame[works_here.astype(bool)]


# --- Dates ----------------------------------------------------------------------------------------


def default_as_of(status: StoreStatus) -> date:
    """The date coverage is computed as of when nobody chooses one: the demo's own "today" for a
    demo store (its data stops there), otherwise today."""
    if status.demo and status.as_of is not None:
        return status.as_of
    return date.today()


def get_default_as_of(session: Session) -> date:
    return default_as_of(get_store_status(session))


def resolve_as_of(session: Session, *, as_of: date | None, school_year: str | None) -> date:
    """`as_of` when given; else the default date, moved into `school_year` when one is named (a past
    year is seen as of its last day, a future one as of its first)."""
    if as_of is not None:
        return as_of
    default = get_default_as_of(session)
    if school_year is None:
        return default
    return min(max(default, school_year_start(school_year)), school_year_end(school_year))


# --- Support staff ------------------------------------------------------------------------------


def get_support_assignments(session: Session, *, school_year: str) -> pd.DataFrame:
    """One row per support staff member and building they are assigned to in the school year."""
    rows = session.execute(
        select(
            Staff.staff_id,
            Staff.name,
            Staff.role,
            StaffAssignment.building_id,
            StaffAssignment.fte,
        )
        .join(StaffAssignment, StaffAssignment.staff_id == Staff.staff_id)
        .where(
            StaffAssignment.school_year == school_year,
            Staff.role.in_(get_settings().support_roles),
        )
        .order_by(Staff.staff_id, StaffAssignment.building_id)
    ).all()
    frame = pd.DataFrame(rows, columns=["staff_id", "name", "role", "building_id", "fte"])
    frame["fte"] = frame["fte"].astype(float)
    return frame


def one_row_per_staff(assignments: pd.DataFrame) -> pd.DataFrame:
    """staff_id, name, role, building_ids (sorted, `;`-joined) and their total fte."""
    people: dict[str, list] = {}
    for staff_id, name, role, building_id, fte in assignments[
        ["staff_id", "name", "role", "building_id", "fte"]
    ].itertuples(index=False):
        person = people.setdefault(staff_id, [name, role, [], 0.0])
        person[2].append(building_id)
        person[3] += fte
    return pd.DataFrame(
        [
            (staff_id, name, role, ";".join(sorted(buildings)), fte)
            for staff_id, (name, role, buildings, fte) in sorted(people.items())
        ],
        columns=["staff_id", "name", "role", "building_ids", "fte"],
    )


def buildings_by_id(session: Session, *, scope: Scope) -> pd.DataFrame:
    """`buildings.list_buildings` the way staff support's tables and the meeting matrix hold it:
    building_id, building (its name), level; by id."""
    buildings = list_buildings(session, scope=scope).rename(columns={"name": "building"})
    return buildings.sort_values("building_id", ignore_index=True)


# --- Supervision ----------------------------------------------------------------------------------


def _count(condition) -> object:
    return func.coalesce(func.sum(case((condition, 1), else_=0)), 0)


def _staff_supervision(session: Session, *, as_of: date) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Every active support staff member's supervision as of a date (the contract's columns plus
    name), and the staff-building assignments behind it. Not scoped: callers apply the rule."""
    settings = get_settings()
    school_year = school_year_of(as_of)
    assignments = get_support_assignments(session, school_year=school_year)
    staff = one_row_per_staff(assignments)

    active = (
        select(StaffAssignment.staff_id)
        .join(Staff, Staff.staff_id == StaffAssignment.staff_id)
        .where(
            StaffAssignment.school_year == school_year,
            Staff.role.in_(settings.support_roles),
        )
    )
    day, status = SupervisionSession.session_date, SupervisionSession.status
    held = status == "held"
    first_of_window = metrics.window_start(as_of, settings.supervision_window_days)
    first_of_year = school_year_start(school_year)
    # Every count looks at this school year, the window or the future: read only from the earlier
    # of their first days (the (staff_id, session_date) index serves that range).
    since = min(first_of_window, first_of_year)
    rows = session.execute(
        select(
            SupervisionSession.staff_id,
            func.max(case((held & (day <= as_of), day))).label("last_held_on"),
            _count(held & day.between(first_of_window, as_of)).label("held_in_window"),
            _count(held & day.between(first_of_year, as_of)).label("held_this_year"),
            _count((status == "cancelled") & day.between(first_of_year, as_of)).label(
                "cancelled_this_year"
            ),
            _count((status == "scheduled") & (day > as_of)).label("scheduled_ahead"),
        )
        .where(SupervisionSession.staff_id.in_(active), day >= since)
        .group_by(SupervisionSession.staff_id)
    ).all()
    counts = pd.DataFrame(
        [tuple(row) for row in rows],
        columns=[
            "staff_id",
            "last_held_on",
            "held_in_window",
            "held_this_year",
            "cancelled_this_year",
            "scheduled_ahead",
        ],
    )
    # The last held session of anyone with none since then lies further back.
    recent = set(counts.loc[counts["last_held_on"].notna(), "staff_id"])
    earlier_ids = [staff_id for staff_id in staff["staff_id"] if staff_id not in recent]
    if earlier_ids:
        who = (
            SupervisionSession.staff_id.in_(earlier_ids)
            if len(earlier_ids) <= ID_LIST_LIMIT
            else SupervisionSession.staff_id.in_(active)
        )
        earlier = dict(
            session.execute(
                select(SupervisionSession.staff_id, func.max(day))
                .where(who, held, day < since)
                .group_by(SupervisionSession.staff_id)
            ).all()
        )
        counts = counts.set_index("staff_id")
        wanted = set(earlier_ids)
        for staff_id, last in earlier.items():
            if staff_id not in wanted:
                continue
            if staff_id in counts.index:
                counts.loc[staff_id, "last_held_on"] = last
            else:
                counts.loc[staff_id] = [last, 0, 0, 0, 0]
        counts = counts.reset_index()
    frame = staff.merge(counts, on="staff_id", how="left")
    for column in ("held_in_window", "held_this_year", "cancelled_this_year", "scheduled_ahead"):
        frame[column] = frame[column].fillna(0).astype(int)
    frame["last_held_on"] = [
        None if pd.isna(day) else _as_date(day) for day in frame["last_held_on"]
    ]
    frame["last_held_on"] = frame["last_held_on"].astype(object)
    frame["days_since_last_held"] = metrics.days_between(frame["last_held_on"], as_of)
    frame["covered"] = frame["held_in_window"] > 0
    return frame, assignments


def _as_date(value: object) -> date:
    if isinstance(value, str):  # SQLite hands back text from some aggregate expressions
        return date.fromisoformat(value[:10])
    return value.date() if hasattr(value, "date") and callable(value.date) else value


def order_by_longest_gap(frame: pd.DataFrame) -> pd.DataFrame:
    """Never supervised first, then the longest time since the last held session."""
    never = frame["days_since_last_held"].isna()
    return (
        frame.assign(_never=never, _days=frame["days_since_last_held"].fillna(-1).astype(int))
        .sort_values(["_never", "_days", "staff_id"], ascending=[False, False, True])
        .drop(columns=["_never", "_days"])
        .reset_index(drop=True)
    )


@dataclass(frozen=True)
class SupervisionCoverage:
    as_of: date
    school_year: str
    window_days: int
    staff: pd.DataFrame  # one row per support staff member the scope may see, longest gap first
    by_building: pd.DataFrame  # building_id, building, level, staff, covered, share (in scope)
    by_role: (
        pd.DataFrame
    )  # building_id (DISTRICT or a building in scope), role, staff, covered, share
    district_staff: int  # every active support staff member in the district
    district_covered: int
    district_nothing_ahead: int  # support staff with no session scheduled after the as-of date
    hidden_staff: int  # staff whose rows this scope may not see (they count in the aggregates)


@remembered("staff")
def get_supervision_coverage(session: Session, *, as_of: date, scope: Scope) -> SupervisionCoverage:
    """Who has had supervision recently, by staff member, building and role, as of a date.

    Coverage shares count every staff member in the district roll-up; a building's own shares are
    only for a scope that includes it; staff rows follow `may_see_staff_member`."""
    settings = get_settings()
    staff, assignments = _staff_supervision(session, as_of=as_of)
    membership = assignments[["staff_id", "role", "building_id"]].merge(
        staff[["staff_id", "covered"]], on="staff_id"
    )
    buildings = buildings_by_id(session, scope=scope)
    in_scope = membership[membership["building_id"].isin(buildings["building_id"])]
    by_building = buildings.merge(
        metrics.coverage_share(in_scope, by=["building_id"]), on="building_id"
    )
    district_roles = metrics.coverage_share(staff, by=["role"]).assign(building_id=DISTRICT_ID)
    building_roles = metrics.coverage_share(in_scope, by=["building_id", "role"])
    by_role = pd.concat([district_roles, building_roles], ignore_index=True)[
        ["building_id", "role", "staff", "covered", "share"]
    ]
    shown = visible_staff(staff, scope)
    return SupervisionCoverage(
        as_of=as_of,
        school_year=school_year_of(as_of),
        window_days=settings.supervision_window_days,
        staff=order_by_longest_gap(shown),
        by_building=by_building,
        by_role=by_role,
        district_staff=len(staff),
        district_covered=int(staff["covered"].sum()) if len(staff) else 0,
        district_nothing_ahead=int((staff["scheduled_ahead"] == 0).sum()) if len(staff) else 0,
        hidden_staff=len(staff) - len(shown),
    )


@dataclass(frozen=True)
class SupervisionActivity:
    school_year: str
    months: pd.DataFrame  # month, label, held, cancelled, scheduled, total, cancelled_share
    formats: pd.DataFrame  # format, sessions, share: held sessions this school year


def get_supervision_activity(
    session: Session, *, school_year: str, scope: Scope, building_id: str | None = None
) -> SupervisionActivity:
    """Supervisee sessions of the school year's support staff by month and status, and the
    individual/group mix of held ones: the district's (`building_id=None`, for everyone) or one
    building's team (only when the scope includes it). A group session counts once per supervisee."""
    if building_id is not None and not scope.allows(building_id):
        building_id = DISTRICT_ID  # matches no assignment: an empty result, never another's rows
    team = (
        select(StaffAssignment.staff_id)
        .join(Staff, Staff.staff_id == StaffAssignment.staff_id)
        .where(
            StaffAssignment.school_year == school_year,
            Staff.role.in_(get_settings().support_roles),
        )
    )
    if building_id is not None:
        team = team.where(StaffAssignment.building_id == building_id)
    rows = session.execute(
        select(
            SupervisionSession.session_date,
            SupervisionSession.status,
            SupervisionSession.format,
            func.count().label("sessions"),
        )
        .where(
            SupervisionSession.staff_id.in_(team),
            SupervisionSession.session_date.between(
                school_year_start(school_year), school_year_end(school_year)
            ),
        )
        .group_by(
            SupervisionSession.session_date, SupervisionSession.status, SupervisionSession.format
        )
    ).all()
    counts = pd.DataFrame(rows, columns=["session_date", "status", "format", "sessions"])
    return SupervisionActivity(
        school_year=school_year,
        months=metrics.sessions_by_month(counts, school_year=school_year),
        formats=metrics.format_mix(counts),
    )


# --- Caseload parity ------------------------------------------------------------------------------


@dataclass(frozen=True)
class CaseloadParity:
    as_of: date
    school_year: str
    flag_ratio: float
    # Staff the scope may see: staff_id, name, role, building_ids, active_cases, fte, caseload_on,
    # cases_per_fte, role_median, times_median, flagged.
    staff: pd.DataFrame
    roles: (
        pd.DataFrame
    )  # the district's team per role: staff, median, highest, highest_to_median, cv
    without_caseload: int  # active support staff with no caseload recorded this year (district)


def get_caseload_parity(session: Session, *, as_of: date, scope: Scope) -> CaseloadParity:
    """Each support staff member's latest caseload (per building, up to `as_of` within its school
    year) per FTE, compared with everyone of the same role in the district."""
    settings = get_settings()
    school_year = school_year_of(as_of)
    assignments = get_support_assignments(session, school_year=school_year)
    staff = one_row_per_staff(assignments)
    assigned = and_(
        StaffAssignment.staff_id == Caseload.staff_id,
        StaffAssignment.building_id == Caseload.building_id,
        StaffAssignment.school_year == school_year,
    )
    latest = (
        select(Caseload.staff_id, Caseload.building_id, func.max(Caseload.as_of).label("latest_on"))
        .join(StaffAssignment, assigned)
        .join(Staff, Staff.staff_id == Caseload.staff_id)
        .where(
            Staff.role.in_(settings.support_roles),
            Caseload.as_of.between(school_year_start(school_year), as_of),
        )
        .group_by(Caseload.staff_id, Caseload.building_id)
        .subquery()
    )
    rows = session.execute(
        select(Caseload.staff_id, Caseload.as_of, Caseload.active_cases).join(
            latest,
            and_(
                latest.c.staff_id == Caseload.staff_id,
                latest.c.building_id == Caseload.building_id,
                latest.c.latest_on == Caseload.as_of,
            ),
        )
    ).all()
    cases = pd.DataFrame(rows, columns=["staff_id", "caseload_on", "active_cases"])
    cases["caseload_on"] = pd.to_datetime(cases["caseload_on"])  # a vectorised max per person
    per_staff = cases.groupby("staff_id", as_index=False).agg(
        active_cases=("active_cases", "sum"), caseload_on=("caseload_on", "max")
    )
    per_staff["caseload_on"] = per_staff["caseload_on"].dt.date
    with_cases = staff.merge(per_staff, on="staff_id", how="inner")
    compared, roles = metrics.caseload_parity(with_cases, flag_ratio=settings.caseload_flag_ratio)
    shown = visible_staff(compared, scope).sort_values(
        ["role", "cases_per_fte"], ascending=[True, False], ignore_index=True
    )
    return CaseloadParity(
        as_of=as_of,
        school_year=school_year,
        flag_ratio=settings.caseload_flag_ratio,
        staff=shown,
        roles=roles,
        without_caseload=len(staff) - len(with_cases),
    )


# --- Staffing ratios ------------------------------------------------------------------------------


def role_order(roles: Iterable[str]) -> list[str]:
    """Roles with a recommended ratio first (in settings order), then the rest as the store lists them."""
    recommended = list(get_settings().recommended_ratios)
    present = set(roles)
    rest = [role for role in STAFF_ROLES if role in present and role not in recommended]
    return [role for role in recommended] + rest + sorted(present - set(STAFF_ROLES))


def _staffing_rows(
    school_year: str,
    building_id: str,
    enrollment: int,
    fte_by_role: dict[str, float],
) -> list[dict]:
    recommended = get_settings().recommended_ratios
    return [
        {
            "school_year": school_year,
            "building_id": building_id,
            "role": role,
            "enrollment": enrollment,
            "fte": round(fte_by_role.get(role, 0.0), 4),
            "recommended_ratio": recommended.get(role),
        }
        for role in role_order(fte_by_role)
    ]


@remembered("students", "staff")
def get_staffing(session: Session, *, school_year: str, scope: Scope) -> pd.DataFrame:
    """The contract's `staffing` rows for a school year: each building in scope (one with students
    or staff that year) and the DISTRICT, for every role assigned there plus every role with a
    recommended ratio (fte 0 when nobody holds it). Adds the building's `name` and `level`."""
    enrollment_rows = session.execute(
        select(Student.building_id, func.count())
        .where(Student.school_year == school_year, scope.where(Student.building_id))
        .group_by(Student.building_id)
    ).all()
    enrollment = {building_id: int(count) for building_id, count in enrollment_rows}
    fte_rows = session.execute(
        select(StaffAssignment.building_id, Staff.role, func.sum(StaffAssignment.fte))
        .join(Staff, Staff.staff_id == StaffAssignment.staff_id)
        .where(StaffAssignment.school_year == school_year, scope.where(StaffAssignment.building_id))
        .group_by(StaffAssignment.building_id, Staff.role)
    ).all()
    fte: dict[str, dict[str, float]] = {}
    for building_id, role, total in fte_rows:
        fte.setdefault(building_id, {})[role] = float(total)
    district_students = session.execute(
        select(func.count()).select_from(Student).where(Student.school_year == school_year)
    ).scalar_one()
    district_fte = {
        role: float(total)
        for role, total in session.execute(
            select(Staff.role, func.sum(StaffAssignment.fte))
            .join(Staff, Staff.staff_id == StaffAssignment.staff_id)
            .where(StaffAssignment.school_year == school_year)
            .group_by(Staff.role)
        ).all()
    }
    rows: list[dict] = []
    for building_id in sorted(set(enrollment) | set(fte)):
        rows += _staffing_rows(
            school_year, building_id, enrollment.get(building_id, 0), fte.get(building_id, {})
        )
    if district_students or district_fte:
        rows += _staffing_rows(school_year, DISTRICT_ID, int(district_students), district_fte)
    table = pd.DataFrame(rows, columns=STAFFING_COLUMNS[:5] + ["recommended_ratio"])
    table["recommended_ratio"] = table["recommended_ratio"].astype("Int64")
    table = metrics.staffing_ratios(table)
    table["band"] = [
        metrics.staffing_band(ratio, recommended, fte)
        for ratio, recommended, fte in zip(
            table["students_per_fte"], table["recommended_ratio"], table["fte"], strict=True
        )
    ]
    names = list_buildings(session, scope=DISTRICT)
    table = table.merge(names, on="building_id", how="left")
    table.loc[table["building_id"] == DISTRICT_ID, "name"] = "Whole district"
    return table[[*STAFFING_COLUMNS, "name", "level", "band"]]
