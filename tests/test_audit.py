"""The audit log is complete: who, when, and what each change was before and after, including users
an import changed (one row each) and the scores of a replaced administration or self-check."""

from __future__ import annotations

import json
from datetime import date

import pytest
from sqlalchemy import select

from data_access.db import get_data_version, session_scope
from data_access.imports.pipeline import import_files
from data_access.imports.reading import ImportFile
from data_access.models import AuditLog
from data_access.staff_support.schedule import mark_supervision
from data_access.team.writes import MemberEntry, SelfCheckEntry, save_self_check, save_team_member
from data_access.users.access import UserAccess
from data_access.users.writes import remove_user, save_user
from tests.utils.factories import add_building, add_staff, add_supervision, add_user

ADMIN = UserAccess(email="admin@district.org", role="district_admin")
LEAD = UserAccess(email="lead@district.org", role="district_leader")
TODAY = date(2026, 3, 2)


@pytest.fixture
def district(sqlite_url) -> str:
    with session_scope(sqlite_url) as session:
        add_building(session, "B1")
        add_building(session, "B2")
    return sqlite_url


def users_file(*rows: str) -> list[ImportFile]:
    text = "email,role,name,building_ids\n" + "\n".join(rows) + "\n"
    return [ImportFile("users.csv", text.encode())]


def audit(url: str, **where: object) -> list[tuple[str, str, str | None, dict, int]]:
    """(actor, operation, row_key, detail, data_version) of the matching audit rows, oldest first."""
    with session_scope(url) as session:
        rows = session.execute(
            select(AuditLog)
            .where(*(getattr(AuditLog, name) == value for name, value in where.items()))
            .order_by(AuditLog.audit_id)
        ).scalars()
        return [
            (
                row.actor,
                row.operation,
                row.row_key,
                json.loads(row.detail or "null"),
                row.data_version,
            )
            for row in rows
        ]


def test_an_import_logs_each_user_it_changed_with_role_and_buildings_before_and_after(district):
    first = import_files(
        users_file(
            "pat@district.org,principal,Pat,B1",
            "cam@district.org,coach,Cam,B1",
            "vi@district.org,viewer,Vi,",
        ),
        database_url=district,
        editor=ADMIN,
    )
    assert first.imported
    second = import_files(
        users_file(
            "pat@district.org,district_admin,Pat,",  # promoted: the change an admin must see
            "cam@district.org,coach,Cam,B1;B2",  # a building more
            "vi@district.org,viewer,Vi,",  # unchanged: no row
        ),
        database_url=district,
        editor=ADMIN,
    )
    assert (second.counts["users"].updated, second.counts["users"].unchanged) == (2, 1)
    rows = audit(district, operation="import_user")
    with session_scope(district) as session:
        version = get_data_version(session)
    assert [(actor, key) for actor, _, key, _, _ in rows] == [
        ("admin@district.org", "pat@district.org"),
        ("admin@district.org", "cam@district.org"),
        ("admin@district.org", "vi@district.org"),
        ("admin@district.org", "pat@district.org"),
        ("admin@district.org", "cam@district.org"),
    ]
    assert rows[0][3] == {
        "before": None,
        "after": {"role": "principal", "name": "Pat", "building_ids": ["B1"]},
    }
    assert rows[3][3] == {
        "before": {"role": "principal", "name": "Pat", "building_ids": ["B1"]},
        "after": {"role": "district_admin", "name": "Pat", "building_ids": []},
    }
    assert rows[4][3] == {
        "before": {"role": "coach", "name": "Cam", "building_ids": ["B1"]},
        "after": {"role": "coach", "name": "Cam", "building_ids": ["B1", "B2"]},
    }
    # Each user's row carries the version of the import that made the change: one version each.
    [import_row] = audit(district, operation="import", data_version=version)
    assert rows[-1][4] == import_row[4] == version


def test_a_dry_run_or_a_refused_import_logs_no_user(district):
    checked = import_files(
        users_file("pat@district.org,principal,Pat,B1"),
        database_url=district,
        editor=ADMIN,
        dry_run=True,
    )
    refused = import_files(
        users_file("pat@district.org,principal,Pat,B1", "bad@district.org,principal,Bad,B9"),
        database_url=district,
        editor=ADMIN,
    )
    assert checked.ok and not checked.imported and not refused.ok
    assert audit(district, table_name="users") == []


