"""Entering a fidelity administration: validated, saved in one transaction with its audit record."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date

import pandas as pd
from sqlalchemy import and_, delete, select
from sqlmodel import Session

from data_access.db import record_write
from data_access.fidelity.inputs import (
    IN_THE_FUTURE,
    NOT_DIGITS,
    OUT_OF_RANGE,
    Refusal,
    check_fidelity_score,
    read_fidelity_value,
)
from data_access.fidelity.queries import (
    ITEM_COLUMNS,
    existing_administration_items,
    get_instrument_items,
)
from data_access.models import Building, FidelityScore
from data_access.permissions import WriteForbidden, check_write
from data_access.scope import Scope
from data_access.users.access import UserAccess
from data_access.validation import hidden_character_message


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

    def __init__(self, problems: dict[str, str], *, reasons: dict[str, str] | None = None) -> None:
        super().__init__("; ".join(problems.values()))
        self.problems = problems
        # field → reason code (data_access.fidelity.inputs) for the problems the typed input found
        self.reasons = reasons or {}


class AdministrationForbidden(WriteForbidden):
    """The person's role may not enter administrations (for that building); nothing was stored."""


def check_administration(
    session: Session,
    *,
    entry: AdministrationEntry,
    replace: bool,
    today: date,
    scope: Scope,
) -> dict[str, str]:
    """Every problem with an entry, by field; empty when it may be saved."""
    return _check(session, entry=entry, replace=replace, today=today, scope=scope)[0]


def _check(
    session: Session,
    *,
    entry: AdministrationEntry,
    replace: bool,
    today: date,
    scope: Scope,
) -> tuple[dict[str, str], dict[str, str]]:
    """(problems by field, in words; the reason code of each problem the typed input refused).

    The building, instrument, date and every scored item go through `FidelityScoreInput`, the rule
    `fidelity.csv` rows are checked by too; what the form alone knows (a building in scope, an
    instrument the store defines, an administration already on that date) is checked here."""
    problems: dict[str, str] = {}
    reasons: dict[str, str] = {}

    def refuse(key: str, refusal: Refusal, message: str) -> None:
        problems[key] = message
        reasons[key] = refusal.reason

    given = {
        name: value
        for name, value in (
            ("building_id", entry.building_id),
            ("instrument", entry.instrument),
            ("administered_on", entry.administered_on),
        )
        if value is not None and value != ""
    }
    refused = check_fidelity_score(given, today=today)

    building = None
    if "building_id" in refused:
        refuse("building_id", refused["building_id"], _hidden("The building ID", entry.building_id))
    else:
        building = session.get(Building, entry.building_id) if entry.building_id else None
        if building is None:
            problems["building_id"] = "Choose the building that took the inventory."
        elif not scope.allows(building.building_id):
            problems["building_id"] = f"You may not enter scores for {building.name}."

    items = (
        get_instrument_items(session, instrument=entry.instrument)
        if entry.instrument and "instrument" not in refused
        else pd.DataFrame(columns=ITEM_COLUMNS)
    )
    if "instrument" in refused:
        refuse("instrument", refused["instrument"], _hidden("The instrument", entry.instrument))
    elif items.empty:
        problems["instrument"] = "Choose an instrument the store defines."

    if entry.administered_on is None:
        problems["administered_on"] = "Enter the date the team took the inventory."
    elif "administered_on" in refused:
        refusal = refused["administered_on"]
        if refusal.reason == IN_THE_FUTURE:
            message = (
                f"{entry.administered_on:%-d %B %Y} is in the future (today is {today:%-d %B %Y}). "
                "Enter the date the team took the inventory."
            )
        else:
            message = "Enter the date the team took the inventory."
        refuse("administered_on", refusal, message)

    if not items.empty:
        max_scores = dict(zip(items["item_id"], items["max_score"].astype(int), strict=True))
        item_max = {(str(entry.instrument), item_id): top for item_id, top in max_scores.items()}
        scored = 0
        for item_id, score in entry.scores.items():
            key = f"item:{item_id}"
            row = {"instrument": entry.instrument, "item_id": item_id}
            if score is not None:
                row["score"] = score
            found = check_fidelity_score(row, today=today, item_max=item_max)
            if "item_id" in found:
                refuse(key, found["item_id"], _hidden(f"Item ID {item_id!r}", item_id))
                continue
            if item_id not in max_scores:
                problems[key] = f"Item {item_id} is not an item of {entry.instrument}."
                continue
            if score is None:
                continue
            if "score" in found:
                refuse(key, found["score"], score_message(found["score"], item_id, max_scores))
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
    return problems, reasons


def _hidden(name: str, value: object) -> str:
    return f"{hidden_character_message(name, str(value))}."


def score_message(refusal: Refusal, item_id: str, max_scores: Mapping[str, int]) -> str:
    """The form's words for a refused score (the importer words the same reasons its own way)."""
    top, score = max_scores[item_id], refusal.value
    if refusal.reason == OUT_OF_RANGE:
        whole, _ = read_fidelity_value("score", score)
        shown = whole if whole is not None else score
        return f"Item {item_id} is scored from 0 to {top}; {shown} is out of range."
    if refusal.reason == NOT_DIGITS:
        return (
            f"Item {item_id}: {score!r} is not a whole number from 0 to {top} "
            "(write it with the digits 0-9)."
        )
    return f"Item {item_id}: {score!r} is not a whole number from 0 to {top}."


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
    problems, reasons = _check(
        session, entry=entry, replace=replace, today=today or date.today(), scope=editor.scope
    )
    if problems:
        raise AdministrationRejected(problems, reasons=reasons)
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
        item_id: int(read_fidelity_value("score", score)[0])  # type: ignore[arg-type]
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
