"""Every write in data_access, for every role, on the person's own building and on another: the
outcome is the README's permission table. The writes are found by name, so a new write that is not
in the table (or has no call here) fails this file before it can ship without a check."""

from __future__ import annotations

import importlib
import inspect
import pkgutil
from collections.abc import Callable, Iterator
from dataclasses import MISSING, fields
from datetime import date, timedelta
from pathlib import Path

import pytest
from sqlalchemy import func, select
from sqlmodel import Session

import data_access
from data_access.actions.writes import create_action, update_action
from data_access.db import get_data_version, get_engine, session_scope
from data_access.export_format import ExportOptions
from data_access.fidelity.writes import AdministrationEntry, save_administration
from data_access.imports.mapping_store import MappingInput, save_mapping
from data_access.imports.pipeline import import_demo, import_files, remove_demo
from data_access.imports.reading import ImportFile
from data_access.models import AuditLog
from data_access.permissions import (
    NOT_A_PERSONS_WRITE,
    PERMISSIONS,
    ROLES,
    permission_table_markdown,
    reach_of,
)
from data_access.staff_support.pulse_entry import PulseAnswer, record_pulse_responses
from data_access.staff_support.schedule import mark_supervision, schedule_supervision
from data_access.team.writes import (
    MeetingEntry,
    MemberEntry,
    SelfCheckEntry,
    record_meeting,
    save_self_check,
    save_team_member,
)
from data_access.users.access import UserAccess
from data_access.users.writes import remove_user, reset_sign_in, save_user
from tests.conftest import sqlite_store
from tests.utils.factories import (
    add_action,
    add_building,
    add_staff,
    add_supervision,
    add_team_member,
    add_user,
)

README = Path(__file__).resolve().parent.parent / "README.md"
WRITE_PREFIXES = (
    "save_",
    "create_",
    "update_",
    "record_",
    "schedule_",
    "mark_",
    "remove_",
    "delete_",
    "import_",
    "reset_",
)
YEAR = "2025-26"
TODAY = date(2026, 3, 2)
OWN, OTHER = "A", "B"  # the building every building role below holds, and one they do not

PEOPLE = {
    "district_admin": UserAccess(email="admin@district.org", role="district_admin"),
    "district_leader": UserAccess(email="lead@district.org", role="district_leader"),
    "principal": UserAccess(
        email="principal@district.org", role="principal", building_ids=frozenset({OWN})
    ),
    "coach": UserAccess(email="coach@district.org", role="coach", building_ids=frozenset({OWN})),
    "viewer": UserAccess(email="viewer@district.org", role="viewer"),
}


def data_access_functions() -> Iterator[tuple[str, Callable]]:
    """Every public function defined in a data_access module (migrations are Alembic's)."""
    for module_info in pkgutil.walk_packages(data_access.__path__, "data_access."):
        if ".migrations" in module_info.name:
            continue
        module = importlib.import_module(module_info.name)
        for name, function in inspect.getmembers(module, inspect.isfunction):
            if function.__module__ == module.__name__ and not name.startswith("_"):
                yield f"{module.__name__}.{name}", function


def write_functions() -> dict[str, Callable]:
    return {
        qualified.rsplit(".", 1)[1]: function
        for qualified, function in data_access_functions()
        if qualified.rsplit(".", 1)[1].startswith(WRITE_PREFIXES)
        and qualified.rsplit(".", 1)[1] not in NOT_A_PERSONS_WRITE
    }


# --- The district every call below acts on -------------------------------------------------------


@pytest.fixture(scope="module")
def district(tmp_path_factory) -> str:
    url = sqlite_store(tmp_path_factory.mktemp("permissions"))
    with session_scope(url) as session:
        add_building(session, OWN)
        add_building(session, OTHER)
        for person in PEOPLE.values():
            add_user(session, person.email, person.role)
        add_user(session, "leaving@district.org", "viewer")
        add_staff(session, "SA", "counselor", {(OWN, YEAR): 1.0})
        add_staff(session, "SB", "counselor", {(OTHER, YEAR): 1.0})
        add_staff(session, "D1", "psychologist", {})  # a district supervisor, no building
        add_supervision(session, "SUP-A", "SA", date(2026, 3, 9), "scheduled", supervisor_id="D1")
        add_supervision(session, "SUP-B", "SB", date(2026, 3, 9), "scheduled", supervisor_id="D1")
        for action_id, building in ((1, OWN), (2, OTHER)):
            add_action(
                session,
                action_id,
                owner_email=PEOPLE["district_leader"].email,
                due_date=TODAY + timedelta(days=30),
                created_on=TODAY - timedelta(days=30),
                building_id=building,
            )
        add_team_member(session, 1, "administrator", joined_on=date(2025, 8, 1))
    return url


