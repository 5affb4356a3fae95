"""The one typed input of a follow-up action: the action form (through `writes`) and the importer's
`actions.csv` rows are both checked by `ActionInput`, so a form and a file accept exactly the same
actions, for the same reasons. The rules themselves are `data_access.validation`'s.

What needs the store (is the owner a user, is the building known, is there such a meeting) is not
here: the form's writes check it against the store, the importer against the store and the import.
Some rules need to know the day: pass `context={"today": ..., "created_on": ..., "kept_due_date": ...}`
to `model_validate` (`check_action` does)."""

from __future__ import annotations

from datetime import date
from typing import Any

from pydantic import BaseModel, ConfigDict, ValidationError, ValidationInfo, field_validator

from data_access.models import ACTION_SOURCES, ACTION_STATUSES, FIDELITY_CHECKS, OUTCOME_CHECKS
from data_access.validation import (
    DUE_WITHIN_YEARS,
    email_message,
    hidden_character_message,
    input_problems,
    latest_due_date,
    refusal,
)

TITLE_LENGTH = 200
DUE_TOO_FAR = "due_too_far"
DUE_BEFORE_CREATED = "due_before_created"
CHOICES = {
    "status": ACTION_STATUSES,
    "fidelity_check": FIDELITY_CHECKS,
    "outcome_check": (None, *OUTCOME_CHECKS),
    "source_type": (None, *ACTION_SOURCES),
}


class ActionInput(BaseModel):
    """What a person sets on an action (ids, times and the version the store keeps itself)."""

    # Every field is checked, given or not: a missing title is refused as an empty one.
    model_config = ConfigDict(frozen=True, extra="ignore", validate_default=True)

    title: str = ""
    owner_email: str = ""
    due_date: date | None = None
    building_id: str | None = None  # None: a district-wide action
    status: str = "open"
    fidelity_check: str = "not_started"
    outcome_check: str | None = None
    source_type: str | None = None
    source_ref: str | None = None
    problem_statement: str = ""
    goal: str = ""
    solution_actions: str = ""
    meeting_id: int | None = None

    @field_validator("title", mode="before")
    @classmethod
    def _title(cls, value: Any) -> str:
        title = (value or "").strip()
        if not title:
            raise refusal("title", "Give the action a title.")
        if len(title) > TITLE_LENGTH:
            raise refusal(
                "title", f"Keep the title to {TITLE_LENGTH} characters (it has {len(title)})."
            )
        if message := hidden_character_message("title", title, line_breaks=True):
            raise refusal("hidden_character", message)
        return title

    @field_validator("owner_email", mode="before")
    @classmethod
    def _owner(cls, value: Any) -> str:
        owner = (value or "").strip()
        if not owner:
            raise refusal("owner_email", "Choose who owns this action.")
        if message := email_message("owner_email", owner):
            raise refusal("email", message)
        return owner

    @field_validator("due_date", mode="before")
    @classmethod
    def _due(cls, value: Any, info: ValidationInfo) -> date:
        if not isinstance(value, date):
            raise refusal("due_date", "Choose a due date.")
        context = info.context or {}
        today = context.get("today") or date.today()
        latest = latest_due_date(today)
        # An action keeps the due date it has (the form offers it), even beyond the window.
        if value > latest and value != context.get("kept_due_date"):
            raise refusal(
                DUE_TOO_FAR,
                f"due_date {value.isoformat()} is more than {DUE_WITHIN_YEARS} years ahead "
                f"(at most {latest.isoformat()})",
            )
        created_on = context.get("created_on") or today
        if value < created_on:
            raise refusal(
                DUE_BEFORE_CREATED,
                f"The due date {value:%-d %b %Y} is before the action was created "
                f"({created_on:%-d %b %Y}).",
            )
        return value

    @field_validator("building_id", mode="before")
    @classmethod
    def _building(cls, value: Any) -> str | None:
        if not value:
            return None
        if message := hidden_character_message("building_id", value):
            raise refusal("hidden_character", message)
        return value

    @field_validator("status", "fidelity_check", "outcome_check", "source_type", mode="before")
    @classmethod
    def _choice(cls, value: Any, info: ValidationInfo) -> Any:
        allowed = CHOICES[info.field_name]
        if value not in allowed:
            raise refusal(
                "choice", f"'{value}' is not one of {', '.join(a for a in allowed if a)}."
            )
        return value

    @field_validator("source_ref", "problem_statement", "goal", "solution_actions", mode="before")
    @classmethod
    def _text(cls, value: Any, info: ValidationInfo) -> Any:
        message = isinstance(value, str) and hidden_character_message(
            info.field_name, value, line_breaks=True
        )
        if message:
            raise refusal("hidden_character", message)
        return value


def clean_action_values(values: dict[str, Any]) -> dict[str, Any]:
    """Values as a form or a file gives them → as they are stored: text trimmed, empty as None."""
    cleaned = {name: values[name] for name in ActionInput.model_fields if name in values}
    for name in ("title", "owner_email", "source_ref"):
        if isinstance(cleaned.get(name), str):
            cleaned[name] = cleaned[name].strip() or None
    for name in ("problem_statement", "goal", "solution_actions"):
        if name in cleaned:
            cleaned[name] = (cleaned[name] or "").strip()
    if "building_id" in cleaned:
        cleaned["building_id"] = cleaned["building_id"] or None
    return cleaned


def check_action(
    values: dict[str, Any],
    *,
    today: date,
    created_on: date,
    kept_due_date: date | None = None,
) -> list[tuple[str, str, str]]:
    """Every refusal of these values as (field, kind, message); empty when they are an action."""
    try:
        ActionInput.model_validate(
            values,
            context={"today": today, "created_on": created_on, "kept_due_date": kept_due_date},
        )
    except ValidationError as error:
        return input_problems(error)
    return []
