"""The Staff support page (AppTest) on the small demo district: its figures are the queries' own,
a building shows its team, a building scope hides other buildings' staff, and a malformed
scheduling entry is refused next to its fields with nothing stored."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from data_access.db import count_rows, get_data_version, session_scope
from data_access.models import SupervisionSession
from data_access.scope import DISTRICT
from data_access.staff_support.queries import get_supervision_coverage
from data_access.staff_support.schedule import list_schedulable_staff
from tests.utils.app import open_tab

ROOT = Path(__file__).resolve().parent.parent
DEMO_AS_OF = date(2026, 5, 29)
LAPSED = "B10"  # the demo building whose support team has had no supervision for ten weeks


def open_page(
    monkeypatch: pytest.MonkeyPatch,
    url: str,
    *,
    role: str | None = None,
    buildings: list[str] | None = None,
    tab: str | None = None,
) -> AppTest:
    """The page in local mode: as the local user (a district admin), or as `role` with `buildings`
    through the role preview, the path a signed-in person of that role takes; with `tab` open (a
    tab's content runs only when it is open)."""
    monkeypatch.setenv("DATABASE_URL", url)
    monkeypatch.chdir(ROOT)
    app = AppTest.from_file(str(ROOT / "dashboard.py"), default_timeout=120)
    if role is not None:
        app.session_state["preview_role"] = role
        app.session_state["preview_buildings"] = buildings or []
    app.run()
    app.switch_page("pages/staff_support.py")
    app.run()
    if tab is not None:
        open_tab(app, tab)
    assert not app.exception, [error.value for error in app.exception]
    return app


SCHEDULE = "Schedule and record supervision"


def metrics(app: AppTest) -> dict[str, str]:
    return {metric.label: metric.value for metric in app.metric}


def test_the_page_opens_on_the_demo_date_with_the_districts_coverage(monkeypatch, demo_store_url):
    app = open_page(monkeypatch, demo_store_url, tab="Staffing ratios")
    with session_scope(demo_store_url) as session:
        coverage = get_supervision_coverage(session, as_of=DEMO_AS_OF, scope=DISTRICT)
    assert app.date_input(key="staff_support_as_of").value == DEMO_AS_OF
    shown = metrics(app)
    share = coverage.district_covered / coverage.district_staff
    assert shown["Supervised in the last 42 days"] == f"{share:.0%}"
    assert shown["Nothing scheduled ahead"] == f"{coverage.district_nothing_ahead:,} staff"
    # The demo's stories: one building has no social worker at all.
    assert shown["Buildings missing a role"] == "1"
    assert any("No one in a recommended role" in w.value for w in app.warning)


def test_choosing_the_lapsed_building_shows_its_whole_team_past_the_window(
    monkeypatch, demo_store_url
):
    app = open_page(monkeypatch, demo_store_url)
    app.selectbox(key="staff_support_building").select(LAPSED).run()
    assert not app.exception
    shown = metrics(app)
    assert shown["Supervised in the last 42 days"] == "0%"
    [team] = [frame.value for frame in app.dataframe if "Past window" in frame.value.columns]
    assert len(team) == 10
    assert set(team["Buildings"].str.contains(LAPSED)) == {True}
    assert set(team["Past window"]) == {"Yes"}
    assert team["Days since"].min() >= 70


def test_one_picker_and_one_link_start_the_follow_up_for_a_building_with_gaps(
    monkeypatch, demo_store_url
):
    app = open_page(monkeypatch, demo_store_url)
    with session_scope(demo_store_url) as session:
        coverage = get_supervision_coverage(session, as_of=DEMO_AS_OF, scope=DISTRICT)
    staff = coverage.staff
    past = staff[~staff["covered"]]
    first_building = past["building_ids"].str.split(";").str[0]
    [gaps] = [frame.value for frame in app.dataframe if "Who" in frame.value.columns]
    assert len(gaps) == first_building.nunique()
    assert gaps.iloc[:, 1].sum() == len(past)

    picker = app.selectbox(key="supervision_follow_up_building")
    # Buildings with the most staff past the window come first: the lapsed one (its whole team).
    assert picker.value == 0 and picker.options[0].endswith(": 10 support staff")
    assert gaps.iloc[:, 1].tolist() == sorted(gaps.iloc[:, 1], reverse=True)
    picker.select_index(0).run()
    assert not app.exception
    links = [
        link
        for link in app.get("page_link")
        if link.proto.label == "Create follow-up action"
        and "staff_support_gap" in link.proto.query_string
    ]
    assert len(links) == 1
    query = links[0].proto.query_string
    assert f"building={LAPSED}" in query
    lapsed_ids = past.loc[first_building == LAPSED, "staff_id"]
    assert len(lapsed_ids) == 10
    assert all(staff_id in query for staff_id in lapsed_ids)


def test_a_building_scope_sees_its_own_staff_and_only_district_aggregates_of_the_rest(
    monkeypatch, demo_store_url
):
    # A principal of B01, through the real role path (local mode's role preview builds the same
    # user and scope that sign-in does).
    app = open_page(monkeypatch, demo_store_url, role="principal", buildings=["B01"])
    assert any("your buildings only" in info.value for info in app.info)
    assert app.selectbox(key="staff_support_building").options == [
        "Whole district",
        "Lincoln Elementary (B01)",
    ]
    staff_tables = [frame.value for frame in app.dataframe if "Buildings" in frame.value.columns]
    assert staff_tables and all(
        table["Buildings"].str.contains("B01").all() for table in staff_tables
    )
    # The district figure still counts everyone.
    with session_scope(demo_store_url) as session:
        coverage = get_supervision_coverage(session, as_of=DEMO_AS_OF, scope=DISTRICT)
    share = coverage.district_covered / coverage.district_staff
    assert metrics(app)["Supervised in the last 42 days"] == f"{share:.0%}"


def test_a_malformed_schedule_is_refused_next_to_its_fields_and_stores_nothing(
    monkeypatch, demo_store_url
):
    with session_scope(demo_store_url) as session:
        before = (count_rows(session, SupervisionSession), get_data_version(session))
    app = open_page(monkeypatch, demo_store_url, tab=SCHEDULE)
    app.selectbox(key="schedule_team").select("B01").run()
    with session_scope(demo_store_url) as session:
        team = list_schedulable_staff(
            session, school_year="2025-26", scope=DISTRICT, building_id="B01"
        )
    app.multiselect(key="schedule_staff").select(team["staff_id"].iloc[0])
    app.radio(key="schedule_repeat").set_value("series")
    app.number_input(key="schedule_every").set_value(0)
    app.date_input(key="schedule_until").set_value(date(2026, 5, 1))
    app.date_input(key="schedule_start").set_value(date(2026, 6, 1))
    app.button(key="schedule_submit").click().run()
    assert not app.exception
    errors = [error.value for error in app.error]
    assert "Choose who supervises." in errors
    assert any("at least every 1 week" in error for error in errors)
    assert any("before it starts (1 Jun 2026)" in error for error in errors)
    assert any("Nothing was scheduled" in error for error in errors)
    with session_scope(demo_store_url) as session:
        after = (count_rows(session, SupervisionSession), get_data_version(session))
    assert after == before


def test_someone_who_sees_no_buildings_gets_district_figures_and_no_names(
    monkeypatch, demo_store_url
):
    app = open_page(monkeypatch, demo_store_url, role="viewer", buildings=[])
    for label in [tab.label for tab in app.tabs]:  # every tab, each run only when open
        open_tab(app, label)
        assert not app.error, label
        assert not [frame for frame in app.dataframe if "Name" in frame.value.columns], label
    assert metrics(app)["Your buildings missing a role"] == "0"
    assert any("your own buildings" in caption.value for caption in app.caption)  # the last tab


@pytest.fixture
def demo_copy(demo_store_url, tmp_path) -> str:
    """A copy of the demo store for a test that writes to it."""
    import shutil

    copy = tmp_path / "demo.db"
    shutil.copyfile(demo_store_url.removeprefix("sqlite:///"), copy)
    return f"sqlite:///{copy}"


def schedule_group(
    app: AppTest, staff: list[str], supervisor: str, start: date, every: int = 4
) -> None:
    app.multiselect(key="schedule_staff").set_value(staff)
    app.selectbox(key="schedule_supervisor").set_value(supervisor)
    app.radio(key="schedule_format").set_value("group")
    app.radio(key="schedule_repeat").set_value("series")
    app.number_input(key="schedule_every").set_value(every)
    app.date_input(key="schedule_start").set_value(start)
    app.date_input(key="schedule_until").set_value(date(2026, 6, 30))
    app.button(key="schedule_submit").click().run()
    assert not app.exception, [error.value for error in app.exception]


def series_of(url: str, staff_id: str) -> list[str]:
    """The series a staff member's sessions belong to, oldest scheduled first (by their first date)."""
    from sqlalchemy import func, select

    with session_scope(url) as session:
        rows = session.execute(
            select(SupervisionSession.series_id, func.min(SupervisionSession.session_date))
            .where(
                SupervisionSession.staff_id == staff_id, SupervisionSession.series_id.is_not(None)
            )
            .group_by(SupervisionSession.series_id)
            .order_by(func.min(SupervisionSession.session_date))
        ).all()
    return [series for series, _ in rows]


def test_the_calendar_picker_moves_to_the_series_just_scheduled(monkeypatch, demo_copy):
    app = open_page(monkeypatch, demo_copy, tab=SCHEDULE)
    app.selectbox(key="schedule_team").select("B01").run()
    with session_scope(demo_copy) as session:
        team = list_schedulable_staff(
            session, school_year="2025-26", scope=DISTRICT, building_id="B01"
        )
    first, second, third = team["staff_id"].iloc[:3]
    schedule_group(app, [first, second], third, date(2026, 6, 1))
    [series_one] = series_of(demo_copy, first)
    assert app.selectbox(key="ics_series").value == series_one
    schedule_group(app, [second], third, date(2026, 6, 2), every=1)
    [_, series_two] = series_of(demo_copy, second)
    assert series_two != series_one
    # The picker (and so the .ics download) is on the second series, the one just made.
    assert app.selectbox(key="ics_series").value == series_two
    assert app.get("download_button")[-1].proto.label.startswith("Download 5 sessions")


def test_the_same_group_on_the_same_day_again_is_a_warning_with_a_choice(monkeypatch, demo_copy):
    app = open_page(monkeypatch, demo_copy, tab=SCHEDULE)
    app.selectbox(key="schedule_team").select("B01").run()
    with session_scope(demo_copy) as session:
        team = list_schedulable_staff(
            session, school_year="2025-26", scope=DISTRICT, building_id="B01"
        )
    first, second, third = team["staff_id"].iloc[:3]
    names = dict(zip(team["staff_id"], team["name"], strict=True))
    schedule_group(app, [first, second], third, date(2026, 6, 1))
    with session_scope(demo_copy) as session:
        before = (count_rows(session, SupervisionSession), get_data_version(session))

    # Again: nothing is written; a warning says who already has a session on which day.
    schedule_group(app, [first, second], third, date(2026, 6, 1))
    warnings = [warning.value for warning in app.warning]
    assert any(
        f"{names[first]} and {names[second]} already have supervision on 1 Jun 2026" in text
        for text in warnings
    ), warnings
    with session_scope(demo_copy) as session:
        assert (count_rows(session, SupervisionSession), get_data_version(session)) == before

    # "Don't schedule" leaves the store alone and the warning goes.
    app.button(key="schedule_duplicate_cancel").click().run()
    assert not [w for w in app.warning if "already have supervision" in w.value]
    assert not app.get("button") or "schedule_duplicate_confirm" not in [b.key for b in app.button]
    with session_scope(demo_copy) as session:
        assert (count_rows(session, SupervisionSession), get_data_version(session)) == before

    # Asked again and confirmed: the second series is written, as asked.
    schedule_group(app, [first, second], third, date(2026, 6, 1))
    app.button(key="schedule_duplicate_confirm").click().run()
    assert not app.exception
    with session_scope(demo_copy) as session:
        assert count_rows(session, SupervisionSession) == before[0] + 4  # 2 people x 2 dates
    assert len(series_of(demo_copy, first)) == 2


def test_scheduling_on_the_page_stores_the_themes_ticked(monkeypatch, demo_copy):
    from sqlalchemy import select

    from data_access.models import SupervisionTheme

    app = open_page(monkeypatch, demo_copy, tab=SCHEDULE)
    assert app.expander and any("paper staff pulse" in e.label for e in app.expander)
    with session_scope(demo_copy) as session:
        before = set(session.execute(select(SupervisionSession.session_id)).scalars())
    app.selectbox(key="schedule_team").select("B01").run()
    with session_scope(demo_copy) as session:
        team = list_schedulable_staff(
            session, school_year="2025-26", scope=DISTRICT, building_id="B01"
        )
    first, second = team["staff_id"].iloc[:2]
    app.multiselect(key="schedule_staff").set_value([first])
    app.selectbox(key="schedule_supervisor").set_value(second)
    app.multiselect(key="schedule_themes").set_value(["attendance", "family"])
    app.date_input(key="schedule_start").set_value(date(2026, 6, 9))
    app.button(key="schedule_submit").click().run()
    assert not app.exception, [error.value for error in app.exception]
    with session_scope(demo_copy) as session:
        new = set(session.execute(select(SupervisionSession.session_id)).scalars()) - before
        themes = session.execute(
            select(SupervisionTheme.theme).where(SupervisionTheme.session_id.in_(new))
        ).scalars()
        assert len(new) == 1 and sorted(themes) == ["attendance", "family"]
