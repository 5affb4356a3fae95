"""Follow-up actions: validation, history, no lost updates, scope, due flags and the export."""

from __future__ import annotations

import csv
import io
from datetime import date, timedelta

import pytest
from sqlalchemy import select

from data_access.actions.export import export_actions
from data_access.actions.queries import (
    ActionFilters,
    get_action,
    get_action_history,
    list_actions,
)
from data_access.actions.writes import (
    ActionConflict,
    ActionForbidden,
    ActionInvalid,
    create_action,
    update_action,
)
from data_access.db import count_rows, get_data_version, session_scope
from data_access.export_format import ExportOptions, write_csv
from data_access.models import Action, ActionUpdate, AuditLog
from data_access.scope import DISTRICT, building_scope
from data_access.users.access import UserAccess
from tests.utils.factories import add_building, add_user

TODAY = date.today()
LEADER = UserAccess(email="lead@example.org", role="district_leader")
COACH = UserAccess(email="coach@example.org", role="coach", building_ids=frozenset({"B1"}))


def valid(**overrides) -> dict:
    return {
        "title": "Reteach hallway expectations",
        "owner_email": "coach@example.org",
        "due_date": TODAY + timedelta(days=30),
        "building_id": "B1",
    } | overrides


@pytest.fixture
def district(store_url) -> str:
    with session_scope(store_url) as session:
        add_building(session, "B1", name="Lincoln Elementary")
        add_building(session, "B2", name="Adams Middle", level="middle")
        add_user(session, "coach@example.org", name="Casey Coach")
        add_user(session, "lead@example.org", role="district_leader", name="Lee Leader")
    return store_url


def new_action(url: str, editor: UserAccess = LEADER, **overrides) -> int:
    with session_scope(url) as session:
        return create_action(session, values=valid(**overrides), editor=editor)


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        ({"title": "   "}, "title", "Give the action a title."),
        ({"owner_email": ""}, "owner_email", "Choose who owns this action."),
        (
            {"owner_email": "stranger@example.org"},
            "owner_email",
            "'stranger@example.org' is not a user",
        ),
        ({"due_date": TODAY - timedelta(days=1)}, "due_date", "is before the action was created"),
        ({"building_id": "B99"}, "building_id", "'B99' is not a building"),
    ],
    ids=[
        "missing title",
        "missing owner",
        "unknown owner",
        "due before created",
        "unknown building",
    ],
)
def test_bad_input_is_refused_with_a_message_for_the_field_and_nothing_stored(
    district, overrides, field, message
):
    with session_scope(district) as session:
        version_before = get_data_version(session)
    with pytest.raises(ActionInvalid) as refused, session_scope(district) as session:
        create_action(session, values=valid(**overrides), editor=LEADER)
    assert list(refused.value.problems) == [field]
    assert message in refused.value.problems[field]
    with session_scope(district) as session:
        assert count_rows(session, Action) == 0
        assert count_rows(session, ActionUpdate) == 0
        assert get_data_version(session) == version_before


def test_creating_an_action_records_history_audit_and_a_new_data_version(district):
    with session_scope(district) as session:
        version_before = get_data_version(session)
    action_id = new_action(district, editor=COACH)
    with session_scope(district) as session:
        record = get_action(session, action_id=action_id, scope=DISTRICT)
        history = get_action_history(session, action_id=action_id, scope=DISTRICT)
        audit = (
            session.execute(select(AuditLog).order_by(AuditLog.audit_id.desc())).scalars().first()
        )
        assert get_data_version(session) == version_before + 1
    assert (record.version, record.values["status"], record.values["fidelity_check"]) == (
        1,
        "open",
        "not_started",
    )
    assert history[["field", "new_value", "changed_by"]].values.tolist() == [
        ["created", "Reteach hallway expectations", "coach@example.org"]
    ]
    assert (audit.operation, audit.table_name, audit.row_key) == (
        "create",
        "actions",
        str(action_id),
    )


def test_an_update_keeps_every_changed_field_in_the_history(district):
    action_id = new_action(district)
    with session_scope(district) as session:
        new_version = update_action(
            session,
            action_id=action_id,
            base_version=1,
            editor=LEADER,
            changes={
                "status": "in_progress",
                "fidelity_check": "partial",
                "title": "Reteach hallway expectations",
            },
        )
    assert new_version == 2
    with session_scope(district) as session:
        history = get_action_history(session, action_id=action_id, scope=DISTRICT)
    changes = history[history["field"] != "created"].sort_values("field")
    assert changes[["field", "old_value", "new_value", "changed_by"]].values.tolist() == [
        ["fidelity_check", "not_started", "partial", "lead@example.org"],
        ["status", "open", "in_progress", "lead@example.org"],
    ]  # the unchanged title is not history


