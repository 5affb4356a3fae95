"""Writing follow-up actions: create, and update without lost updates.

No lost updates: a save names the version it started from; the UPDATE only matches that version, so
when someone else saved first the save is refused with what they changed, and nothing is overwritten.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from sqlalchemy import update
from sqlmodel import Session

from data_access.actions.inputs import check_action, clean_action_values
from data_access.actions.queries import (
    EDITABLE_FIELDS,
    ActionChange,
    ActionRecord,
    _record,
    get_changes_since,
)
from data_access.db import record_write
from data_access.models import (
    Action,
    ActionUpdate,
    Building,
    Meeting,
    User,
    utc_now,
)
from data_access.permissions import WriteForbidden, check_write
from data_access.users.access import UserAccess


class ActionForbidden(WriteForbidden):
    """The person's role does not let them change actions of that building."""


def _check_may_edit(editor: UserAccess, write: str, *building_ids: str | None) -> None:
    check_write(editor, write, building_ids=building_ids, refusal=ActionForbidden)


class ActionInvalid(ValueError):
    """The values cannot be saved; `problems` maps each field to what is wrong with it."""

    def __init__(self, problems: dict[str, str]):
        super().__init__("; ".join(f"{k}: {v}" for k, v in problems.items()))
        self.problems = problems


class ActionConflict(Exception):
    """Someone saved the action after the editor opened it. Nothing of the refused save was stored."""

    def __init__(self, current: ActionRecord, changes: list[ActionChange]):
        who = sorted({change.changed_by for change in changes}) or ["someone"]
        super().__init__(
            f"Action {current.action_id} was changed by {', '.join(who)} after you opened it."
        )
        self.current = current
        self.changes = changes


def _text(value: Any) -> str | None:
    if value is None:
        return None
    return value.isoformat() if isinstance(value, date) else str(value)


# --- Validation -----------------------------------------------------------------------------------


def validate_action(
    session: Session,
    *,
    values: dict[str, Any],
    created_on: date,
    today: date | None = None,
    kept_due_date: date | None = None,
) -> dict[str, str]:
    """Every problem with the values, by field; an empty dict means they can be saved. The typed
    input's rules (as actions.csv), then what the store must hold: the owner, building and meeting."""
    problems: dict[str, str] = {}
    for name, _kind, message in check_action(
        values, today=today or date.today(), created_on=created_on, kept_due_date=kept_due_date
    ):
        problems.setdefault(name, message)
    owner = values.get("owner_email")
    if "owner_email" not in problems and session.get(User, owner.strip()) is None:
        problems["owner_email"] = f"'{owner.strip()}' is not a user of the dashboard."
    building = values.get("building_id")
    if building and "building_id" not in problems and session.get(Building, building) is None:
        problems["building_id"] = f"'{building}' is not a building in the store."
    meeting = values.get("meeting_id")
    if (
        meeting is not None
        and "meeting_id" not in problems
        and session.get(Meeting, meeting) is None
    ):
        problems["meeting_id"] = f"There is no meeting {meeting}."
    return problems


# --- Writes ---------------------------------------------------------------------------------------


def create_action(session: Session, *, values: dict[str, Any], editor: UserAccess) -> int:
    """Store a new action (validated) with its first history entry; returns its id."""
    now = utc_now()
    actor = editor.email
    values = {"status": "open", "fidelity_check": "not_started"} | clean_action_values(values)
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
    changes = clean_action_values(changes)
    merged = {name: getattr(action, name) for name in EDITABLE_FIELDS} | changes
    problems = validate_action(
        session,
        values=merged,
        created_on=action.created_at.date(),
        kept_due_date=action.due_date,
    )
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
