"""Users: who may use the dashboard, validated, audited, and never removed with actions still owned."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from data_access.actions.writes import create_action
from data_access.db import get_data_version, session_scope
from data_access.scope import DISTRICT
from data_access.users.access import LOCAL_USER, UserAccess, get_user_access
from data_access.users.queries import list_users
from data_access.users.writes import UserInvalid, remove_user, save_user
from tests.utils.factories import add_building

ADMIN = UserAccess(email="admin@district.org", role="district_admin")


@pytest.fixture
def store(store_url) -> str:
    with session_scope(store_url) as session:
        add_building(session, "B1")
        add_building(session, "B2")
    return store_url


def test_a_principal_is_saved_with_their_buildings_and_scoped_to_them(store):
    with session_scope(store) as session:
        assert save_user(
            session,
            email=" Pat.Principal@District.org ",
            role="principal",
            name="Pat",
            building_ids=["B2"],
            editor=ADMIN,
        )
    with session_scope(store) as session:
        access = get_user_access(session, email="pat.principal@district.org")
        users = list_users(session)
    assert (access.role, access.building_ids) == ("principal", frozenset({"B2"}))
    assert access.scope.allows("B2") and not access.scope.allows("B1")
    assert users.set_index("email").loc["pat.principal@district.org", "building_ids"] == "B2"


@pytest.mark.parametrize(
    ("email", "role", "buildings", "field", "message"),
    [
        ("not-an-email", "coach", ["B1"], "email", "is not an email address"),
        ("c@district.org", "superuser", ["B1"], "role", "'superuser' is not one of"),
        ("c@district.org", "coach", [], "building_ids", "needs at least one building"),
        ("c@district.org", "principal", ["B9"], "building_ids", "Unknown building: B9"),
        # As users.csv: a district-wide role has no buildings (they would only mislead).
        ("l@district.org", "district_leader", ["B1"], "building_ids", "sees every building"),
    ],
)
def test_bad_users_are_refused_with_the_reason_and_nothing_is_stored(
    store, email, role, buildings, field, message
):
    with session_scope(store) as session:
        version = get_data_version(session)
    with pytest.raises(UserInvalid) as refused, session_scope(store) as session:
        save_user(session, email=email, role=role, name=None, building_ids=buildings, editor=ADMIN)
    assert message in refused.value.problems[field]
    with session_scope(store) as session:
        assert list_users(session).empty and get_data_version(session) == version


def test_someone_who_owns_actions_is_not_removed_until_they_are_reassigned(store):
    with session_scope(store) as session:
        save_user(
            session,
            email="coach@district.org",
            role="coach",
            name=None,
            building_ids=["B1"],
            editor=ADMIN,
        )
        create_action(
            session,
            editor=LOCAL_USER,
            values={
                "title": "Teach expectations",
                "owner_email": "coach@district.org",
                "due_date": date.today() + timedelta(days=7),
                "building_id": "B1",
            },
        )
    with (
        pytest.raises(UserInvalid, match="owns 1 follow-up action"),
        session_scope(store) as session,
    ):
        remove_user(session, email="coach@district.org", editor=ADMIN)
    with session_scope(store) as session:
        assert get_user_access(session, email="coach@district.org") is not None


def test_district_roles_see_everything_and_viewers_no_building(store):
    with session_scope(store) as session:
        save_user(
            session,
            email="lead@district.org",
            role="district_leader",
            name=None,
            building_ids=[],  # buildings for a district role are refused (see above)
            editor=ADMIN,
        )
        save_user(
            session,
            email="view@district.org",
            role="viewer",
            name=None,
            building_ids=[],
            editor=ADMIN,
        )
        leader = get_user_access(session, email="lead@district.org")
        viewer = get_user_access(session, email="view@district.org")
    assert leader.scope == DISTRICT and leader.building_ids == frozenset()
    assert not viewer.scope.allows("B1") and not viewer.scope.is_district
