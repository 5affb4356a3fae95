"""Equity arithmetic on hand-made count tables: every rule of the contract's `equity` table, with
numbers worked out by hand in the comments."""

from __future__ import annotations

import math

import pandas as pd
import pytest

from data_access.equity.metrics import (
    CELL_COUNTS,
    CONCERN_DIRECTIONS,
    DISTRICT_ID,
    EXPORT_COLUMNS,
    INDICATORS,
    Minimums,
    compute_equity,
    concern_mask,
    count_consecutive_flags,
    count_groups,
    district_cells,
)
from data_access.school_year import previous_school_year

RULES = Minimums(min_cell_size=10, min_n_size=30, threshold=2.0)


def cell(building_id: str, race: str = "WH", sex: str = "F", *, iep=False, el=False, econ=False,
         n: int, **counts: int) -> dict:  # fmt: skip
    row = {
        "building_id": building_id,
        "race_ethnicity": race,
        "sex": sex,
        "iep": iep,
        "el": el,
        "econ_disadv": econ,
    }
    row |= {column: 0 for column in CELL_COUNTS}
    row |= {"n_students": n, "n_attendance": n} | counts
    return row


def cells(*rows: dict) -> pd.DataFrame:
    return pd.DataFrame(list(rows))


def row_of(frame: pd.DataFrame, building: str, indicator: str, group_type: str, group: str):
    match = frame[
        (frame["building_id"] == building)
        & (frame["indicator"] == indicator)
        & (frame["group_type"] == group_type)
        & (frame["group"] == group)
    ]
    assert len(match) == 1, (building, indicator, group_type, group)
    return match.iloc[0]


def test_groups_sum_their_cells_and_every_group_appears_even_when_empty():
    counts = count_groups(
        cells(
            cell("B1", "BL", "F", iep=True, n=12, oss=3),
            cell("B1", "BL", "M", n=20, oss=4),
            cell("B1", "WH", "M", iep=True, n=30, oss=2),
        )
    )
    black = row_of(counts, "B1", "oss", "race_ethnicity", "BL")
    assert (black["n_group"], black["events_group"]) == (32, 7)  # 12 + 20, 3 + 4
    assert (black["n_population"], black["events_population"]) == (62, 9)
    iep = row_of(counts, "B1", "oss", "iep", "Y")
    assert (iep["n_group"], iep["events_group"]) == (42, 5)  # 12 + 30, 3 + 2
    hawaiian = row_of(counts, "B1", "oss", "race_ethnicity", "HP")
    assert (hawaiian["n_group"], hawaiian["events_group"]) == (0, 0)
    # sped_identification is the IEP flag itself: reported for every group but the IEP group.
    assert row_of(counts, "B1", "sped_identification", "sex", "M")["events_group"] == 30
    assert counts[
        (counts["indicator"] == "sped_identification") & (counts["group_type"] == "iep")
    ].empty
    # 10 indicators x 13 groups, less sped_identification for IEP.
    assert len(counts) == 10 * 13 - 1


def test_chronic_absence_counts_only_its_own_population():
    # 40 students, of whom 25 have an attendance row with at least 10 days enrolled.
    counts = count_groups(cells(cell("B1", "BL", n=40, n_attendance=25, chronic_absence=11)))
    chronic = row_of(counts, "B1", "chronic_absence", "race_ethnicity", "BL")
    assert (chronic["n_group"], chronic["events_group"]) == (25, 11)
    assert row_of(counts, "B1", "odr", "race_ethnicity", "BL")["n_group"] == 40


def test_plain_risk_ratio_over_and_under_the_threshold():
    # B1: 40 Black students, 20 suspended (risk 0.5); 60 White students, 10 suspended (1/6).
    result = compute_equity(
        cells(cell("B1", "BL", "F", n=40, oss=20), cell("B1", "WH", "M", n=60, oss=10)), None, RULES
    )
    black = row_of(result, "B1", "oss", "race_ethnicity", "BL")
    assert black["ratio_type"] == "risk_ratio"
    assert black["ratio"] == pytest.approx(3.0)  # 0.5 / (10/60)
    assert (black["risk_group"], black["risk_comparison"]) == (0.5, pytest.approx(1 / 6))
    assert (black["n_comparison"], black["events_comparison"]) == (60, 10)
    assert black["flag"] == "over"
    white = row_of(result, "B1", "oss", "race_ethnicity", "WH")
    assert white["ratio"] == pytest.approx(1 / 3)  # (10/60) / 0.5, under 1/2
    assert white["flag"] == "under"
    # The district is the only building's sum here: the same ratio, never an alternate.
    district = row_of(result, DISTRICT_ID, "oss", "race_ethnicity", "BL")
    assert (district["ratio_type"], district["ratio"]) == ("risk_ratio", pytest.approx(3.0))


