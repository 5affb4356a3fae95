"""The Follow-up page, as two people would use it at the same time (Streamlit AppTest)."""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from data_access.actions.queries import get_action, get_action_history
from data_access.actions.writes import create_action
from data_access.db import session_scope
from data_access.scope import DISTRICT
from data_access.users.access import UserAccess
from tests.utils.factories import add_building, add_user

LEADER = UserAccess(email="lead@example.org", role="district_leader")

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture
def store_with_action(sqlite_url, monkeypatch) -> tuple[str, int]:
    with session_scope(sqlite_url) as session:
        add_building(session, "B1", name="Lincoln Elementary")
        add_user(session, "coach@example.org", name="Casey Coach")
        action_id = create_action(
            session,
            editor=LEADER,
            values={
                "title": "Reteach hallway expectations",
                "owner_email": "coach@example.org",
                "due_date": date.today() + timedelta(days=20),
                "building_id": "B1",
            },
        )
    monkeypatch.setenv("DATABASE_URL", sqlite_url)
    monkeypatch.setenv("MTSS_DEMO_ON_FIRST_RUN", "false")
    return sqlite_url, action_id


def open_follow_up(**query) -> AppTest:
    """Open the app, then follow a link to the Follow-up page with these query parameters."""
    app = AppTest.from_file(str(ROOT / "dashboard.py"), default_timeout=60).run()
    for name, value in query.items():
        app.query_params[name] = value
    app.switch_page("pages/follow_up.py")
    return app.run()


def button(app: AppTest, label: str):
    return next(b for b in app.button if b.label == label)


def test_two_people_saving_the_same_action_never_overwrite_each_other(store_with_action):
    url, action_id = store_with_action
    first = open_follow_up(action=str(action_id))
    second = open_follow_up(action=str(action_id))
    assert not first.exception and not second.exception

    first.text_input(key=f"action{action_id}_title").set_value(
        "Reteach expectations in the cafeteria"
    )
    button(first, "Save changes").click().run()
    assert any(f"Saved action {action_id}" in s.value for s in first.success)

    second.text_input(key=f"action{action_id}_title").set_value("Reteach expectations on the bus")
    button(second, "Save changes").click().run()
    warning = " ".join(w.value for w in second.warning)
    assert "Not saved" in warning and "changed this action after you opened it" in warning
    # The first person's change is shown to the second, and the store still holds it.
    shown = " ".join(str(t.value.to_dict()) for t in second.dataframe)
    assert "Reteach expectations in the cafeteria" in shown
    with session_scope(url) as session:
        assert get_action(session, action_id=action_id, scope=DISTRICT).values["title"] == (
            "Reteach expectations in the cafeteria"
        )
    # What the second person typed is kept, and re-applying it saves it on top.
    assert (
        second.text_input(key=f"action{action_id}_title").value == "Reteach expectations on the bus"
    )
    button(second, "Re-apply my changes on top of theirs").click().run()
    with session_scope(url) as session:
        record = get_action(session, action_id=action_id, scope=DISTRICT)
        history = get_action_history(session, action_id=action_id, scope=DISTRICT)
    assert (record.values["title"], record.version) == ("Reteach expectations on the bus", 3)
    titles = history[history["field"] == "title"]["new_value"].tolist()
    assert titles == ["Reteach expectations on the bus", "Reteach expectations in the cafeteria"]


def test_a_new_action_with_bad_input_shows_messages_and_stores_nothing(store_with_action):
    url, existing = store_with_action
    app = open_follow_up(
        new="1",
        title="OSS for Black students",
        source_type="equity_cell",
        source_ref="oss BL",
        building="B1",
    )
    assert app.radio(key="follow_up_view").value == "New action"
    assert app.text_input(key="new_title").value == "OSS for Black students"
    assert app.text_input(key="new_source_ref").value == "oss BL"
    app.text_input(key="new_title").set_value("")
    app.date_input(key="new_due_date").set_value(date.today() - timedelta(days=3))
    button(app, "Create action").click().run()
    messages = [e.value for e in app.error]
    assert "Give the action a title." in messages
    assert "Choose who owns this action." in messages
    assert any("is before the action was created" in m for m in messages)
    with session_scope(url) as session:
        assert get_action(session, action_id=existing + 1, scope=DISTRICT) is None


