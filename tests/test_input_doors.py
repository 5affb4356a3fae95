"""Both doors into the store accept exactly the same actions and users, for the same reasons: the
action form's write (`create_action`) and `actions.csv`, the Users page's write (`save_user`) and
`users.csv`. Each bad value is refused by both, with the same message (by the field on the form, on
the file's line in the import), and the store is unchanged; a valid row is accepted by both."""

from __future__ import annotations

import sqlite3
from datetime import date, timedelta
from pathlib import Path

import pytest

from data_access.actions.writes import ActionInvalid, create_action
from data_access.db import session_scope
from data_access.users.access import UserAccess
from data_access.users.writes import UserInvalid, save_user
from data_access.validation import latest_due_date
from tests.test_import_bad_input import dump, header, refused
from tests.test_import_rules import district_files, run_import
from tests.utils.factories import write_import_file


@pytest.fixture(scope="module")
def district(tmp_path_factory) -> Path:
    """A SQLite store holding the small district, imported from files; copied for each test."""
    from data_access.store import init_store

    folder = tmp_path_factory.mktemp("district")
    path = folder / "store.db"
    init_store(f"sqlite:///{path}")
    assert run_import(f"sqlite:///{path}", district_files(folder / "files")).ok
    return path


@pytest.fixture
def store(district, tmp_path) -> Path:
    path = tmp_path / "store.db"
    with sqlite3.connect(district) as source, sqlite3.connect(path) as copy:
        source.backup(copy)
    return path


ADMIN = UserAccess(email="admin@d.org", role="district_admin")
DUE = (date.today() + timedelta(days=30)).isoformat()
HIDDEN = "holds an invisible or control character ({}); retype it with visible characters only"

# (case, field, value as the form gives it, as the file writes it, the message both give)
ACTION_CASES = [
    (
        "a due date in year 9999",
        "due_date",
        date(9999, 12, 31),
        "9999-12-31",
        "due_date 9999-12-31 is more than 5 years ahead (at most "
        f"{latest_due_date(date.today()).isoformat()})",
    ),
    (
        "a NUL byte in the title",
        "title",
        "Re\x00teach",
        "Re\x00teach",
        "title " + HIDDEN.format("U+0000"),
    ),
    (
        "a zero-width space in the building id",
        "building_id",
        "B1\u200b",
        "B1\u200b",
        "building_id " + HIDDEN.format("U+200B"),
    ),
    (
        "a malformed owner email",
        "owner_email",
        "coach@d",
        "coach@d",
        "owner_email 'coach@d' is not an email address",
    ),
]


def action_values(**overrides) -> dict:
    return {
        "title": "Reteach hallway expectations",
        "building_id": "B1",
        "owner_email": "coach@d.org",
        "due_date": date.today() + timedelta(days=30),
    } | overrides


def action_row(**overrides) -> list[str]:
    values = {
        "action_id": "900",
        "building_id": "B1",
        "title": "Reteach hallway expectations",
        "owner_email": "coach@d.org",
        "due_date": DUE,
        "status": "open",
        "fidelity_check": "not_started",
    } | overrides
    return [values.get(column, "") for column in header("actions")]


@pytest.mark.parametrize(
    ("field", "form_value", "file_value", "message"),
    [case[1:] for case in ACTION_CASES],
    ids=[case[0] for case in ACTION_CASES],
)
def test_an_action_the_form_refuses_is_refused_by_actions_csv_for_the_same_reason(
    store, tmp_path, field, form_value, file_value, message
):
    url = f"sqlite:///{store}"
    before = dump(store)
    with pytest.raises(ActionInvalid) as form, session_scope(url) as session:
        create_action(session, values=action_values(**{field: form_value}), editor=ADMIN)
    assert form.value.problems == {field: message}
    assert dump(store) == before
    folder = tmp_path / "files"
    write_import_file(folder, "actions.csv", [header("actions"), action_row(**{field: file_value})])
    assert refused(store, folder, "actions.csv") == [f"actions.csv:2: {field}: {message}"]


def test_a_valid_action_is_accepted_by_the_form_and_by_actions_csv(store, tmp_path):
    url = f"sqlite:///{store}"
    with session_scope(url) as session:
        create_action(session, values=action_values(), editor=ADMIN)
    folder = tmp_path / "files"
    write_import_file(folder, "actions.csv", [header("actions"), action_row()])
    result = run_import(url, folder / "actions.csv")
    assert result.ok, [str(problem) for problem in result.problems]


USERS_HEADER = ["email", "role", "building_ids", "name"]

# (case, field, the form's email, role, buildings and name, the message both give)
USER_CASES = [
    (
        "a principal with no buildings",
        "building_ids",
        ("new.principal@d.org", "principal", [], None),
        "a principal needs at least one building in building_ids",
    ),
    (
        "a district leader with buildings",
        "building_ids",
        ("leader@d.org", "district_leader", ["B1", "B2"], None),
        "a district leader sees every building; leave building_ids empty (it has B1;B2)",
    ),
    (
        "a NUL byte in the name",
        "name",
        ("new.coach@d.org", "coach", ["B1"], "Ana\x00 Rivera"),
        "name " + HIDDEN.format("U+0000"),
    ),
    (
        "a zero-width space in the email",
        "email",
        ("new\u200b.coach@d.org", "coach", ["B1"], None),
        "email " + HIDDEN.format("U+200B"),
    ),
    (
        "a malformed email",
        "email",
        ("not-an-email", "coach", ["B1"], None),
        "email 'not-an-email' is not an email address",
    ),
]


def user_row(email: str, role: str, buildings: list[str], name: str | None) -> list[str]:
    return [email, role, ";".join(buildings), name or ""]


@pytest.mark.parametrize(
    ("field", "user", "message"),
    [case[1:] for case in USER_CASES],
    ids=[case[0] for case in USER_CASES],
)
def test_a_user_the_users_page_refuses_is_refused_by_users_csv_for_the_same_reason(
    store, tmp_path, field, user, message
):
    url = f"sqlite:///{store}"
    email, role, buildings, name = user
    before = dump(store)
    with pytest.raises(UserInvalid) as form, session_scope(url) as session:
        save_user(session, email=email, role=role, name=name, building_ids=buildings, editor=ADMIN)
    assert form.value.problems == {field: message}
    assert dump(store) == before
    folder = tmp_path / "files"
    write_import_file(folder, "users.csv", [USERS_HEADER, user_row(*user)])
    assert refused(store, folder, "users.csv") == [f"users.csv:2: {field}: {message}"]


def test_a_valid_user_is_accepted_by_the_users_page_and_by_users_csv(store, tmp_path):
    url = f"sqlite:///{store}"
    with session_scope(url) as session:
        assert save_user(
            session,
            email="ana.rivera@d.org",
            role="coach",
            name="Ana Rivera",
            building_ids=["B1"],
            editor=ADMIN,
        )
    folder = tmp_path / "files"
    row = user_row("new.coach@d.org", "Coach", ["B1", "B2"], "Sam Lee")
    write_import_file(folder, "users.csv", [USERS_HEADER, row])
    result = run_import(url, folder / "users.csv")
    assert result.ok, [str(problem) for problem in result.problems]
