"""What the Staff support page shows, gathered once per choice of filters.

`get_staff_support_view` reads everything for a scope and an as-of date in one session (the
buildings, supervision coverage, caseload parity, staffing) and does the district-wide aggregation
the page shows (buildings by coverage, the buildings x roles staffing table, the district's own
part); the page loads it once per filter set through the cache. `place_of` is the pure selection of
one building's team out of it, with the aggregation that depends on that choice: the staff behind
the figures, the follow-up list grouped by each person's first building, the roles nobody holds.
(Choosing a building reruns none of those queries: its part is a few rows of what was read.) The
scheduling tab has its own filters (the support team it works on), so its own view,
`get_supervision_schedule_view`. No wording for screens here: codes and numbers only.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date

import pandas as pd
from sqlmodel import Session

from data_access.school_year import school_year_of
from data_access.scope import Scope
from data_access.settings import get_settings
from data_access.staff_support.queries import (
    DISTRICT_ID,
    CaseloadParity,
    SupervisionCoverage,
    buildings_by_id,
    get_caseload_parity,
    get_staffing,
    get_supervision_coverage,
    staff_working_in,
)
from data_access.staff_support.schedule import (
    list_schedulable_staff,
    list_series,
    list_sessions_to_mark,
    list_supervisor_choices,
)

GAP_COLUMNS = ["building", "name", "staff", "who", "ids"]


@dataclass(frozen=True)
class StaffSupportView:
    """Everything the Staff support page shows for a scope and an as-of date, whichever building
    is chosen (see `place_of` for one building's share of it)."""

    as_of: date
    school_year: str
    buildings: pd.DataFrame  # building_id, building (its name), level: the buildings in scope
    building_names: dict[str, str]  # building_id -> name, for the buildings in scope
    coverage: SupervisionCoverage
    parity: CaseloadParity
    staffing: pd.DataFrame  # get_staffing's rows: the buildings in scope and the DISTRICT
    recommended_ratios: dict[str, int]  # role -> students per FTE nationally recommended
    recommended_buildings: pd.DataFrame  # staffing rows of buildings for roles with a ratio
    recommended_gaps: pd.DataFrame  # staffing rows of buildings where no one holds such a role
    buildings_missing_role: int  # buildings in scope with a recommended role nobody holds
    flagged_in_district: int  # support staff whose caseload is flagged, district-wide
    coverage_by_building: pd.DataFrame  # coverage.by_building, lowest share first
    # One row per building: building_id, name, enrollment, then students per FTE of each role in
    # `staffing_roles` (a column per role code, in the order the staffing rows list them).
    staffing_by_building: pd.DataFrame
    staffing_roles: tuple[str, ...]
    # The whole district's part (`place_of(view, building_id=None)`), worked out once with the rest:
    # the page opens on it, and its follow-up list groups every visible staff member.
    district: StaffSupportPlace | None = None


def get_staff_support_view(session: Session, *, scope: Scope, as_of: date) -> StaffSupportView:
    """The Staff support page's data for a scope and an as-of date (its school year's staffing)."""
    school_year = school_year_of(as_of)
    buildings = buildings_by_id(session, scope=scope)
    coverage = get_supervision_coverage(session, as_of=as_of, scope=scope)
    parity = get_caseload_parity(session, as_of=as_of, scope=scope)
    staffing = get_staffing(session, school_year=school_year, scope=scope)
    recommended = staffing[staffing["recommended_ratio"].notna()]
    recommended_buildings = recommended[recommended["building_id"] != DISTRICT_ID]
    recommended_gaps = staffing[
        (staffing["building_id"] != DISTRICT_ID) & (staffing["band"] == "nobody")
    ]
    staffing_by_building, staffing_roles = _students_per_fte_by_building(recommended_buildings)
    view = StaffSupportView(
        as_of=as_of,
        school_year=school_year,
        buildings=buildings,
        building_names=dict(zip(buildings["building_id"], buildings["building"], strict=True)),
        coverage=coverage,
        parity=parity,
        staffing=staffing,
        recommended_ratios=dict(get_settings().recommended_ratios),
        recommended_buildings=recommended_buildings,
        recommended_gaps=recommended_gaps,
        buildings_missing_role=recommended_gaps["building_id"].nunique(),
        flagged_in_district=int(parity.roles["flagged"].sum()),
        coverage_by_building=coverage.by_building.sort_values(["share", "building"]),
        staffing_by_building=staffing_by_building,
        staffing_roles=staffing_roles,
    )
    return replace(view, district=place_of(view, building_id=None))


def _students_per_fte_by_building(
    by_building: pd.DataFrame,
) -> tuple[pd.DataFrame, tuple[str, ...]]:
    """Students per FTE with one column per recommended role, one row per building."""
    wide = by_building.pivot(index="building_id", columns="role", values="students_per_fte")
    role_columns = list(dict.fromkeys(by_building["role"]))
    details = by_building.drop_duplicates("building_id").set_index("building_id")
    wide = details[["name", "enrollment"]].join(wide[role_columns]).reset_index()
    return wide, tuple(role_columns)


@dataclass(frozen=True)
class StaffSupportPlace:
    """One building's part of the view (`building_id`), or the district's (None)."""

    building_id: str | None
    staff: pd.DataFrame  # the visible support staff of the team, longest gap first
    covered: int  # support staff covered by supervision (every one, seen or not)
    counted: int  # support staff counted
    nothing_ahead: int  # support staff with no session scheduled after the as-of date
    flagged: int  # support staff whose caseload is flagged
    roles: pd.DataFrame  # coverage.by_role's rows of the place
    # role, staff, covered, share; for a building also `district`, the district's share of the role
    role_coverage: pd.DataFrame
    past_window: pd.DataFrame  # the visible staff not covered
    # The visible staff past the window by their first building: building (id), name, staff, who
    # (names, ", "-joined), ids (staff ids, ";"-joined); the most staff first.
    gaps_by_building: pd.DataFrame
    nothing_scheduled: pd.DataFrame  # the visible staff with nothing scheduled ahead
    caseloads: pd.DataFrame  # parity.staff rows of the team
    caseload_medians: pd.DataFrame  # parity.roles of the roles in `caseloads`
    flagged_caseloads: pd.DataFrame  # `caseloads` flagged, the highest times the median first
    staffing: pd.DataFrame  # staffing rows of the place (the DISTRICT's for the district)
    recommended_staffing: pd.DataFrame  # those rows of roles with a recommended ratio
    enrolled: int  # students enrolled in the place
    unfilled_roles: int  # recommended roles nobody holds in the place
    # Buildings with recommended roles nobody holds: building_id, name, roles (a list of codes)
    missing_roles: pd.DataFrame


def place_of(view: StaffSupportView, *, building_id: str | None) -> StaffSupportPlace:
    """The part of `view` for one building's support team (None: the whole district's, which
    `view.district` already holds)."""
    if building_id is None and view.district is not None:
        return view.district
    coverage, parity = view.coverage, view.parity

    def team_of(frame: pd.DataFrame) -> pd.DataFrame:
        """Staff rows of the building's team (everyone visible for the whole district)."""
        if building_id is None:
            return frame
        return staff_working_in(frame, building_id)

    staff = team_of(coverage.staff)
    if building_id is None:
        covered, counted = coverage.district_covered, coverage.district_staff
        nothing_ahead = coverage.district_nothing_ahead
    else:
        row = coverage.by_building[coverage.by_building["building_id"] == building_id]
        covered, counted = (int(row["covered"].sum()), int(row["staff"].sum()))
        nothing_ahead = int((staff["scheduled_ahead"] == 0).sum())
    roles_here = coverage.by_role[coverage.by_role["building_id"] == (building_id or DISTRICT_ID)]
    role_coverage = roles_here[["role", "staff", "covered", "share"]].copy()
    if building_id is not None:
        district_roles = coverage.by_role[coverage.by_role["building_id"] == DISTRICT_ID]
        role_coverage = role_coverage.merge(
            district_roles[["role", "share"]].rename(columns={"share": "district"}),
            on="role",
            how="left",
        )
    past_window = staff[~staff["covered"]] if not staff.empty else staff
    carried = team_of(parity.staff)
    roles = parity.roles
    place_staffing = view.staffing[view.staffing["building_id"] == (building_id or DISTRICT_ID)]
    return StaffSupportPlace(
        building_id=building_id,
        staff=staff,
        covered=covered,
        counted=counted,
        nothing_ahead=nothing_ahead,
        flagged=int(carried["flagged"].sum()) if building_id else view.flagged_in_district,
        roles=roles_here,
        role_coverage=role_coverage,
        past_window=past_window,
        gaps_by_building=_gaps_by_first_building(past_window, view.building_names),
        nothing_scheduled=staff[staff["scheduled_ahead"] == 0],
        caseloads=carried,
        caseload_medians=roles[roles["role"].isin(carried["role"])],
        flagged_caseloads=carried[carried["flagged"]].sort_values("times_median", ascending=False)
        if not carried.empty
        else carried,
        staffing=place_staffing,
        recommended_staffing=place_staffing[place_staffing["recommended_ratio"].notna()],
        enrolled=int(place_staffing["enrollment"].max()) if len(place_staffing) else 0,
        unfilled_roles=int((place_staffing["band"] == "nobody").sum()),
        missing_roles=_missing_roles(view.recommended_gaps, building_id),
    )


def _gaps_by_first_building(past_window: pd.DataFrame, names: dict[str, str]) -> pd.DataFrame:
    """Staff past the window counted at the first of their buildings (so each person once), with
    the building's name; the building with the most such staff first."""
    if past_window.empty:
        return pd.DataFrame(columns=GAP_COLUMNS)
    gaps_by_building = (
        past_window.assign(building=past_window["building_ids"].str.split(";").str[0])
        .groupby("building", sort=True)
        .agg(
            staff=("staff_id", "size"),
            who=("name", ", ".join),
            ids=("staff_id", ";".join),
        )
        .reset_index()
    )
    gaps_by_building.insert(
        1,
        "name",
        gaps_by_building["building"].map(names).fillna(gaps_by_building["building"]),
    )
    # Most staff without supervision first: the picker starts at the building to act on.
    return gaps_by_building.sort_values(
        ["staff", "name"], ascending=[False, True], ignore_index=True
    )[GAP_COLUMNS]


def _missing_roles(recommended_gaps: pd.DataFrame, building_id: str | None) -> pd.DataFrame:
    """The building's (or every building's) recommended roles nobody holds, one row per building."""
    gaps_here = recommended_gaps[
        recommended_gaps["building_id"] == building_id
        if building_id
        else recommended_gaps["building_id"].notna()
    ]
    if gaps_here.empty:
        return pd.DataFrame(columns=["building_id", "name", "roles"])
    return (
        gaps_here.groupby(["building_id", "name"], as_index=False)["role"]
        .agg(list)
        .rename(columns={"role": "roles"})
    )


@dataclass(frozen=True)
class SupervisionScheduleView:
    """What the scheduling tab lists for one support team (a building, or every building: None)."""

    schedulable: pd.DataFrame  # staff_id, name, role, building_ids: who may be supervised
    supervisors: pd.DataFrame  # staff_id, name, role: who may supervise
    series: pd.DataFrame  # list_series: series scheduled in the app, newest first
    waiting: pd.DataFrame  # list_sessions_to_mark: sessions to mark held or cancelled


def get_supervision_schedule_view(
    session: Session, *, scope: Scope, school_year: str, building_id: str | None, limit: int
) -> SupervisionScheduleView:
    """The scheduling tab's lists for one support team and school year (at most `limit` sessions
    waiting to be marked)."""
    return SupervisionScheduleView(
        schedulable=list_schedulable_staff(
            session, school_year=school_year, scope=scope, building_id=building_id
        ),
        supervisors=list_supervisor_choices(
            session, school_year=school_year, scope=scope, building_id=building_id
        ),
        series=list_series(session, school_year=school_year, scope=scope, building_id=building_id),
        waiting=list_sessions_to_mark(
            session, school_year=school_year, scope=scope, building_id=building_id, limit=limit
        ),
    )
