"""Student outcomes on the meeting screen: the signals (core below 80%, unmet need rising, referrals up
this year to date), the matrix's outcome cell and its words, on hand-built frames and a small
district whose figures are worked out by hand, one of its buildings withheld."""

from __future__ import annotations

from datetime import date

import pandas as pd
import pytest

from components.meeting_wording import cell_words, matrix_words
from components.outcome_wording import core_text, place_of, referrals_text, unmet_text
from data_access.db import session_scope
from data_access.meeting.rules import ACT, GOOD, NO_DATA, WATCH, outcome_cells, outcomes_cell
from data_access.meeting.view import get_meeting_picture
from data_access.scope import DISTRICT, building_scope
from data_access.system_health.signals import (
    latest_window,
    months_to_date,
    referral_rates_to_date,
    screening_standing,
    unmet_need_change,
)
from tests.utils.app import open_page
from tests.utils.system_health import Block, build

YEAR, LAST_YEAR = "2025-26", "2024-25"
NA = pd.NA


def health(rows: list[dict]) -> pd.DataFrame:
    """Published system_health rows: every window's screened and percent, unmet need (missing
    unless given: withheld)."""
    frame = pd.DataFrame(rows)
    for window in ("fall", "winter", "spring"):
        for column in (f"screened_{window}", f"pct_at_benchmark_{window}"):
            if column not in frame:
                frame[column] = 0 if column.startswith("screened") else NA
    if "pct_below_benchmark_no_support" not in frame:
        frame["pct_below_benchmark_no_support"] = NA
    return frame


def row(year, building, **figures) -> dict:
    return {"school_year": year, "building_id": building, **figures}


THIS_YEAR_ROWS = [
    # Winter is the latest window anyone was screened in (spring: published zeros).
    row(YEAR, "A", screened_fall=100, pct_at_benchmark_fall=81.0, screened_winter=100,
        pct_at_benchmark_winter=79.9, pct_below_benchmark_no_support=45.5),
    row(YEAR, "B", screened_fall=NA, screened_winter=NA, pct_below_benchmark_no_support=NA),
    row(YEAR, "C", screened_fall=50, pct_at_benchmark_fall=70.0, screened_winter=0,
        pct_below_benchmark_no_support=30.0),
    row(YEAR, "D", screened_fall=60, pct_at_benchmark_fall=75.0, screened_winter=60,
        pct_at_benchmark_winter=80.0, pct_below_benchmark_no_support=44.9),
    row(YEAR, "DISTRICT", screened_fall=230, pct_at_benchmark_fall=78.0, screened_winter=180,
        pct_at_benchmark_winter=81.0, pct_below_benchmark_no_support=40.0),
]  # fmt: skip


def test_core_below_80_reads_the_latest_window_and_never_works_around_a_withheld_one():
    frame = health(THIS_YEAR_ROWS)
    assert latest_window(frame, school_year=YEAR) == "winter"
    standing = screening_standing(frame, school_year=YEAR).set_index("building_id")
    assert standing.loc["A", "pct_at_benchmark"] == 79.9 and standing.loc["A", "core_below"]
    # 80.0 is not below 80; C was screened in the fall only: its fall 70% is not this window's.
    assert not standing.loc["D", "core_below"] and standing.loc["D", "state"] == "published"
    assert standing.loc["C", "state"] == "not_screened" and not standing.loc["C", "core_below"]
    assert standing.loc["B", "state"] == "withheld" and pd.isna(
        standing.loc["B", "pct_at_benchmark"]
    )
    assert not standing.loc["B", "core_below"]
    assert not standing.loc["DISTRICT", "core_below"]


def test_unmet_need_rises_on_five_points_against_the_same_window_last_year_both_published():
    last = [
        row(LAST_YEAR, "A", screened_winter=90, pct_below_benchmark_no_support=40.5),  # +5.0
        row(LAST_YEAR, "B", screened_winter=90, pct_below_benchmark_no_support=20.0),
        row(LAST_YEAR, "C", screened_winter=90, pct_below_benchmark_no_support=NA),  # withheld
        row(LAST_YEAR, "D", screened_winter=90, pct_below_benchmark_no_support=40.0),  # +4.9
        row(LAST_YEAR, "DISTRICT", screened_winter=360, pct_below_benchmark_no_support=30.0),
    ]
    change = unmet_need_change(health(THIS_YEAR_ROWS + last), school_year=YEAR)
    change = change.set_index("building_id")
    assert change.loc["A", "change"] == pytest.approx(5.0) and change.loc["A", "rising"]
    assert change.loc["D", "change"] == pytest.approx(4.9) and not change.loc["D", "rising"]
    assert change.loc["DISTRICT", "change"] == pytest.approx(10.0)
    assert change.loc["DISTRICT", "rising"]
    for withheld in ("B", "C"):  # this year's or last year's figure withheld: no change at all
        assert pd.isna(change.loc[withheld, "change"]) and not change.loc[withheld, "rising"]
    # Last year's latest window was spring: this winter's figure is not compared with it.
    spring = [{**r, "screened_spring": 90} for r in last]
    change = unmet_need_change(health(THIS_YEAR_ROWS + spring), school_year=YEAR)
    assert not change["rising"].any() and change["change"].isna().all()


