"""The meeting's headline figures: fidelity, supervision, staffing, equity and overdue actions for the
district (roll-ups everyone sees) or one building, each now and at the comparison date (the previous
meeting, or a month earlier; equity against last school year). The area queries are read once per
scope (`read_areas`) and handed in, so the Overview's view shares them with its picture."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date

import pandas as pd
from sqlmodel import Session

from data_access.actions.queries import ActionFilters, list_actions
from data_access.equity.metrics import only_concerns
from data_access.equity.queries import get_equity
from data_access.fidelity.queries import get_scale_scores
from data_access.meeting.queries import (
    count_overdue_on,
    get_comparison,
    get_equity_years,
)
from data_access.meeting.rules import (
    FIDELITY_INSTRUMENT,
    OPEN_STATUSES,
    Comparison,
    Headline,
    Headlines,
    buildings_at_criterion,
    fidelity_standing,
    missing_roles,
)
from data_access.school_year import previous_school_year, school_year_of
from data_access.scope import DISTRICT, Scope, building_scope
from data_access.settings import get_settings
from data_access.staff_support.queries import (
    SupervisionCoverage,
    buildings_by_id,
    get_staffing,
    get_supervision_coverage,
)

EquityRows = Mapping[str, pd.DataFrame]  # school year → get_equity rows, for one scope


# --- What the area queries say, read once -------------------------------------------------------


@dataclass(frozen=True)
class AreaReadings:
    """What the area queries say about one scope on the meeting date. The view reads the district's
    once and hands them to the headline figures and, when the scope is the district, to the picture
    too. Nobody changes these frames in place."""

    scope: Scope
    buildings: pd.DataFrame  # buildings_by_id
    scores: pd.DataFrame  # get_scale_scores of FIDELITY_INSTRUMENT
    coverage: SupervisionCoverage  # get_supervision_coverage on the meeting date
    staffing: pd.DataFrame  # get_staffing of the meeting date's school year
    open_actions: pd.DataFrame  # list_actions open or in progress (of `building_ids`, when named)


def read_areas(
    session: Session, *, as_of: date, scope: Scope, building_ids: tuple[str, ...] = ()
) -> AreaReadings:
    return AreaReadings(
        scope=scope,
        buildings=buildings_by_id(session, scope=scope),
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


Place = frozenset[str] | None  # the buildings a figure counts; None: the whole district


def _coverage_of(coverage: SupervisionCoverage, place: Place) -> tuple[int, int]:
    if place is None:
        return coverage.district_covered, coverage.district_staff
    rows = coverage.by_building[coverage.by_building["building_id"].isin(place)]
    return int(rows["covered"].sum()), int(rows["staff"].sum())


def _flags_in(rows: pd.DataFrame, place: Place) -> int:
    """The flags of concern (only_concerns) in `rows`: all of them (the district's rows included)
    for the district, else only those of the buildings in `place`."""
    flagged = only_concerns(rows)
    if place is not None:
        flagged = flagged[flagged["building_id"].isin(place)]
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
    read here.

    Whose figures: one building's (`building_id`), else the whole district's when `now.scope` is
    the district, else the buildings in `now.scope` (a principal of several): counts over those
    buildings only, never the district's rows or another building's."""
    as_of = comparison.as_of
    then = comparison.compare_on
    scope = now.scope
    names = now.buildings
    place: Place = (
        frozenset({building_id}) if building_id is not None else scope.building_ids
    )  # None for the district
    building = (
        None
        if building_id is None
        else str(names.loc[names["building_id"] == building_id, "building"].iloc[0])
    )
    in_place = (
        ()
        if building_id is not None or place is None
        else tuple(sorted(names.loc[names["building_id"].isin(place), "building"]))
    )
    window = get_settings().supervision_window_days
    items = []

    # Fidelity: buildings at criterion (district) or the building's percent, latest on each date.
    scores = now.scores if place is None else now.scores[now.scores["building_id"].isin(place)]
    now_standing = fidelity_standing(scores, on=as_of)
    then_standing = fidelity_standing(scores, on=then)
    if building_id is None:
        at, assessed = buildings_at_criterion(now_standing)
        at_then, assessed_then = buildings_at_criterion(then_standing)
        criterion = now_standing["criterion_pct"].max() if len(now_standing) else None
        items.append(
            Headline(
                key="fidelity",
                value=float(at) if assessed else None,
                value_kind="count_of",
                total=assessed,
                before=float(at_then) if assessed_then else None,
                higher_is_better=True,
                unit="buildings",
                criterion_pct=criterion,
            )
        )
    else:
        percent = now_standing["percent"].iloc[0] if len(now_standing) else pd.NA
        before = then_standing["percent"].iloc[0] if len(then_standing) else pd.NA
        items.append(
            Headline(
                key="fidelity",
                value=None if pd.isna(percent) else float(percent),
                value_kind="percent",
                before=None if pd.isna(before) else float(before),
                higher_is_better=True,
                unit="points",
            )
        )

    # Supervision: support staff with a held session in the window ending on each date.
    covered, staff = _coverage_of(now.coverage, place)
    covered_then, staff_then = _coverage_of(
        get_supervision_coverage(session, as_of=then, scope=scope), place
    )
    share, share_then = _share(covered, staff), _share(covered_then, staff_then)
    items.append(
        Headline(
            key="supervision",
            value=None if share is None else round(share),
            value_kind="percent",
            before=None if share_then is None else round(share_then),
            higher_is_better=True,
            unit="points",
            covered=covered,
            staff=staff,
            window_days=window,
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
    if place is not None:
        now_gaps = now_gaps[now_gaps["building_id"].isin(place)]
        then_gaps = then_gaps[then_gaps["building_id"].isin(place)]
    if building_id is None:
        value, before_value = now_gaps["building_id"].nunique(), then_gaps["building_id"].nunique()
        unit = "buildings"
    else:
        value, before_value = len(now_gaps), len(then_gaps)
        unit = "roles"
    items.append(
        Headline(
            key="staffing",
            value=float(value),
            before=float(before_value),
            higher_is_better=False,
            unit=unit,
            school_year=school_year_of(as_of),
            roles=() if building_id is None else tuple(now_gaps["role"]),
        )
    )

    # Equity: flags this school year against last school year (equity figures are yearly).
    year = years[0] if years else None
    last_year = years[1] if len(years) > 1 and years[1] == previous_school_year(year) else None
    rows = equity_rows(
        session, years=[y for y in (year, last_year) if y], scope=scope, given=equity
    )
    flags = _flags_in(rows[year], place) if year else 0
    flags_before = _flags_in(rows[last_year], place) if last_year else None
    threshold = get_settings().risk_ratio_threshold
    items.append(
        Headline(
            key="equity",
            value=float(flags) if year else None,
            before=None if flags_before is None else float(flags_before),
            higher_is_better=False,
            unit="flags",
            since_year=last_year,
            school_year=year,
            threshold=threshold,
        )
    )

    # Actions: open or in progress past their due date, now and as the history says they were then.
    # A district-wide action is the district's, not a building's.
    actions = now.open_actions
    if place is not None:
        actions = actions[actions["building_id"].isin(place)]
    overdue = int(actions["overdue"].sum())
    items.append(
        Headline(
            key="actions",
            value=float(overdue),
            before=float(count_overdue_on(session, day=then, building_ids=place)),
            higher_is_better=False,
            unit="actions",
        )
    )
    return Headlines(
        building=building,
        building_id=building_id,
        comparison=comparison,
        items=tuple(items),
        buildings=in_place,
        whole_district=place is None,
    )
