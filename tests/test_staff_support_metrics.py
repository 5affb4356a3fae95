"""Staff-support arithmetic on small frames, against numbers worked out by hand."""

from __future__ import annotations

import math
from datetime import date

import pandas as pd
import pytest

from data_access.staff_support.metrics import (
    caseload_parity,
    coverage_share,
    days_between,
    format_mix,
    sessions_by_month,
    staffing_band,
    staffing_ratios,
    window_start,
)


def test_the_42_day_window_starts_41_days_before_the_as_of_date():
    assert window_start(date(2026, 3, 31), 42) == date(2026, 2, 18)
    assert window_start(date(2026, 3, 1), 1) == date(2026, 3, 1)


def test_days_between_keeps_missing_dates_missing():
    days = days_between(pd.Series([date(2026, 2, 17), None]), date(2026, 3, 31))
    assert days.tolist()[0] == 42
    assert pd.isna(days.tolist()[1])


def test_coverage_share_counts_each_staff_member_once_per_group():
    staff = pd.DataFrame(
        {
            "staff_id": ["C1", "C2", "P1", "P1", "S1"],
            "building_id": ["B1", "B1", "B1", "B2", "B2"],
            "covered": [True, False, True, True, False],
        }
    )
    shares = coverage_share(staff, by=["building_id"]).set_index("building_id")
    # B1: C1, C2 and P1, two covered; B2: P1 (covered) and S1.
    assert shares.loc["B1", ["staff", "covered"]].tolist() == [3, 2]
    assert shares.loc["B1", "share"] == pytest.approx(2 / 3)
    assert shares.loc["B2", "share"] == pytest.approx(0.5)


def test_sessions_by_month_fills_every_month_of_the_school_year():
    counts = pd.DataFrame(
        {
            "session_date": [
                date(2025, 7, 1),
                date(2025, 9, 3),
                date(2025, 9, 20),
                date(2026, 6, 30),
            ],
            "status": ["held", "held", "cancelled", "scheduled"],
            "format": ["individual", "group", "individual", "individual"],
            "sessions": [1, 3, 1, 2],
        }
    )
    months = sessions_by_month(counts, school_year="2025-26")
    assert len(months) == 12
    assert months["label"].tolist()[0] == "Jul 2025" and months["label"].tolist()[-1] == "Jun 2026"
    september = months[months["label"] == "Sep 2025"].iloc[0]
    assert (september["held"], september["cancelled"], september["scheduled"]) == (3, 1, 0)
    assert september["cancelled_share"] == pytest.approx(0.25)
    assert months["held"].sum() == 4 and months["scheduled"].sum() == 2
    assert pd.isna(months[months["label"] == "Jun 2026"].iloc[0]["cancelled_share"])


def test_format_mix_counts_only_held_sessions():
    counts = pd.DataFrame(
        {
            "status": ["held", "held", "cancelled", "held"],
            "format": ["individual", "group", "group", "group"],
            "sessions": [3, 4, 5, 1],
        }
    )
    mix = format_mix(counts).set_index("format")
    assert mix.loc["individual", "sessions"] == 3 and mix.loc["group", "sessions"] == 5
    assert mix.loc["group", "share"] == pytest.approx(5 / 8)


def test_caseload_parity_compares_each_person_with_their_role_median():
    caseloads = pd.DataFrame(
        {
            "staff_id": ["C1", "C2", "C3", "P1"],
            "role": ["counselor", "counselor", "counselor", "psychologist"],
            "active_cases": [60, 40, 30, 24],
            "fte": [1.0, 0.5, 1.0, 1.0],
        }
    )
    staff, roles = caseload_parity(caseloads, flag_ratio=1.25)
    staff = staff.set_index("staff_id")
    # Per FTE: 60, 80, 30; the median is 60, and only 80 is above 1.25 x 60 = 75.
    assert staff["cases_per_fte"].tolist() == [60.0, 80.0, 30.0, 24.0]
    assert staff.loc["C2", "times_median"] == pytest.approx(80 / 60)
    assert staff["flagged"].tolist() == [False, True, False, False]
    counselors = roles.set_index("role").loc["counselor"]
    assert counselors["median"] == 60.0 and counselors["highest"] == 80.0
    assert counselors["highest_to_median"] == pytest.approx(1.3333, abs=1e-4)
    # Mean 56.667; population SD sqrt((3.333² + 23.333² + 26.667²) / 3) = 20.548; CV 0.3626.
    assert counselors["cv"] == pytest.approx(0.3626, abs=1e-4)
    assert counselors["flagged"] == 1
    psychologists = roles.set_index("role").loc["psychologist"]
    assert (psychologists["highest_to_median"], psychologists["cv"]) == (1.0, 0.0)


def test_staffing_ratios_leave_the_ratio_empty_when_nobody_holds_the_role():
    staffing = pd.DataFrame(
        {
            "enrollment": [500, 500, 500, 0],
            "fte": [2.0, 1.5, 0.0, 0.0],
            "recommended_ratio": pd.array([250, 250, 250, 250], dtype="Int64"),
        }
    )
    table = staffing_ratios(staffing)
    assert table["students_per_fte"].tolist()[:2] == [250.0, pytest.approx(333.3333, abs=1e-4)]
    assert math.isnan(table["students_per_fte"].tolist()[2])
    # 250 per FTE meets 250; 333 does not; 500 students and nobody does not; no students, nobody:
    # nothing to judge.
    assert table["meets_recommendation"].tolist()[:3] == [True, False, False]
    assert pd.isna(table["meets_recommendation"].tolist()[3])


def test_staffing_band_names_the_gap():
    assert staffing_band(200.0, 250, 2.0) == "meets"
    assert staffing_band(300.0, 250, 1.0) == "above"
    assert staffing_band(None, 250, 0.0) == "nobody"
    assert staffing_band(50.0, None, 1.0) is None
