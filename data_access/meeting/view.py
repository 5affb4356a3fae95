"""The Overview (the leadership meeting screen) as one view: the district's headline figures with
their change since the previous meeting (or a month earlier), the buildings x areas matrix and the
agenda for the buildings in scope, and the district at a glance, read in one session.

Every number comes from the area modules' own queries (fidelity, staff support, equity, follow-up
actions), so the meeting screen says what the area pages say; this module only reads them, once
each, and hands them to the pure rules in `rules.py`.

Who sees what: headline figures are district roll-ups (or one building's, for a brief the person may
see), for everyone. Matrix rows and agenda items of a building are only for a scope that includes it.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date

import pandas as pd
from sqlmodel import Session

from data_access.actions import ActionFilters, list_actions
from data_access.equity import get_equity
from data_access.equity_metrics import DISTRICT_ID, previous_school_year
from data_access.fidelity import get_scale_scores
from data_access.imports_common import school_year_of
from data_access.meeting.queries import (
    DistrictSummary,
    count_overdue_on,
    get_building_overview,
    get_comparison,
    get_data_freshness,
    get_district_summary,
    get_equity_years,
    get_staff_count,
    list_meeting_action_ids,
)
from data_access.meeting.rules import (
    FIDELITY_INSTRUMENT,
    FIDELITY_SCALE,
    OPEN_STATUSES,
    RECOMMENDED_ROLE_NAMES,
    Comparison,
    Headline,
    Headlines,
    agenda_flag_order,
    building_matrix,
    buildings_at_criterion,
    fidelity_standing,
    flag_changes,
    missing_roles,
)
from data_access.scope import DISTRICT, Scope, building_scope
from data_access.settings import get_settings
from data_access.staff_support import (
    SupervisionCoverage,
    get_staffing,
    get_supervision_coverage,
    list_buildings,
)
from data_access.team import (
    count_by_category,
    get_team_members,
    list_meetings,
    meeting_health,
    missing_categories,
)

EquityRows = Mapping[str, pd.DataFrame]  # school year → get_equity rows, for one scope


# --- What the area queries say, read once -------------------------------------------------------


@dataclass(frozen=True)
class AreaReadings:
    """What the area queries say about one scope on the meeting date. The view reads the district's
    once and hands them to the headline figures and, when the scope is the district, to the picture
    too. Nobody changes these frames in place."""

    scope: Scope
    buildings: pd.DataFrame  # list_buildings
    scores: pd.DataFrame  # get_scale_scores of FIDELITY_INSTRUMENT
    coverage: SupervisionCoverage  # get_supervision_coverage on the meeting date
    staffing: pd.DataFrame  # get_staffing of the meeting date's school year
    open_actions: pd.DataFrame  # list_actions open or in progress (of `building_ids`, when named)


def read_areas(
    session: Session, *, as_of: date, scope: Scope, building_ids: tuple[str, ...] = ()
) -> AreaReadings:
    return AreaReadings(
        scope=scope,
        buildings=list_buildings(session, scope=scope),
        scores=get_scale_scores(session, scope=scope, instrument=FIDELITY_INSTRUMENT),
        coverage=get_supervision_coverage(session, as_of=as_of, scope=scope),
        staffing=get_staffing(session, school_year=school_year_of(as_of), scope=scope),
        open_actions=list_actions(
            session,
            scope=scope,
            as_of=as_of,
            filters=ActionFilters(building_ids=building_ids, statuses=OPEN_STATUSES),
        ),
    )


def equity_rows(
    session: Session, *, years: list[str], scope: Scope, given: EquityRows | None
) -> dict[str, pd.DataFrame]:
    """Each year's get_equity rows: those the caller already has (the view's district rows, or the
    page's for a building's brief), the rest read here."""
    given = given or {}
    return {
        year: given[year] if year in given else get_equity(session, school_year=year, scope=scope)
        for year in years
    }


# --- Headline figures --------------------------------------------------------------------------------


def _share(covered: int, staff: int) -> float | None:
    return covered * 100.0 / staff if staff else None


def _coverage_of(coverage: SupervisionCoverage, building_id: str | None) -> tuple[int, int]:
    if building_id is None:
        return coverage.district_covered, coverage.district_staff
    row = coverage.by_building[coverage.by_building["building_id"] == building_id]
    return (int(row["covered"].sum()), int(row["staff"].sum())) if len(row) else (0, 0)


def _flags_in(rows: pd.DataFrame, building_id: str | None) -> int:
    flagged = rows[rows["flag"].notna()] if len(rows) else rows
    if building_id is not None:
        flagged = flagged[flagged["building_id"] == building_id]
    return len(flagged)


def get_headlines(
    session: Session,
    *,
    as_of: date,
    building_id: str | None = None,
    equity: EquityRows | None = None,
) -> Headlines:
    """The five headline figures for the district (`building_id=None`: roll-ups everyone sees) or
    one building (the caller checks the person may see it), each now and at the comparison date.
    `equity`: get_equity rows by school year the caller already has (the district's will do: a
    building's flags are counted from them)."""
    scope = DISTRICT if building_id is None else building_scope({building_id})
    return headlines_from(
        session,
        comparison=get_comparison(session, as_of=as_of),
        building_id=building_id,
        now=read_areas(
            session,
            as_of=as_of,
            scope=scope,
            building_ids=(building_id,) if building_id else (),
        ),
        years=get_equity_years(session, as_of=as_of),
        equity=equity,
    )


@dataclass(frozen=True)
class BuildingBriefView:
    """What one building's brief adds to the Overview's picture: the building's own headline
    figures and its TFI scores by administration (the brief's trend chart)."""

    headlines: Headlines
    trend: pd.DataFrame  # get_scale_scores of FIDELITY_INSTRUMENT for the building


def get_building_brief_view(
    session: Session, *, as_of: date, building_id: str, equity: EquityRows | None = None
) -> BuildingBriefView:
    """For a building the caller has checked the person may see. `equity`: as for get_headlines."""
    now = read_areas(
        session, as_of=as_of, scope=building_scope({building_id}), building_ids=(building_id,)
    )
    headlines = headlines_from(
        session,
        comparison=get_comparison(session, as_of=as_of),
        building_id=building_id,
        now=now,
        years=get_equity_years(session, as_of=as_of),
        equity=equity,
    )
    return BuildingBriefView(headlines=headlines, trend=now.scores)


def headlines_from(
    session: Session,
    *,
    comparison: Comparison,
    building_id: str | None,
    now: AreaReadings,
    years: list[str],
    equity: EquityRows | None,
) -> Headlines:
    """The headline figures from what is already read about `now.scope` on the meeting date; what
    the comparison date needs (coverage then, overdue then, staffing of another school year) is
    read here."""
    as_of = comparison.as_of
    then = comparison.compare_on
    since = comparison.since
    scope = now.scope
    names = now.buildings
    place = "the district" if building_id is None else names["building"].iloc[0]
    window = get_settings().supervision_window_days
    items = []

    # Fidelity: buildings at criterion (district) or the building's percent, latest on each date.
    scores = now.scores
    now_standing = fidelity_standing(scores, on=as_of)
    then_standing = fidelity_standing(scores, on=then)
    if building_id is None:
        at, assessed = buildings_at_criterion(now_standing)
        at_then, assessed_then = buildings_at_criterion(then_standing)
        criterion = (
            f"{now_standing['criterion_pct'].max():g}%" if len(now_standing) else "the criterion"
        )
        items.append(
            Headline(
                key="fidelity",
                label="TFI at criterion",
                shown=f"{at:,} of {assessed:,}" if assessed else "no scores",
                value=float(at) if assessed else None,
                before=float(at_then) if assessed_then else None,
                higher_is_better=True,
                unit="buildings",
                since=since,
                since_short=comparison.since_short,
                detail=f"Buildings whose latest {FIDELITY_INSTRUMENT} {FIDELITY_SCALE} score is at "
                f"or above {criterion}, of the {assessed:,} with a score.",
            )
        )
    else:
        percent = now_standing["percent"].iloc[0] if len(now_standing) else pd.NA
        before = then_standing["percent"].iloc[0] if len(then_standing) else pd.NA
        items.append(
            Headline(
                key="fidelity",
                label=f"{FIDELITY_INSTRUMENT} {FIDELITY_SCALE}, latest",
                shown=f"{percent:.0f}%" if pd.notna(percent) else "no score",
                value=None if pd.isna(percent) else float(percent),
                before=None if pd.isna(before) else float(before),
                higher_is_better=True,
                unit="points",
                since=since,
                since_short=comparison.since_short,
                detail=f"The latest {FIDELITY_INSTRUMENT} {FIDELITY_SCALE} score: points earned "
                "of points possible.",
            )
        )

    # Supervision: support staff with a held session in the window ending on each date.
    covered, staff = _coverage_of(now.coverage, building_id)
    covered_then, staff_then = _coverage_of(
        get_supervision_coverage(session, as_of=then, scope=scope), building_id
    )
    share, share_then = _share(covered, staff), _share(covered_then, staff_then)
    items.append(
        Headline(
            key="supervision",
            label="Staff supervised",
            shown=f"{share:.0f}%" if share is not None else "no staff",
            value=None if share is None else round(share),
            before=None if share_then is None else round(share_then),
            higher_is_better=True,
            unit="points",
            since=since,
            since_short=comparison.since_short,
            detail=f"{covered:,} of {staff:,} support staff in {place} had a held supervision "
            f"session in the {window} days ending {as_of:%-d %b %Y}.",
        )
    )

    # Staffing: buildings with nobody in a recommended role (district) or the building's such roles.
    now_gaps = missing_roles(now.staffing)
    # Usually the same school year as now: then it is read once.
    then_gaps = missing_roles(
        now.staffing
        if school_year_of(then) == school_year_of(as_of)
        else get_staffing(session, school_year=school_year_of(then), scope=scope)
    )
    if building_id is None:
        value, before_value = now_gaps["building_id"].nunique(), then_gaps["building_id"].nunique()
        label, unit = "Missing a role", "buildings"
        detail = (
            "Buildings with nobody at all as counselor, psychologist, social worker or nurse "
            f"(the roles with a national recommended ratio) in {school_year_of(as_of)}."
        )
    else:
        value, before_value = len(now_gaps), len(then_gaps)
        label, unit = "Recommended roles unfilled", "roles"
        roles = ", ".join(RECOMMENDED_ROLE_NAMES.get(r, r) for r in now_gaps["role"]) or "none"
        detail = (
            f"Counselor, psychologist, social worker or nurse with no one in the role: {roles}."
        )
    items.append(
        Headline(
            key="staffing",
            label=label,
            shown=f"{value:,}",
            value=float(value),
            before=float(before_value),
            higher_is_better=False,
            unit=unit,
            since=since,
            since_short=comparison.since_short,
            detail=detail,
        )
    )

    # Equity: flags this school year against last school year (equity figures are yearly).
    year = years[0] if years else None
    last_year = years[1] if len(years) > 1 and years[1] == previous_school_year(year) else None
    rows = equity_rows(
        session, years=[y for y in (year, last_year) if y], scope=scope, given=equity
    )
    flags = _flags_in(rows[year], building_id) if year else 0
    flags_before = _flags_in(rows[last_year], building_id) if last_year else None
    threshold = get_settings().risk_ratio_threshold
    items.append(
        Headline(
            key="equity",
            label="Equity flags",
            shown=f"{flags:,}" if year else "no students",
            value=float(flags) if year else None,
            before=None if flags_before is None else float(flags_before),
            higher_is_better=False,
            unit="flags",
            since=f"since {last_year}" if last_year else since,
            since_short=f"since {last_year}" if last_year else comparison.since_short,
            detail=f"Building, indicator and student-group risk ratios above {threshold:g} or "
            f"below 1/{threshold:g} in {place} in {year}"
            + (", district rows included" if building_id is None else "")
            + ". Equity is counted per school year, so the change is against last school year.",
        )
    )

    # Actions: open or in progress past their due date, now and as the history says they were then.
    actions = now.open_actions
    overdue = int(actions["overdue"].sum())
    items.append(
        Headline(
            key="actions",
            label="Overdue actions",
            shown=f"{overdue:,}",
            value=float(overdue),
            before=float(count_overdue_on(session, day=then, building_id=building_id)),
            higher_is_better=False,
            unit="actions",
            since=since,
            since_short=comparison.since_short,
            detail=f"Follow-up actions still open or in progress after their due date, on "
            f"{as_of:%-d %b %Y}.",
        )
    )
    return Headlines(
        place=place, building_id=building_id, comparison=comparison, items=tuple(items)
    )


# --- The picture: matrix, agenda and what the charts need --------------------------------------------


@dataclass(frozen=True)
class MeetingPicture:
    """Everything the meeting screen and brief show beyond the headline figures, for one scope."""

    comparison: Comparison
    school_year: str  # of the as-of date: staffing and supervision
    equity_year: str | None  # the school year equity flags are counted for
    window_days: int
    matrix: pd.DataFrame  # building_matrix, buildings in scope
    fidelity: pd.DataFrame  # fidelity_standing with building names, in scope
    coverage: pd.DataFrame  # building_id, building, staff, covered, share, in scope
    district_coverage: tuple[int, int]  # (covered, staff) across the district, for everyone
    left_open: pd.DataFrame  # the previous meeting's actions still open (list_actions rows)
    flags: pd.DataFrame  # new or worse equity flags in scope (and the district's), agenda order
    all_flags: pd.DataFrame  # every flag of the year in scope, with new / worse / years_flagged
    supervision_gaps: pd.DataFrame  # buildings in scope with staff past the window, worst first
    slipped: pd.DataFrame  # buildings in scope below criterion and lower than before
    missing_roles: pd.DataFrame  # building_id, building, roles (in words), in scope
    missing_role_buildings: int  # across the district (a count, for everyone)
    overdue: pd.DataFrame  # overdue actions in scope (list_actions rows), longest overdue first
    open_actions: pd.DataFrame  # every open action in scope (list_actions rows), soonest due first
    team_members: int
    team_missing: tuple[str, ...]  # category labels nobody represents
    last_meeting: pd.Series | None  # meeting_health row of the latest meeting on or before as_of


def get_meeting_picture(
    session: Session, *, as_of: date, scope: Scope, equity: EquityRows | None = None
) -> MeetingPicture:
    """The matrix, the agenda and what the charts need, for the buildings in `scope`. `equity`: the
    get_equity rows of `get_equity_years` for this scope, when the caller already has them."""
    years = get_equity_years(session, as_of=as_of)
    here = read_areas(session, as_of=as_of, scope=scope)
    return picture_from(
        session,
        comparison=get_comparison(session, as_of=as_of),
        here=here,
        years=years,
        equity=equity_rows(session, years=years, scope=scope, given=equity),
        district_staffing=(
            here.staffing
            if scope.is_district
            else get_staffing(session, school_year=school_year_of(as_of), scope=DISTRICT)
        ),
    )


def picture_from(
    session: Session,
    *,
    comparison: Comparison,
    here: AreaReadings,
    years: list[str],
    equity: EquityRows,
    district_staffing: pd.DataFrame,
) -> MeetingPicture:
    """The picture from what is already read about `here.scope`; `equity`: its get_equity rows of
    each of `years`; `district_staffing`: the district's get_staffing rows (a count for everyone)."""
    as_of = comparison.as_of
    scope = here.scope
    school_year = school_year_of(as_of)
    buildings = here.buildings
    names = dict(zip(buildings["building_id"], buildings["building"], strict=True))

    fidelity = fidelity_standing(here.scores, on=as_of)
    fidelity = fidelity.assign(building=fidelity["building_id"].map(names))

    coverage_now = here.coverage
    coverage = coverage_now.by_building[["building_id", "building", "staff", "covered", "share"]]

    staffing = here.staffing
    gaps = missing_roles(staffing)
    district_gaps = gaps if scope.is_district else missing_roles(district_staffing)

    equity_year = years[0] if years else None
    if equity_year is None:
        all_flags = pd.DataFrame(
            columns=["building_id", "indicator", "group_type", "group", "ratio", "flag"]
            + ["years_flagged", "new", "worse", "building_name", "previous_ratio"]
        )
    else:
        history = pd.concat(list(equity.values()), ignore_index=True)
        all_flags = flag_changes(history, school_year=equity_year)
    changed = all_flags[all_flags["new"] | all_flags["worse"]]
    flags = agenda_flag_order(changed) if len(changed) else changed.reset_index(drop=True)

    open_actions = here.open_actions
    overdue = open_actions[open_actions["overdue"]].sort_values(["due_date", "action_id"])
    if comparison.previous_meeting is not None:
        decided = list_meeting_action_ids(
            session, meeting_id=comparison.previous_meeting.meeting_id
        )
        left_open = open_actions[open_actions["action_id"].isin(decided)]
    else:
        left_open = open_actions.iloc[0:0]

    matrix = building_matrix(
        buildings=buildings,
        fidelity=fidelity,
        coverage=coverage,
        staffing=staffing,
        flags=all_flags[all_flags["building_id"] != DISTRICT_ID],
        actions=open_actions,
    )

    supervision_gaps = coverage.loc[coverage["covered"] < coverage["staff"]].sort_values(
        ["share", "building"]
    )
    slipped = fidelity.loc[fidelity["slipped"].astype(bool)].assign(
        drop=lambda f: f["previous_percent"] - f["percent"]
    )
    slipped = slipped.sort_values(["drop", "building"], ascending=[False, True])
    missing = (
        gaps.assign(role=gaps["role"].map(lambda r: RECOMMENDED_ROLE_NAMES.get(r, r)))
        .groupby("building_id", as_index=False)["role"]
        .agg(", ".join)
        .rename(columns={"role": "roles"})
    )
    missing.insert(1, "building", missing["building_id"].map(names))

    members = get_team_members(session, on=as_of)
    meetings = meeting_health(list_meetings(session, until=as_of))
    return MeetingPicture(
        comparison=comparison,
        school_year=school_year,
        equity_year=equity_year,
        window_days=coverage_now.window_days,
        matrix=matrix,
        fidelity=fidelity,
        coverage=coverage.reset_index(drop=True),
        district_coverage=(coverage_now.district_covered, coverage_now.district_staff),
        left_open=left_open.reset_index(drop=True),
        flags=flags,
        all_flags=all_flags.reset_index(drop=True),
        supervision_gaps=supervision_gaps.reset_index(drop=True),
        slipped=slipped.reset_index(drop=True),
        missing_roles=missing,
        missing_role_buildings=int(district_gaps["building_id"].nunique()),
        overdue=overdue.reset_index(drop=True),
        open_actions=open_actions.reset_index(drop=True),
        team_members=len(members),
        team_missing=tuple(missing_categories(count_by_category(members))),
        last_meeting=meetings.iloc[-1] if len(meetings) else None,
    )


# --- The one view of the Overview page -------------------------------------------------------------


@dataclass(frozen=True)
class DistrictGlance:
    """The district at a glance in one school year: district roll-ups for everyone, building rows
    only for the buildings in scope."""

    school_year: str
    district: pd.DataFrame  # get_building_overview of every building
    buildings: pd.DataFrame  # get_building_overview of the buildings in scope
    staff_count: int


@dataclass(frozen=True)
class OverviewView:
    """Everything the Overview shows for one scope and date, computed in one session so the
    headlines and the picture share their scores, coverage, staffing and equity rows. Without
    students in the store only `summary` and `freshness` are filled."""

    summary: DistrictSummary
    headlines: Headlines | None  # the district's
    picture: MeetingPicture | None  # the scope's
    district_equity: dict[str, pd.DataFrame]  # school year → the district's get_equity rows
    glance: dict[str, DistrictGlance]  # school year (each of summary.school_years) → its glance
    freshness: pd.DataFrame  # get_data_freshness


def get_overview_view(
    session: Session, *, scope: Scope, as_of: date, freshness_as_of: date | None = None
) -> OverviewView:
    """The Overview for the buildings in `scope` as of `as_of`. Each area query runs once: the
    district's readings serve the headline figures and, for a district scope, the picture.
    `freshness_as_of`: the date supervision freshness is bounded by (default: today). The district
    at a glance comes for every school year, so choosing one on the page reads nothing."""
    summary = get_district_summary(session)
    freshness = get_data_freshness(session, as_of=freshness_as_of)
    if not summary.school_years:
        return OverviewView(
            summary=summary,
            headlines=None,
            picture=None,
            district_equity={},
            glance={},
            freshness=freshness,
        )
    comparison = get_comparison(session, as_of=as_of)
    years = get_equity_years(session, as_of=as_of)
    district = read_areas(session, as_of=as_of, scope=DISTRICT)
    here = district if scope == DISTRICT else read_areas(session, as_of=as_of, scope=scope)
    district_equity = equity_rows(session, years=years, scope=DISTRICT, given=None)
    headlines = headlines_from(
        session,
        comparison=comparison,
        building_id=None,
        now=district,
        years=years,
        equity=district_equity,
    )
    picture = picture_from(
        session,
        comparison=comparison,
        here=here,
        years=years,
        equity=(
            district_equity
            if scope == DISTRICT
            else equity_rows(session, years=years, scope=scope, given=None)
        ),
        district_staffing=district.staffing,
    )
    glance = {}
    for school_year in summary.school_years:
        everyone = get_building_overview(session, school_year=school_year, scope=DISTRICT)
        glance[school_year] = DistrictGlance(
            school_year=school_year,
            district=everyone,
            buildings=(
                everyone
                if scope == DISTRICT
                else get_building_overview(session, school_year=school_year, scope=scope)
            ),
            staff_count=get_staff_count(session, school_year=school_year),
        )
    return OverviewView(
        summary=summary,
        headlines=headlines,
        picture=picture,
        district_equity=district_equity,
        glance=glance,
        freshness=freshness,
    )
