"""The resourcing tabs' plain words and charts, on rows written by hand."""

from __future__ import annotations

from datetime import date

import numpy as np
import pandas as pd

from components.staff_support_need import need_figure, why
from components.staff_support_need_charts import caseload_trend_chart, need_chart, turnover_chart

ROWS = pd.DataFrame(
    {
        "building_id": ["A", "D", "B", "F"],
        "name": ["Alder", "Dale", "Birch", "Fern"],
        "enrolled": [400, 600, 30, 0],
        "students_needing_support": [140, 250, np.nan, 0],
        "support_fte": [0.0, 2.5, 0.5, 0.2],
        "students_needing_support_per_fte": [np.nan, 100.0, np.nan, 0.0],
        "need_rank": pd.array([1, 2, pd.NA, 3], dtype="Int64"),
        "students_per_support_fte": [np.nan, 240.0, 60.0, 0.0],
        "students_per_counselor": [np.nan, 600.0, np.nan, np.nan],
        "reason": ["no_staff", "per_fte", "withheld", "per_fte"],
    }
)


def test_the_reasons_in_plain_words():
    rows = ROWS.to_dict("records")
    assert why(rows[0], 250) == "No support staff and 140 students needing support"
    assert why(rows[1], 250) == (
        "100 students needing support per support FTE (250 for 2.5 FTE); 600 students per "
        "counselor (recommended 250)"
    )
    assert why(rows[2], 250) == "Count withheld to protect students' privacy, so not ranked"
    assert why(rows[3], 250).endswith("; no counselor")
    assert need_figure(rows[1], ranked=3, district_per_fte=80.4) == (
        "100 students needing support per support FTE (250 for 2.5 FTE) (rank 2 of 3 for the "
        "next support hire; district 80 per FTE)"
    )
    assert need_figure(rows[2], ranked=3, district_per_fte=80.4) == why(rows[2], None)


def test_the_need_chart_writes_out_what_it_cannot_draw():
    figure = need_chart(ROWS, title="Need per support FTE, 2025-26")
    assert list(figure.data[0].y) == ["1. Alder", "2. Dale", "Birch", "3. Fern"]
    assert list(figure.data[0].x) == [0, 100.0, 0, 0.0]
    notes = [a.text for a in figure.layout.annotations]
    assert notes == ["No support staff · 140 students needing support", "Count withheld (privacy)"]
    assert figure.layout.xaxis.title.text == "Students per full-time support staff member"


def test_the_trend_and_turnover_charts_carry_their_units():
    trend = pd.DataFrame(
        {
            "month": [date(2025, 9, 1), date(2025, 10, 1)],
            "role": ["counselor", "counselor"],
            "staff": [3, 2],
            "median": [34.0, 37.5],
            "q1": [32.0, 33.75],
            "q3": [37.0, 41.25],
            "lowest": [30.0, 30.0],
            "highest": [40.0, 45.0],
        }
    )
    figure = caseload_trend_chart(trend, title="Active cases per FTE by month")
    assert list(figure.data[1].x) == ["Sep 2025", "Oct 2025"]
    assert list(figure.data[0].y) == [37.0, 41.25, 33.75, 32.0]  # the band: q3 out, q1 back
    assert figure.layout.yaxis.title.text == "Active cases per FTE"
    district = pd.DataFrame(
        {
            "school_year": ["2024-25", "2024-25", "2025-26", "2025-26"],
            "role": ["counselor", "ALL", "counselor", "ALL"],
            "in_post": [4, 8, 4, 8],
            "leavers": [1, 2, 0, 1],
            "turnover": [0.25, 0.25, 0.0, 0.125],
        }
    )
    figure = turnover_chart(district, title="Support-staff turnover")
    assert list(figure.data[0].y) == [25.0, 0.0]
    assert list(figure.data[1].text) == ["25%", "12%"]