def monthly(rows: list[tuple[str, str, str, int, float | None]]) -> pd.DataFrame:
    return pd.DataFrame(rows, columns=["school_year", "building_id", "month", "incidents",
                                       "school_days"])  # fmt: skip


def test_the_referral_rate_to_date_compares_the_same_whole_months_of_last_year():
    assert months_to_date(YEAR, date(2025, 11, 15)) == ("2025-07", "2025-08", "2025-09", "2025-10")
    assert months_to_date(YEAR, date(2025, 7, 20)) == ()
    rows = monthly([
        (YEAR, "A", "2025-09", 6, 20), (YEAR, "A", "2025-10", 10, 22),
        (YEAR, "A", "2025-11", 50, 18),  # November: the as-of month, not whole yet
        (LAST_YEAR, "A", "2024-09", 4, 20), (LAST_YEAR, "A", "2024-10", 8, 22),
        (LAST_YEAR, "A", "2025-03", 40, 20),  # March: not in this year's months to date
        (YEAR, "B", "2025-10", 3, None),  # no calendar: no rate
        (YEAR, "DISTRICT", "2025-10", 13, None),  # the district's own row is not read
    ])  # fmt: skip
    enrolled = pd.DataFrame({"school_year": [YEAR, YEAR, LAST_YEAR, LAST_YEAR],
                             "building_id": ["A", "B", "A", "B"],
                             "enrolled": [200, 100, 180, 100]})  # fmt: skip
    rates = referral_rates_to_date(rows, enrolled, school_year=YEAR, as_of=date(2025, 11, 15))
    rates = rates.set_index("building_id")
    # A: 16 referrals over 200 students x 42 days; last year 12 over 180 x 42.
    assert rates.loc["A", "rate"] == pytest.approx(100 * 16 / (200 * 42))
    assert rates.loc["A", "rate_before"] == pytest.approx(100 * 12 / (180 * 42))
    assert rates.loc["A", "change"] == pytest.approx(0.2) and rates.loc["A", "up"]
    assert (rates.loc["A", "first_month"], rates.loc["A", "last_month"]) == ("2025-07", "2025-10")
    assert pd.isna(rates.loc["B", "rate"]) and not rates.loc["B", "up"]
    # The district needs every building's student-days: B has none.
    assert pd.isna(rates.loc["DISTRICT", "rate"]) and not rates.loc["DISTRICT", "up"]

    with_b = pd.concat([rows, monthly([(YEAR, "B", "2025-10", 3, 22),
                                       (LAST_YEAR, "B", "2024-10", 6, 22)])])  # fmt: skip
    with_b = with_b[~((with_b["building_id"] == "B") & with_b["school_days"].isna())]
    rates = referral_rates_to_date(with_b, enrolled, school_year=YEAR, as_of=date(2025, 11, 15))
    district = rates.set_index("building_id").loc["DISTRICT"]
    assert district["rate"] == pytest.approx(100 * 19 / (200 * 42 + 100 * 22))
    assert district["rate_before"] == pytest.approx(100 * 18 / (180 * 42 + 100 * 22))
    # 19/10600 against 18/9760: up 2.2%, under the 10% that counts as up.
    assert district["change"] == pytest.approx((19 / 10600) / (18 / 9760) - 1)
    assert not district["up"]


