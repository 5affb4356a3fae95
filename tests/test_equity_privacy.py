"""No withheld equity count can be worked out from what the dashboard publishes.

An attacker (tests/utils/attacker.py) takes every number the Equity page, its hover texts, the
building and district rows and the export publish for a school year, writes down the equations
between them and solves them; it names any withheld count it can pin to fewer than
MTSS_MIN_CELL_SIZE possible values. It runs on the demo district and on small districts built to be
hard, and once against the layer switched off, to show it finds what primary suppression alone
leaves open.
"""

from __future__ import annotations

import pandas as pd
import pytest

from data_access import suppression as disclosure
from data_access.db import session_scope
from data_access.equity.disclosure import publish_equity
from data_access.equity.metrics import CELL_COUNTS, DISTRICT_ID, Minimums
from data_access.equity.queries import get_cell_counts, get_equity, list_equity_school_years
from data_access.scope import DISTRICT, building_scope
from tests.utils.attacker import attack

RULES = Minimums(min_cell_size=10, min_n_size=30, threshold=2.0)


def enrolment(cells: pd.DataFrame) -> dict[str, int]:
    """Each building's students and the district's: public (the staffing export publishes them)."""
    per_building = cells.groupby("building_id")["n_students"].sum().astype(int).to_dict()
    return per_building | {DISTRICT_ID: int(cells["n_students"].sum())}


def empty_populations(cells: pd.DataFrame) -> frozenset[tuple[str, str]]:
    """(indicator, building) where nobody is in the indicator's population: nobody screened (a high
    school), so nobody below benchmark either. Their zeros are about no student (see attack)."""
    sizes = cells.groupby("building_id")[["n_screened", "below_benchmark", "n_attendance"]].sum()
    populations = {
        "below_benchmark": "n_screened",
        "unsupported_need": "below_benchmark",
        "chronic_absence": "n_attendance",
    }
    return frozenset(
        (indicator, building)
        for indicator, column in populations.items()
        for building in sizes.index[sizes[column] == 0]
    )


def cell(building_id: str, race: str, sex: str, *, n: int, iep=False, el=False, econ=False,
         **counts: int) -> dict:  # fmt: skip
    row = {"building_id": building_id, "race_ethnicity": race, "sex": sex, "iep": iep, "el": el,
           "econ_disadv": econ}  # fmt: skip
    return row | dict.fromkeys(CELL_COUNTS, 0) | {"n_students": n, "n_attendance": n} | counts


@pytest.fixture(scope="module")
def demo_year(demo_store_url):
    with session_scope(demo_store_url) as session:
        year = list_equity_school_years(session)[0]
        rows = get_equity(session, school_year=year, scope=DISTRICT)
        cells = get_cell_counts(session, school_year=year, scope=DISTRICT)
    return year, rows, cells


@pytest.mark.parametrize("year_index", [0, 1, 2])
def test_no_withheld_count_of_the_demo_district_can_be_worked_out(demo_store_url, year_index):
    """Every school year of the demo (three), every indicator."""
    with session_scope(demo_store_url) as session:
        year = list_equity_school_years(session)[year_index]
        rows = get_equity(session, school_year=year, scope=DISTRICT)
        cells = get_cell_counts(session, school_year=year, scope=DISTRICT)
    found = attack(
        rows, enrolment(cells), min_values=RULES.min_cell_size, empty=empty_populations(cells)
    )
    assert not found, "\n".join(map(str, found[:20]))


def test_the_attacker_finds_what_primary_suppression_alone_leaves_open(demo_year, monkeypatch):
    """The layer broken on purpose (complementary suppression switched off): the issue's own example
    comes back, the district's students of sex X with an out-of-school suspension, 251 - 249."""
    _, _, cells = demo_year
    monkeypatch.setattr(disclosure.Count, "settle", lambda self: None)
    rows = publish_equity(cells, RULES)
    found = attack(rows[rows["indicator"] == "oss"], enrolment(cells), min_values=10)
    pinned = {(f.building_id, f.group_type, f.group, f.what): (f.low, f.high) for f in found}
    assert pinned[(DISTRICT_ID, "sex", "X", "events_group")] == (2, 2)
    assert len(found) > 50


