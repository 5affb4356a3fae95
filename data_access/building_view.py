"""Everything the Building page shows for one building, read in one go: `get_building_view`, which
the page loads once per building through the cache, and the buildings it may offer. The page reads
several areas; their reads are imported here, and only here."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import pandas as pd
from sqlmodel import Session

from data_access.actions.queries import OPEN_STATUSES, ActionFilters, list_actions
from data_access.buildings import list_buildings
from data_access.equity.metrics import Minimums, concern_mask
from data_access.equity.queries import current_minimums, get_equity
from data_access.fidelity.queries import (
    get_scale_scores,
    list_scored_instruments,
)
from data_access.school_year import school_year_of
from data_access.scope import DISTRICT, Scope, building_scope
from data_access.staff_support.need import DISTRICT_ID as NEED_DISTRICT
from data_access.staff_support.need import get_support_need
from data_access.staff_support.pulse import ALL_ROLES, published_pulse
from data_access.staff_support.queries import (
    default_as_of,
    get_staffing,
    get_supervision_coverage,
    staff_working_in,
)
from data_access.store import StoreStatus
from data_access.system_health.signals import OutcomeSignals, get_outcome_signals

# The pupil-service roles whose staffing ratios a building page shows, in its order.
STAFFING_ROLES = ("counselor", "psychologist", "social_worker", "nurse")


def building_as_of(status: StoreStatus) -> date:
    """The date a building page is seen as of: the demo's own "today" for a demo store, else today."""
    return default_as_of(status) if status.as_of else date.today()


def get_building_choices(session: Session, *, scope: Scope) -> pd.DataFrame:
    """The buildings the page may offer (those in scope): building_id, name, level, by name."""
    return list_buildings(session, scope=scope)


@dataclass(frozen=True)
class BuildingFidelity:
    """One instrument's scores for the building: every administration, and each scale's latest."""

    instrument: str
    scores: pd.DataFrame
    latest: pd.DataFrame


@dataclass(frozen=True)
class BuildingView:
    """One building as of a date: its open follow-up actions, its published equity flags of the
    school year (and the minimums they were published under), supervision coverage of its support
    staff, its staffing ratios, and its fidelity scores per instrument."""

    building_id: str
    as_of: date
    school_year: str
    actions: pd.DataFrame  # open or in progress, with `overdue`
    equity_flags: pd.DataFrame  # the building's rows flagged the way of concern (only_concerns)
    equity_context: pd.DataFrame  # its other flagged rows: fewer of a harmful outcome than others
    minimums: Minimums
    staff: pd.DataFrame  # support staff working here, with `covered`
    staff_supervised: int | None  # staff supervised in the window; None when nobody is counted
    staff_counted: int | None
    staffing: pd.DataFrame  # the STAFFING_ROLES rows of the building
    fidelity: tuple[BuildingFidelity, ...]
    # The building's published staff pulse rows of the school year (export staff_pulse's): its
    # ALL row first, then its roles; withheld rows have empty figures. Empty: nobody answered.
    pulse: pd.DataFrame
    # Students needing support per support FTE (the support_need row of the building, or None),
    # how many buildings the district ranks, and the district's need per FTE.
    need: dict | None = None
    ranked_buildings: int = 0
    district_need_per_fte: float | None = None
    # Student outcomes of the school year (published figures only): the building's and the
    # district's rows of each signal (core below 80%, unmet need rising, referrals up).
    outcomes: OutcomeSignals | None = None


def get_building_view(
    session: Session, *, scope: Scope, building_id: str, as_of: date
) -> BuildingView:
    """Only for a building in `scope`; every read is then narrowed to that one building."""
    if not scope.allows(building_id):
        raise PermissionError(f"{building_id} is not in {scope.label}")
    only_here = building_scope({building_id})
    school_year = school_year_of(as_of)

    actions = list_actions(
        session,
        scope=only_here,
        as_of=as_of,
        filters=ActionFilters(building_ids=(building_id,), statuses=OPEN_STATUSES),
    )

    equity = get_equity(session, school_year=school_year, scope=only_here)
    flagged = equity[(equity["building_id"] == building_id) & equity["flag"].notna()]
    concern = concern_mask(flagged)

    coverage = get_supervision_coverage(session, as_of=as_of, scope=only_here)
    here = coverage.by_building[coverage.by_building["building_id"] == building_id]
    staffing = get_staffing(session, school_year=school_year, scope=only_here)

    fidelity = []
    for instrument in list_scored_instruments(session, scope=only_here):
        scores = get_scale_scores(session, scope=only_here, instrument=instrument)
        latest = scores.sort_values("administered_on").groupby("scale", sort=False).tail(1)
        fidelity.append(BuildingFidelity(instrument=instrument, scores=scores, latest=latest))

    # Withheld on the whole district's counts (so the same cells whoever looks); only this
    # building's row, the district's figure and a count of ranked buildings are kept.
    need = get_support_need(session, school_year=school_year, scope=DISTRICT)
    need_here = need[need["building_id"] == building_id]
    district_need = need.loc[
        need["building_id"] == NEED_DISTRICT, "students_needing_support_per_fte"
    ].dropna()
    pulse = published_pulse(session, scope=only_here, school_year=school_year)
    pulse = pulse[pulse["building_id"] == building_id]
    pulse = pulse.sort_values("role", key=lambda r: r != ALL_ROLES, kind="stable")

    names = list_buildings(session, scope=only_here)
    outcomes = get_outcome_signals(
        session,
        as_of=as_of,
        scope=only_here,
        names=dict(zip(names["building_id"], names["name"], strict=True)),
    )

    return BuildingView(
        building_id=building_id,
        as_of=as_of,
        school_year=school_year,
        actions=actions,
        equity_flags=flagged[concern],
        equity_context=flagged[~concern],
        minimums=current_minimums(),
        staff=staff_working_in(coverage.staff, building_id),
        staff_supervised=None if here.empty else int(here["covered"].iloc[0]),
        staff_counted=None if here.empty else int(here["staff"].iloc[0]),
        staffing=staffing[
            (staffing["building_id"] == building_id) & staffing["role"].isin(STAFFING_ROLES)
        ],
        fidelity=tuple(fidelity),
        need=None if need_here.empty else need_here.iloc[0].to_dict(),
        ranked_buildings=int(need["need_rank"].notna().sum()),
        district_need_per_fte=float(district_need.iloc[0]) if len(district_need) else None,
        pulse=pulse.reset_index(drop=True),
        outcomes=outcomes,
    )
