"""Drill-down and addresses: a click on the buildings' matrix, a bar or a heatmap cell leads to what
makes the number up; each page's main choices are in its address, and a bad or out-of-scope address
falls back safely (never to another building's rows)."""

from __future__ import annotations

import pytest

from components.drill_headlines import headline_link
from components.drill_links import (
    building_of_point,
    building_page,
    cell_keys,
    chart_destination,
    matrix_destination,
)
from data_access.demo.buildings import SMALL_BUILDINGS
from tests.utils.app import open_page

IDS = ["B03", "B01", "B08"]  # the matrix's rows, in the order shown


def event(**selection) -> dict:
    return {"selection": {"rows": [], "columns": [], "cells": [], **selection}}


# --- Where a click leads (no browser) --------------------------------------------------------------


def test_a_row_of_the_matrix_opens_that_buildings_page():
    destination = matrix_destination(event(rows=[1]), IDS)
    assert destination.page == "pages/building.py"
    assert destination.params == {"building": "B01"}


def test_a_cell_of_an_area_column_opens_the_building_page_at_that_area():
    assert matrix_destination(event(cells=[(2, "Equity concerns")]), IDS).params == {
        "building": "B08",
        "area": "equity",
    }
    assert matrix_destination(event(cells=[(0, "Staffing")]), IDS).params == {
        "building": "B03",
        "area": "staff",
    }
    # The building's name is no area: its page, from the top.
    assert matrix_destination(event(cells=[(0, "Building")]), IDS).params == {"building": "B03"}


def test_no_selection_or_a_row_out_of_range_leads_nowhere():
    assert matrix_destination(event(), IDS) is None
    assert matrix_destination(None, IDS) is None
    assert matrix_destination(event(rows=[7]), IDS) is None


def test_an_unknown_area_is_left_out_of_the_address():
    assert building_page("B01", "nonsense").params == {"building": "B01"}


def test_a_bar_names_its_building_by_its_label():
    names = {"Lincoln Elementary": "B01", "Roosevelt Middle School": "B08"}
    assert building_of_point({"x": 62.0, "y": "Roosevelt Middle School"}, names) == "B08"
    assert building_of_point({"x": "Lincoln Elementary", "y": 0.4}, names) == "B01"
    assert building_of_point({"x": 1, "y": "Criterion"}, names) is None
    bar = {"selection": {"points": [{"x": 3, "y": "Lincoln Elementary"}]}}
    assert chart_destination(bar, building_ids=names, area="equity").params == {
        "building": "B01",
        "area": "equity",
    }
    assert chart_destination({"selection": {"points": []}}, building_ids=names, area="x") is None


def test_a_heatmap_cell_carries_its_keys():
    click = {"selection": {"points": [{"x": 2, "y": 1, "customdata": ["B02", "race", "HI"]}]}}
    assert cell_keys(click) == ("B02", "race", "HI")
    assert cell_keys({"selection": {"points": [{"x": 2, "y": 1}]}}) is None


# --- On the pages (AppTest) ------------------------------------------------------------------------


NAMES = {building_id: name for building_id, name, *_ in SMALL_BUILDINGS}


def assert_fine(app) -> None:
    """No traceback, and no error the page guard caught either."""
    assert not app.exception, [error.value for error in app.exception]
    assert not [error.value for error in app.main.error]


def param(app, name: str) -> str | None:
    value = app.query_params.get(name)
    return value[0] if isinstance(value, list) else value


def matrix_of(app):
    [matrix] = [frame for frame in app.main.dataframe if frame.key == "meeting_matrix"]
    return matrix


def click_matrix(app, **selection):
    app.session_state["meeting_matrix"] = event(**selection)
    app.run()


def test_clicking_a_buildings_row_on_the_overview_opens_its_page(monkeypatch, demo_store_url):
    app = open_page(monkeypatch, demo_store_url)
    first = matrix_of(app).value.iloc[0]["Building"]
    click_matrix(app, rows=[0])
    assert_fine(app)
    assert app.main.header[0].value == first
    assert NAMES[param(app, "building")] == first
    assert param(app, "area") is None


def test_clicking_an_equity_cell_opens_the_building_page_at_equity(monkeypatch, demo_store_url):
    app = open_page(monkeypatch, demo_store_url)
    second = matrix_of(app).value.iloc[1]["Building"]
    click_matrix(app, cells=[(1, "Equity concerns")])
    assert_fine(app)
    assert app.main.header[0].value == second
    assert NAMES[param(app, "building")] == second
    assert param(app, "area") == "equity"


def test_a_principal_sent_to_another_building_sees_a_refusal_and_their_own(
    monkeypatch, demo_store_url
):
    app = open_page(
        monkeypatch,
        demo_store_url,
        "building",
        role="principal",
        buildings=["B09"],
        query={"building": "B01", "area": "equity"},
    )
    assert_fine(app)
    assert "not among the buildings you can see" in app.main.warning[0].value
    assert app.main.header[0].value != "Lincoln Elementary"
    assert param(app, "building") == "B09"


