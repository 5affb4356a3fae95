"""The themes grid and the pulse trend chart: values printed where they belong, withheld years
without bars, units on the axes."""

from __future__ import annotations

import pandas as pd

from components.staff_wellbeing_charts import pulse_trend_chart, theme_heatmap


def test_the_theme_grid_prints_each_count_in_its_cell_and_leaves_the_rest_empty():
    data = pd.DataFrame(
        {
            "month": ["Jan 2026", "Jan 2026", "Feb 2026"],
            "theme": ["Attendance", "Family", "Attendance"],
            "sessions": [4, 2, 7],
        }
    )
    figure = theme_heatmap(
        data, x="month", y="theme", z="sessions", title="Themes", x_title="Month"
    )
    grid = figure.data[0]
    assert list(grid.x) == ["Jan 2026", "Feb 2026"] and list(grid.y) == ["Attendance", "Family"]
    assert [list(row) for row in grid.text] == [["4", "7"], ["2", ""]]
    assert figure.layout.xaxis.title.text == "Month"


def test_the_pulse_trend_has_no_bar_for_a_withheld_year():
    data = pd.DataFrame(
        {
            "school_year": ["2024-25", "2025-26"],
            "pct_drained_often": [None, 36.8],
            "pct_intend_to_stay": [None, 66.7],
        }
    )
    figure = pulse_trend_chart(
        data,
        x="school_year",
        series={"pct_drained_often": "Drained often", "pct_intend_to_stay": "Intend to stay"},
        title="Drained often and intending to stay",
    )
    drained, stay = figure.data
    assert drained.name == "Drained often" and list(drained.text) == ["", "37%"]
    assert list(stay.text) == ["", "67%"]
    assert figure.layout.yaxis.title.text == "Share of responses (%)"