ACTION_OF = {OWN: 1, OTHER: 2}
SUPERVISION_OF = {OWN: "SUP-A", OTHER: "SUP-B"}
STAFF_OF = {OWN: "SA", OTHER: "SB"}

# One valid call of each write, for a person and a building (the district-wide writes ignore it).
Call = Callable[[Session, UserAccess, str, str], object]
CALLS: dict[str, Call] = {
    "create_action": lambda session, editor, building, url: create_action(
        session,
        editor=editor,
        values={
            "title": "Reteach hallway expectations",
            "owner_email": PEOPLE["district_leader"].email,
            "due_date": date.today() + timedelta(days=14),
            "building_id": building,
        },
    ),
    "update_action": lambda session, editor, building, url: update_action(
        session,
        action_id=ACTION_OF[building],
        base_version=1,
        changes={"status": "in_progress"},
        editor=editor,
    ),
    "record_meeting": lambda session, editor, building, url: record_meeting(
        session,
        entry=MeetingEntry(
            held_on=TODAY, attended=frozenset({1}), facilitator_id=1, minute_taker_id=1
        ),
        editor=editor,
        today=TODAY,
    ),
    "save_self_check": lambda session, editor, building, url: save_self_check(
        session,
        entry=SelfCheckEntry(administered_on=TODAY, scores={"SL.1": 1}),
        editor=editor,
        today=TODAY,
    ),
    "save_team_member": lambda session, editor, building, url: save_team_member(
        session, entry=MemberEntry(name="Ana Family", category="family_learner"), editor=editor
    ),
    "save_administration": lambda session, editor, building, url: save_administration(
        session,
        entry=AdministrationEntry(
            building_id=building,
            instrument="TFI-2.1",
            administered_on=TODAY,
            scores={"1.1": 2},
        ),
        replace=False,
        editor=editor,
        today=TODAY,
    ),
    "schedule_supervision": lambda session, editor, building, url: schedule_supervision(
        session,
        staff_ids=[STAFF_OF[building]],
        supervisor_id="D1",
        session_format="individual",
        start=date(2026, 3, 16),
        editor=editor,
    ),
    "mark_supervision": lambda session, editor, building, url: mark_supervision(
        session, session_id=SUPERVISION_OF[building], status="held", minutes=45, editor=editor
    ),
    "record_pulse_responses": lambda session, editor, building, url: record_pulse_responses(
        session,
        building_id=building,
        role="counselor",
        responded_on=TODAY,
        answers=[PulseAnswer(3, 4, 4, 2, True)],
        editor=editor,
        today=TODAY,
    ),
    "save_user": lambda session, editor, building, url: save_user(
        session,
        email="new.coach@district.org",
        role="coach",
        name="New Coach",
        building_ids=[building],
        editor=editor,
    ),
    "remove_user": lambda session, editor, building, url: remove_user(
        session, email="leaving@district.org", editor=editor
    ),
    "reset_sign_in": lambda session, editor, building, url: reset_sign_in(
        session, email="leaving@district.org", editor=editor
    ),
    # These two hold their own transaction; the import is a dry run and the store holds no demo,
    # so an allowed call changes nothing either.
    "import_files": lambda session, editor, building, url: import_files(
        [
            ImportFile(
                "buildings.csv", f"building_id,name,level\n{building},Renamed,middle\n".encode()
            )
        ],
        database_url=url,
        editor=editor,
        dry_run=True,
    ),
    "save_mapping": lambda session, editor, building, url: save_mapping(
        session,
        entry=MappingInput(
            name="referrals",
            table="discipline",
            columns={"student_id": "Student", "incident_date": "Date", "action": "Action"},
            codes={"action": {"S2": "OSS"}},
        ),
        editor=editor,
    ),
    "remove_demo": lambda session, editor, building, url: remove_demo(
        database_url=url, editor=editor
    ),
    "import_demo": lambda session, editor, building, url: import_demo(
        database_url=url, editor=editor
    ),
}


