"""The one typed input of a dashboard user: the Users page's form (through `users.save_user`) and
the importer's `users.csv` rows are both checked by `UserInput`, so a form and a file accept exactly
the same users, for the same reasons. The rules themselves are `data_access.validation`'s.

Whether the buildings exist is not here: the form's write checks the store, the importer the store
and the import."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict, ValidationError, ValidationInfo, field_validator

from data_access.models import USER_ROLES, User
from data_access.validation import (
    email_message,
    hidden_character_message,
    input_problems,
    refusal,
    role_buildings_message,
)

EMAIL_LENGTH = User.__table__.columns["email"].type.length
NAME_LENGTH = User.__table__.columns["name"].type.length


class UserInput(BaseModel):
    """Who may use the dashboard: their sign-in email, role, name and (principals and coaches)
    buildings."""

    # Every field is checked, given or not: a missing email is refused as an empty one.
    model_config = ConfigDict(frozen=True, extra="ignore", validate_default=True)

    email: str = ""
    role: str = ""
    name: str | None = None
    building_ids: tuple[str, ...] = ()

    @field_validator("email", mode="before")
    @classmethod
    def _email(cls, value: Any) -> str:
        email = (value or "").strip()
        if not email:
            raise refusal("email", "email is empty; give the address they sign in with")
        if message := email_message("email", email):
            raise refusal("email", message)
        if len(email) > EMAIL_LENGTH:
            raise refusal("email", f"email is longer than {EMAIL_LENGTH} characters")
        return email.lower()

    @field_validator("role", mode="before")
    @classmethod
    def _role(cls, value: Any) -> str:
        text = (value or "").strip()
        role = {choice.lower(): choice for choice in USER_ROLES}.get(text.lower())
        if role is None:
            raise refusal("role", f"role '{text}' is not one of {', '.join(USER_ROLES)}")
        return role

    @field_validator("name", mode="before")
    @classmethod
    def _name(cls, value: Any) -> str | None:
        name = (value or "").strip()
        if message := hidden_character_message("name", name, line_breaks=True):
            raise refusal("hidden_character", message)
        if len(name) > NAME_LENGTH:
            raise refusal("name", f"name is {len(name)} characters long; at most {NAME_LENGTH} fit")
        return name or None

    @field_validator("building_ids", mode="before")
    @classmethod
    def _buildings(cls, value: Any, info: ValidationInfo) -> tuple[str, ...]:
        if isinstance(value, str):  # as users.csv writes them: LIN-ES;ADA-MS
            value = value.split(";")
        ids = tuple(dict.fromkeys(part.strip() for part in value or () if part and part.strip()))
        for building_id in ids:
            if message := hidden_character_message("building_ids", building_id):
                raise refusal("hidden_character", message)
        role = info.data.get("role")  # absent when the role itself was refused
        if role is not None and (message := role_buildings_message(role, ids)):
            raise refusal("role_buildings", message)
        return ids


def check_user(values: dict[str, Any]) -> list[tuple[str, str, str]]:
    """Every refusal of these values as (field, kind, message); empty when they are a user."""
    try:
        UserInput.model_validate(values)
    except ValidationError as error:
        return input_problems(error)
    return []