def test_the_building_view_refuses_a_building_out_of_scope(demo_store_url):
    from datetime import date

    from data_access.building_view import get_building_view
    from data_access.db import session_scope
    from data_access.scope import building_scope

    with session_scope(demo_store_url) as session, pytest.raises(PermissionError):
        get_building_view(
            session, scope=building_scope({"B09"}), building_id="B01", as_of=date(2026, 5, 1)
        )


def scripts(app) -> str:
    return " ".join(element.proto.body for element in app.main.get("html"))


def test_the_building_page_opens_at_the_area_its_address_names(monkeypatch, demo_store_url):
    app = open_page(
        monkeypatch, demo_store_url, "building", query={"building": "B01", "area": "equity"}
    )
    assert_fine(app)
    assert 'getElementById("equity")' in scripts(app)
    assert [h.proto.anchor for h in app.main.subheader if h.proto.anchor] == [
        "fidelity",
        "staff",
        "outcomes",
        "equity",
        "actions",
    ]
    app.run()  # a rerun (a picker changed) does not jump back
    assert "getElementById" not in scripts(app)


def test_a_bad_area_or_building_in_the_address_falls_back_quietly(monkeypatch, demo_store_url):
    app = open_page(
        monkeypatch, demo_store_url, "building", query={"building": "<b>", "area": "')alert(1)"}
    )
    assert_fine(app)
    assert "getElementById" not in scripts(app)
    assert app.main.header[0].value  # the first building the person may see


# --- The Equity page's address ---------------------------------------------------------------------


def test_the_equity_page_opens_at_the_view_its_address_names(monkeypatch, demo_store_url):
    query = {
        "school_year": "2024-25",
        "indicator": "chronic_absence",
        "building": "B08",
        "group": "sex:F",
    }
    app = open_page(monkeypatch, demo_store_url, "equity", query=query)
    assert_fine(app)
    assert app.selectbox(key="equity_school_year").value == "2024-25"
    assert app.selectbox(key="equity_indicator").value == "chronic_absence"
    assert app.selectbox(key="equity_building").value == "B08"
    assert app.selectbox(key="equity_trend_group").value == ("sex", "F")
    assert {name: param(app, name) for name in query} == query


def test_the_equity_address_follows_the_pickers(monkeypatch, demo_store_url):
    app = open_page(monkeypatch, demo_store_url, "equity")
    app.selectbox(key="equity_indicator").select("oss").run()
    app.selectbox(key="equity_building").select("B11").run()
    assert param(app, "indicator") == "oss"
    assert param(app, "building") == "B11"
    assert param(app, "group") == ":".join(app.selectbox(key="equity_trend_group").value)


def test_a_bad_equity_address_falls_back_to_the_defaults(monkeypatch, demo_store_url):
    query = {"school_year": "1999-00", "indicator": "nope", "building": "B99", "group": "x:y:z"}
    app = open_page(monkeypatch, demo_store_url, "equity", query=query)
    assert_fine(app)
    newest = app.selectbox(key="equity_school_year").options[0]
    assert app.selectbox(key="equity_school_year").value == newest
    assert app.selectbox(key="equity_indicator").value == "odr"
    assert param(app, "school_year") == newest
    assert param(app, "building") != "B99"


def test_a_principal_sent_to_another_buildings_equity_sees_only_their_own(
    monkeypatch, demo_store_url
):
    app = open_page(
        monkeypatch,
        demo_store_url,
        "equity",
        role="principal",
        buildings=["B09"],
        query={"building": "B01"},
    )
    assert_fine(app)
    assert "B01" not in app.selectbox(key="equity_building").options
    assert app.selectbox(key="equity_building").value != "B01"


def clickable_charts(app) -> set[str]:
    """The keys of the charts on the page that report a click."""
    return {chart.proto.id for chart in app.main.get("plotly_chart") if chart.proto.selection_mode}


def test_the_overview_key_charts_report_a_click_on_a_bar(monkeypatch, demo_store_url):
    app = open_page(monkeypatch, demo_store_url)
    clickable = clickable_charts(app)
    for key in ("meeting_fidelity_chart", "meeting_supervision_chart", "meeting_equity_chart"):
        assert any(key in chart_id for chart_id in clickable), key


def test_the_equity_heatmap_and_bars_report_a_click(monkeypatch, demo_store_url):
    app = open_page(monkeypatch, demo_store_url, "equity")
    clickable = clickable_charts(app)
    for key in ("equity_heatmap", "equity_building_bars"):
        assert any(key in chart_id for chart_id in clickable), key
    assert not any("equity_trend" in chart_id for chart_id in clickable)


# --- Headlines link to what makes them up ----------------------------------------------------------


def links(app) -> dict[str, tuple[str, str]]:
    """label → (page, query string) of every page link on the page."""
    return {
        element.proto.label: (element.proto.page, element.proto.query_string)
        for element in app.main.get("page_link")
    }


