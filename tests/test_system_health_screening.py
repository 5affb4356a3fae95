"""Screening by measure and the movement between risk levels fall to spring: hand counts on small
districts, what is published, and an attacker who takes everything published for a building and
school year and tries to pin a withheld count."""

from __future__ import annotations

import math

import pandas as pd
import pytest

from data_access.db import session_scope
from data_access.models import Screening
from data_access.system_health.queries import get_published_rows
from data_access.system_health.screening import (
    LEVELS,
    get_measure_counts,
    get_movement_counts,
    get_published_screening,
    publish_movement,
)
from tests.test_system_health import YEAR, _hand_district
from tests.utils.attacker import _Programme
from tests.utils.factories import add_building, add_students
from tests.utils.system_health import Block, build

MIN_VALUES = 10


def _screen(session, student, window, measure, at, risk=None):
    session.add(Screening(student_id=student, school_year=YEAR, window=window, measure=measure,
                          at_benchmark=at, risk_level=risk))  # fmt: skip


def test_measure_counts_match_a_hand_count(store_url):
    """a0 is screened on reading (at benchmark) and math (below) in fall: counted under each
    measure, at benchmark on reading only; the window counts a0 once, below."""
    _hand_district(store_url)
    with session_scope(store_url) as session:
        counts = get_measure_counts(session, school_year=YEAR)
    got = {
        (r.building_id, r.window, r.measure): (r.screened, r.at_benchmark)
        for r in counts.itertuples()
    }
    assert got == {
        ("A", "fall", "reading"): (4, 2),  # a0 a1 a2 a3; at: a0, a2
        ("A", "fall", "math"): (1, 0),  # a0
        ("A", "winter", "reading"): (1, 1),  # a2
        ("A", "spring", "reading"): (2, 1),  # a1 a2; at: a1
        ("B", "winter", "reading"): (2, 1),  # b0 b1; at: b1
    }


def test_movement_counts_match_a_hand_count(store_url):
    """Only students with a risk level on the same measure in both fall and spring move: a2's
    winter level, a3's missing spring and b0's math-only spring are not movement."""
    with session_scope(store_url) as session:
        add_building(session, "A")
        add_building(session, "B")
        a0, a1, a2, a3 = add_students(session, "A", YEAR, 4)
        (b0,) = add_students(session, "B", YEAR, 1)
        _screen(session, a0, "fall", "reading", False, "high")
        _screen(session, a0, "spring", "reading", False, "some")
        _screen(session, a0, "fall", "math", True, "low")
        _screen(session, a0, "spring", "math", True, "low")
        _screen(session, a1, "fall", "reading", False, "high")
        _screen(session, a1, "spring", "reading", True, "low")
        _screen(session, a2, "fall", "reading", False, "high")
        _screen(session, a2, "winter", "reading", False, "high")
        _screen(session, a2, "spring", "reading", False, None)  # no level given
        _screen(session, a3, "fall", "reading", False, "some")
        _screen(session, b0, "fall", "reading", False, "some")
        _screen(session, b0, "spring", "math", False, "high")
        session.flush()
        counts = get_movement_counts(session, school_year=YEAR)
    got = {(r.building_id, r.measure, r.fall, r.spring): r.students for r in counts.itertuples()}
    assert got == {
        ("A", "reading", "high", "some"): 1,  # a0
        ("A", "reading", "high", "low"): 1,  # a1
        ("A", "math", "low", "low"): 1,  # a0
    }


def _two_measures(session):
    """Block A screened on reading (fall 100: 80 at, spring 100: 70 at) and, in fall, on math
    too: students 0..59 at benchmark on math, 60..99 below. B on reading only."""
    blocks = {
        "A": Block(students=100, windows={"fall": (100, 80), "spring": (100, 70)}, two_five=10),
        "B": Block(students=50, windows={"fall": (50, 30), "spring": (50, 35)}, two_five=10),
        "C": Block(students=60, windows={"fall": (60, 40), "spring": (60, 45)}, two_five=10),
    }
    build(session, YEAR, blocks)
    for i in range(100):
        _screen(session, f"SA-{2025000 + i:05d}", "fall", "math", i < 60)
    session.flush()


