"""Staff-support charts are plain plotly figures: what they draw, checked without a browser."""

from __future__ import annotations

import pandas as pd

from components.staff_support_charts import (
    GREEN,
    ORANGE,
    VERMILLION,
    caseload_chart,
    coverage_chart,
    gap_chart,
    ratio_chart,
    sessions_by_month_chart,
)
from data_access.staff_support.metrics import sessions_by_month


def test_coverage_chart_puts_the_worst_on_top_and_colours_it_by_band():
    data = pd.DataFrame(
        {
            "label": ["Adams", "Baker", "Clark"],
            "staff": [4, 10, 3],
            "covered": [4, 5, 1],
            "share": [1.0, 0.5, 1 / 3],
        }
    )
    figure = coverage_chart(data, y="label", title="Covered by building, 31 Mar 2026")
    # Plotly lists horizontal categories bottom to top.
    assert list(figure.layout.yaxis.categoryarray) == ["Adams", "Baker", "Clark"]
    colours = {trace.name: (trace.marker.color, list(trace.y)) for trace in figure.data}
    assert colours["Everyone covered"] == (GREEN, ["Adams"])
    # Exactly half is not "some not covered": it is half or fewer.
    assert colours["Half or fewer covered"] == (VERMILLION, ["Baker", "Clark"])
    assert next(iter(figure.data[-1].text)) == "50%"
    assert next(iter(figure.data[-1].hovertext)) == "50% (5 of 10)"


def test_gap_chart_marks_who_is_past_the_window():
    data = pd.DataFrame(
        {
            "label": ["Ann", "Bo", "Cy", "Di"],
            "days_since_last_held": pd.array([70, 41, 42, None], dtype="Int64"),
        }
    )
    figure = gap_chart(data, window_days=42, title="Longest gaps")
    past = next(trace for trace in figure.data if trace.marker.color == VERMILLION)
    assert list(past.y) == ["Cy", "Ann"] and list(past.text) == ["42 days", "70 days"]
    assert list(figure.layout.yaxis.categoryarray) == ["Bo", "Cy", "Ann"]  # Di never held: table


def test_caseload_chart_names_only_the_heaviest_flagged_person_per_role():
    data = pd.DataFrame(
        {
            "name": ["Ann", "Bo", "Cy", "Di", "Ed"],
            "role": ["counselor"] * 5,
            "cases_per_fte": [60.0, 62.0, 64.0, 90.0, 100.0],
            "flagged": [False, False, False, True, True],
        }
    )
    medians = pd.DataFrame({"role": ["counselor"], "median": [64.0]})
    figure = caseload_chart(data, medians=medians, flag_ratio=1.25, title="Cases per FTE")
    flagged = next(trace for trace in figure.data if trace.marker.color == VERMILLION)
    assert list(flagged.x) == [90.0, 100.0] and list(flagged.text) == ["", "Ed"]
    median_line, flag_line = figure.layout.shapes
    assert (median_line.x0, flag_line.x0) == (64.0, 80.0)


def test_ratio_chart_writes_out_a_role_nobody_holds():
    data = pd.DataFrame(
        {
            "role": ["counselor", "social_worker"],
            "students_per_fte": [300.0, float("nan")],
            "recommended_ratio": pd.array([250, 250], dtype="Int64"),
        }
    )
    figure = ratio_chart(data, title="Students per FTE by role, 2025-26")
    bars = figure.data[0]
    assert list(bars.marker.color) == [ORANGE, VERMILLION]
    assert list(bars.text) == ["300 : 1", ""]
    assert [a.text.strip() for a in figure.layout.annotations] == ["No one in the role"]


def test_sessions_by_month_chart_stacks_held_cancelled_and_scheduled():
    counts = pd.DataFrame(
        {
            "session_date": [pd.Timestamp("2025-09-03").date()],
            "status": ["held"],
            "format": ["individual"],
            "sessions": [3],
        }
    )
    figure = sessions_by_month_chart(
        sessions_by_month(counts, school_year="2025-26"), title="Sessions, 2025-26"
    )
    assert figure.layout.barmode == "stack"
    assert [trace.name for trace in figure.data] == ["Held", "Cancelled", "Scheduled"]
    assert list(figure.data[0].x)[:3] == ["Jul", "Aug", "Sep"] and figure.data[0].y[2] == 3


def test_gap_chart_puts_each_name_over_its_role_and_buildings_escaped():
    """Seen in the page check on a phone: 'Andre Vargas (Behavior specialist, B01, B02)' on one
    line ran off the figure's left edge. The name and its detail go on two lines; both are data,
    so both are escaped before the line break is added."""
    data = pd.DataFrame(
        {
            "label": ["Ann <b>Lee</b>", "Bo"],
            "detail": ["Counselor, B01, B02", "Nurse, B03"],
            "days_since_last_held": pd.array([70, 41], dtype="Int64"),
        }
    )
    figure = gap_chart(data, detail="detail", window_days=42, title="Longest gaps")
    labels = [label for trace in figure.data for label in trace.y]
    assert "Ann &lt;b&gt;Lee&lt;/b&gt;<br>Counselor, B01, B02" in labels
    assert "Bo<br>Nurse, B03" in labels
    assert figure.layout.height == max(300, 48 * 2 + 140)


def test_gap_chart_of_nobody_is_an_empty_chart_not_an_error():
    """Seen in the browser test: a district where nobody has had a held session yet gave the
    labels an empty number column, and joining names to details raised."""
    data = pd.DataFrame(
        {"label": pd.Series([], dtype="string"), "detail": [], "days_since_last_held": []}
    )
    figure = gap_chart(data, detail="detail", window_days=42, title="Longest gaps")
    assert [trace.type for trace in figure.data] == []
