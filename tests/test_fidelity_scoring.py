"""Fidelity arithmetic on hand-computed numbers: scale scores, latest status, sustaining runs, the
share of buildings at criterion by term, buildings not assessed, items lowest first."""

from __future__ import annotations

from datetime import date

import pandas as pd
import pytest

from data_access.fidelity.scoring import (
    SCALE_SCORE_COLUMNS,
    buildings_without_administration,
    latest_scale_scores,
    rank_items,
    score_scales,
    share_at_criterion,
    sustaining_runs,
    term_of,
)

# TFI-2.1's scales as the store defines them.
TFI_SCALES = pd.DataFrame(
    {
        "instrument": ["TFI-2.1"] * 3,
        "scale": ["Tier 1", "Tier 2", "Tier 3"],
        "items_total": [15, 13, 17],
        "possible": [30, 26, 34],
        "criterion_pct": [70.0, 70.0, 70.0],
        "position": [0, 15, 28],
    }
)


def scored(rows: list[tuple]) -> pd.DataFrame:
    """(building, instrument, date, scale, items_scored, points) rows, as the SQL sums arrive."""
    return pd.DataFrame(
        rows,
        columns=["building_id", "instrument", "administered_on", "scale", "items_scored", "points"],
    )


def tfi_scores(rows: list[tuple]) -> pd.DataFrame:
    """Scale scores for (building, date, {scale: points or None for incomplete}) rows."""
    sums = []
    totals = dict(zip(TFI_SCALES["scale"], TFI_SCALES["items_total"], strict=True))
    for building, day, points in rows:
        for scale, value in points.items():
            items = totals[scale] if value is not None else totals[scale] - 1
            sums.append((building, "TFI-2.1", day, scale, items, value or 0))
    return score_scales(scored(sums), TFI_SCALES)


def test_a_scale_exactly_at_the_criterion_meets_it():
    scores = score_scales(
        scored([("B1", "TFI-2.1", date(2025, 10, 15), "Tier 1", 15, 21)]), TFI_SCALES
    )
    tier1 = scores[scores["scale"] == "Tier 1"].iloc[0]
    assert list(scores.columns) == SCALE_SCORE_COLUMNS
    assert (tier1["points"], tier1["possible"]) == (21, 30)
    assert tier1["percent"] == pytest.approx(70.0)
    assert bool(tier1["meets_criterion"]) is True and bool(tier1["complete"]) is True


def test_one_point_below_the_criterion_does_not_meet_it():
    scores = score_scales(
        scored([("B1", "TFI-2.1", date(2025, 10, 15), "Tier 1", 15, 20)]), TFI_SCALES
    )
    tier1 = scores.iloc[0]
    assert tier1["percent"] == pytest.approx(66.6667, abs=1e-4)
    assert bool(tier1["meets_criterion"]) is False


def test_an_incomplete_scale_has_points_but_no_percent_and_no_verdict():
    scores = score_scales(
        scored([("B1", "TFI-2.1", date(2025, 10, 15), "Tier 2", 12, 24)]), TFI_SCALES
    )
    tier2 = scores[scores["scale"] == "Tier 2"].iloc[0]
    assert (tier2["items_scored"], tier2["items_total"], tier2["points"]) == (12, 13, 24)
    assert bool(tier2["complete"]) is False
    # 24 of 26 would be 92%: an incomplete scale must not show it, nor a low score either.
    assert pd.isna(tier2["percent"]) and pd.isna(tier2["meets_criterion"])


def test_every_scale_of_an_administration_gets_a_row_even_unscored():
    scores = score_scales(
        scored([("B1", "TFI-2.1", date(2025, 10, 15), "Tier 1", 15, 30)]), TFI_SCALES
    )
    assert scores["scale"].tolist() == ["Tier 1", "Tier 2", "Tier 3"]
    tier3 = scores.iloc[2]
    assert (tier3["items_scored"], tier3["items_total"], tier3["points"], tier3["possible"]) == (
        0,
        17,
        0,
        34,
    )
    assert bool(tier3["complete"]) is False and pd.isna(tier3["percent"])