def test_by_measure_rows_keep_reading_and_math_apart(sqlite_url):
    with session_scope(sqlite_url) as session:
        _two_measures(session)
        published = get_published_screening(session, school_year=YEAR)["measures"]
        health = get_published_rows(session, school_years=(YEAR,)).set_index("building_id")
    rows = published.set_index(["building_id", "window", "measure"])
    # A in fall: reading 80 of 100 (80.0%), math 60 of 100 (60.0%); the window counts a student
    # at benchmark on both: students 0..59, 60.0%.
    assert rows.loc[("A", "fall", "reading"), "pct_at_benchmark"] == 80.0
    assert rows.loc[("A", "fall", "math"), "pct_at_benchmark"] == 60.0
    assert rows.loc[("A", "fall", "math"), "screened"] == 100
    assert health.loc["A", "pct_at_benchmark_fall"] == 60.0
    # B screened on reading only: its figures are the window's.
    assert rows.loc[("B", "spring", "reading"), "pct_at_benchmark"] == 70.0  # 35 of 50
    assert health.loc["B", "pct_at_benchmark_spring"] == 70.0
    # The district: reading in fall 80 + 30 + 40 = 150 of 210 (71.4%); math A's alone.
    assert rows.loc[("DISTRICT", "fall", "reading"), "pct_at_benchmark"] == 71.4
    assert rows.loc[("DISTRICT", "fall", "math"), "pct_at_benchmark"] == 60.0
    # Nobody in B screened on math, and B's fall figures are published: no row (no secret).
    assert ("B", "fall", "math") not in rows.index


def test_a_window_withheld_in_system_health_is_withheld_by_measure(sqlite_url):
    """C's spring below benchmark is 5 of 60: the window's at benchmark is withheld, and so is its
    only measure's (the same number)."""
    blocks = {
        "A": Block(students=100, windows={"spring": (100, 70)}, two_five=10),
        "B": Block(students=50, windows={"spring": (50, 35)}, two_five=10),
        "C": Block(students=60, windows={"spring": (60, 55)}, two_five=10),
    }
    with session_scope(sqlite_url) as session:
        build(session, YEAR, blocks)
        published = get_published_screening(session, school_year=YEAR)["measures"]
        health = get_published_rows(session, school_years=(YEAR,)).set_index("building_id")
    rows = published.set_index(["building_id", "window", "measure"])
    assert pd.isna(health.loc["C", "pct_at_benchmark_spring"])
    assert pd.isna(rows.loc[("C", "spring", "reading"), "at_benchmark"])
    for building in ("A", "B", "C", "DISTRICT"):
        shown = rows.loc[(building, "spring", "reading"), "pct_at_benchmark"]
        window = health.loc[building, "pct_at_benchmark_spring"]
        assert (pd.isna(shown) and pd.isna(window)) or shown == window


# --- movement between risk levels ---------------------------------------------------------------

# Per building: (fall level, spring level) -> students. A has small cells and zeros (nobody at low
# risk in fall was at high risk in spring); C is small all over.
MOVEMENT = {
    "A": {("high", "high"): 12, ("high", "some"): 8, ("high", "low"): 3, ("some", "some"): 20,
          ("some", "low"): 15, ("low", "low"): 60, ("low", "some"): 2},
    "B": {("high", "high"): 30, ("high", "some"): 5, ("high", "low"): 1, ("some", "some"): 10,
          ("some", "low"): 12, ("low", "low"): 40, ("some", "high"): 4},
    "C": {("high", "high"): 4, ("some", "low"): 6, ("low", "low"): 25, ("high", "low"): 11},
}  # fmt: skip


def _movement_district(session, movement=MOVEMENT):
    """Students screened on reading in fall and spring with the risk levels of `movement`; at
    benchmark exactly when at low risk (the usual screener rule, which the attacker knows)."""
    for building, cells in movement.items():
        add_building(session, building)
        ids = iter(add_students(session, building, YEAR, sum(cells.values()) + 5))
        for (fall, spring), n in cells.items():
            for _ in range(n):
                student = next(ids)
                _screen(session, student, "fall", "reading", fall == "low", fall)
                _screen(session, student, "spring", "reading", spring == "low", spring)
    session.flush()


