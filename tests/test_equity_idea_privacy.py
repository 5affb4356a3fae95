"""The IDEA discipline rows go through the disclosure-avoidance layer jointly with the equity rows of
the same students with IEPs (issue 22 part 3): the attacker of tests/utils/attacker.py, given every
row total outright (the equity rows publish the "has an IEP" group's size and counts), cannot narrow
a withheld count to fewer than `min_cell_size` values; without the layer it can."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from data_access import suppression
from data_access.equity.idea import idea_ratios, removal_measures
from data_access.equity.idea_disclosure import iep_published, protect_idea
from data_access.equity.metrics import DISTRICT_ID, Minimums
from tests.utils.attacker import attack_idea

RULES = Minimums(min_cell_size=10, min_n_size=30, threshold=2.0)
COUNTS = ["n_group", "events_group", "n_comparison", "events_comparison"]


def district(seed: int) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Three buildings of students with IEPs: a large White and Black group, a Hispanic group near
    the n-size, a tiny Pacific Islander and Two-or-more group; removals drawn at random."""
    rng = np.random.default_rng(seed)
    students, discipline = [], []
    sizes = {"WH": (60, 90), "BL": (35, 60), "HI": (25, 40), "HP": (1, 4), "TR": (3, 12)}
    for building in ("B1", "B2", "B3"):
        for race, (low, high) in sizes.items():
            for _ in range(int(rng.integers(low, high))):
                student_id = f"S{len(students):05d}"
                students.append((student_id, building, race, True))
                for _ in range(int(rng.choice([0, 0, 0, 1, 1, 2, 3]))):
                    action = str(rng.choice(["OSS", "ISS", "EXP", "ODR"], p=[0.5, 0.35, 0.05, 0.1]))
                    discipline.append((student_id, action, int(rng.integers(1, 9))))
    return (
        pd.DataFrame(students, columns=["student_id", "building_id", "race_ethnicity", "iep"]),
        pd.DataFrame(discipline, columns=["student_id", "action", "days_removed"]),
    )


def totals(rows: pd.DataFrame, published_iep: set[str] | None = None) -> pd.DataFrame:
    """What the equity rows publish of each building's students with IEPs: their number and how many
    had an out-of-school / in-school suspension (the two removal lengths' counts added)."""
    rows = rows.assign(kind=rows["measure"].str[:3])
    rows = rows[rows["kind"].isin(["oss", "iss"])]
    if published_iep is not None:
        rows = rows[rows["building_id"].isin(published_iep)]
    by_measure = rows.groupby(["building_id", "kind", "measure"]).agg(
        n=("n_group", "sum"), events=("events_group", "sum")
    )
    return (
        by_measure.groupby(["building_id", "kind"])
        .agg(n=("n", "first"), events=("events", "sum"))
        .reset_index()
        .rename(columns={"kind": "measure"})
    )


def everyone(rows: pd.DataFrame) -> set[str]:
    return set(rows["building_id"])


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_no_withheld_idea_count_can_be_worked_out(seed):
    measures = removal_measures(*district(seed))
    raw = idea_ratios(measures, RULES)
    published = protect_idea(raw, measures, everyone(raw), RULES)
    found = attack_idea(published, totals(raw), min_values=10, min_n_size=30)
    assert not found, "\n".join(map(str, found[:20]))
    # Something is published and something withheld (the tiny groups at least).
    assert published["events_group"].notna().any()
    assert published[published["group"] == "HP"][COUNTS].isna().all().all()
    # And the layer was needed: primary suppression alone leaves a withheld count open.
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(suppression.Count, "settle", lambda self: None)
        naive = protect_idea(raw, measures, everyone(raw), RULES)
    assert attack_idea(naive, totals(raw), min_values=10, min_n_size=30)


def test_rows_that_bypass_the_layer_publish_small_counts():
    """The check that fails if the IDEA rows reach a page or export unprotected: every group below
    the n-size and every count below the cell size is withheld."""
    measures = removal_measures(*district(1))
    raw = idea_ratios(measures, RULES)
    published = protect_idea(raw, measures, everyone(raw), RULES)
    for rows, ok in ((published, True), (raw, False)):
        small_n = rows["n_group"].notna() & (rows["n_group"].astype(float) < 30)
        small_e = rows["events_group"].notna() & (rows["events_group"].astype(float) < 10)
        assert (not (small_n | small_e).any()) == ok