@pytest.mark.parametrize(
    ("group_events", "comparison_events", "flag"),
    [
        (20, 10, None),  # (20/100) / (10/100) = 2.0 exactly: not over
        (21, 10, "over"),  # 2.1
        (10, 20, None),  # 0.5 exactly: not under
        (10, 21, "under"),  # 0.476
    ],
)
def test_a_ratio_exactly_at_a_threshold_is_not_flagged(group_events, comparison_events, flag):
    result = compute_equity(
        cells(
            cell("B1", "BL", n=100, odr=group_events),
            cell("B1", "WH", n=100, odr=comparison_events),
        ),
        None,
        RULES,
    )
    black = row_of(result, "B1", "odr", "race_ethnicity", "BL")
    assert black["ratio_type"] == "risk_ratio"
    assert (black["flag"] if isinstance(black["flag"], str) else None) == flag


@pytest.mark.parametrize(
    ("n", "events", "calculated"),
    [(30, 10, True), (30, 9, False), (29, 10, False), (29, 29, False)],
)
def test_minimum_cell_and_n_sizes_are_inclusive(n, events, calculated):
    result = compute_equity(
        cells(cell("B1", "BL", n=n, iss=events), cell("B1", "WH", n=100, iss=20)), None, RULES
    )
    black = row_of(result, "B1", "iss", "race_ethnicity", "BL")
    assert (black["ratio_type"] == "risk_ratio") is calculated
    assert black["n_group"] == n  # group sizes are always shown
    if calculated:
        assert (black["events_group"], black["risk_group"]) == (10, pytest.approx(1 / 3))
    else:
        assert pd.isna(black["events_group"]) and pd.isna(black["risk_group"])
        assert pd.isna(black["ratio"]) and pd.isna(black["flag"])
    # The comparison group (100 students, 20 events) is shown either way.
    assert (black["events_comparison"], black["risk_comparison"]) == (20, pytest.approx(0.2))


def test_alternate_ratio_compares_with_everyone_not_in_the_group_across_the_district():
    # B1: 40 Hispanic students (12 with ISS) and only 20 others (2): the building comparison is too
    # small, so the comparison is everyone not Hispanic in the district: 20 + 140 = 160 students,
    # 2 + 14 = 16 events (risk 0.1). Ratio (12/40) / 0.1 = 3.0.
    result = compute_equity(
        cells(
            cell("B1", "HI", n=40, iss=12),
            cell("B1", "WH", n=20, iss=2),
            cell("B2", "WH", n=140, iss=14),
        ),
        None,
        RULES,
    )
    hispanic = row_of(result, "B1", "iss", "race_ethnicity", "HI")
    assert hispanic["ratio_type"] == "alternate_risk_ratio"
    assert hispanic["ratio"] == pytest.approx(3.0)
    assert (hispanic["n_comparison"], hispanic["events_comparison"]) == (160, 16)
    assert hispanic["risk_comparison"] == pytest.approx(0.1)
    assert hispanic["flag"] == "over"
    # The district row compares the same 40 with the same 160: a plain risk ratio.
    district = row_of(result, DISTRICT_ID, "iss", "race_ethnicity", "HI")
    assert (district["ratio_type"], district["ratio"]) == ("risk_ratio", pytest.approx(3.0))


def test_no_alternate_when_the_district_comparison_is_too_small_too_and_none_for_the_district():
    # B1: 40 students of two or more races, 10 with Tier 3 support, nobody else in B1; the district's
    # other students (160) have 3 events: below the cell size, so nothing is calculated.
    result = compute_equity(
        cells(cell("B1", "TR", n=40, tier3=10), cell("B2", "WH", n=160, tier3=3)), None, RULES
    )
    building = row_of(result, "B1", "tier3", "race_ethnicity", "TR")
    assert building["ratio_type"] == "not_calculated"
    assert pd.isna(building["ratio"])
    # The group's own numbers meet both minimums, so they are shown; the (building) comparison is
    # empty and says so.
    assert (building["events_group"], building["risk_group"]) == (10, 0.25)
    assert building["n_comparison"] == 0 and pd.isna(building["events_comparison"])
    district = row_of(result, DISTRICT_ID, "tier3", "race_ethnicity", "TR")
    assert district["ratio_type"] == "not_calculated"
    assert district["n_comparison"] == 160 and pd.isna(district["risk_comparison"])


def test_district_rows_never_use_an_alternate_even_when_a_building_does():
    # The district's comparison for White students is too small (25 students); B2's White students'
    # building comparison fails as well, and an alternate against the district would fail too.
    result = compute_equity(
        cells(cell("B1", "WH", n=100, odr=30), cell("B2", "BL", n=25, odr=10)), None, RULES
    )
    assert set(result.loc[result["building_id"] == DISTRICT_ID, "ratio_type"]) <= {
        "risk_ratio",
        "not_calculated",
    }
    assert row_of(result, DISTRICT_ID, "odr", "race_ethnicity", "WH")["ratio_type"] == (
        "not_calculated"
    )


