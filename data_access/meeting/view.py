"""The Overview (the leadership meeting screen) as one view: the district's headline figures with
their change since the previous meeting (or a month earlier), the buildings x areas matrix and the
agenda for the buildings in scope, and the district at a glance, read in one session.

Every number comes from the area modules' own queries (fidelity, staff support, equity, follow-up
actions), so the meeting screen says what the area pages say; this module only reads them, once
each, and hands them to the pure rules in `rules.py`.

Who sees what: headline figures are the scope's own (the district's for district roles, a principal's
building's or buildings'), and say whose they are. Matrix rows and agenda items of a building are
only for a scope that includes it; the few district counts a principal sees (supervision and
staffing across the district) are roll-ups everyone may see, and say "district".
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import pandas as pd
from sqlmodel import Session

from data_access.db import KNOWN_AREA_VERSIONS
from data_access.equity.metrics import DISTRICT_ID
from data_access.equity.queries import current_identification_rules
from data_access.meeting.headlines import (
    AreaReadings,
    EquityRows,
    equity_rows,
    headlines_from,
    read_areas,
)
from data_access.meeting.queries import (
    DistrictSummary,
    get_building_overview,
    get_comparison,
    get_data_freshness,
    get_district_summary,
    get_equity_years,
    get_staff_count,
    list_meeting_action_ids,
)
from data_access.meeting.rules import (
    Comparison,
    Headlines,
    agenda_flag_order,
    building_matrix,
    drained_and_unsupported,
    fidelity_standing,
    flag_changes,
    missing_roles,
    outcome_cells,
)
from data_access.memo import remembered
from data_access.school_year import school_year_of
from data_access.scope import DISTRICT, Scope, building_scope
from data_access.staff_support.need import DISTRICT_ID as NEED_DISTRICT
from data_access.staff_support.need import get_support_need, next_hire
from data_access.staff_support.pulse import published_pulse
from data_access.staff_support.queries import get_staffing
from data_access.staff_support.themes import get_rising_themes
from data_access.system_health.signals import OutcomeSignals, get_outcome_signals
from data_access.team.queries import get_team_members, list_meetings
from data_access.team.rules import count_by_category, meeting_health, missing_categories

# --- A building's brief ------------------------------------------------------------------------


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
    missing_roles: pd.DataFrame  # building_id, building, roles (a tuple of role codes), in scope
    missing_role_buildings: int  # across the district (a count, for everyone)
    overdue: pd.DataFrame  # overdue actions in scope (list_actions rows), longest overdue first
    open_actions: pd.DataFrame  # every open action in scope (list_actions rows), soonest due first
    team_members: int
    team_missing: tuple[str, ...]  # category labels nobody represents
    last_meeting: pd.Series | None  # meeting_health row of the latest meeting on or before as_of
    # The published staff pulse (export staff_pulse's rows) of the school year: buildings in scope
    # whose staff report being drained and unsupported, and the DISTRICT's ALL row (or None).
    drained: pd.DataFrame
    district_pulse: pd.Series | None
    rising_themes: pd.DataFrame  # themes rising in supervision this term, in scope (RISING_COLUMNS)
    # Where the next support hire helps most (support_need): the best-ranked building in scope
    # (its row) and how many buildings the district ranks; the district's need per support FTE.
    next_hire: dict | None = None
    ranked_buildings: int = 0
    district_need_per_fte: float | None = None
    # Student outcomes of the as-of date's school year (published figures only): the signals of
    # the buildings in scope and the district (the agenda's items), and the district's matrix cell.
    outcomes: OutcomeSignals | None = None
    district_outcome: dict | None = None


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


def _flags_of_years(
    session: Session, *, years: tuple[str, ...], scope: Scope, equity: EquityRows
) -> pd.DataFrame:
    """flag_changes of the first of `years` against the others, from `equity` (their get_equity
    rows for `scope`); kept per version of the students' data when read for a page (issue 23)."""
    if session.info.get(KNOWN_AREA_VERSIONS) is not None:
        return _remembered_flags(session, years=years, scope=scope)
    return _flag_changes(equity, years)


@remembered("students")
def _remembered_flags(session: Session, *, years: tuple[str, ...], scope: Scope) -> pd.DataFrame:
    equity = equity_rows(session, years=list(years), scope=scope, given=None)
    return _flag_changes(equity, years)