def test_movement_is_published_with_its_totals(sqlite_url):
    with session_scope(sqlite_url) as session:
        _movement_district(session)
        movement = get_published_screening(session, school_year=YEAR)["movement"]
    cells = movement.set_index(["building_id", "fall", "spring"])["students"]
    # Grand totals: A 120, B 102, C 46, the district 268; A's 60 at low risk in fall and spring.
    assert cells[("A", "all", "all")] == 120
    assert cells[("B", "all", "all")] == 102
    assert cells[("C", "all", "all")] == 46
    assert cells[("DISTRICT", "all", "all")] == 268
    # A's 62 at low risk in fall are its 62 at benchmark in fall, published by measure: published.
    assert cells[("A", "low", "all")] == 62
    # Every count below 10 (zeros included) is withheld.
    truth = {
        (b, f, s): MOVEMENT[b].get((f, s), 0) for b in MOVEMENT for f in LEVELS for s in LEVELS
    }
    for key, value in truth.items():
        if value < MIN_VALUES:
            assert pd.isna(cells[key]), key
        elif pd.notna(cells[key]):
            assert cells[key] == value, key


def attack_movement(movement: pd.DataFrame, measures: pd.DataFrame, enrolled: dict) -> list[str]:
    """Everything published for the school year: each building's and the district's movement
    cells with their fall totals, spring totals and grand total; the by-measure rows (students
    screened and at benchmark per window and measure). How they fit together: cells add up to their
    totals both ways, the buildings to the district; nobody moves unless screened in fall and in
    spring on the measure (grand total <= screened in each); and, worst case, the attacker knows
    low risk means at benchmark: fall (spring) low <= at benchmark in fall (spring), some + high
    <= below. Returns each withheld count pinned to fewer than MIN_VALUES whole numbers."""
    lp = _Programme()
    rows = sorted(set(movement["building_id"]) - {"DISTRICT"}) + ["DISTRICT"]
    measure_names = sorted(set(movement["measure"]))
    withheld = []
    published = movement.set_index(["building_id", "measure", "fall", "spring"])["students"]
    by_measure = measures.set_index(["building_id", "window", "measure"])
    keys = [(f, s) for f in (*LEVELS, "all") for s in (*LEVELS, "all")]
    for m in measure_names:
        for b in rows:

            def v(f, s, b=b, m=m):
                return lp.var("move", b, m, f, s)

            for f in LEVELS:
                lp.equal({v(f, s): 1 for s in LEVELS} | {v(f, "all"): -1}, 0)
            for s in (*LEVELS, "all"):
                lp.equal({v(f, s): 1 for f in LEVELS} | {v("all", s): -1}, 0)
            lp.bound(v("all", "all"), high=enrolled[b])
            for key in keys:
                value = published.get((b, m, *key), 0)  # no rows for a building: nobody moved
                if pd.isna(value):
                    withheld.append((f"{b} {m} {key[0]}->{key[1]}", v(*key)))
                else:
                    lp.bound(v(*key), float(value), float(value))
            for window, level in (
                ("fall", lambda x: v(x, "all")),
                ("spring", lambda x: v("all", x)),
            ):
                screened, at = lp.var("screened", b, m, window), lp.var("at", b, m, window)
                lp.bound(screened, high=enrolled[b])
                lp.at_most({at: 1, screened: -1}, 0)
                lp.at_most({v("all", "all"): 1, screened: -1}, 0)
                lp.at_most({level("low"): 1, at: -1}, 0)
                lp.at_most({level("some"): 1, level("high"): 1, screened: -1, at: 1}, 0)
                if (b, window, m) in by_measure.index:
                    row = by_measure.loc[(b, window, m)]
                    if pd.notna(row["screened"]):
                        lp.bound(screened, float(row["screened"]), float(row["screened"]))
                    if pd.notna(row["at_benchmark"]):
                        lp.bound(at, float(row["at_benchmark"]), float(row["at_benchmark"]))
                else:
                    lp.bound(screened, 0, 0)
        for key in [*keys, ("screened", "fall"), ("screened", "spring"), ("at", "fall"),
                    ("at", "spring")]:  # fmt: skip
            if key[0] in ("screened", "at"):
                terms = {lp.var(key[0], b, m, key[1]): 1 for b in rows[:-1]}
                terms[lp.var(key[0], "DISTRICT", m, key[1])] = -1
            else:
                terms = {lp.var("move", b, m, *key): 1 for b in rows[:-1]}
                terms[lp.var("move", "DISTRICT", m, *key)] = -1
            lp.equal(terms, 0)
    solver = lp.solver()
    found = []
    for label, var in withheld:
        low, high = lp.range_of({var: 1}, solver)
        if math.isinf(high):
            continue
        low, high = math.ceil(low - 1e-6), math.floor(high + 1e-6)
        if high - low + 1 < MIN_VALUES:
            found.append(f"{label}: between {low} and {high}")
    return found


