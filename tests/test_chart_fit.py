"""Every figure is fitted to the screen before it is drawn (components.charts.fit_to_screen, called
by components.display.show_chart): nothing of its text cut or covered, from a phone to a projector."""

from __future__ import annotations

import math

import pandas as pd
import plotly.graph_objects as go
import pytest

from components.charts import LEVEL_COLORS, base_layout, fit_to_screen, horizontal_bar_chart
from components.display import CHART_CONFIG


def enrolment_chart(title: str) -> go.Figure:
    data = pd.DataFrame(
        {
            "name": ["Lincoln Elementary", "Franklin Middle School"],
            "students": [420, 610],
            "level": ["elementary", "middle"],
        }
    )
    return horizontal_bar_chart(
        data,
        x="students",
        y="name",
        color="level",
        title=title,
        x_title="Students enrolled on the as-of date of the data, 29 May 2026",
        color_map=LEVEL_COLORS,
    )


def test_a_long_title_wraps_into_lines_a_phone_shows_and_pushes_the_plot_down():
    title = "Students enrolled by building, 2025-26, as of 29 May 2026, every level"
    figure = fit_to_screen(enrolment_chart(title))
    lines = figure.layout.title.text.split("<br>")
    assert lines == ["Students enrolled by building,", "2025-26, as of 29 May 2026, every", "level"]
    # At the figure's top, with a top margin for its three lines and the top tick label.
    assert (figure.layout.title.yref, figure.layout.title.yanchor) == ("container", "top")
    assert figure.layout.margin.t >= 3 * 26 + 18
    axis_lines = figure.layout.xaxis.title.text.split("<br>")
    # Lines a phone's plot area (about 150 px) holds centred under it.
    assert len(axis_lines) == 4 and all(len(line) <= 18 for line in axis_lines)


def test_a_legend_over_the_title_goes_under_the_plot_and_the_margin_makes_room():
    figure = enrolment_chart("Students enrolled by building")
    assert figure.layout.legend.y == 1.0  # base_layout's place: beside the title, over it
    bottom = figure.layout.margin.b
    fitted = fit_to_screen(figure)
    assert (fitted.layout.legend.yref, fitted.layout.legend.y) == ("container", 0)
    assert fitted.layout.margin.b == bottom + 30


def test_data_labels_are_never_clipped_by_the_plot_area_and_the_toolbar_is_off():
    figure = base_layout(go.Figure(), title="Risk ratio by school year", height=400)
    figure.add_scatter(
        x=[1, 2], y=[2.1, 2.13], mode="lines+text", text=["2.10 ▲ over", "2.13 ▲ over"]
    )
    fitted = fit_to_screen(figure)
    assert [trace.cliponaxis for trace in fitted.data] == [False]
    assert CHART_CONFIG["displayModeBar"] is False


def test_fitting_twice_is_fitting_once():
    once = fit_to_screen(enrolment_chart("Students enrolled by building, 2025-26, every level"))
    twice = fit_to_screen(go.Figure(once))
    assert twice.layout.title.text == once.layout.title.text
    assert twice.layout.margin.b == once.layout.margin.b


def test_a_table_column_is_at_least_as_wide_as_its_longest_value_and_heading():
    import streamlit as st

    from components.display import fitted_column_config

    frame = pd.DataFrame(
        {
            "Building": ["Roosevelt Middle School", "Kennedy K-8"],
            "Due": ["15 May 2026, overdue by 14 days", "1 Jun 2026"],
            "ID": [16, 12],
        }
    )
    config = {
        "Building": st.column_config.TextColumn(width=140),
        "Due": st.column_config.TextColumn(width="medium"),
        "ID": st.column_config.NumberColumn(width=40),
    }
    fitted = fitted_column_config(frame, config)
    # "Roosevelt Middle School" is 148 px of 14 px Source Sans; and 20 px of padding.
    assert fitted["Building"]["width"] == 169
    assert fitted["Due"]["width"] >= 200
    assert fitted["ID"]["width"] == 40  # wide enough already
    assert config["Building"]["width"] == 140  # the caller's config is left as it was


def test_a_title_over_column_headings_on_top_sits_above_them_not_on_them():
    """The Fidelity grid's column headings (Tier 1, Tier 2, Tier 3) are an x axis on top: seen at
    390 and 1280 px, a title placed just above the plot area ran into them ("percenTier 1"). The
    title goes to the top of the figure and the top margin holds its lines and the headings."""
    figure = go.Figure(go.Heatmap(z=[[1, 2, 3]], x=["Tier 1", "Tier 2", "Tier 3"], y=["Lincoln"]))
    figure = base_layout(figure, title="Latest TFI-2.1 percent by building and tier", height=300)
    figure.update_xaxes(side="top")
    fitted = fit_to_screen(figure)
    title = fitted.layout.title
    lines = title.text.count("<br>") + 1
    assert lines == 2
    assert (title.yref, title.y, title.yanchor) == ("container", 1, "top")
    # Each title line (20 px type) and the headings' row (18 px type) get their room.
    assert fitted.layout.margin.t >= title.pad.t + lines * 26 + 40


