"""The Leadership team page's one view and its chart, and the Building page's one view: what each
holds for a scope, on districts built by hand."""

from __future__ import annotations

from datetime import date

import pytest

from components.team_charts import category_chart
from data_access.building_view import get_building_view
from data_access.db import session_scope
from data_access.models import Meeting, TeamMember
from data_access.scope import DISTRICT, building_scope
from data_access.team.view import get_team_view
from tests.utils.factories import add_building, add_meeting, add_team_member

ON = date(2026, 3, 2)


def build_team(url: str) -> None:
    """Three members (no family member, pupil service provider or school board member), two
    meetings of 2024-25 with minutes."""
    with session_scope(url) as session:
        add_team_member(session, 1, "administrator", name="Ana Admin")
        add_team_member(session, 2, "educator", name="Cy Teacher")
        add_team_member(session, 3, "community", name="Dee Pastor")
        session.get(TeamMember, 1).role_title = "Principal, Franklin Middle"
        add_meeting(session, 1, date(2024, 10, 8), {1: True, 2: True, 3: False})
        add_meeting(session, 2, date(2025, 1, 14), {1: True, 2: False, 3: False})
        session.get(Meeting, 2).decisions = "At Franklin Middle, suspensions are up."


def test_the_team_view_holds_role_titles_and_minutes_only_for_a_district_wide_scope(sqlite_url):
    build_team(sqlite_url)
    with session_scope(sqlite_url) as session:
        district = get_team_view(session, scope=DISTRICT, as_of=ON)
        building = get_team_view(session, scope=building_scope({"B1"}), as_of=ON)
    assert district.sees_district and not building.sees_district
    assert district.members["role_title"].tolist()[0] == "Principal, Franklin Middle"
    assert district.meetings["decisions"].iloc[-1] == "At Franklin Middle, suspensions are up."
    assert building.members["role_title"].isna().all()
    assert building.meetings["decisions"].isna().all()
    # Everything else is the same for both.
    for view in (district, building):
        assert view.members["name"].tolist() == ["Ana Admin", "Cy Teacher", "Dee Pastor"]
        assert view.missing == ("Families and learners", "Pupil service providers", "School board")
        assert view.marginalized.members == 3
        assert view.meetings["attended"].tolist() == [2, 1]


def test_the_team_view_shows_the_latest_school_year_with_meetings_when_this_one_has_none(
    sqlite_url,
):
    build_team(sqlite_url)
    with session_scope(sqlite_url) as session:
        view = get_team_view(session, scope=DISTRICT, as_of=ON)
        earlier = get_team_view(session, scope=DISTRICT, as_of=date(2024, 12, 1))
    # No meeting in 2025-26 yet: the page shows 2024-25, both of its meetings.
    assert view.shown_year == "2024-25"
    assert view.year_meetings["meeting_id"].tolist() == [1, 2]
    # Seen from 1 December 2024, only the October meeting had been held.
    assert earlier.shown_year == "2024-25"
    assert earlier.meetings["meeting_id"].tolist() == [1]
    # No self-check taken: no scores and no items, but the form's items are there.
    assert view.self_check_scores.empty and view.self_check_items.empty
    assert len(view.self_check_definition) == 8


def test_the_category_chart_shows_every_category_and_says_which_are_missing(sqlite_url):
    build_team(sqlite_url)
    with session_scope(sqlite_url) as session:
        view = get_team_view(session, scope=DISTRICT, as_of=ON)
    figure = category_chart(view.composition, title="Members by category")
    bar = figure.data[0]
    assert list(bar.y) == view.composition["label"].tolist()
    assert list(bar.x) == [1, 1, 0, 1, 0, 0]
    assert list(bar.text).count("<b>none: missing</b>") == 3


def test_the_building_view_is_only_for_a_building_in_scope(sqlite_url):
    with session_scope(sqlite_url) as session:
        add_building(session, "B1", name="Adams Elementary")
        add_building(session, "B2", name="Baker Elementary")
    with session_scope(sqlite_url) as session:
        view = get_building_view(session, scope=building_scope({"B1"}), building_id="B1", as_of=ON)
        with pytest.raises(PermissionError):
            get_building_view(session, scope=building_scope({"B1"}), building_id="B2", as_of=ON)
    assert (view.building_id, view.school_year) == ("B1", "2025-26")
    assert view.actions.empty and view.equity_flags.empty and view.fidelity == ()
    assert view.staff_counted is None and view.staff.empty
