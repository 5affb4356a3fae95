"""Presentation mode for the projector (Streamlit AppTest on the small demo district): one area per
screen with next/previous (and the arrow keys), the slide in the address, a one-line demo banner, a
way out, and every chart on a slide drawn with the projector's larger type."""

from __future__ import annotations

import json

import plotly.graph_objects as go
import pytest
from streamlit.testing.v1 import AppTest

from components.charts import FONT_SIZE
from components.meeting_chart_data import charted_buildings, fidelity_figure, fidelity_rows
from components.presentation_charts import PROJECTOR_FONT_SIZE, for_projector
from tests.utils import app as app_helper


def open_overview(monkeypatch, url: str, **query: str) -> AppTest:
    app = app_helper.open_page(monkeypatch, url, "overview", query=query)
    assert not app.exception, [e.value for e in app.exception]
    return app


def markdown(app: AppTest) -> str:
    return "\n".join(element.value for element in app.main.markdown)


def slide(app: AppTest) -> str:
    return app.get("button_group")[0].value


def figures(app: AppTest) -> list[dict]:
    return [json.loads(chart.proto.spec) for chart in app.get("plotly_chart")]


def test_presentation_mode_shows_one_area_at_a_time_starting_with_the_headlines(
    monkeypatch, demo_store_url
):
    app = open_overview(monkeypatch, demo_store_url, present="1")
    assert slide(app) == "headlines"
    assert {m.label for m in app.metric} >= {"TFI at criterion", "Equity concerns"}
    text = markdown(app)
    # Not the matrix, not the agenda, not the charts: those are the next slides.
    assert not app.table
    assert "New or worse equity concerns" not in text
    assert "Franklin Middle School" not in text
    assert not app.get("plotly_chart")


def test_next_and_previous_move_between_slides_and_the_address_follows(monkeypatch, demo_store_url):
    app = open_overview(monkeypatch, demo_store_url, present="1")
    app.button(key="present_next").click().run()
    assert slide(app) == "buildings"
    assert app.query_params["slide"] == "buildings"
    assert app.dataframe[0].value.iloc[0]["Building"] == "Hawthorne Elementary"
    assert app.dataframe[0].value.iloc[-1]["Building"] == "Whole district"
    assert not app.metric
    app.button(key="present_next").click().run()
    assert slide(app) == "fidelity"
    assert "Fidelity: below criterion and slipping" in markdown(app)
    app.button(key="present_previous").click().run()
    app.button(key="present_previous").click().run()
    assert slide(app) == "headlines"
    # The first slide has nothing before it, the last nothing after.
    assert app.button(key="present_previous").disabled
    # The keys a presenter presses (and a clicker sends): arrows, and Page Down / Page Up.
    assert app.button(key="present_next").proto.shortcut == "right"
    assert app.button(key="present_previous").proto.shortcut == "left"
    assert app.button(key="present_next_page").proto.shortcut == "pagedown"
    assert app.button(key="present_previous_page").proto.shortcut == "pageup"


def test_the_address_opens_a_slide_and_a_wrong_one_falls_back_to_the_first(
    monkeypatch, demo_store_url
):
    app = open_overview(monkeypatch, demo_store_url, present="1", slide="equity")
    assert slide(app) == "equity"
    text = markdown(app)
    assert "New or worse equity concerns, 2025-26 against last year" in text
    assert "**Franklin Middle School** · Out-of-school suspension: students with IEPs" in text
    assert "Supervision gaps" not in text and not app.metric
    assert app.button(key="present_next").disabled is False

    app = open_overview(monkeypatch, demo_store_url, present="1", slide="no-such-slide")
    assert slide(app) == "headlines"
    assert app.query_params["slide"] == "headlines"  # the address now says which it shows
    assert any(m.label == "TFI at criterion" for m in app.metric)


def test_the_last_slide_is_the_follow_up_and_next_stops_there(monkeypatch, demo_store_url):
    app = open_overview(monkeypatch, demo_store_url, present="1", slide="follow-up")
    text = markdown(app)
    assert "Overdue follow-up actions" in text and "The team itself" in text
    assert "Left open from the meeting of 12 May 2026" in text
    assert app.button(key="present_next").disabled


def test_the_demo_banner_is_one_short_line_when_presenting(monkeypatch, demo_store_url):
    normal = open_overview(monkeypatch, demo_store_url)
    assert "DATABASE_URL" in normal.info[0].value
    app = open_overview(monkeypatch, demo_store_url, present="1")
    banner = app.info[0].value
    assert banner == "**Demo data**: a made-up district. Its data runs to 29 May 2026."
    # The page's caption is for people reading the screen alone, not the room.
    assert not [c for c in app.main.caption if "meeting screen" in c.value]