def test_a_custom_instrument_with_max_score_3_uses_its_own_possible_and_criterion():
    scales = pd.DataFrame(
        {
            "instrument": ["RUBRIC", "RUBRIC"],
            "scale": ["Climate", "Teaming"],
            "items_total": [5, 3],
            "possible": [15, 9],
            "criterion_pct": [80.0, 80.0],
            "position": [0, 5],
        }
    )
    scores = score_scales(
        scored(
            [
                ("B2", "RUBRIC", date(2026, 1, 12), "Climate", 5, 12),  # 12/15 = 80.0%: at it
                ("B2", "RUBRIC", date(2026, 1, 12), "Teaming", 3, 7),  # 7/9 = 77.8%: below
            ]
        ),
        scales,
    ).set_index("scale")
    assert scores.loc["Climate", "percent"] == pytest.approx(80.0)
    assert bool(scores.loc["Climate", "meets_criterion"]) is True
    assert scores.loc["Teaming", "percent"] == pytest.approx(77.7778, abs=1e-4)
    assert bool(scores.loc["Teaming", "meets_criterion"]) is False


def test_instruments_are_scored_apart_even_for_the_same_building_and_date():
    scales = pd.concat(
        [
            TFI_SCALES,
            pd.DataFrame(
                {
                    "instrument": ["TFI-3.0"],
                    "scale": ["Tier 1"],
                    "items_total": [40],
                    "possible": [80],
                    "criterion_pct": [50.0],
                    "position": [0],
                }
            ),
        ]
    )
    day = date(2025, 10, 15)
    scores = score_scales(
        scored(
            [("B1", "TFI-2.1", day, "Tier 1", 15, 21), ("B1", "TFI-3.0", day, "Tier 1", 40, 40)]
        ),
        scales,
    )
    tier1 = scores[scores["scale"] == "Tier 1"].set_index("instrument")
    assert tier1.loc["TFI-2.1", "percent"] == pytest.approx(70.0)
    assert tier1.loc["TFI-3.0", "percent"] == pytest.approx(50.0)
    assert bool(tier1.loc["TFI-3.0", "meets_criterion"]) is True  # 3.0's criterion is 50%
    assert len(scores) == 4  # TFI-3.0 has one scale, TFI-2.1 three


def test_sustaining_needs_three_administrations_in_a_row_at_criterion():
    scores = tfi_scores(
        [
            # B1: below, then at criterion three times: sustaining with a streak of 3.
            ("B1", date(2024, 10, 15), {"Tier 1": 18}),
            ("B1", date(2025, 1, 20), {"Tier 1": 21}),
            ("B1", date(2025, 4, 15), {"Tier 1": 24}),
            ("B1", date(2025, 10, 15), {"Tier 1": 22}),
            # B2: at, at, below, at, at: the slip resets the run to 2.
            ("B2", date(2024, 10, 15), {"Tier 1": 21}),
            ("B2", date(2025, 1, 20), {"Tier 1": 21}),
            ("B2", date(2025, 4, 15), {"Tier 1": 20}),
            ("B2", date(2025, 10, 15), {"Tier 1": 25}),
            ("B2", date(2026, 1, 20), {"Tier 1": 25}),
            # B3: at, at, incomplete, at: an incomplete administration breaks the run.
            ("B3", date(2024, 10, 15), {"Tier 1": 30}),
            ("B3", date(2025, 1, 20), {"Tier 1": 30}),
            ("B3", date(2025, 4, 15), {"Tier 1": None}),
            ("B3", date(2025, 10, 15), {"Tier 1": 30}),
        ]
    )
    runs = sustaining_runs(scores).set_index(["building_id", "scale"])
    assert runs.loc[("B1", "Tier 1"), ["streak", "sustaining"]].tolist() == [3, True]
    assert runs.loc[("B2", "Tier 1"), ["streak", "sustaining"]].tolist() == [2, False]
    assert runs.loc[("B3", "Tier 1"), ["streak", "sustaining"]].tolist() == [1, False]
    # Tiers 2 and 3 were never scored: no run to speak of, so no row.
    assert ("B1", "Tier 2") not in runs.index