def _attack_store(url, movement=MOVEMENT):
    with session_scope(url) as session:
        _movement_district(session, movement)
        published = get_published_screening(session, school_year=YEAR)
        health = get_published_rows(session, school_years=(YEAR,))
    enrolled = dict(zip(health["building_id"], health["enrolled"].astype(float), strict=True))
    return published, enrolled


# The same, with a fourth building and a second measure where nearly everyone stays put.
MORE = {
    **MOVEMENT,
    "D": {("high", "high"): 9, ("high", "some"): 14, ("some", "some"): 9, ("some", "low"): 30,
          ("low", "low"): 70, ("low", "high"): 1},
}  # fmt: skip


def test_a_large_building_keeps_its_large_movement_counts(sqlite_url):
    """D (MORE) is large: its 30 from some to low risk and its fall totals are published. Its 14
    from high to some risk is withheld to protect others: with it published, the layer's exact
    audit (every equation at once) pinned C's 6 and B's 12 to 8 possible values each, which
    checks of one row or column at a time had missed."""
    with session_scope(sqlite_url) as session:
        _movement_district(session, MORE)
        movement = get_published_screening(session, school_year=YEAR)["movement"]
    cells = movement.set_index(["building_id", "fall", "spring"])["students"]
    assert cells[("D", "some", "low")] == 30
    assert cells[("D", "all", "all")] == 133
    assert [cells[("D", level, "all")] for level in ("low", "some", "high")] == [71, 39, 23]
    assert pd.isna(cells[("D", "high", "some")])  # 14, withheld to protect another
    assert pd.isna(cells[("D", "low", "high")])  # 1 student


@pytest.mark.parametrize("movement", [MOVEMENT, MORE], ids=["three", "four"])
def test_no_withheld_movement_count_can_be_worked_out(sqlite_url, movement):
    published, enrolled = _attack_store(sqlite_url, movement)
    assert published["movement"]["students"].isna().any()  # the attack has work to do
    found = attack_movement(published["movement"], published["measures"], enrolled)
    assert not found, "\n".join(found)


def test_the_movement_attacker_finds_what_primary_suppression_alone_leaves_open(sqlite_url):
    """Only the counts below 10 withheld: A's 3 students from high to low come back as A's 23 at
    high risk in fall minus its published 12 and 8."""
    published, enrolled = _attack_store(sqlite_url)
    movement = published["movement"].copy()
    true = [_true_total(row) for _, row in movement.iterrows()]
    movement["students"] = pd.array([None if n < MIN_VALUES else n for n in true], dtype="Int64")
    found = attack_movement(movement, published["measures"], enrolled)
    assert "A reading high->low: between 3 and 3" in found


def _true_total(row) -> int:
    if row["building_id"] == "DISTRICT":
        cells = {}
        for building in MOVEMENT.values():
            for key, n in building.items():
                cells[key] = cells.get(key, 0) + n
    else:
        cells = MOVEMENT[row["building_id"]]
    return sum(
        n
        for (f, s), n in cells.items()
        if row["fall"] in ("all", f) and row["spring"] in ("all", s)
    )


def test_publish_movement_of_nobody_is_empty():
    empty = pd.DataFrame(columns=["building_id", "measure", "fall", "spring", "students"])
    assert publish_movement(empty, ["A", "DISTRICT"], 10).empty