def test_the_planted_disproportionality_survives(demo_year):
    """The middle school's out-of-school suspensions of Black students and students with IEPs."""
    _, rows, _ = demo_year
    oss = rows[(rows["indicator"] == "oss") & (rows["building_name"] == "Franklin Middle School")]
    flagged = oss[oss["flag"] == "over"].set_index(["group_type", "group"])["ratio"]
    assert flagged[("race_ethnicity", "BL")] > 2.0
    assert flagged[("iep", "Y")] > 2.0


def test_no_group_size_under_the_n_size_is_published(demo_year):
    _, rows, _ = demo_year
    for column in ("n_group", "n_comparison"):
        shown = rows[column].dropna()
        assert (shown >= RULES.min_n_size).all(), shown[shown < RULES.min_n_size]
    for column in ("events_group", "events_comparison"):
        shown = rows[column].dropna()
        assert (shown >= RULES.min_cell_size).all()


def test_a_principal_sees_the_same_numbers_for_their_building_as_the_district_view(
    demo_store_url, demo_year
):
    """The layer decides over the whole district, whoever asks: two viewers' screens together give
    nothing more than either alone."""
    year, everything, _ = demo_year
    with session_scope(demo_store_url) as session:
        mine = get_equity(session, school_year=year, scope=building_scope({"B09"}))
    assert set(mine["building_id"]) == {DISTRICT_ID, "B09"}
    same = everything[everything["building_id"].isin({DISTRICT_ID, "B09"})].reset_index(drop=True)
    pd.testing.assert_frame_equal(mine.reset_index(drop=True), same)


def hard_district(case: str) -> pd.DataFrame:
    """Small districts built to be hard for the layer."""
    rows = []
    if case == "one tiny group":
        # One Pacific Islander student, suspended, in a building of 366.
        rows += [cell("B1", "HP", "F", n=1, oss=1, chronic_absence=1)]
        rows += [cell("B1", "WH", "F", n=150, oss=12, chronic_absence=20)]
        rows += [cell("B1", "WH", "M", n=120, oss=15, chronic_absence=16, iep=True)]
        rows += [cell("B1", "HI", "M", n=95, oss=11, chronic_absence=9, econ=True)]
        rows += [cell("B2", "WH", "F", n=200, oss=14, chronic_absence=25)]
        rows += [cell("B2", "BL", "M", n=180, oss=30, chronic_absence=22, iep=True)]
    elif case == "a building of 31 students":
        rows += [cell("B1", "WH", "F", n=16, oss=2), cell("B1", "BL", "M", n=15, oss=9)]
        rows += [cell("B2", "WH", "F", n=300, oss=20), cell("B2", "BL", "M", n=250, oss=40)]
        rows += [
            cell("B3", "HI", "F", n=220, oss=18, el=True),
            cell("B3", "WH", "M", n=200, oss=25),
        ]
    elif case == "a group that is the whole building but one":
        rows += [cell("B1", "WH", "F", n=200, oss=30), cell("B1", "WH", "M", n=199, oss=28)]
        rows += [cell("B1", "BL", "M", n=1, oss=1)]
        rows += [cell("B2", "WH", "F", n=150, oss=12), cell("B2", "BL", "F", n=160, oss=35)]
        rows += [cell("B2", "AS", "M", n=90, oss=10, econ=True)]
    elif case == "unmet need among a few below benchmark":
        # Below benchmark's count is unmet need's population: B1's 12 English learners below
        # benchmark, 9 of them with no support; B3, where 30 Asian students are below benchmark and
        # 22 others are (everyone else under the n-size).
        def screening(n_screened, below, unsupported):
            return {"n_screened": n_screened, "below_benchmark": below,
                    "unsupported_need": unsupported}  # fmt: skip

        rows += [cell("B1", "HI", "F", n=40, el=True, **screening(40, 12, 9))]
        rows += [cell("B1", "WH", "M", n=150, **screening(140, 31, 11))]
        rows += [cell("B1", "BL", "F", n=60, econ=True, **screening(58, 35, 14))]
        rows += [cell("B2", "BL", "F", n=120, el=True, **screening(118, 25, 12))]
        rows += [cell("B2", "WH", "F", n=100, **screening(100, 9, 2))]
        rows += [cell("B2", "HI", "M", n=20, el=True, **screening(20, 6, 5))]
        rows += [cell("B3", "WH", "M", n=90, **screening(88, 8, 3))]
        rows += [cell("B3", "AS", "F", n=45, econ=True, **screening(44, 30, 10))]
        rows += [cell("B3", "HI", "F", n=35, el=True, **screening(35, 14, 10))]
    return pd.DataFrame(rows)