def audit_rows(session: Session, actor: str) -> int:
    return session.execute(
        select(func.count()).select_from(AuditLog).where(AuditLog.actor == actor)
    ).scalar_one()


DISTRICT_WIDE = {  # changes to the district as a whole: never "their buildings"
    "record_meeting",
    "save_self_check",
    "save_team_member",
    "save_user",
    "remove_user",
    "reset_sign_in",
    "import_files",
    "save_mapping",
    "remove_demo",
    "import_demo",
}


def expected(write: str, role: str, building: str) -> bool:
    """The README's table: "yes" on every building, "their buildings" only on their own (and
    never for a change to the district as a whole), "no" never."""
    reach = reach_of(PEOPLE[role], write)
    if reach == "any":
        return True
    return reach == "own" and building == OWN and write not in DISTRICT_WIDE


# --- The table is complete, and the README shows it -----------------------------------------------


def test_every_write_function_in_data_access_is_in_the_permission_table():
    found = write_functions()
    assert {"save_administration", "mark_supervision", "save_user", "import_files"} <= set(found)
    missing = sorted(set(found) - set(PERMISSIONS))
    assert not missing, f"writes with no row in data_access.permissions.PERMISSIONS: {missing}"
    assert sorted(set(PERMISSIONS) - set(found)) == []  # and no row for a write that is gone


def test_every_write_in_the_table_is_walked_by_this_file():
    assert set(CALLS) == set(PERMISSIONS)


def test_every_write_takes_the_acting_user_and_no_default_scope():
    for name, function in write_functions().items():
        parameters = inspect.signature(function).parameters
        editor = parameters.get("editor")
        assert editor is not None and editor.kind is inspect.Parameter.KEYWORD_ONLY, name
        assert editor.default is inspect.Parameter.empty, name
        assert "actor" not in parameters and "scope" not in parameters, name


def test_no_data_function_has_a_default_scope():
    defaults = [
        qualified
        for qualified, function in data_access_functions()
        if "scope" in inspect.signature(function).parameters
        and inspect.signature(function).parameters["scope"].default is not inspect.Parameter.empty
    ]
    assert defaults == []
    [scope] = [field for field in fields(ExportOptions) if field.name == "scope"]
    assert scope.default is MISSING and scope.default_factory is MISSING


def test_the_readme_shows_the_permission_table_of_the_code():
    assert permission_table_markdown() in README.read_text(encoding="utf-8")


def test_principals_and_viewers_change_nothing_and_coaches_only_their_buildings_actions():
    for write, permission in PERMISSIONS.items():
        assert "principal" not in permission.roles and "viewer" not in permission.roles, write
        assert permission.roles.get("coach") in (
            ("own",) if write in ("create_action", "update_action") else (None,)
        ), write


# --- The walk ----------------------------------------------------------------------------------


@pytest.mark.parametrize("building", [OWN, OTHER], ids=["own building", "another building"])
@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("write", list(PERMISSIONS))
def test_each_write_allows_exactly_what_the_table_says(district, write, role, building):
    editor = PEOPLE[role]
    call = CALLS[write]
    with Session(get_engine(district), expire_on_commit=False) as session:
        version, audited = get_data_version(session), audit_rows(session, editor.email)
        if expected(write, role, building):
            result = call(session, editor, building, district)
            if write == "import_files":  # a dry run: checked, nothing stored
                assert result.ok, result.problems
            elif write in ("remove_demo", "import_demo"):
                # The store holds a district and no demo: nothing to remove, no demo over it.
                assert result is False
            else:
                assert audit_rows(session, editor.email) == audited + 1
        else:
            with pytest.raises(PermissionError, match=editor.email):
                call(session, editor, building, district)
            assert get_data_version(session) == version
            assert audit_rows(session, editor.email) == audited
        session.rollback()  # the next case starts from the same district
