"""Fidelity reads: the instruments, each building's scale, subscale and total scores, the buildings
in scope and one administration's items.

Sums are taken in SQL (one row per building, administration, scale and subscale); the contract's
arithmetic on those sums lives in `data_access.fidelity.scoring`. Instruments are data (the `instruments` table), so
everything here works for any instrument, built in or loaded by a district.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import pandas as pd
from sqlalchemy import and_, func, select
from sqlmodel import Session

from data_access.fidelity.scoring import (
    SCALE_SCORE_COLUMNS,
    LevelScores,
    in_export_order,
    latest_with_runs,
    rank_subscales,
    scales_of,
    score_levels,
    share_at_criterion,
)
from data_access.memo import remembered
from data_access.models import FidelityScore, InstrumentItem
from data_access.scope import Scope

ITEM_COLUMNS = [
    "item_id",
    "scale",
    "subscale",
    "item_title",
    "max_score",
    "criterion_pct",
    "position",
]


# --- Instruments ----------------------------------------------------------------------------------


def list_instruments(session: Session) -> list[str]:
    """Every instrument defined in the store (scores or not), by name."""
    return sorted(session.execute(select(InstrumentItem.instrument).distinct()).scalars())


def list_scored_instruments(session: Session, *, scope: Scope) -> list[str]:
    """Instruments with at least one score for a building in scope, by name."""
    statement = select(FidelityScore.instrument).where(scope.where(FidelityScore.building_id))
    return sorted(session.execute(statement.distinct()).scalars())


def get_instrument_items(session: Session, *, instrument: str) -> pd.DataFrame:
    """An instrument's items in the instrument's own order (1.9 before 1.10)."""
    rows = session.execute(
        select(
            InstrumentItem.item_id,
            InstrumentItem.scale,
            InstrumentItem.subscale,
            InstrumentItem.item_title,
            InstrumentItem.max_score,
            InstrumentItem.criterion_pct,
            InstrumentItem.position,
        )
        .where(InstrumentItem.instrument == instrument)
        .order_by(InstrumentItem.position, InstrumentItem.item_id)
    ).all()
    return pd.DataFrame(rows, columns=ITEM_COLUMNS)


def get_instrument_parts(session: Session, *, instrument: str | None = None) -> pd.DataFrame:
    """Each scale and subscale of an instrument (or of every instrument): how many items, the points
    possible, the criterion and the first item's place. Items without a subscale make one row per
    scale with the subscale missing."""
    statement = select(
        InstrumentItem.instrument,
        InstrumentItem.scale,
        InstrumentItem.subscale,
        func.count().label("items_total"),
        func.sum(InstrumentItem.max_score).label("possible"),
        func.max(InstrumentItem.criterion_pct).label("criterion_pct"),
        func.min(InstrumentItem.position).label("position"),
    ).group_by(InstrumentItem.instrument, InstrumentItem.scale, InstrumentItem.subscale)
    if instrument is not None:
        statement = statement.where(InstrumentItem.instrument == instrument)
    frame = pd.DataFrame(
        session.execute(statement).all(),
        columns=[
            "instrument",
            "scale",
            "subscale",
            "items_total",
            "possible",
            "criterion_pct",
            "position",
        ],
    )
    return frame.sort_values(["instrument", "position"], ignore_index=True)


def get_instrument_scales(session: Session, *, instrument: str | None = None) -> pd.DataFrame:
    """Each scale of an instrument (or of every instrument): how many items, the points possible, the
    criterion and the scale's order (see `scoring.scales_of`)."""
    return scales_of(get_instrument_parts(session, instrument=instrument))


# --- Scores ---------------------------------------------------------------------------------------


@remembered("fidelity")
def get_level_scores(
    session: Session,
    *,
    scope: Scope,
    instrument: str | None = None,
    start: date | None = None,
    end: date | None = None,
) -> LevelScores:
    """The scale, subscale and total scores (`scoring.LevelScores`) of buildings in scope, for one
    instrument or all, administered between `start` and `end` inclusive when given. Two
    statements: the sums per scale and subscale, and the definitions."""
    conditions = [scope.where(FidelityScore.building_id)]
    if instrument is not None:
        conditions.append(FidelityScore.instrument == instrument)
    if start is not None:
        conditions.append(FidelityScore.administered_on >= start)
    if end is not None:
        conditions.append(FidelityScore.administered_on <= end)
    statement = (
        select(
            FidelityScore.building_id,
            FidelityScore.instrument,
            FidelityScore.administered_on,
            InstrumentItem.scale,
            InstrumentItem.subscale,
            func.count().label("items_scored"),
            func.sum(FidelityScore.score).label("points"),
        )
        .join(
            InstrumentItem,
            and_(
                InstrumentItem.instrument == FidelityScore.instrument,
                InstrumentItem.item_id == FidelityScore.item_id,
            ),
        )
        .where(*conditions)
        .group_by(
            FidelityScore.building_id,
            FidelityScore.instrument,
            FidelityScore.administered_on,
            InstrumentItem.scale,
            InstrumentItem.subscale,
        )
    )
    scored = pd.DataFrame(
        session.execute(statement).all(),
        columns=[
            "building_id",
            "instrument",
            "administered_on",
            "scale",
            "subscale",
            "items_scored",
            "points",
        ],
    )
    return score_levels(scored, get_instrument_parts(session, instrument=instrument))