def test_saving_and_removing_a_user_logs_role_and_buildings_before_and_after(district):
    with session_scope(district) as session:
        save_user(
            session,
            email="pat@district.org",
            role="coach",
            name="Pat",
            building_ids=["B1"],
            editor=ADMIN,
        )
    with session_scope(district) as session:
        save_user(
            session,
            email="pat@district.org",
            role="principal",
            name="Pat",
            building_ids=["B1", "B2"],
            editor=ADMIN,
        )
    with session_scope(district) as session:
        remove_user(session, email="pat@district.org", editor=ADMIN)
    rows = audit(district, table_name="users")
    coach = {"role": "coach", "name": "Pat", "building_ids": ["B1"]}
    principal = {"role": "principal", "name": "Pat", "building_ids": ["B1", "B2"]}
    assert [(operation, detail) for _, operation, _, detail, _ in rows] == [
        ("create", {"before": None, "after": coach}),
        ("update", {"before": coach, "after": principal}),
        ("delete", {"before": principal, "after": None}),
    ]
    assert {actor for actor, *_ in rows} == {"admin@district.org"}


def test_marking_a_session_logs_its_status_before_and_after(district):
    with session_scope(district) as session:
        add_staff(session, "C1", "counselor", {("B1", "2025-26"): 1.0})
        add_staff(session, "D1", "psychologist", {})
        add_supervision(session, "SUP-1", "C1", date(2026, 3, 9), "scheduled", supervisor_id="D1")
    with session_scope(district) as session:
        mark_supervision(session, session_id="SUP-1", status="held", minutes=50, editor=LEAD)
    [(actor, _, key, detail, _)] = audit(district, operation="mark_supervision")
    assert (actor, key) == ("lead@district.org", "SUP-1")
    assert detail["before"] == [
        {"session_id": "SUP-1", "staff_id": "C1", "status": "scheduled", "minutes": None}
    ]
    assert detail["after"] == {"status": "held", "minutes": 50}


def test_replacing_a_self_check_keeps_the_old_scores(district):
    for scores in ({"SL.1": 1, "SL.2": 2}, {"SL.1": 2}):
        with session_scope(district) as session:
            save_self_check(
                session,
                entry=SelfCheckEntry(administered_on=TODAY, scores=scores),
                editor=LEAD,
                today=TODAY,
                replace=True,
            )
    first, second = (detail for *_, detail, _ in audit(district, operation="save_self_check"))
    assert (first["before"], first["after"]) == (None, {"SL.1": 1, "SL.2": 2})
    assert (second["before"], second["after"]) == ({"SL.1": 1, "SL.2": 2}, {"SL.1": 2})


def test_a_members_change_is_logged_without_their_self_reported_answer(district):
    entry = MemberEntry(name="Ana", category="family_learner", from_marginalized_group=True)
    with session_scope(district) as session:
        member_id = save_team_member(session, entry=entry, editor=LEAD)
    changed = MemberEntry(
        member_id=member_id,
        name="Ana Rivera",
        category="family_learner",
        from_marginalized_group=False,
    )
    with session_scope(district) as session:
        save_team_member(session, entry=changed, editor=LEAD)
    created, updated = (detail for *_, detail, _ in audit(district, table_name="team_members"))
    assert updated["fields"] == ["from_marginalized_group", "name"]
    assert (updated["before"], updated["after"]) == ({"name": "Ana"}, {"name": "Ana Rivera"})
    assert "from_marginalized_group" not in created["after"]
    assert all("from_marginalized_group" not in (d["before"] or {}) for d in (created, updated))


def test_a_refused_write_logs_nothing(district):
    with session_scope(district) as session:
        add_user(session, "pat@district.org", "viewer")
    principal = UserAccess(email="p@district.org", role="principal", building_ids=frozenset({"B1"}))
    with pytest.raises(PermissionError), session_scope(district) as session:
        remove_user(session, email="pat@district.org", editor=principal)
    assert audit(district, actor="p@district.org") == []