def test_each_overview_headline_links_to_what_makes_it_up(monkeypatch, demo_store_url):
    app = open_page(monkeypatch, demo_store_url)
    found = links(app)
    assert found["Scores by building"][0].endswith("fidelity")
    assert "tab=Staffing+ratios" in found["Staffing ratios"][1]
    assert "school_year=" in found["Every flag"][1]
    assert found["Overdue actions"][0].endswith("follow_up")


def test_a_buildings_headline_links_open_that_building():
    link = headline_link("supervision", building_id="B09", equity_year="2025-26")
    assert link.params == {"building": "B09", "tab": "Supervision"}
    link = headline_link("equity", building_id="B09", equity_year="2025-26")
    assert (link.page, link.params) == (
        "pages/equity.py",
        {"school_year": "2025-26", "building": "B09"},
    )


def test_a_viewer_gets_no_link_to_a_page_they_cannot_open(monkeypatch, demo_store_url):
    app = open_page(monkeypatch, demo_store_url, role="viewer", buildings=[])
    assert_fine(app)
    assert "Overdue actions" not in links(app)


# --- Staff support and Fidelity addresses ----------------------------------------------------------


def test_the_staff_support_page_opens_at_the_view_its_address_names(monkeypatch, demo_store_url):
    from datetime import date

    query = {"building": "B02", "tab": "Staffing ratios", "as_of": "2025-10-01"}
    app = open_page(monkeypatch, demo_store_url, "staff_support", query=query)
    assert_fine(app)
    assert app.selectbox(key="staff_support_building").value == "B02"
    assert app.date_input(key="staff_support_as_of").value == date(2025, 10, 1)
    assert app.session_state["tab"] == "Staffing ratios"
    app.selectbox(key="staff_support_building").select("B03").run()
    assert param(app, "building") == "B03"
    assert param(app, "as_of") == "2025-10-01"


def test_a_bad_staff_support_address_falls_back(monkeypatch, demo_store_url):
    query = {"building": "B99", "tab": "Nope", "as_of": "soon"}
    app = open_page(monkeypatch, demo_store_url, "staff_support", query=query)
    assert_fine(app)
    assert app.selectbox(key="staff_support_building").value is None  # the whole district
    assert param(app, "building") is None
    assert param(app, "as_of") != "soon"


def test_the_fidelity_page_opens_at_the_view_its_address_names(monkeypatch, demo_store_url):
    query = {"building": "B03", "tab": "One building"}
    app = open_page(monkeypatch, demo_store_url, "fidelity", query=query)
    assert_fine(app)
    assert app.selectbox(key="fidelity_building").value == "B03"
    assert app.session_state["tab"] == "One building"
    assert param(app, "instrument") == app.selectbox(key="fidelity_instrument").value


# --- Building level ---------------------------------------------------------------------------------

LEVEL_OF = {building_id: level for building_id, _, level, *_ in SMALL_BUILDINGS}


def names_at(level: str) -> set[str]:
    return {NAMES[b] for b, at in LEVEL_OF.items() if at == level}


def options(app, key: str) -> set[str]:
    """A picker's options as shown (names, without the ids some pickers add)."""
    return {option.split(" (")[0] for option in app.selectbox(key=key).options}


def test_the_equity_page_filters_to_one_building_level(monkeypatch, demo_store_url):
    app = open_page(monkeypatch, demo_store_url, "equity", query={"level": "middle"})
    assert_fine(app)
    assert options(app, "equity_building") - {"District"} == names_at("middle")
    assert param(app, "level") == "middle"


def test_the_fidelity_and_staff_pages_filter_to_one_building_level(monkeypatch, demo_store_url):
    app = open_page(
        monkeypatch, demo_store_url, "fidelity", query={"level": "high", "tab": "One building"}
    )
    assert_fine(app)
    assert options(app, "fidelity_building") == names_at("high")
    app = open_page(monkeypatch, demo_store_url, "staff_support", query={"level": "high"})
    assert_fine(app)
    assert options(app, "staff_support_building") - {"Whole district"} == names_at("high")


def test_the_overview_matrix_filters_to_one_building_level(monkeypatch, demo_store_url):
    app = open_page(monkeypatch, demo_store_url, "overview", query={"level": "elementary"})
    assert_fine(app)
    assert set(matrix_of(app).value["Building"]) == names_at("elementary") | {"Whole district"}


def test_a_level_never_widens_a_principals_view(monkeypatch, demo_store_url):
    for page in ("fidelity", "equity", "staff_support"):
        app = open_page(
            monkeypatch,
            demo_store_url,
            page,
            role="principal",
            buildings=["B09"],
            # Fidelity's building picker is on its "One building" tab, which runs only when open.
            query={"level": "elementary"} | ({"tab": "One building"} if page == "fidelity" else {}),
        )
        assert_fine(app)
        offered = {option for box in app.selectbox for option in box.options}
        assert not offered & names_at("elementary"), page