def test_slanted_column_headings_on_top_get_the_height_they_stand_up_to():
    """The Equity heatmap's group headings stand slanted at 40 degrees on a top axis: seen in the
    page check at 1280 and 1920 px, "Hispanic/Latino" reached up into the title's last line,
    because the margin held one row of level headings only. The margin holds their slanted height."""
    groups = ["Hispanic/Latino", "American Indian", "Two or more races", "Sex X"]
    figure = go.Figure(go.Heatmap(z=[[1, 2, 3, 4]], x=groups, y=["Lincoln"]))
    figure = base_layout(
        figure, title="Each group's risk compared with everyone else's", height=300
    )
    figure.update_xaxes(side="top", tickangle=-40)
    fitted = fit_to_screen(go.Figure(figure))
    lines = fitted.layout.title.text.count("<br>") + 1
    # "Two or more races" (17 characters at 14 px type) slanted at 40 degrees stands about 90 px.
    slanted = 17 * 0.55 * 14 * math.sin(math.radians(40)) + 14 * math.cos(math.radians(40))
    assert fitted.layout.margin.t >= fitted.layout.title.pad.t + lines * 26 + slanted
    level = fit_to_screen(go.Figure(figure).update_xaxes(tickangle=0))
    assert level.layout.margin.t < fitted.layout.margin.t - 26  # level headings need less


def test_a_text_column_without_a_width_is_as_wide_as_its_longest_value_in_any_row():
    """The grid sizes a column it is given no width for by the rows it draws first: seen in the
    page check, "Intervention specialist" in a later row of the staff table was cut at 111 px."""
    from components.display import fitted_column_config

    frame = pd.DataFrame(
        {"Role": ["Counselor"] * 20 + ["Intervention specialist"], "Staff": range(21)}
    )
    fitted = fitted_column_config(frame, None)
    assert (
        fitted["Role"]["width"] == 155
    )  # "Intervention specialist": 135 px of text, 20 of padding
    assert fitted["Staff"]["width"] == 49  # its heading "Staff" (29 px), and 20 px of padding


def test_a_number_column_is_measured_as_its_format_shows_it():
    """Seen in the page check: "Covered (%)" holding 57.142857... was measured at 17 characters
    (139 px) although it shows "57%", and pushed the table past 1280 px."""
    import streamlit as st

    from components.display import fitted_column_config

    frame = pd.DataFrame({"Covered (%)": [57.142857142857, 100.0], "Staff": [1200, 7]})
    config = {
        "Covered (%)": st.column_config.NumberColumn(format="%.0f%%", width=50),
        "Staff": st.column_config.NumberColumn(width=40),
    }
    fitted = fitted_column_config(frame, config)
    assert fitted["Covered (%)"]["width"] == 95  # the heading (75 px) is wider than "100%"
    assert fitted["Staff"]["width"] == 53  # "1,200" (33 px) is wider than its heading


def test_a_horizontal_bar_label_goes_inside_a_long_bar_and_after_a_short_one():
    """Seen in the page check on a phone: "100% (10 of 10)" after the end of the longest bar ran
    off the figure's right edge. A label placed outside goes inside a bar at least half the longest,
    and stays after a shorter one, a bar of 0 included (plotly's "auto" hid the 0% label)."""
    figure = base_layout(go.Figure(), title="Covered by building", height=300)
    # Numbers as a data frame hands them over (numpy's, which are not Python ints).
    days = pd.Series([100, 60, 20, 0], dtype="int64").to_numpy()
    figure.add_bar(x=days, y=list("ABCD"), orientation="h", text=["100%"] * 4)
    figure.update_traces(textposition="outside")
    figure.add_bar(x=[1], y=["E"], orientation="h", text=["x"], textposition="inside")
    fitted = fit_to_screen(figure)
    assert list(fitted.data[0].textposition) == ["inside", "inside", "outside", "outside"]
    assert fitted.data[1].textposition == "inside"


def test_text_is_measured_letter_by_letter_in_the_grids_type():
    """The page check measures the grid's text in the browser: "demo" 33.9 px (a wide m),
    "Washington Elementary" 139.4 px. An average of 6.2 px a character gave "demo" 25 px and cut it.
    Each is measured a little over the browser's figure, never under."""
    from components.text_width import text_px, wrapped_px

    assert 33.9 <= text_px("demo") <= 36
    assert 139.4 <= text_px("Washington Elementary") <= 146
    # Two lines: "Roosevelt" over "Middle School", as wide as its wider line.
    assert wrapped_px("Roosevelt Middle School", 2) == pytest.approx(text_px("Middle School"), 0.01)