def test_the_second_of_two_saves_from_the_same_version_is_refused_with_the_first_shown(district):
    action_id = new_action(district)
    # Both people opened version 1. The first saves:
    with session_scope(district) as session:
        update_action(
            session,
            action_id=action_id,
            base_version=1,
            editor=LEADER,
            changes={"status": "in_progress"},
        )
    # The second, still on version 1, is refused and told what the first changed:
    with pytest.raises(ActionConflict) as refused, session_scope(district) as session:
        update_action(
            session,
            action_id=action_id,
            base_version=1,
            editor=COACH,
            changes={"status": "done", "outcome_check": "goal_met"},
        )
    conflict = refused.value
    assert [(c.field, c.old_value, c.new_value, c.changed_by) for c in conflict.changes] == [
        ("status", "open", "in_progress", "lead@example.org")
    ]
    assert conflict.current.version == 2 and conflict.current.values["status"] == "in_progress"
    # Nothing of the refused save was stored.
    with session_scope(district) as session:
        record = get_action(session, action_id=action_id, scope=DISTRICT)
        assert (record.values["status"], record.values["outcome_check"], record.version) == (
            "in_progress",
            None,
            2,
        )
    # Re-applied on top of the current version, it goes through; both changes are in the history.
    with session_scope(district) as session:
        update_action(
            session,
            action_id=action_id,
            base_version=conflict.current.version,
            editor=COACH,
            changes={"status": "done", "outcome_check": "goal_met"},
        )
        history = get_action_history(session, action_id=action_id, scope=DISTRICT)
    assert history[history["field"] == "status"][["new_value", "changed_by"]].values.tolist() == [
        ["done", "coach@example.org"],
        ["in_progress", "lead@example.org"],
    ]


def test_a_principal_scope_sees_its_buildings_and_district_actions_only(district):
    mine = new_action(district, building_id="B1")
    theirs = new_action(district, building_id="B2")
    district_wide = new_action(district, building_id=None)
    scope = building_scope({"B1"})
    with session_scope(district) as session:
        listed = list_actions(session, scope=scope, as_of=TODAY)
        assert get_action(session, action_id=theirs, scope=scope) is None
        assert get_action_history(session, action_id=theirs, scope=scope).empty
        exported = export_actions(session, ExportOptions(scope=scope))
    assert sorted(listed["action_id"]) == sorted([mine, district_wide])
    assert sorted(exported["action_id"].astype(int)) == sorted([mine, district_wide])


def test_overdue_and_due_this_week_are_counted_from_the_as_of_date(district):
    due_soon = new_action(district, due_date=TODAY + timedelta(days=10))
    due_later = new_action(district, due_date=TODAY + timedelta(days=40))
    finished = new_action(district, due_date=TODAY + timedelta(days=5))
    with session_scope(district) as session:
        update_action(
            session, action_id=finished, base_version=1, editor=LEADER, changes={"status": "done"}
        )
        frame = list_actions(session, scope=DISTRICT, as_of=TODAY + timedelta(days=6)).set_index(
            "action_id"
        )
        open_only = list_actions(
            session,
            scope=DISTRICT,
            as_of=TODAY + timedelta(days=6),
            filters=ActionFilters(statuses=("open", "in_progress"), due_within_days=7),
        )
    assert frame.loc[due_soon, ["overdue", "due_this_week"]].tolist() == [False, True]
    assert frame.loc[due_later, ["overdue", "due_this_week"]].tolist() == [False, False]
    # Done is never overdue, even past its due date.
    assert frame.loc[finished, ["overdue", "due_this_week"]].tolist() == [False, False]
    assert list(open_only["action_id"]) == [due_soon]


def test_export_follows_the_contract_and_never_writes_a_formula(district, tmp_path):
    action_id = new_action(
        district, title='=HYPERLINK("http://x")', due_date=TODAY + timedelta(days=3)
    )
    with session_scope(district) as session:
        table = export_actions(
            session, ExportOptions(as_of=TODAY + timedelta(days=4), scope=DISTRICT)
        )
    out = tmp_path / "actions.csv"
    write_csv(table, out)
    rows = list(csv.DictReader(io.StringIO(out.read_text())))
    assert list(rows[0]) == [
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
    row = rows[0]
    assert row["action_id"] == str(action_id)
    assert row["title"] == '\'=HYPERLINK("http://x")'
    assert (row["due_date"], row["status"], row["outcome_check"], row["overdue"]) == (
        (TODAY + timedelta(days=3)).isoformat(),
        "open",
        "",
        "true",
    )
    assert row["created_at"].endswith("Z") and row["created_at"][:10] == TODAY.isoformat()


def test_roles_that_may_not_edit_an_action_are_refused_and_nothing_changes(district):
    action_id = new_action(district, building_id="B2")
    principal = UserAccess(email="p@example.org", role="principal", building_ids=frozenset({"B2"}))
    viewer = UserAccess(email="v@example.org", role="viewer")
    # A coach of another building:
    with (
        pytest.raises(ActionForbidden, match="may not change actions of building B2"),
        session_scope(district) as session,
    ):
        update_action(
            session,
            action_id=action_id,
            base_version=1,
            editor=COACH,
            changes={"status": "done"},
        )
    for reader in (principal, viewer):
        with pytest.raises(ActionForbidden), session_scope(district) as session:
            create_action(session, values=valid(building_id="B2"), editor=reader)
    # A coach may not move an action of their building into another one either.
    own = new_action(district, editor=COACH, building_id="B1")
    with pytest.raises(ActionForbidden), session_scope(district) as session:
        update_action(
            session, action_id=own, base_version=1, editor=COACH, changes={"building_id": "B2"}
        )
    with session_scope(district) as session:
        assert get_action(session, action_id=action_id, scope=DISTRICT).values["status"] == "open"
        assert get_action(session, action_id=own, scope=DISTRICT).values["building_id"] == "B1"
        assert count_rows(session, Action) == 2
