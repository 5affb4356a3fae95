"""Implementation fidelity: queries for the Fidelity page and the `fidelity` export, and entering an
administration (validated, saved in one transaction with its audit record).

Sums are taken in SQL (one row per building, administration and scale); the contract's arithmetic on
those sums lives in `data_access.fidelity_scoring`. Instruments are data (the `instruments` table), so
everything here works for any instrument, built in or loaded by a district.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date

import pandas as pd
from sqlalchemy import and_, delete, func, select
from sqlmodel import Session

from data_access.db import record_write
from data_access.export_format import ExportOptions, format_export
from data_access.fidelity_scoring import (
    SCALE_SCORE_COLUMNS,
    latest_with_runs,
    score_scales,
    share_at_criterion,
)
from data_access.imports_common import school_year_end, school_year_start
from data_access.models import Building, FidelityScore, InstrumentItem
from data_access.permissions import WriteForbidden, check_write
from data_access.scope import Scope
from data_access.users import UserAccess

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


def get_instrument_scales(session: Session, *, instrument: str | None = None) -> pd.DataFrame:
    """Each scale of an instrument (or of every instrument): how many items, the points possible, the
    criterion and the scale's order. A scale whose items disagree on the criterion takes the highest:
    a building meets it only if it meets every item's stated criterion."""
    statement = select(
        InstrumentItem.instrument,
        InstrumentItem.scale,
        func.count().label("items_total"),
        func.sum(InstrumentItem.max_score).label("possible"),
        func.max(InstrumentItem.criterion_pct).label("criterion_pct"),
        func.min(InstrumentItem.position).label("position"),
    ).group_by(InstrumentItem.instrument, InstrumentItem.scale)
    if instrument is not None:
        statement = statement.where(InstrumentItem.instrument == instrument)
    rows = session.execute(statement).all()
    frame = pd.DataFrame(
        rows,
        columns=["instrument", "scale", "items_total", "possible", "criterion_pct", "position"],
    )
    return frame.sort_values(["instrument", "position"], ignore_index=True)


# --- Scores ---------------------------------------------------------------------------------------


def get_scale_scores(
    session: Session,
    *,
    scope: Scope,
    instrument: str | None = None,
    start: date | None = None,
    end: date | None = None,
) -> pd.DataFrame:
    """The contract's `fidelity` rows (one per building, instrument, administration date and scale)
    for buildings in scope, for one instrument or all, administered between `start` and `end`
    inclusive when given."""
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
        )
    )
    scored = pd.DataFrame(
        session.execute(statement).all(),
        columns=["building_id", "instrument", "administered_on", "scale", "items_scored", "points"],
    )
    if scored.empty:
        return pd.DataFrame(columns=SCALE_SCORE_COLUMNS)
    return score_scales(scored, get_instrument_scales(session, instrument=instrument))


@dataclass(frozen=True)
class FidelityOverview:
    """One instrument's scores for the buildings in scope, and what the page derives from them."""

    scores: pd.DataFrame  # the contract's rows (get_scale_scores)
    latest: pd.DataFrame  # each building's latest score per scale, status, streak, sustaining
    share: pd.DataFrame  # per term and scale: buildings complete, at criterion, share


def get_fidelity_overview(session: Session, *, scope: Scope, instrument: str) -> FidelityOverview:
    """Everything the district view of one instrument needs, computed once per data version (the
    page caches it) rather than on every rerun."""
    scores = get_scale_scores(session, scope=scope, instrument=instrument)
    return FidelityOverview(
        scores=scores, latest=latest_with_runs(scores), share=share_at_criterion(scores)
    )


def get_fidelity_buildings(session: Session, *, scope: Scope) -> pd.DataFrame:
    """The buildings in scope: building_id, name, level, by name."""
    rows = session.execute(
        select(Building.building_id, Building.name, Building.level)
        .where(scope.where(Building.building_id))
        .order_by(Building.name, Building.building_id)
    ).all()
    return pd.DataFrame(rows, columns=["building_id", "name", "level"])


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


# --- The export -----------------------------------------------------------------------------------


def build_fidelity_export(session: Session, options: ExportOptions) -> pd.DataFrame:
    """`python -m data_access export fidelity`: every administration's scale scores, in the contract's
    columns. `--year` keeps administrations of that school year; `--as-of` those on or before it."""
    start = end = None
    if options.school_year is not None:
        start = school_year_start(options.school_year)
        end = school_year_end(options.school_year)
    if options.as_of is not None:
        end = options.as_of if end is None else min(end, options.as_of)
    scores = get_scale_scores(session, scope=options.scope, start=start, end=end)
    scores = scores.assign(administered_on=scores["administered_on"].map(str))
    return format_export(
        scores, percents=("percent", "criterion_pct"), booleans=("meets_criterion", "complete")
    )


# --- Entering an administration -------------------------------------------------------------------


@dataclass(frozen=True)
class AdministrationEntry:
    """What the entry form collects: item_id → score, None for an item the team did not score."""

    building_id: str | None
    instrument: str | None
    administered_on: date | None
    scores: Mapping[str, int | float | None] = field(default_factory=dict)


@dataclass(frozen=True)
class SavedAdministration:
    building_id: str
    instrument: str
    administered_on: date
    items_scored: int
    items_total: int
    replaced: bool


class AdministrationRejected(ValueError):
    """The entry was not saved; `problems` maps each field to what is wrong with it.

    Field keys: building_id, instrument, administered_on, scores (the entry as a whole), existing (an
    administration on that date already exists) and item:<item_id> for each item."""

    def __init__(self, problems: dict[str, str]) -> None:
        super().__init__("; ".join(problems.values()))
        self.problems = problems


