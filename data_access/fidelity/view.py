"""Everything the Fidelity page shows for one scope, instrument and school year, gathered in one read
(the page loads it once per set of filters through the cache)."""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd
from sqlmodel import Session

from data_access.buildings import list_buildings
from data_access.fidelity.queries import (
    get_fidelity_overview,
    list_scored_instruments,
)
from data_access.fidelity.scoring import (
    SCALE_SCORE_COLUMNS,
    SCORE_COLUMNS,
    buildings_without_administration,
)
from data_access.school_year import school_year_end, school_year_start
from data_access.scope import Scope

DEFAULT_INSTRUMENT = "TFI-2.1"  # shown first when the buildings in scope have scores on it


@dataclass(frozen=True)
class FidelityView:
    """The buildings in scope and one instrument's scores for them, with what the page derives."""

    buildings: pd.DataFrame  # building_id, name, level of every building in scope, by name
    building_names: dict[str, str]  # building_id → name
    instruments: list[str]  # instruments with at least one score in scope, by name
    instrument: str | None  # the one shown (None: no scores in scope)
    school_year: str  # the current school year
    scores: pd.DataFrame  # the contract's rows (get_scale_scores) with each building's name
    latest: pd.DataFrame  # each building's latest score per scale, status, streak, sustaining
    share: pd.DataFrame  # per term and scale: buildings complete, at criterion, share
    missing: pd.DataFrame  # buildings with no administration in the school year, last date
    subscales: pd.DataFrame  # subscale rows over time, each building's lowest (latest) first
    totals: pd.DataFrame  # each administration's total, `covers` naming the complete scales
    scales: list[str]  # the instrument's scales, in its order
    criteria: dict[str, float]  # scale → criterion percent
    building_ids: list[str]  # buildings with scores, by name

    def name(self, building_id: str) -> str:
        return self.building_names.get(building_id, building_id)


def choose_instrument(instruments: list[str], wanted: str | None) -> str | None:
    """`wanted` when the buildings have scores on it, otherwise TFI-2.1 when they have, otherwise
    the first instrument with scores (None: no scores at all)."""
    if wanted in instruments:
        return wanted
    if DEFAULT_INSTRUMENT in instruments:
        return DEFAULT_INSTRUMENT
    return instruments[0] if instruments else None


def get_default_instrument(session: Session, *, scope: Scope) -> str | None:
    """The instrument the page opens on before anyone chose one: asked for first, so that the
    page's one view is cached under the instrument it shows from the very first run."""
    return choose_instrument(list_scored_instruments(session, scope=scope), None)


def get_fidelity_view(
    session: Session, *, scope: Scope, instrument: str | None, school_year: str
) -> FidelityView:
    """The Fidelity page's data: `instrument` when the buildings in scope have scores on it,
    otherwise TFI-2.1 when they have, otherwise the first instrument with scores."""
    buildings = list_buildings(session, scope=scope)
    building_names = dict(zip(buildings["building_id"], buildings["name"], strict=True))
    instruments = list_scored_instruments(session, scope=scope) if not buildings.empty else []
    instrument = choose_instrument(instruments, instrument)
    if instrument is None:
        empty = pd.DataFrame()
        return FidelityView(
            buildings=buildings,
            building_names=building_names,
            instruments=instruments,
            instrument=None,
            school_year=school_year,
            scores=pd.DataFrame(columns=[*SCALE_SCORE_COLUMNS, "building"]),
            latest=empty,
            share=empty,
            missing=empty,
            subscales=pd.DataFrame(columns=[*SCORE_COLUMNS, "rank"]),
            totals=pd.DataFrame(columns=SCORE_COLUMNS),
            scales=[],
            criteria={},
            building_ids=[],
        )
    overview = get_fidelity_overview(session, scope=scope, instrument=instrument)
    scores = overview.scores.assign(building=overview.scores["building_id"].map(building_names))
    missing = buildings_without_administration(
        buildings,
        scores.drop_duplicates(["building_id", "administered_on"]),
        start=school_year_start(school_year),
        end=school_year_end(school_year),
    )
    return FidelityView(
        buildings=buildings,
        building_names=building_names,
        instruments=instruments,
        instrument=instrument,
        school_year=school_year,
        scores=scores,
        latest=overview.latest,
        share=overview.share,
        missing=missing,
        subscales=overview.subscales,
        totals=overview.totals,
        scales=list(dict.fromkeys(scores["scale"])),
        criteria=scores.drop_duplicates("scale").set_index("scale")["criterion_pct"].to_dict(),
        building_ids=sorted(set(scores["building_id"]), key=lambda b: building_names.get(b, b)),
    )
