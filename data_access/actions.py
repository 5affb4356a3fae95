"""Follow-up actions (TIPS): create, update without lost updates, history, and the lists the page shows.

No lost updates: a save names the version it started from; the UPDATE only matches that version, so
when someone else saved first the save is refused with what they changed, and nothing is overwritten.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import TYPE_CHECKING, Any

import pandas as pd
from sqlalchemy import or_, select, update
from sqlmodel import Session

from data_access.db import record_write
from data_access.export_format import format_export
from data_access.models import (
    ACTION_SOURCES,
    ACTION_STATUSES,
    FIDELITY_CHECKS,
    OUTCOME_CHECKS,
    Action,
    ActionUpdate,
    Building,
    Meeting,
    User,
    utc_now,
)
from data_access.permissions import WriteForbidden, check_write
from data_access.scope import Scope
from data_access.users import UserAccess

if TYPE_CHECKING:
    from data_access.export_format import ExportOptions

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
FIELD_LABELS = {
    "building_id": "Building",
    "title": "Title",
    "problem_statement": "Problem statement",
    "goal": "Goal and timeline",
    "solution_actions": "Solution actions",
    "owner_email": "Owner",
    "due_date": "Due date",
    "status": "Status",
    "fidelity_check": "Fidelity check",
    "outcome_check": "Outcome check",
    "source_type": "Came from",
    "source_ref": "Came from (detail)",
    "meeting_id": "Meeting",
}
STATUS_LABELS = {"open": "Open", "in_progress": "In progress", "done": "Done", "dropped": "Dropped"}
FIDELITY_CHECK_LABELS = {
    "not_started": "Not started",
    "partial": "Partially implemented",
    "implemented": "Implemented with fidelity",
    "stopped": "Stopped",
}
OUTCOME_CHECK_LABELS = {
    "worse": "Worse",
    "no_change": "No change",
    "improved_not_to_goal": "Improved, not yet to goal",
    "goal_met": "Goal met",
}
SOURCE_LABELS = {
    "fidelity_item": "A fidelity item",
    "equity_cell": "An equity flag",
    "staff_support_gap": "A staff-support gap",
    "meeting": "A meeting",
    "other": "Other",
}


class ActionForbidden(WriteForbidden):
    """The person's role does not let them change actions of that building."""


def _check_may_edit(editor: UserAccess, write: str, *building_ids: str | None) -> None:
    check_write(editor, write, building_ids=building_ids, refusal=ActionForbidden)


class ActionInvalid(ValueError):
    """The values cannot be saved; `problems` maps each field to what is wrong with it."""

    def __init__(self, problems: dict[str, str]):
        super().__init__("; ".join(f"{FIELD_LABELS.get(k, k)}: {v}" for k, v in problems.items()))
        self.problems = problems


@dataclass(frozen=True)
class ActionChange:
    changed_at: datetime
    changed_by: str
    field: str
    old_value: str | None
    new_value: str | None


class ActionConflict(Exception):
    """Someone saved the action after the editor opened it. Nothing of the refused save was stored."""

    def __init__(self, current: ActionRecord, changes: list[ActionChange]):
        who = sorted({change.changed_by for change in changes}) or ["someone"]
        super().__init__(
            f"Action {current.action_id} was changed by {', '.join(who)} after you opened it."
        )
        self.current = current
        self.changes = changes


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


def _text(value: Any) -> str | None:
    if value is None:
        return None
    return value.isoformat() if isinstance(value, date) else str(value)


# --- Validation -----------------------------------------------------------------------------------


def validate_action(
    session: Session, *, values: dict[str, Any], created_on: date
) -> dict[str, str]:
    """Every problem with the values, by field; an empty dict means they can be saved."""
    problems: dict[str, str] = {}
    title = (values.get("title") or "").strip()
    if not title:
        problems["title"] = "Give the action a title."
    elif len(title) > 200:
        problems["title"] = f"Keep the title to 200 characters (it has {len(title)})."
    owner = (values.get("owner_email") or "").strip()
    if not owner:
        problems["owner_email"] = "Choose who owns this action."
    elif session.get(User, owner) is None:
        problems["owner_email"] = f"'{owner}' is not a user of the dashboard."
    due = values.get("due_date")
    if not isinstance(due, date):
        problems["due_date"] = "Choose a due date."
    elif due < created_on:
        problems["due_date"] = (
            f"The due date {due:%-d %b %Y} is before the action was created ({created_on:%-d %b %Y})."
        )
    building = values.get("building_id")
    if building and session.get(Building, building) is None:
        problems["building_id"] = f"'{building}' is not a building in the store."
    choices = {
        "status": ACTION_STATUSES,
        "fidelity_check": FIDELITY_CHECKS,
        "outcome_check": (None, *OUTCOME_CHECKS),
        "source_type": (None, *ACTION_SOURCES),
    }
    for name, allowed in choices.items():
        if name in values and values[name] not in allowed:
            problems[name] = f"'{values[name]}' is not one of {', '.join(a for a in allowed if a)}."
    meeting = values.get("meeting_id")
    if meeting is not None and session.get(Meeting, meeting) is None:
        problems["meeting_id"] = f"There is no meeting {meeting}."
    return problems


def _clean(values: dict[str, Any]) -> dict[str, Any]:
    cleaned = {name: values[name] for name in EDITABLE_FIELDS if name in values}
    for name in ("title", "owner_email", "source_ref"):
        if isinstance(cleaned.get(name), str):
            cleaned[name] = cleaned[name].strip() or None
    for name in ("problem_statement", "goal", "solution_actions"):
        if name in cleaned:
            cleaned[name] = (cleaned[name] or "").strip()
    if "building_id" in cleaned:
        cleaned["building_id"] = cleaned["building_id"] or None
    return cleaned