def attack_measures(measures: pd.DataFrame, health: pd.DataFrame) -> list[str]:
    """The by-measure rows with the system_health window figures of the same year: per window,
    students screened (`screened_W`) and at benchmark (`pct_at_benchmark_W` x screened); per
    measure, screened and at benchmark. How they fit together: a measure's screened are among the
    window's; a student at benchmark in the window is at benchmark on every measure screened; below
    in the window is at least below on any measure and at most below on them all together; a
    building listing one measure in a window has the window's figures; buildings add up to the
    district."""
    from tests.test_system_health_privacy import _from_percent

    lp = _Programme()
    rows = sorted(set(health["building_id"]) - {"DISTRICT"}) + ["DISTRICT"]
    listed = measures.set_index(["building_id", "window", "measure"])
    names = sorted(set(measures["measure"]))
    window_rows = health.set_index("building_id")
    withheld = []
    for window in ("fall", "winter", "spring"):
        for r in rows:
            s, a = lp.var(r, window, "S"), lp.var(r, window, "A")
            lp.bound(s, high=float(window_rows.loc[r, "enrolled"]))
            lp.at_most({a: 1, s: -1}, 0)
            screened = window_rows.loc[r, f"screened_{window}"]
            pct = window_rows.loc[r, f"pct_at_benchmark_{window}"]
            if pd.notna(screened):
                lp.bound(s, float(screened), float(screened))
            if pd.notna(pct) and pd.notna(screened):
                lp.bound(a, *_from_percent(float(pct), float(screened)))
            mine = [m for m in names if (r, window, m) in listed.index]
            below_sum = {s: 1, a: -1}
            for m in names:
                sm, am = lp.var(r, window, m, "S"), lp.var(r, window, m, "A")
                if m not in mine:
                    lp.bound(sm, 0, 0)
                    lp.bound(am, 0, 0)
                    continue
                lp.at_most({am: 1, sm: -1}, 0)
                lp.at_most({sm: 1, s: -1}, 0)
                lp.at_most({a: 1, am: -1, s: -1, sm: 1}, 0)
                lp.at_most({sm: 1, am: -1, s: -1, a: 1}, 0)
                below_sum[sm] = below_sum.get(sm, 0) - 1
                below_sum[am] = below_sum.get(am, 0) + 1
                row = listed.loc[(r, window, m)]
                for name, variable in (("screened", sm), ("at_benchmark", am)):
                    if pd.isna(row[name]):
                        withheld.append((f"{r} {window} {m} {name}", variable))
                    else:
                        lp.bound(variable, float(row[name]), float(row[name]))
            if mine:
                lp.at_most(below_sum, 0)
            if len(mine) == 1:
                sm, am = lp.var(r, window, mine[0], "S"), lp.var(r, window, mine[0], "A")
                lp.equal({sm: 1, s: -1}, 0)
                lp.equal({am: 1, a: -1}, 0)
        for key in [("S",), ("A",), *((m, k) for m in names for k in ("S", "A"))]:
            terms = {lp.var(b, window, *key): 1 for b in rows[:-1]}
            lp.equal(terms | {lp.var("DISTRICT", window, *key): -1}, 0)
    solver = lp.solver()
    found = []
    for label, variable in withheld:
        low, high = lp.range_of({variable: 1}, solver)
        if math.isinf(high):
            continue
        low, high = math.ceil(low - 1e-6), math.floor(high + 1e-6)
        if high - low + 1 < MIN_VALUES:
            found.append(f"{label}: between {low} and {high}")
    return found


def _measure_blocks(session):
    """A screened on reading and math in fall (math: 9 below), B and C on reading only, C with a
    spring of 5 below (withheld in system_health)."""
    blocks = {
        "A": Block(students=100, windows={"fall": (100, 80), "spring": (100, 70)}, two_five=10),
        "B": Block(students=50, windows={"fall": (50, 30), "spring": (50, 35)}, two_five=10),
        "C": Block(students=60, windows={"fall": (60, 40), "spring": (60, 55)}, two_five=10),
    }
    build(session, YEAR, blocks)
    for i in range(100):
        _screen(session, f"SA-{2025000 + i:05d}", "fall", "math", i < 91)
    session.flush()


def test_no_withheld_by_measure_count_can_be_worked_out(sqlite_url):
    with session_scope(sqlite_url) as session:
        _measure_blocks(session)
        measures = get_published_screening(session, school_year=YEAR)["measures"]
        health = get_published_rows(session, school_years=(YEAR,))
    assert measures["at_benchmark"].isna().any()
    found = attack_measures(measures, health)
    assert not found, "\n".join(found)


def test_no_withheld_screening_count_of_the_demo_district_can_be_worked_out(demo_store_url):
    """The small demo's newest year: its by-measure rows, and its movement between risk levels
    with them."""
    with session_scope(demo_store_url) as session:
        health = get_published_rows(session, school_years=None)
        year = max(health["school_year"])
        published = get_published_screening(session, school_year=year)
    health = health[health["school_year"] == year]
    enrolled = dict(zip(health["building_id"], health["enrolled"].astype(float), strict=True))
    found = attack_measures(published["measures"], health)
    found += attack_movement(published["movement"], published["measures"], enrolled)
    assert not found, "\n".join(found)