def test_the_outcome_cell_acts_on_two_signals_and_says_withheld_without_a_number():
    core = {"window": "winter", "pct_at_benchmark": 79.9, "state": "published", "core_below": True}
    rising = {"change": 5.0, "rising": True}
    flat = {"change": 1.0, "rising": False}
    up = {"change": 0.2, "up": True}
    cell = outcomes_cell(core, rising, None)
    assert (cell["level"], cell["status"]) == (ACT, "core_below")
    assert cell_words("outcomes", cell) == (
        "Core below 80%",
        "79.9%, +1 more",
    )
    cell = outcomes_cell({**core, "pct_at_benchmark": 85.0, "core_below": False}, flat, None)
    assert (cell["level"], cell["status"]) == (GOOD, "core_sufficient")
    assert cell_words("outcomes", cell) == ("Core at 80%+", "85.0%")
    withheld = {"window": "winter", "pct_at_benchmark": NA, "state": "withheld",
                "core_below": False}  # fmt: skip
    cell = outcomes_cell(withheld, None, None)
    assert (cell["level"], cell["status"], cell["pct_at_benchmark"]) == (NO_DATA, "withheld", None)
    assert cell_words("outcomes", cell) == ("Withheld", "")
    cell = outcomes_cell(withheld, None, up)
    assert (cell["level"], cell["status"]) == (WATCH, "referrals_up")
    assert cell_words("outcomes", cell) == ("Referrals up", "+20%")
    cells = outcome_cells(
        pd.DataFrame([{"building_id": "A", **core}]),
        pd.DataFrame([{"building_id": "A", **rising}, {"building_id": "B", **flat}]),
        pd.DataFrame([{"building_id": "B", **up}]),
    )
    assert cells["A"]["level"] == ACT and cells["B"]["status"] == "referrals_up"


@pytest.fixture
def small_district(store_url):
    """Last year and this (tests/utils/system_health.py's Block lays the students out), an ALL
    calendar of 20 + 20 school days (Sept, Oct), every referral in October:

    - A, 100 students: spring 70 of 100 at benchmark (70.0%); of the 30 below, 12 with no support
      this year (40.0%), 10 last year (33.3%); referrals 3 x 6 + 12 x 2 + 1 = 43 (last year
      2 x 6 + 12 x 2 + 1 = 37);
    - B, 50 students: spring 42 of 50 (84.0%); 5 of 8 below with no support; 10 x 2 + 1 = 21
      referrals both years;
    - C, 8 students: 4 of 8 at benchmark, a count too small to publish."""
    with session_scope(store_url) as session:
        for year, a_unmet, a_six in ((LAST_YEAR, 10, 2), (YEAR, 12, 3)):
            build(session, year, {
                "A": Block(100, {"fall": (100, 80), "spring": (100, 70)}, with_support=30,
                           no_support=a_unmet, tier3=10, six_plus=a_six, two_five=12),
                "B": Block(200, {"fall": (200, 160), "spring": (200, 170)}, with_support=30,
                           no_support=12, tier3=10, two_five=10),
                "C": Block(30, {"fall": (30, 20), "spring": (30, 25)}, with_support=20, tier3=10,
                           two_five=10),
                "D": Block(60, {"fall": (60, 40), "spring": (60, 45)}, with_support=20,
                           no_support=10, tier3=10, two_five=10),
            }, days=40)  # fmt: skip
    return store_url


AS_OF = date(2025, 11, 20)  # months to date: July to October


def test_the_picture_shows_each_signal_and_no_number_for_a_withheld_building(small_district):
    with session_scope(small_district) as session:
        picture = get_meeting_picture(session, as_of=AS_OF, scope=DISTRICT)
    outcomes = picture.outcomes
    # Spring: A 70 of 100 at benchmark; the district (70 + 170 + 25 + 45) of 390 = 79.5%.
    core = outcomes.core_below
    assert list(core["building_id"]) == ["A", "DISTRICT"]
    assert list(core["pct_at_benchmark"]) == [70.0, 79.5]
    assert set(core["window"]) == {"spring"}
    # A's unmet need: 12 of 30 (40.0%) against 10 of 30 (33.3%); the district's 34 of 80 against
    # 32 of 80 is up 2.5 points only.
    rising = outcomes.unmet_rising
    assert list(rising["building_id"]) == ["A"]
    assert rising["change"].iloc[0] == pytest.approx(6.7)
    # A's referrals July to October: 43 over 100 students x 40 days against 37.
    up = outcomes.referrals_up
    assert list(up["building_id"]) == ["A"]
    assert up["rate"].iloc[0] == pytest.approx(100 * 43 / (100 * 40))
    assert up["rate_before"].iloc[0] == pytest.approx(100 * 37 / (100 * 40))
    assert up["change"].iloc[0] == pytest.approx(43 / 37 - 1)
    # C's 5 below benchmark is too few to show, and D's (75.0%, below 80) is withheld with it so
    # C's cannot be worked out: D makes no item, and its cell has no number.
    for frame in (core, rising, up):
        assert not {"C", "D"} & set(frame["building_id"])
    matrix = picture.matrix.set_index("building_id")
    assert matrix.loc["A", ["outcomes_level", "outcomes_status"]].tolist() == [ACT, "core_below"]
    assert matrix.loc["A", "act_count"] >= 1
    for withheld in ("C", "D"):
        cell = matrix.loc[withheld]
        assert [cell["outcomes_level"], cell["outcomes_status"]] == [NO_DATA, "withheld"]
        assert pd.isna(cell["outcomes_pct_at_benchmark"])
    said = matrix_words(picture.matrix).set_index("building_id")
    assert said.loc["D", ["outcomes_word", "outcomes_number"]].tolist() == [
        "Withheld",
        "",
    ]
    assert said.loc["A", "outcomes_number"] == "70.0%, +2 more"
    assert matrix.loc["B", "outcomes_status"] == "core_sufficient"
    assert picture.district_outcome["status"] == "core_below"
    assert picture.district_outcome["pct_at_benchmark"] == 79.5