@pytest.mark.parametrize(
    "case",
    [
        "one tiny group",
        "a building of 31 students",
        "a group that is the whole building but one",
        "unmet need among a few below benchmark",
    ],
)
def test_no_withheld_count_of_a_hard_district_can_be_worked_out(case):
    cells = hard_district(case)
    rows = publish_equity(cells, RULES)
    found = attack(rows, enrolment(cells), min_values=RULES.min_cell_size)
    assert not found, "\n".join(map(str, found[:20]))
    # And the layer was needed: without complementary suppression the attacker succeeds.
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(disclosure.Count, "settle", lambda self: None)
        naive = publish_equity(cells, RULES)
    assert attack(naive, enrolment(cells), min_values=RULES.min_cell_size)


def test_unmet_need_publishes_no_size_its_below_benchmark_count_withholds():
    """Unmet need's group sizes are below benchmark's counts: each one published is published
    there too (the same number), and none is published where that count is withheld."""
    rows = publish_equity(hard_district("unmet need among a few below benchmark"), RULES)
    keys = ["building_id", "group_type", "group"]
    below = rows[rows["indicator"] == "below_benchmark"].set_index(keys)
    need = rows[rows["indicator"] == "unsupported_need"].set_index(keys)
    for side in ("group", "comparison"):
        sizes = need[f"n_{side}"].dropna()
        assert len(sizes) >= 5
        counts = below.loc[sizes.index, f"events_{side}"].astype(float)
        assert counts.tolist() == sizes.astype(float).tolist()
    # B1's Black students: 35 below benchmark, published there and here (14 with no support);
    # B1's White students: 31 below benchmark, but their unmet need is withheld.
    assert below.loc[("B1", "race_ethnicity", "BL"), "events_group"] == 35
    assert need.loc[("B1", "race_ethnicity", "BL"), ["n_group", "events_group"]].tolist() == [
        35,
        14,
    ]
    # Where the below-benchmark count is withheld, unmet need's size says only "withheld", never
    # which side of the n-size it is on.
    hidden = below["events_group"].isna()
    assert set(need.loc[hidden[hidden].index, "withheld_group"]) == {"count_withheld"}


def test_the_one_tiny_groups_student_cannot_be_found_in_any_published_number():
    """The issue's Garfield example: one Pacific Islander student; 'everyone else in the building'
    is not published beside a withheld group, so 46 - 45 cannot be done."""
    rows = publish_equity(hard_district("one tiny group"), RULES)
    pacific = rows[(rows["building_id"] == "B1") & (rows["group"] == "HP")]
    assert (
        pacific[["n_group", "events_group", "n_comparison", "events_comparison"]].isna().all().all()
    )
    everyone = pacific[pacific["indicator"] != "unsupported_need"]
    assert set(everyone["withheld_group"]) == {"too_few_students"}
    # Unmet need's sizes are below benchmark's counts: withheld with them, saying only "withheld".
    need = pacific[pacific["indicator"] == "unsupported_need"]
    assert set(need["withheld_group"]) == {"count_withheld"}