def test_a_building_whose_iep_group_equity_withheld_publishes_no_idea_count():
    """B2's "has an IEP" group withheld in the equity rows: none of its IDEA cells is published (their
    sum would give it back), and the district's and other buildings' cells cover for it."""
    measures = removal_measures(*district(2))
    raw = idea_ratios(measures, RULES)
    published = protect_idea(raw, measures, everyone(raw) - {"B2"}, RULES)
    assert published[published["building_id"] == "B2"][COUNTS].isna().all().all()
    assert set(published[published["building_id"] == "B2"]["ratio_type"]) == {"not_calculated"}
    known = totals(raw, everyone(raw) - {"B2"})
    assert not attack_idea(published, known, min_values=10, min_n_size=30)


def test_total_removals_of_few_students_are_withheld_however_many_removals():
    """12 removals that are one student's: withheld although 12 is at least the cell size."""
    students = pd.DataFrame(
        [(f"S{i:03d}", "B1", "WH" if i < 80 else "BL", True) for i in range(140)],
        columns=["student_id", "building_id", "race_ethnicity", "iep"],
    )
    discipline = pd.DataFrame(
        [("S100", "ISS", 1)] * 12 + [(f"S{i:03d}", "OSS", 2) for i in range(30)],
        columns=["student_id", "action", "days_removed"],
    )
    measures = removal_measures(students, discipline)
    raw = idea_ratios(measures, RULES)
    published = protect_idea(raw, measures, everyone(raw), RULES)
    black = published[
        (published["building_id"] == DISTRICT_ID)
        & (published["group"] == "BL")
        & (published["measure"] == "total_removals")
    ].iloc[0]
    assert raw.loc[black.name, "events_group"] == 12
    assert pd.isna(black["events_group"]) and black["withheld_group"] is not None


def test_iep_published_reads_the_equity_rows():
    rows = pd.DataFrame(
        {
            "building_id": ["B1", "B1", "B2", "B2", "B2"],
            "group_type": ["iep", "iep", "iep", "iep", "sex"],
            "group": ["Y", "Y", "Y", "Y", "F"],
            "n_group": [40, 40, 40, None, 3],
            "events_group": [12, 15, 12, None, None],
        }
    )
    assert iep_published(rows) == {"B1"}


def test_a_principal_sees_only_their_buildings_idea_rows_and_the_same_numbers(demo_store_url):
    """Scope is checked in data_access: a principal of B09 gets the district's rows and B09's, with
    the numbers the district view shows for them (the layer decides once for the whole district)."""
    from data_access.db import session_scope
    from data_access.equity.idea_queries import get_idea
    from data_access.equity.queries import list_equity_school_years
    from data_access.scope import DISTRICT, building_scope

    with session_scope(demo_store_url) as session:
        year = list_equity_school_years(session)[0]
        everything = get_idea(session, school_year=year, scope=DISTRICT)
        own = get_idea(session, school_year=year, scope=building_scope({"B09"}))
    assert set(own["building_id"]) == {"B09", DISTRICT_ID}
    assert len(set(everything["building_id"])) > 2
    mine = everything[everything["building_id"].isin({"B09", DISTRICT_ID})].reset_index(drop=True)
    pd.testing.assert_frame_equal(own.reset_index(drop=True), mine)
    # 5 measures x 7 groups per building
    assert len(own) == 2 * 5 * 7
    assert set(own["indicator"]) == {
        "idea_oss_10_or_fewer",
        "idea_oss_over_10",
        "idea_iss_10_or_fewer",
        "idea_iss_over_10",
        "idea_total_removals",
    }


def test_the_equity_export_has_the_idea_rows_with_the_same_columns(demo_store_url):
    from data_access.db import session_scope
    from data_access.equity.export import build_equity_export
    from data_access.export_format import ExportOptions
    from data_access.scope import DISTRICT

    with session_scope(demo_store_url) as session:
        export = build_equity_export(session, ExportOptions(scope=DISTRICT))
    idea = export[export["indicator"].str.startswith("idea_")]
    assert len(idea) == 5 * 7 * export["building_id"].nunique()
    assert list(idea.columns) == list(export.columns)
    # Published through the layer: no small size or count.
    sizes = pd.to_numeric(idea["n_group"], errors="coerce")
    counts = pd.to_numeric(idea["events_group"], errors="coerce")
    assert not ((sizes < 30).any() or (counts < 10).any())
