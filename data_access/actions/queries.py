"""Reading follow-up actions: one action, its history, the lists the page shows, and their due flags."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any

import pandas as pd
from sqlalchemy import or_, select
from sqlmodel import Session

from data_access.models import Action, ActionUpdate, Building, User
from data_access.scope import Scope

# What a person can set on an action; the rest (ids, times, version) the store keeps itself.
EDITABLE_FIELDS = (
    "building_id",
    "title",
    "problem_statement",
    "goal",
    "solution_actions",
    "owner_email",
    "due_date",
    "status",
    "fidelity_check",
    "outcome_check",
    "source_type",
    "source_ref",
    "meeting_id",
)
OPEN_STATUSES = ("open", "in_progress")


@dataclass(frozen=True)
class ActionChange:
    changed_at: datetime
    changed_by: str
    field: str
    old_value: str | None
    new_value: str | None


@dataclass(frozen=True)
class ActionRecord:
    action_id: int
    version: int
    created_at: datetime
    updated_at: datetime
    values: dict[str, Any] = field(default_factory=dict)  # EDITABLE_FIELDS → value


def _record(action: Action) -> ActionRecord:
    return ActionRecord(
        action_id=action.action_id,
        version=action.version,
        created_at=action.created_at,
        updated_at=action.updated_at,
        values={name: getattr(action, name) for name in EDITABLE_FIELDS},
    )


def _visible(scope: Scope):
    """District-wide actions are for everyone; a building's actions only for a scope holding it."""
    return or_(Action.building_id.is_(None), scope.where(Action.building_id))


def get_action(session: Session, *, action_id: int, scope: Scope) -> ActionRecord | None:
    action = session.execute(
        select(Action).where(Action.action_id == action_id, _visible(scope))
    ).scalar_one_or_none()
    return _record(action) if action is not None else None


def get_changes_since(session: Session, *, action_id: int, version: int) -> list[ActionChange]:
    rows = session.execute(
        select(ActionUpdate)
        .where(ActionUpdate.action_id == action_id, ActionUpdate.version > version)
        .order_by(ActionUpdate.changed_at, ActionUpdate.update_id)
    ).scalars()
    return [
        ActionChange(r.changed_at, r.changed_by, r.field, r.old_value, r.new_value) for r in rows
    ]


def get_action_history(session: Session, *, action_id: int, scope: Scope) -> pd.DataFrame:
    """Every change of the action, newest first."""
    rows = session.execute(
        select(
            ActionUpdate.changed_at,
            ActionUpdate.changed_by,
            ActionUpdate.field,
            ActionUpdate.old_value,
            ActionUpdate.new_value,
        )
        .join(Action, Action.action_id == ActionUpdate.action_id)
        .where(ActionUpdate.action_id == action_id, _visible(scope))
        .order_by(ActionUpdate.changed_at.desc(), ActionUpdate.update_id.desc())
    ).all()
    return pd.DataFrame(
        rows, columns=["changed_at", "changed_by", "field", "old_value", "new_value"]
    )


@dataclass(frozen=True)
class ActionFilters:
    building_ids: tuple[str, ...] = ()  # empty: every building in scope (and district actions)
    owner_email: str | None = None
    statuses: tuple[str, ...] = ()  # empty: every status
    due_within_days: int | None = None  # due on or before as_of + days (overdue included)


def list_actions(
    session: Session, *, scope: Scope, as_of: date, filters: ActionFilters = ActionFilters()
) -> pd.DataFrame:
    """Actions in scope matching the filters, with `overdue` and `due_this_week`, soonest due first;
    `owner_name` is the owner's name (missing for an email the dashboard does not know)."""
    statement = (
        select(
            Action.action_id,
            Action.building_id,
            Building.name.label("building_name"),
            Action.title,
            Action.owner_email,
            User.name.label("owner_name"),
            Action.due_date,
            Action.status,
            Action.fidelity_check,
            Action.outcome_check,
            Action.source_type,
            Action.source_ref,
            Action.updated_at,
            Action.version,
        )
        .outerjoin(Building, Building.building_id == Action.building_id)
        .outerjoin(User, User.email == Action.owner_email)
        .where(_visible(scope))
        .order_by(Action.due_date, Action.action_id)
    )
    if filters.building_ids:
        statement = statement.where(Action.building_id.in_(filters.building_ids))
    if filters.owner_email:
        statement = statement.where(Action.owner_email == filters.owner_email)
    if filters.statuses:
        statement = statement.where(Action.status.in_(filters.statuses))
    if filters.due_within_days is not None:
        statement = statement.where(
            Action.due_date <= as_of + timedelta(days=filters.due_within_days)
        )
    frame = pd.DataFrame(
        session.execute(statement).all(), columns=list(statement.selected_columns.keys())
    )
    return add_due_flags(frame, as_of=as_of)


def add_due_flags(frame: pd.DataFrame, *, as_of: date) -> pd.DataFrame:
    """`overdue`: still open or in progress after its due date; `due_this_week`: open, due within 7 days."""
    still_open = frame["status"].isin(OPEN_STATUSES)
    due = pd.to_datetime(frame["due_date"]).dt.date if len(frame) else frame["due_date"]
    frame = frame.assign(
        overdue=still_open & (due < as_of),
        due_this_week=still_open & (due >= as_of) & (due <= as_of + timedelta(days=7)),
    )
    frame["building_name"] = frame["building_name"].fillna("District")
    return frame


def list_owners(session: Session) -> pd.DataFrame:
    """People who may own an action: every user except read-only viewers."""
    rows = session.execute(
        select(User.email, User.name, User.role).where(User.role != "viewer").order_by(User.email)
    ).all()
    return pd.DataFrame(rows, columns=["email", "name", "role"])
