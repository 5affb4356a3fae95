"""The Staff support page's resourcing tabs (AppTest) on the small demo district: the ranked
buildings, the reason for rank 1 and the caseloads by month are the views' own figures; a
principal sees only their buildings; the Retention tab shows the district's turnover."""

from __future__ import annotations

from datetime import date

from data_access.db import session_scope
from data_access.scope import DISTRICT, building_scope
from data_access.staff_support.resourcing import get_retention_view, get_support_need_view
from tests.test_staff_support_page import open_page
from tests.utils.app import open_page as open_app

DEMO_AS_OF = date(2026, 5, 29)
NEED_TAB = "Where the next hire helps"


def whole(value) -> str:
    """A cell as the table shows it: text as it is (a dash), a number to a whole number."""
    return value if isinstance(value, str) else f"{value:,.0f}"


def frame_with(app, *columns: str):
    assert not app.error, [e.value for e in app.error]  # the page guard turns errors into these
    [frame] = [f.value for f in app.dataframe if set(columns) <= set(f.value.columns)]
    return frame


def test_the_need_tab_ranks_the_buildings_with_why(monkeypatch, demo_store_url):
    app = open_page(monkeypatch, demo_store_url, tab=NEED_TAB)
    with session_scope(demo_store_url) as session:
        view = get_support_need_view(session, scope=DISTRICT, as_of=DEMO_AS_OF)
    ranked = view.buildings[view.buildings["need_rank"].notna()]
    assert len(ranked) >= 3
    first = ranked.iloc[0]
    headings = [m.value for m in app.markdown]
    assert any(f"helps most at {first['name']}" in h for h in headings), headings
    table = frame_with(app, "Why")
    assert list(table["Building"]) == list(view.buildings["name"])
    ranks = [whole(r) for r in table["Rank"][: len(ranked)]]
    assert ranks == [str(r) for r in range(1, len(ranked) + 1)]
    per_fte = first["students_needing_support_per_fte"]
    if first["reason"] == "per_fte":
        assert whole(table["Needing support per FTE"].iloc[0]) == f"{per_fte:,.0f}"
        assert table["Why"].iloc[0].startswith(f"{per_fte:,.0f} students needing support per")
    district = view.district
    shown = {metric.label: metric.value for metric in app.metric}
    assert shown["Students needing support, district"] == (
        f"{int(district['students_needing_support']):,} of {int(district['enrolled']):,}"
    )
    assert shown["Support staff, district"] == f"{district['support_fte']:,.1f} FTE"
    trend = frame_with(app, "Median per FTE")
    assert len(trend) == len(view.caseload_trend) > 0
    assert trend["Median per FTE"].iloc[0] == view.caseload_trend["median"].iloc[0]


def test_a_principal_sees_their_buildings_ranked_among_the_district(monkeypatch, demo_store_url):
    with session_scope(demo_store_url) as session:
        everyone = get_support_need_view(session, scope=DISTRICT, as_of=DEMO_AS_OF).buildings
    mine = list(everyone["building_id"].iloc[[1, 3]])
    app = open_page(monkeypatch, demo_store_url, role="principal", buildings=mine, tab=NEED_TAB)
    table = frame_with(app, "Why")
    assert list(table["Building"]) == list(everyone["name"].iloc[[1, 3]])
    assert [whole(r) for r in table["Rank"]] == ["2", "4"]  # their place among every building
    assert any("(of your buildings)" in m.value for m in app.markdown)


def test_the_retention_tab_shows_the_districts_turnover(monkeypatch, demo_store_url):
    app = open_page(monkeypatch, demo_store_url, tab="Retention")
    with session_scope(demo_store_url) as session:
        view = get_retention_view(session, scope=DISTRICT, as_of=DEMO_AS_OF)
    table = frame_with(app, "School year")
    everyone = view.district_by_year[view.district_by_year["role"] == "ALL"]
    shown = table[table["Role"] == "All support roles"]
    assert list(shown["Left"]) == list(everyone["leavers"])
    assert list(shown["In post"]) == list(everyone["in_post"])
    assert everyone["leavers"].sum() > 0
    with session_scope(demo_store_url) as session:
        mine = get_retention_view(session, scope=building_scope({"B01"}), as_of=DEMO_AS_OF)
    assert set(mine.this_year["building_id"]) <= {"B01"}
    leavers = frame_with(app, "Building", "In post")
    assert len(leavers) == len(view.this_year) > 0
    vacant = len(view.vacant)
    warnings = [w.value for w in app.warning]
    if vacant:
        assert any(f"{vacant:,} posts vacant" in w for w in warnings), warnings
    else:
        assert any("No post is vacant" in s.value for s in app.success)


def test_the_meeting_screen_puts_the_next_hire_on_the_agenda(monkeypatch, demo_store_url):
    with session_scope(demo_store_url) as session:
        view = get_support_need_view(session, scope=DISTRICT, as_of=DEMO_AS_OF)
    first = view.buildings.iloc[0]
    ranked = int(view.buildings["need_rank"].notna().sum())
    app = open_app(monkeypatch, demo_store_url, "overview")
    assert not app.exception, [e.value for e in app.exception]
    assert not app.error, [e.value for e in app.error]
    items = [m.value for m in app.markdown if "Next support hire" in m.value]
    assert len(items) == 1, items
    assert f"**Next support hire: {first['name']}**" in items[0]
    assert f"(rank 1 of {ranked} for the next support hire" in items[0]
    district = view.district["students_needing_support_per_fte"]
    assert f"district {district:,.0f} per FTE)" in items[0]


def test_the_building_page_shows_its_need_per_fte_and_rank(monkeypatch, demo_store_url):
    with session_scope(demo_store_url) as session:
        view = get_support_need_view(session, scope=DISTRICT, as_of=DEMO_AS_OF)
    second = view.buildings.iloc[1]
    app = open_app(
        monkeypatch, demo_store_url, "building", query={"building": second["building_id"]}
    )
    assert not app.exception, [e.value for e in app.exception]
    assert not app.error, [e.value for e in app.error]
    [line] = [m.value for m in app.markdown if "Students needing support" in m.value]
    per_fte = second["students_needing_support_per_fte"]
    assert f"{per_fte:,.0f} students needing support per support FTE" in line
    assert "(rank 2 of" in line