def get_fidelity_scores(
    session: Session,
    *,
    scope: Scope,
    instrument: str | None = None,
    start: date | None = None,
    end: date | None = None,
) -> pd.DataFrame:
    """Every row of the `fidelity` export (`scoring.SCORE_COLUMNS`: scales, subscales and each
    administration's total, told apart by `level`), in its order (see `get_level_scores`)."""
    levels = get_level_scores(session, scope=scope, instrument=instrument, start=start, end=end)
    return in_export_order(levels)


def get_scale_scores(
    session: Session,
    *,
    scope: Scope,
    instrument: str | None = None,
    start: date | None = None,
    end: date | None = None,
) -> pd.DataFrame:
    """The contract's `fidelity` scale rows (one per building, instrument, administration date and
    scale) for buildings in scope, for one instrument or all, administered between `start` and
    `end` inclusive when given."""
    levels = get_level_scores(session, scope=scope, instrument=instrument, start=start, end=end)
    return levels.scales[SCALE_SCORE_COLUMNS]


@dataclass(frozen=True)
class FidelityOverview:
    """One instrument's scores for the buildings in scope, and what the page derives from them."""

    scores: pd.DataFrame  # the contract's scale rows (get_scale_scores)
    latest: pd.DataFrame  # each building's latest score per scale, status, streak, sustaining
    share: pd.DataFrame  # per term and scale: buildings complete, at criterion, share
    subscales: pd.DataFrame  # subscale rows with `rank` (0: lowest at the latest administration)
    totals: pd.DataFrame  # each administration's total (`covers`: the complete scales in it)


def get_fidelity_overview(session: Session, *, scope: Scope, instrument: str) -> FidelityOverview:
    """Everything the district view of one instrument needs, computed once per data version (the
    page caches it) rather than on every rerun."""
    levels = get_level_scores(session, scope=scope, instrument=instrument)
    scores = levels.scales[SCALE_SCORE_COLUMNS]
    return FidelityOverview(
        scores=scores,
        latest=latest_with_runs(scores),
        share=share_at_criterion(scores),
        subscales=rank_subscales(levels.subscales.drop(columns="position")),
        totals=levels.totals,
    )


def get_administration_items(
    session: Session, *, scope: Scope, building_id: str, instrument: str, administered_on: date
) -> pd.DataFrame:
    """Every item of the instrument with the building's score on that date (missing when the item was
    not scored), in the instrument's order. A building out of scope gets no scores."""
    statement = (
        select(
            InstrumentItem.item_id,
            InstrumentItem.scale,
            InstrumentItem.subscale,
            InstrumentItem.item_title,
            InstrumentItem.max_score,
            InstrumentItem.criterion_pct,
            InstrumentItem.position,
            FidelityScore.score,
        )
        .outerjoin(
            FidelityScore,
            and_(
                FidelityScore.instrument == InstrumentItem.instrument,
                FidelityScore.item_id == InstrumentItem.item_id,
                FidelityScore.building_id == building_id,
                FidelityScore.administered_on == administered_on,
                scope.where(FidelityScore.building_id),
            ),
        )
        .where(InstrumentItem.instrument == instrument)
        .order_by(InstrumentItem.position, InstrumentItem.item_id)
    )
    frame = pd.DataFrame(session.execute(statement).all(), columns=[*ITEM_COLUMNS, "score"])
    frame["score"] = frame["score"].astype("Int64")
    return frame


def existing_administration_items(
    session: Session, *, building_id: str, instrument: str, administered_on: date
) -> int:
    """How many items the building already has scored for the instrument on that date (0: none)."""
    return session.execute(
        select(func.count()).where(
            FidelityScore.building_id == building_id,
            FidelityScore.instrument == instrument,
            FidelityScore.administered_on == administered_on,
        )
    ).scalar_one()
