"""The one typed input for a fidelity score: a row of `fidelity.csv`, or one scored item of the Fidelity
page's entry form. Both doors validate through `FidelityScoreInput`, so they accept exactly the same
things: ids without control or invisible characters, a date that has come, a score written with the
digits 0-9, whole, within the domain bound and the item's own maximum.

The rules are built on `data_access.validation` (the bounds and checks every door shares). A refusal
is a `Refusal`: the field, a reason code and what the door needs to word it; each door words it in its
own way (the importer as `FILE:LINE: COLUMN: message`, the form next to the field)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from functools import cache
from typing import Annotated, Any

from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    TypeAdapter,
    ValidationError,
    ValidationInfo,
    field_validator,
)
from pydantic_core import PydanticCustomError

from data_access.parsing import parse_date
from data_access.validation import MAX_ITEM_SCORE, hidden_character, parse_number

# Reasons a value is refused (identifiers: each door has its own wording for them).
HIDDEN_CHARACTER = "hidden_character"  # an id holds a control or invisible character
NOT_A_DATE = "not_a_date"
IN_THE_FUTURE = "in_the_future"  # an administration is recorded once the team has done it
NOT_DIGITS = "not_digits"  # 1e1, 1_7_0, ١٧٠ (Arabic-Indic), 'two': not written with 0-9
NOT_WHOLE = "not_whole"  # 2.5, True
OUT_OF_RANGE = "out_of_range"  # below 0, above the domain bound or above the item's maximum

FIELDS = ("building_id", "instrument", "administered_on", "item_id", "score")


def _today(info: ValidationInfo) -> date:
    return (info.context or {}).get("today") or date.today()


def _visible_id(value: str) -> str:
    found = hidden_character(value)
    if found is not None:
        raise PydanticCustomError(
            HIDDEN_CHARACTER, "holds an invisible or control character", {"character": found}
        )
    return value


def _date(value: object) -> date:
    if isinstance(value, date):
        return value
    day = parse_date(value) if isinstance(value, str) else None
    if day is None:
        raise PydanticCustomError(NOT_A_DATE, "not a date")
    return day


def _has_come(value: date, info: ValidationInfo) -> date:
    today = _today(info)
    if value > today:
        raise PydanticCustomError(IN_THE_FUTURE, "in the future", {"today": today})
    return value


def _whole_score(value: object) -> int:
    if isinstance(value, bool):
        raise PydanticCustomError(NOT_WHOLE, "not a whole number")
    if isinstance(value, int):
        return value
    if isinstance(value, float):
        if value.is_integer():
            return int(value)
        raise PydanticCustomError(NOT_WHOLE, "not a whole number")
    if isinstance(value, str):
        whole = parse_number(value.strip(), whole=True)
        if whole is not None:
            return int(whole)
        if parse_number(value.strip(), whole=False) is None:
            raise PydanticCustomError(NOT_DIGITS, "not written with the digits 0-9")
    raise PydanticCustomError(NOT_WHOLE, "not a whole number")


def _within_domain(value: int) -> int:
    if not 0 <= value <= MAX_ITEM_SCORE:
        raise PydanticCustomError(
            OUT_OF_RANGE, "out of range", {"maximum": MAX_ITEM_SCORE, "of_item": False}
        )
    return value


FidelityId = Annotated[str, AfterValidator(_visible_id)]
AdministeredOn = Annotated[date, BeforeValidator(_date), AfterValidator(_has_come)]
ItemScore = Annotated[int, BeforeValidator(_whole_score), AfterValidator(_within_domain)]


class FidelityScoreInput(BaseModel):
    """One item's score in one administration. Validate with `check_fidelity_score`, giving `today`
    and (for the item's own maximum) `item_max`: (instrument, item_id) → max_score."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    building_id: FidelityId
    instrument: FidelityId
    administered_on: AdministeredOn
    item_id: FidelityId
    score: ItemScore

    @field_validator("score", mode="after")
    @classmethod
    def _within_item_maximum(cls, score: int, info: ValidationInfo) -> int:
        """The item's own maximum, when the instrument and item were accepted and are known."""
        item_max: Mapping[tuple[str, str], int] = (info.context or {}).get("item_max") or {}
        top = item_max.get((info.data.get("instrument"), info.data.get("item_id")))
        if top is not None and score > top:
            raise PydanticCustomError(
                OUT_OF_RANGE, "out of range", {"maximum": int(top), "of_item": True}
            )
        return score


@dataclass(frozen=True)
class Refusal:
    """Why a value of a field was refused: `reason` is one of this module's reason codes; `value` is
    what was given; `context` holds what a message needs (today, the maximum, the character)."""

    field: str
    reason: str
    value: Any
    context: dict[str, Any] = field(default_factory=dict)


def check_fidelity_score(
    values: Mapping[str, object],
    *,
    today: date | None = None,
    item_max: Mapping[tuple[str, str], int] | None = None,
) -> dict[str, Refusal]:
    """Every refusal of a fidelity score, by field; empty when the row is accepted. A partial row (a
    door checking some fields on their own) is checked field by field: fields not given are not
    refused. The item's maximum is checked when the row's instrument and item_id are accepted.
    `today` is the day dates are checked against (by default, today)."""
    try:
        FidelityScoreInput.model_validate(
            dict(values), context={"today": today, "item_max": item_max or {}}
        )
    except ValidationError as error:
        refusals: dict[str, Refusal] = {}
        for detail in error.errors():
            if detail["type"] == "missing":
                continue
            name = str(detail["loc"][0]) if detail["loc"] else "score"  # the item's maximum
            value = values.get(name)
            refusals.setdefault(
                name, Refusal(name, detail["type"], value, dict(detail.get("ctx") or {}))
            )
        return refusals
    return {}


def read_fidelity_value(
    name: str, value: object, *, today: date | None = None
) -> tuple[object | None, Refusal | None]:
    """One field on its own, through the model's own rule for that field: (the value as the model
    reads it, e.g. a date from '2025-10-20' or 3 from '3', None) or (None, why it is refused)."""
    try:
        return _field_adapter(name).validate_python(value, context={"today": today}), None
    except ValidationError as error:
        detail = error.errors()[0]
        return None, Refusal(name, detail["type"], value, dict(detail.get("ctx") or {}))


@cache
def _field_adapter(name: str) -> TypeAdapter:
    info = FidelityScoreInput.model_fields[name]
    return TypeAdapter(Annotated[info.annotation, *info.metadata])