# --- Writes ---------------------------------------------------------------------------------------


def create_action(session: Session, *, values: dict[str, Any], editor: UserAccess) -> int:
    """Store a new action (validated) with its first history entry; returns its id."""
    now = utc_now()
    actor = editor.email
    values = {"status": "open", "fidelity_check": "not_started"} | _clean(values)
    _check_may_edit(editor, "create_action", values.get("building_id"))
    problems = validate_action(session, values=values, created_on=now.date())
    if problems:
        raise ActionInvalid(problems)
    action = Action(**values, created_at=now, updated_at=now, version=1)
    session.add(action)
    session.flush()
    session.add(
        ActionUpdate(
            action_id=action.action_id,
            changed_at=now,
            changed_by=actor,
            field="created",
            old_value=None,
            new_value=action.title,
            version=1,
        )
    )
    record_write(
        session,
        actor=actor,
        operation="create",
        table_name="actions",
        row_key=str(action.action_id),
        detail={k: _text(v) for k, v in values.items()},
    )
    return action.action_id


def update_action(
    session: Session,
    *,
    action_id: int,
    base_version: int,
    changes: dict[str, Any],
    editor: UserAccess,
) -> int:
    """Apply `changes` to the action as it was at `base_version`; returns the new version.

    Raises ActionConflict (nothing stored) when the action has been saved since `base_version`, and
    ActionInvalid when the result would not be a valid action."""
    actor = editor.email
    action = session.get(Action, action_id)
    if action is None:
        raise ActionInvalid({"action_id": f"There is no action {action_id}."})
    _check_may_edit(
        editor,
        "update_action",
        action.building_id,
        changes.get("building_id", action.building_id) or None,
    )
    if action.version != base_version:
        raise ActionConflict(
            _record(action), get_changes_since(session, action_id=action_id, version=base_version)
        )
    changes = _clean(changes)
    merged = {name: getattr(action, name) for name in EDITABLE_FIELDS} | changes
    problems = validate_action(session, values=merged, created_on=action.created_at.date())
    if problems:
        raise ActionInvalid(problems)
    changed = {k: v for k, v in changes.items() if getattr(action, k) != v}
    if not changed:
        return action.version
    now = utc_now()
    # The version condition makes the check and the write one atomic step: if another process saved
    # between our read and this UPDATE, no row matches and nothing is overwritten.
    result = session.execute(
        update(Action)
        .where(Action.action_id == action_id, Action.version == base_version)
        .values(**changed, updated_at=now, version=base_version + 1)
        .execution_options(synchronize_session=False)
    )
    if result.rowcount != 1:
        session.rollback()
        current = session.get(Action, action_id)
        session.refresh(current)
        raise ActionConflict(
            _record(current), get_changes_since(session, action_id=action_id, version=base_version)
        )
    for name, value in changed.items():
        session.add(
            ActionUpdate(
                action_id=action_id,
                changed_at=now,
                changed_by=actor,
                field=name,
                old_value=_text(getattr(action, name)),
                new_value=_text(value),
                version=base_version + 1,
            )
        )
    record_write(
        session,
        actor=actor,
        operation="update",
        table_name="actions",
        row_key=str(action_id),
        detail={
            name: {"from": _text(getattr(action, name)), "to": _text(value)}
            for name, value in changed.items()
        },
    )
    session.expire(action)
    return base_version + 1


# --- Reads ----------------------------------------------------------------------------------------


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
    """Actions in scope matching the filters, with `overdue` and `due_this_week`, soonest due first."""
    statement = (
        select(
            Action.action_id,
            Action.building_id,
            Building.name.label("building_name"),
            Action.title,
            Action.owner_email,
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


def list_buildings(session: Session, *, scope: Scope) -> pd.DataFrame:
    rows = session.execute(
        select(Building.building_id, Building.name)
        .where(scope.where(Building.building_id))
        .order_by(Building.name)
    ).all()
    return pd.DataFrame(rows, columns=["building_id", "name"])


EXPORT_COLUMNS = [
    "action_id",
    "building_id",
    "title",
    "owner_email",
    "due_date",
    "status",
    "fidelity_check",
    "outcome_check",
    "created_at",
    "updated_at",
    "overdue",
]


def export_actions(session: Session, options: ExportOptions) -> pd.DataFrame:
    """The contract's `actions` table: every action in scope; `overdue` as of --as-of (default today)."""
    as_of = options.as_of or date.today()
    rows = session.execute(
        select(*(getattr(Action, name) for name in EXPORT_COLUMNS[:-1]))
        .where(_visible(options.scope))
        .order_by(Action.action_id)
    ).all()
    frame = pd.DataFrame(rows, columns=EXPORT_COLUMNS[:-1])
    due = pd.to_datetime(frame["due_date"]).dt.date if len(frame) else frame["due_date"]
    frame["overdue"] = frame["status"].isin(OPEN_STATUSES) & (due < as_of)
    for column in ("created_at", "updated_at"):
        frame[column] = [f"{t:%Y-%m-%dT%H:%M:%SZ}" for t in frame[column]]
    frame["due_date"] = [d.isoformat() for d in frame["due_date"]]
    return format_export(frame[EXPORT_COLUMNS], booleans=["overdue"])