def test_leaving_presentation_mode_brings_the_whole_page_back(monkeypatch, demo_store_url):
    app = open_overview(monkeypatch, demo_store_url, present="1", slide="equity")
    app.button(key="present_leave").click().run()
    assert "present" not in app.query_params and "slide" not in app.query_params
    assert app.toggle(key="meeting_present").value is False
    assert any(m.label == "Buildings" for m in app.metric)  # the district at a glance again
    assert "New or worse equity concerns" in markdown(app) and app.dataframe


@pytest.mark.parametrize(
    ("name", "chart_title"),
    [
        ("fidelity", "TFI-2.1 Tier 1, latest by building"),
        ("staff-support", "Support staff supervised in the 42 days to 29 May 2026"),
        ("equity", "Equity concerns by building, 2025-26"),
    ],
)
def test_each_area_slide_shows_its_chart_in_the_projectors_type(
    monkeypatch, demo_store_url, name, chart_title
):
    app = open_overview(monkeypatch, demo_store_url, present="1", slide=name)
    [figure] = figures(app)
    layout = figure["layout"]
    # The chart's title stands above it, where it can wrap (in the figure it would be cut off).
    assert f"**{chart_title}**" in markdown(app) and not layout["title"].get("text")
    assert layout["font"]["size"] == PROJECTOR_FONT_SIZE == 20 > FONT_SIZE
    assert layout["xaxis"]["tickfont"]["size"] == layout["yaxis"]["tickfont"]["size"] == 20
    # Text printed on the bars was set in the chart's own size: it is enlarged too.
    sizes = [trace["textfont"]["size"] for trace in figure["data"] if "textfont" in trace]
    assert sizes and min(sizes) == 20


def test_for_projector_enlarges_every_text_of_a_figure(demo_store_url):
    from data_access.db import session_scope
    from data_access.demo import DEMO_AS_OF
    from data_access.meeting.view import get_overview_view
    from data_access.scope import DISTRICT
    from data_access.store import get_store_status

    with session_scope(demo_store_url) as session:
        status = get_store_status(session)
        view = get_overview_view(
            session, scope=DISTRICT, as_of=DEMO_AS_OF, freshness_as_of=status.as_of
        )
    order, few = charted_buildings(view.picture)
    original = fidelity_figure(fidelity_rows(view.picture, order), few=few)
    before = original.to_json()
    figure = for_projector(original, bars=12)
    layout = figure.layout
    assert original.to_json() == before  # the figure it was given is left as it was
    assert layout.font.size == 20 and layout.title.font.size == 25
    # Room for 12 bars of 24 px (a 20 px label each) inside the margins, which grew alike.
    assert layout.margin.t == 75 and layout.margin.b == 138
    assert layout.height == 12 * 24 + 75 + 138 + 30
    assert layout.xaxis.title.font.size == 20 and layout.xaxis.tickfont.size == 20
    assert layout.yaxis.tickfont.size == 20 and layout.legend.font.size == 20
    # The criterion label (an annotation set at 14 px, now 18) and the bar labels (16 px) scale alike.
    assert [a.font.size for a in layout.annotations] == [18]
    assert {trace.textfont.size for trace in figure.data} == {20}
    assert isinstance(figure, go.Figure)


@pytest.mark.parametrize(
    ("role", "buildings"), [("viewer", None), ("principal", ["B09"])], ids=["viewer", "principal"]
)
def test_every_slide_opens_for_a_viewer_and_a_principal(
    monkeypatch, demo_store_url, role, buildings
):
    app = app_helper.open_page(
        monkeypatch,
        demo_store_url,
        "overview",
        role=role,
        buildings=buildings,
        query={"present": "1"},
    )
    seen = [slide(app)]
    while not app.button(key="present_next").disabled:
        app.button(key="present_next").click().run()
        assert not app.exception, [e.value for e in app.exception]
        seen.append(slide(app))
    assert seen == [  # Student outcomes after equity: the agenda's outcome items, in the room
        "headlines",
        "buildings",
        "fidelity",
        "staff-support",
        "equity",
        "outcomes",
        "follow-up",
    ]


def test_the_student_outcomes_slide_shows_lincolns_core_below_80(monkeypatch, demo_store_url):
    app = open_overview(monkeypatch, demo_store_url, present="1", slide="outcomes")
    assert not app.exception, [e.value for e in app.exception]
    text = markdown(app)
    assert "5. Student outcomes, 2025-26" in text
    assert (
        "**Lincoln Elementary** · Core below 80%: 70.0% of 423 students screened in spring "
        "2025-26 were at benchmark (below 80%)"
    ) in text