def test_a_principals_building_page_counts_only_the_published_flags(monkeypatch, demo_store_url):
    """Franklin Middle School has 15 flags in the arithmetic and 11 published (students with IEPs
    below benchmark among them); its principal's Building page shows the published 11 (the other
    4 would give a small group away)."""
    from tests.test_roles_pages import open_as

    app = open_as(monkeypatch, demo_store_url, "principal", ["B09"], "building")
    assert not app.exception, [e.value for e in app.exception]
    with session_scope(demo_store_url) as session:
        year = list_equity_school_years(session)[0]
        rows = get_equity(session, school_year=year, scope=building_scope({"B09"}))
    published = int(rows[(rows["building_id"] == "B09") & rows["flag"].notna()].shape[0])
    metric = next(m for m in app.metric if m.label.startswith("Equity concerns"))
    assert metric.value == str(published) == "11"


def test_a_student_of_unknown_race_cannot_be_found_as_the_total_minus_every_race_group():
    """A OneRoster student imported with race unknown (the cell '') counts in the building's total
    and in no race group. With every race group large enough to publish, the total minus the
    groups would give their suspension away: the layer withholds a race group's count too."""
    rows = []
    for building in ("B1", "B2"):
        for k, race in enumerate(("HI", "AM", "AS", "HP", "BL", "WH", "TR")):
            rows += [cell(building, race, "F", n=60 + k, oss=12 + k)]
            rows += [cell(building, race, "M", n=55 + k, oss=11 + k)]
    rows += [cell("B1", "", "F", n=1, oss=1)]  # the unknown student, suspended
    published = publish_equity(pd.DataFrame(rows), RULES)
    race = published[
        (published["building_id"] == "B1")
        & (published["indicator"] == "oss")
        & (published["group_type"] == "race_ethnicity")
    ]
    assert len(race) == 7
    # The building's total is public (its enrolment), and one race group's count is withheld: the
    # total minus the shown groups is that group plus the unknown student, not the student alone.
    assert race["events_group"].isna().sum() >= 1
    # Their size too: 1 student of unknown race is a group under the n-size, so the total minus
    # the race groups' sizes must not give it; one race group's size is withheld with it.
    assert race["n_group"].isna().sum() == 1
    assert set(race["withheld_group"].dropna()) == {"protects_another"}


def test_buildings_with_no_student_of_a_group_beside_one_large_group_elsewhere():
    """Found while extending the attacker to below benchmark. B2's and B3's large groups are
    withheld, their enrolments are published, and so are those groups' district totals: the two
    rows' sum minus the two columns' sum pins every small race group of both buildings at 0, and
    with them B3's withheld count of Asian students referred (30). Interval checks, one row or
    column at a time, missed it; the layer's exact audit (suppression_audit.py) solves them all
    at once, as the attacker does. Failed before that audit."""
    rows = []
    for building, race, sex, n, events, flags in (
        ("B1", "HI", "F", 40, 12, {"el": True}),
        ("B1", "WH", "M", 140, 31, {}),
        ("B1", "BL", "F", 58, 35, {"econ": True}),
        ("B2", "BL", "F", 118, 25, {"el": True}),
        ("B2", "WH", "F", 100, 9, {}),
        ("B3", "WH", "M", 88, 8, {}),
        ("B3", "AS", "F", 44, 30, {"econ": True}),
    ):
        rows += [cell(building, race, sex, n=n, odr=events, **flags)]
    cells = pd.DataFrame(rows)
    published = publish_equity(cells, RULES)
    found = attack(published[published["indicator"] == "odr"], enrolment(cells), min_values=10)
    assert not found, "\n".join(map(str, found[:5]))