def test_buildings_outside_the_scope_still_count_in_the_district_comparison():
    everyone = cells(
        cell("B1", "HI", n=40, iss=12),
        cell("B1", "WH", n=20, iss=2),
        cell("B2", "WH", n=140, iss=14),
    )
    only_b1 = everyone[everyone["building_id"] == "B1"]
    result = compute_equity(only_b1, district_cells(everyone), RULES)
    assert set(result["building_id"]) == {"B1", DISTRICT_ID}
    assert row_of(result, "B1", "iss", "race_ethnicity", "HI")["ratio"] == pytest.approx(3.0)


def test_result_has_the_contract_columns_in_order_districts_first():
    result = compute_equity(cells(cell("B2", n=50), cell("B1", n=50)), None, RULES)
    assert list(result.columns) == EXPORT_COLUMNS[1:]
    assert list(dict.fromkeys(result["building_id"])) == [DISTRICT_ID, "B1", "B2"]
    first = result.iloc[:3]
    assert list(first["indicator"]) == ["odr"] * 3
    assert list(first["group"]) == ["HI", "AM", "AS"]


def test_configurable_minimums_and_threshold_change_what_is_calculated_and_flagged():
    frame = cells(cell("B1", "BL", n=20, odr=6), cell("B1", "WH", n=20, odr=4))
    strict = row_of(compute_equity(frame, None, RULES), "B1", "odr", "race_ethnicity", "BL")
    assert strict["ratio_type"] == "not_calculated"
    loose = Minimums(min_cell_size=3, min_n_size=10, threshold=1.4)
    black = row_of(compute_equity(frame, None, loose), "B1", "odr", "race_ethnicity", "BL")
    assert (black["ratio"], black["flag"]) == (pytest.approx(1.5), "over")  # 0.3 / 0.2


def history_row(year: str, flag: str | None, group: str = "BL") -> dict:
    return {
        "school_year": year,
        "building_id": "B1",
        "indicator": "oss",
        "group_type": "race_ethnicity",
        "group": group,
        "flag": flag,
    }


def test_consecutive_flags_count_back_while_the_same_flag_holds():
    history = pd.DataFrame(
        [
            history_row("2022-23", "over"),
            history_row("2023-24", None),
            history_row("2024-25", "over"),
            history_row("2025-26", "over"),
            history_row("2023-24", "over", "WH"),
            history_row("2024-25", "under", "WH"),  # a different flag ends the run
            history_row("2025-26", "under", "WH"),
            history_row("2025-26", None, "HI"),  # not flagged: not listed
        ]
    )
    runs = count_consecutive_flags(history, school_year="2025-26").set_index("group")
    assert runs["years_flagged"].to_dict() == {"BL": 2, "WH": 2}
    # Ending in an earlier year counts back from there.
    earlier = count_consecutive_flags(history, school_year="2024-25").set_index("group")
    assert earlier["years_flagged"].to_dict() == {"BL": 1, "WH": 1}


def test_a_school_year_missing_from_the_history_ends_a_run():
    history = pd.DataFrame([history_row("2023-24", "over"), history_row("2025-26", "over")])
    runs = count_consecutive_flags(history, school_year="2025-26")
    assert runs["years_flagged"].tolist() == [1]
    assert previous_school_year("2000-01") == "1999-00"


def test_ratio_uses_unrounded_risks():
    # 13 of 31 against 10 of 70: (13*70) / (31*10) = 910 / 310.
    result = compute_equity(
        cells(cell("B1", "BL", n=31, odr=13), cell("B1", "WH", n=70, odr=10)), None, RULES
    )
    assert math.isclose(row_of(result, "B1", "odr", "race_ethnicity", "BL")["ratio"], 910 / 310)


def test_every_indicator_knows_which_way_is_a_concern():
    # Harmful outcomes: only a group having more of them is a concern. Identification and access
    # to tiered supports: too much and too little are both questions for the team.
    assert {indicator: CONCERN_DIRECTIONS[indicator] for indicator in INDICATORS} == {
        "odr": "over",
        "iss": "over",
        "oss": "over",
        "exclusion": "over",
        "chronic_absence": "over",
        "tier2plus": "both",
        "tier3": "both",
        "sped_identification": "both",
        # The contract's system-health indicators: below benchmark, and below benchmark with no
        # support (unmet need), are harmful too.
        "below_benchmark": "over",
        "unsupported_need": "over",
    }


def test_a_flag_is_a_concern_only_when_it_points_the_way_its_indicator_worries_about():
    rows = pd.DataFrame(
        {
            "indicator": [
                "oss",
                "oss",
                "chronic_absence",
                "tier2plus",
                "tier3",
                "sped_identification",
                "odr",
            ],
            "flag": ["over", "under", "under", "under", "over", "under", None],
        }
    )
    assert concern_mask(rows).tolist() == [True, False, False, True, True, True, False]
    assert concern_mask(rows.iloc[0:0]).tolist() == []