def _flag_changes(equity: EquityRows, years: tuple[str, ...]) -> pd.DataFrame:
    history = pd.concat([equity[year] for year in years], ignore_index=True)
    return flag_changes(history, school_year=years[0], rules=current_identification_rules())


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
            + ["identified", "one_year_away", "identified_years"]
        )
    else:
        all_flags = _flags_of_years(session, years=tuple(years), scope=scope, equity=equity)
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

    outcomes = get_outcome_signals(session, as_of=as_of, scope=scope, names=names)
    cells = outcome_cells(outcomes.screening, outcomes.unmet, outcomes.referrals)
    matrix = building_matrix(
        buildings=buildings,
        fidelity=fidelity,
        coverage=coverage,
        staffing=staffing,
        flags=all_flags[all_flags["building_id"] != DISTRICT_ID],
        actions=open_actions,
        outcomes=cells,
    )

    supervision_gaps = coverage.loc[coverage["covered"] < coverage["staff"]].sort_values(
        ["share", "building"]
    )
    slipped = fidelity.loc[fidelity["slipped"].astype(bool)].assign(
        drop=lambda f: f["previous_percent"] - f["percent"]
    )
    slipped = slipped.sort_values(["drop", "building"], ascending=[False, True])
    missing = (
        gaps.groupby("building_id", as_index=False)["role"]
        .agg(tuple)
        .rename(columns={"role": "roles"})
    )
    missing.insert(1, "building", missing["building_id"].map(names))

    need = get_support_need(session, school_year=school_year, scope=DISTRICT)
    first_hire, ranked_buildings = next_hire(need, scope)
    district_need = need.loc[
        need["building_id"] == NEED_DISTRICT, "students_needing_support_per_fte"
    ].dropna()

    members = get_team_members(session, on=as_of)
    meetings = meeting_health(list_meetings(session, until=as_of))
    pulse = published_pulse(session, scope=scope, school_year=school_year)
    drained = drained_and_unsupported(pulse)
    drained.insert(1, "building", drained["building_id"].map(names))
    district_pulse = pulse[(pulse["building_id"] == DISTRICT_ID) & (pulse["role"] == "ALL")]
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
        next_hire=first_hire,
        ranked_buildings=ranked_buildings,
        district_need_per_fte=float(district_need.iloc[0]) if len(district_need) else None,
        drained=drained,
        district_pulse=district_pulse.iloc[0] if len(district_pulse) else None,
        rising_themes=get_rising_themes(session, scope=scope, as_of=as_of),
        outcomes=outcomes,
        district_outcome=cells.get(DISTRICT_ID),
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
    headlines: Headlines | None  # the scope's (see get_overview_view), saying whose they are
    picture: MeetingPicture | None  # the scope's
    equity: dict[str, pd.DataFrame]  # school year → get_equity rows of the scope
    glance: dict[str, DistrictGlance]  # school year (each of summary.school_years) → its glance
    freshness: pd.DataFrame  # get_data_freshness


def get_overview_view(
    session: Session, *, scope: Scope, as_of: date, freshness_as_of: date | None = None
) -> OverviewView:
    """The Overview for the buildings in `scope` as of `as_of`. Each area query runs once: the
    scope's readings serve the headline figures and the picture.
    `freshness_as_of`: the date supervision freshness is bounded by (default: today). The district
    at a glance comes for every school year, so choosing one on the page reads nothing."""
    summary = get_district_summary(session)
    freshness = get_data_freshness(session, as_of=freshness_as_of)
    if not summary.school_years:
        return OverviewView(
            summary=summary,
            headlines=None,
            picture=None,
            equity={},
            glance={},
            freshness=freshness,
        )
    comparison = get_comparison(session, as_of=as_of)
    years = get_equity_years(session, as_of=as_of)
    here = read_areas(session, as_of=as_of, scope=scope)
    equity = equity_rows(session, years=years, scope=scope, given=None)
    # The headline figures are the scope's own: the district's for the district, one building's
    # for a principal of one, else the buildings in scope (never a count over buildings the person
    # may not see, which is what a principal saw before: "37 equity flags" above one building).
    only = sorted(scope.building_ids)[0] if len(scope.building_ids or ()) == 1 else None
    headlines = headlines_from(
        session, comparison=comparison, building_id=only, now=here, years=years, equity=equity
    )
    picture = picture_from(
        session,
        comparison=comparison,
        here=here,
        years=years,
        equity=equity,
        district_staffing=(
            here.staffing
            if scope.is_district
            else get_staffing(session, school_year=school_year_of(as_of), scope=DISTRICT)
        ),
    )
    glance = {}
    for school_year in summary.school_years:
        everyone = get_building_overview(session, school_year=school_year, scope=DISTRICT)
        glance[school_year] = DistrictGlance(
            school_year=school_year,
            district=everyone,
            buildings=(
                everyone
                if scope.is_district
                else get_building_overview(session, school_year=school_year, scope=scope)
            ),
            staff_count=get_staff_count(session, school_year=school_year),
        )
    return OverviewView(
        summary=summary,
        headlines=headlines,
        picture=picture,
        equity=equity,
        glance=glance,
        freshness=freshness,
    )