def test_a_new_action_from_a_link_is_created_and_opened(store_with_action):
    url, existing = store_with_action
    app = open_follow_up(
        new="1",
        title="Reteach bus expectations",
        building="B1",
        source_type="meeting",
        source_ref="October meeting",
    )
    app.selectbox(key="new_owner_email").select("coach@example.org")
    button(app, "Create action").click().run()
    assert not app.exception, [e.value for e in app.exception]
    assert any(f"Created action {existing + 1}." in s.value for s in app.success)
    assert app.radio(key="follow_up_view").value == "All actions"
    assert any(f"Action {existing + 1}: Reteach bus expectations" in h.value for h in app.subheader)
    with session_scope(url) as session:
        record = get_action(session, action_id=existing + 1, scope=DISTRICT)
    assert (
        record.values["owner_email"],
        record.values["source_type"],
        record.values["building_id"],
    ) == ("coach@example.org", "meeting", "B1")


def open_new_action_as_coach(buildings: list[str]) -> AppTest:
    app = AppTest.from_file(str(ROOT / "dashboard.py"), default_timeout=60)
    app.session_state["preview_role"] = "coach"
    app.session_state["preview_buildings"] = buildings
    app.run()
    app.switch_page("pages/follow_up.py").run()
    app.radio(key="follow_up_view").set_value("New action").run()
    return app


def test_a_coach_new_action_starts_at_their_first_building_and_is_saved(store_with_action):
    url, existing = store_with_action
    with session_scope(url) as session:
        add_building(session, "B2", name="Adams Middle")
    app = open_new_action_as_coach(["B1"])
    assert app.selectbox(key="new_building_id").value == "B1"
    assert app.selectbox(key="new_building_id").options == ["Lincoln Elementary"]
    app.text_input(key="new_title").set_value("Reteach lunch expectations")
    app.selectbox(key="new_owner_email").select("coach@example.org")
    button(app, "Create action").click().run()
    assert not app.exception, [e.value for e in app.exception]
    assert any(f"Created action {existing + 1}." in s.value for s in app.success)


def test_a_coach_without_a_building_is_refused_in_the_form_not_with_a_traceback(store_with_action):
    url, existing = store_with_action
    app = open_new_action_as_coach([])
    app.text_input(key="new_title").set_value("District-wide reteach")
    app.selectbox(key="new_owner_email").select("coach@example.org")
    button(app, "Create action").click().run()
    assert not app.exception, [e.value for e in app.exception]
    messages = [e.value for e in app.error]
    assert any("may not create actions of the whole district" in m for m in messages), messages
    assert "The action was not created: see the fields marked above." in messages
    with session_scope(url) as session:
        assert get_action(session, action_id=existing + 1, scope=DISTRICT) is None


@pytest.mark.parametrize("days", [40, -180])
def test_a_new_action_from_data_is_due_four_weeks_after_the_later_of_today_and_the_data(
    store_with_action, days
):
    from data_access.db import set_store_info

    url, _ = store_with_action
    today = date.today()
    as_of = today + timedelta(days=days)
    with session_scope(url) as session:
        set_store_info(session, values={"as_of": as_of.isoformat()})
    app = open_follow_up(
        new="1", title="Reduce OSS", building="B1", source_type="equity_cell", source_ref="oss"
    )
    assert not app.exception, [e.value for e in app.exception]
    due = app.date_input(key="new_due_date").value
    captions = [c.value for c in app.caption]
    if days > 0:  # the data is dated ahead of today: four weeks after the data's date
        assert due == as_of + timedelta(days=28)
        assert f"Due date: 4 weeks after {as_of:%-d %b %Y}, the date of the data" in " ".join(
            captions
        ), captions
    else:  # months-old data: a due date in the past is no use, so four weeks from today
        assert due == today + timedelta(days=28)
        assert (
            f"Due date: 4 weeks from today ({today:%-d %b %Y}); the data it comes from is as of "
            f"{as_of:%-d %b %Y}." in captions
        ), captions