def test_latest_score_is_the_latest_administration_even_when_incomplete():
    scores = tfi_scores(
        [
            ("B1", date(2025, 1, 20), {"Tier 1": 27, "Tier 2": 13}),
            ("B1", date(2025, 4, 15), {"Tier 1": None}),  # Tier 2 not scored at all this time
        ]
    )
    latest = latest_scale_scores(scores).set_index("scale")
    assert latest.loc["Tier 1", "status"] == "incomplete"
    assert latest.loc["Tier 1", "administered_on"] == date(2025, 4, 15)
    # Tier 2 was last scored in January: that score stands, with its own date.
    assert latest.loc["Tier 2", "status"] == "below criterion"
    assert latest.loc["Tier 2", "percent"] == pytest.approx(50.0)
    assert latest.loc["Tier 2", "administered_on"] == date(2025, 1, 20)
    assert "Tier 3" not in latest.index


@pytest.mark.parametrize(
    ("day", "term"),
    [
        (date(2025, 7, 1), (date(2025, 7, 1), "Fall 2025")),
        (date(2025, 11, 30), (date(2025, 7, 1), "Fall 2025")),
        (date(2025, 12, 1), (date(2025, 12, 1), "Winter 2026")),
        (date(2026, 2, 28), (date(2025, 12, 1), "Winter 2026")),
        (date(2026, 3, 1), (date(2026, 3, 1), "Spring 2026")),
        (date(2026, 6, 30), (date(2026, 3, 1), "Spring 2026")),
    ],
)
def test_terms_split_the_school_year_into_fall_winter_and_spring(day, term):
    assert term_of(day) == term


def test_share_at_criterion_counts_each_building_once_per_term_and_skips_incomplete():
    scores = tfi_scores(
        [
            # Fall 2025: B1 below in October, at criterion when retaken in November (counts: at).
            ("B1", date(2025, 10, 1), {"Tier 1": 18}),
            ("B1", date(2025, 11, 20), {"Tier 1": 21}),
            ("B2", date(2025, 10, 15), {"Tier 1": 20}),  # below
            ("B3", date(2025, 10, 15), {"Tier 1": None}),  # incomplete: not counted at all
            # Winter 2026: B2 only, at criterion.
            ("B2", date(2026, 1, 20), {"Tier 1": 24}),
        ]
    )
    share = share_at_criterion(scores)
    assert share[["term", "scale", "buildings_complete", "buildings_at_criterion"]].to_dict(
        "records"
    ) == [
        {
            "term": "Fall 2025",
            "scale": "Tier 1",
            "buildings_complete": 2,
            "buildings_at_criterion": 1,
        },
        {
            "term": "Winter 2026",
            "scale": "Tier 1",
            "buildings_complete": 1,
            "buildings_at_criterion": 1,
        },
    ]
    assert share["share"].tolist() == pytest.approx([50.0, 100.0])


def test_buildings_without_an_administration_this_year_are_listed_never_assessed_first():
    buildings = pd.DataFrame(
        {
            "building_id": ["B1", "B2", "B3"],
            "name": ["Adams", "Baker", "Carver"],
            "level": ["elementary", "middle", "high"],
        }
    )
    administrations = pd.DataFrame(
        {
            "building_id": ["B1", "B2", "B2"],
            "administered_on": [date(2025, 10, 15), date(2024, 4, 15), date(2025, 6, 30)],
        }
    )
    missing = buildings_without_administration(
        buildings, administrations, start=date(2025, 7, 1), end=date(2026, 6, 30)
    )
    assert missing["building_id"].tolist() == ["B3", "B2"]
    assert pd.isna(missing.loc[0, "last_administered_on"])
    assert missing.loc[1, "last_administered_on"] == date(2025, 6, 30)  # the day before the year


def test_items_rank_lowest_share_first_and_unscored_last():
    items = pd.DataFrame(
        {
            "item_id": ["A", "B", "C", "D", "E"],
            "item_title": ["a", "b", "c", "d", "e"],
            "max_score": [2, 3, 2, 3, 2],
            "position": [0, 1, 2, 3, 4],
            "score": pd.array([1, 1, None, 0, 2], dtype="Int64"),
        }
    )
    ranked = rank_items(items)
    # D 0/3, B 1/3, A 1/2, E 2/2, then C (not scored: unknown, not low).
    assert ranked["item_id"].tolist() == ["D", "B", "A", "E", "C"]
    assert pd.isna(ranked.loc[4, "share"])