class AdministrationForbidden(WriteForbidden):
    """The person's role may not enter administrations (for that building); nothing was stored."""


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


def check_administration(
    session: Session,
    *,
    entry: AdministrationEntry,
    replace: bool,
    today: date,
    scope: Scope,
) -> dict[str, str]:
    """Every problem with an entry, by field; empty when it may be saved."""
    problems: dict[str, str] = {}
    building = session.get(Building, entry.building_id) if entry.building_id else None
    if building is None:
        problems["building_id"] = "Choose the building that took the inventory."
    elif not scope.allows(building.building_id):
        problems["building_id"] = f"You may not enter scores for {building.name}."

    items = (
        get_instrument_items(session, instrument=entry.instrument)
        if entry.instrument
        else pd.DataFrame(columns=ITEM_COLUMNS)
    )
    if items.empty:
        problems["instrument"] = "Choose an instrument the store defines."

    if entry.administered_on is None:
        problems["administered_on"] = "Enter the date the team took the inventory."
    elif entry.administered_on > today:
        problems["administered_on"] = (
            f"{entry.administered_on:%-d %B %Y} is in the future (today is {today:%-d %B %Y}). "
            "Enter the date the team took the inventory."
        )

    if not items.empty:
        max_scores = dict(zip(items["item_id"], items["max_score"].astype(int), strict=True))
        scored = 0
        for item_id, score in entry.scores.items():
            if item_id not in max_scores:
                problems[f"item:{item_id}"] = (
                    f"Item {item_id} is not an item of {entry.instrument}."
                )
                continue
            if score is None:
                continue
            top = max_scores[item_id]
            whole = _whole_number(score)
            if whole is None:
                problems[f"item:{item_id}"] = (
                    f"Item {item_id}: {score!r} is not a whole number from 0 to {top}."
                )
            elif not 0 <= whole <= top:
                problems[f"item:{item_id}"] = (
                    f"Item {item_id} is scored from 0 to {top}; {whole} is out of range."
                )
            else:
                scored += 1
        if scored == 0 and not any(key.startswith("item:") for key in problems):
            problems["scores"] = "Score at least one item; leave blank only the items not scored."

    if building is not None and not items.empty and entry.administered_on is not None:
        existing = existing_administration_items(
            session,
            building_id=building.building_id,
            instrument=str(entry.instrument),
            administered_on=entry.administered_on,
        )
        if existing and not replace:
            problems["existing"] = (
                f"{building.name} already has a {entry.instrument} administration on "
                f"{entry.administered_on:%-d %B %Y} ({existing} of {len(items)} items scored). "
                "Tick “Replace the existing administration” to overwrite it, or change the date."
            )
    return problems


def save_administration(
    session: Session,
    *,
    entry: AdministrationEntry,
    replace: bool,
    editor: UserAccess,
    today: date | None = None,
) -> SavedAdministration:
    """Validate and store an administration in the caller's transaction, with its audit record.

    Raises AdministrationForbidden when the editor's role may not enter administrations for the
    building, AdministrationRejected (nothing stored) when anything is wrong. With `replace`, an
    existing administration of the instrument on that date for the building is deleted first, all
    its items: the new entry is the whole administration (the audit record keeps the old scores)."""
    check_write(editor, "save_administration", refusal=AdministrationForbidden)
    problems = check_administration(
        session, entry=entry, replace=replace, today=today or date.today(), scope=editor.scope
    )
    if problems:
        raise AdministrationRejected(problems)
    building_id, instrument = str(entry.building_id), str(entry.instrument)
    check_write(
        editor, "save_administration", building_ids=[building_id], refusal=AdministrationForbidden
    )
    administered_on: date = entry.administered_on  # type: ignore[assignment]  # checked above
    key = and_(
        FidelityScore.building_id == building_id,
        FidelityScore.instrument == instrument,
        FidelityScore.administered_on == administered_on,
    )
    before = dict(
        session.execute(
            select(FidelityScore.item_id, FidelityScore.score)
            .where(key)
            .order_by(FidelityScore.item_id)
        ).all()
    )
    replaced = bool(session.execute(delete(FidelityScore).where(key)).rowcount)
    scores = {
        item_id: int(_whole_number(score))  # type: ignore[arg-type]  # checked above
        for item_id, score in entry.scores.items()
        if score is not None
    }
    for item_id, score in scores.items():
        session.add(
            FidelityScore(
                building_id=building_id,
                instrument=instrument,
                administered_on=administered_on,
                item_id=item_id,
                score=score,
            )
        )
    session.flush()
    items_total = len(get_instrument_items(session, instrument=instrument))
    record_write(
        session,
        actor=editor.email,
        operation="replace_administration" if replaced else "add_administration",
        table_name="fidelity",
        row_key=f"{building_id}|{instrument}|{administered_on.isoformat()}",
        detail={
            "items_scored": len(scores),
            "items_total": items_total,
            "scores": scores,
            "before": before or None,  # the scores of the administration replaced, item → score
        },
    )
    return SavedAdministration(
        building_id=building_id,
        instrument=instrument,
        administered_on=administered_on,
        items_scored=len(scores),
        items_total=items_total,
        replaced=replaced,
    )


def _whole_number(value: object) -> int | None:
    """An int for a whole number (3, 3.0, "3"), None for anything else (2.5, True, "two")."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, float):
        return int(value) if value.is_integer() else None
    if isinstance(value, str) and value.strip().lstrip("-").isdigit():
        return int(value.strip())
    return None