def test_a_principal_sees_their_building_and_the_district_only(small_district):
    with session_scope(small_district) as session:
        picture = get_meeting_picture(session, as_of=AS_OF, scope=building_scope({"B"}))
    outcomes = picture.outcomes
    assert list(outcomes.core_below["building_id"]) == ["DISTRICT"]
    assert outcomes.unmet_rising.empty and outcomes.referrals_up.empty
    assert set(outcomes.screening["building_id"]) == {"B", "DISTRICT"}
    assert list(picture.matrix["building_id"]) == ["B"]


def test_an_agenda_item_says_the_figure_its_unit_and_its_window_or_months():
    core = {"building_id": "A", "building": "Adams", "window": "spring", "screened": 423.0,
            "pct_at_benchmark": 70.0}  # fmt: skip
    assert core_text(core, YEAR) == (
        "70.0% of 423 students screened in spring 2025-26 were at benchmark (below 80%)"
    )
    unmet = {"window": "spring", "pct_now": 40.0, "pct_before": 33.3, "change": 6.7}
    assert unmet_text(unmet, YEAR) == (
        "40.0% of students below benchmark had no Tier 2 or 3 support in 2025-26 (spring "
        "screening), up 6.7 percentage points from 33.3% in 2024-25"
    )
    referrals = {
        "rate": 1.075,
        "rate_before": 0.925,
        "change": 43 / 37 - 1,
        "last_month": "2025-10",
    }
    assert referrals_text(referrals, YEAR) == (
        "1.07 referrals per 100 students per school day in 2025-26 to the end of October 2025, up "
        "16% on 0.93 in the same months of 2024-25"
    )
    assert place_of({"building_id": "DISTRICT", "building": None}) == "the whole district"


def test_the_building_page_shows_lincolns_core_below_80_and_a_withheld_building_without_a_number(
    monkeypatch, demo_store_url
):
    app = open_page(monkeypatch, demo_store_url, "building", query={"building": "B01"})
    assert not app.exception, [e.value for e in app.exception]
    text = "\n".join(m.value for m in app.main.markdown)
    assert "In the Overview's matrix: **Core below 80%** (act on it)" in (text)
    assert (
        "**Lincoln Elementary** · Core below 80%: 70.0% of 423 students screened in spring "
        "2025-26 were at benchmark (below 80%)"
    ) in text
    assert "**Lincoln Elementary** · Unmet need up: 67.7% of students below benchmark" in text
    [figures] = [f.value for f in app.main.dataframe if "Figure" in f.value.columns]
    assert figures["2025-26"].tolist()[:2] == ["70.0%", "67.7%"]
    assert figures["2024-25"].tolist()[1] == "61.7%"
    # Washington Elementary's screening figures are withheld: said so, and nothing raised from them.
    app = open_page(monkeypatch, demo_store_url, "building", query={"building": "B02"})
    text = "\n".join(m.value for m in app.main.markdown)
    assert "In the Overview's matrix: **Withheld** (nothing to show)" in text
    assert "Core below 80%" not in text and "Unmet need up" not in text
    [figures] = [f.value for f in app.main.dataframe if "Figure" in f.value.columns]
    assert figures["2025-26"].tolist()[:2] == ["withheld", "withheld"]
