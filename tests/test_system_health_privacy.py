"""No withheld system-health count can be worked out from the `system_health` export.

The attacker takes every number the export publishes for a school year (the page shows the same
ones), writes down how they fit together and solves for each withheld count's smallest and largest
value (a linear programme, tests/utils/attacker.py's solver):

- Tier 1 only + Tier 2 + Tier 3 = enrolled, and `pct_tier1_only` x enrolled is Tier 1 only;
- students with 0-1 + 2-5 + 6 or more incidents = enrolled;
- per window: at benchmark (`pct_at_benchmark_W` x screened) <= screened <= enrolled;
- below benchmark <= students screened that year <= enrolled, screened in a window <= screened that
  year; everyone screened in spring has spring as their latest window, so below benchmark lies
  between spring's below and spring's below plus those screened that year but not in spring;
- below with no support <= below; goal met <= supports ended;
- every building adds up to the district, in every count.

A withheld count it pins to fewer than the minimum cell size (10) of whole numbers is a disclosure.
It runs once against the layer switched off, to show it finds what primary suppression leaves open.
"""

from __future__ import annotations

import math

import pandas as pd
import pytest

from data_access import suppression
from data_access.db import session_scope
from data_access.export_format import ExportOptions
from data_access.scope import DISTRICT
from data_access.system_health.export import build_system_health_export
from tests.utils.attacker import _Programme
from tests.utils.system_health import Block, build

YEAR = "2025-26"
WINDOWS = ("fall", "winter", "spring")
MIN_VALUES = 10

# Hard on purpose: small Tier 3 and 6+ groups, a spring below of 5, few students with no support,
# supports ended in twos and threes, a building nobody screened in winter.
HARD = {
    "A": Block(
        students=60,
        windows={"fall": (60, 55), "winter": (60, 50), "spring": (60, 50)},
        with_support=14,
        no_support=3,
        tier3=4,
        ended=12,
        goal_met=3,
        six_plus=2,
        two_five=11,
    ),  # fmt: skip
    "B": Block(
        students=45,
        windows={"fall": (45, 40), "winter": (30, 25), "spring": (45, 40)},
        with_support=16,
        no_support=2,
        tier3=12,
        ended=10,
        goal_met=9,
        six_plus=11,
        two_five=12,
    ),  # fmt: skip
    "C": Block(
        students=35,
        windows={"fall": (35, 30), "spring": (35, 20)},
        with_support=15,
        no_support=10,
        tier3=0,
        ended=5,
        goal_met=5,
        six_plus=0,
        two_five=3,
    ),  # fmt: skip
}
EASY = {
    "A": Block(
        students=100,
        windows={"fall": (100, 80), "spring": (100, 70)},
        with_support=30,
        no_support=12,
        tier3=10,
        ended=12,
        goal_met=6,
        six_plus=3,
        two_five=12,
    ),  # fmt: skip
    "B": Block(
        students=50,
        windows={"fall": (50, 30), "spring": (50, 35)},
        with_support=20,
        no_support=5,
        tier3=10,
        ended=4,
        goal_met=2,
        two_five=10,
    ),  # fmt: skip
}


def _number(text) -> float | None:
    return None if text == "" or text is None or pd.isna(text) else float(text)


def _from_percent(pct: float, n: float) -> tuple[float, float]:
    """What a percent to 1 decimal of n says of its count: the whole numbers it rounds from."""
    low, high = (pct - 0.05) * n / 100, (pct + 0.05) * n / 100
    return math.ceil(low - 1e-9), math.floor(high + 1e-9)


def attack(rows: pd.DataFrame) -> list[str]:
    """Every withheld count of one school year's export rows pinned to fewer than MIN_VALUES."""
    lp = _Programme()
    rows = rows.set_index("building_id")
    every_row = list(rows.index)
    buildings = [b for b in every_row if b != "DISTRICT"]
    names = ["t1", "t2", "t3", "s01", "s25", "s6", "any", "below", "nosup", "ended", "goal"]
    names += [f"{kind}_{w}" for w in WINDOWS for kind in ("screened", "at")]

    def v(row, name):
        return lp.var(row, name)

    published = {
        "t2": "tier2_students",
        "t3": "tier3_students",
        "s01": "students_0_1_incidents",
        "s25": "students_2_5_incidents",
        "s6": "students_6_plus_incidents",
        "below": "below_benchmark",
        "nosup": "below_benchmark_no_support",
        "ended": "supports_ended",
        "goal": "supports_goal_met",
        **{f"screened_{w}": f"screened_{w}" for w in WINDOWS},
    }
    withheld = []
    for r in every_row:
        row = rows.loc[r]
        enrolled = float(row["enrolled"])
        lp.equal({v(r, "t1"): 1, v(r, "t2"): 1, v(r, "t3"): 1}, enrolled)
        lp.equal({v(r, "s01"): 1, v(r, "s25"): 1, v(r, "s6"): 1}, enrolled)
        lp.bound(v(r, "any"), high=enrolled)
        lp.at_most({v(r, "below"): 1, v(r, "any"): -1}, 0)
        for w in WINDOWS:
            lp.at_most({v(r, f"at_{w}"): 1, v(r, f"screened_{w}"): -1}, 0)
            lp.at_most({v(r, f"screened_{w}"): 1, v(r, "any"): -1}, 0)
        # below >= spring's below; below <= spring's below + (screened that year - spring's)
        lp.at_most({v(r, "screened_spring"): 1, v(r, "at_spring"): -1, v(r, "below"): -1}, 0)
        lp.at_most({v(r, "below"): 1, v(r, "any"): -1, v(r, "at_spring"): 1}, 0)
        lp.at_most({v(r, "nosup"): 1, v(r, "below"): -1}, 0)
        lp.at_most({v(r, "goal"): 1, v(r, "ended"): -1}, 0)
        for name, column in published.items():
            value = _number(row[column])
            if value is None:
                withheld.append((r, name))
            else:
                lp.bound(v(r, name), value, value)
        t1 = _number(row["pct_tier1_only"])
        if t1 is None:
            withheld.append((r, "t1"))
        else:
            lp.bound(v(r, "t1"), *_from_percent(t1, enrolled))
        for w in WINDOWS:
            pct, screened = _number(row[f"pct_at_benchmark_{w}"]), _number(row[f"screened_{w}"])
            if pct is None:
                withheld.append((r, f"at_{w}"))
            else:
                lp.bound(v(r, f"at_{w}"), *_from_percent(pct, screened))
    for name in names:
        lp.equal({v(b, name): 1 for b in buildings} | {v("DISTRICT", name): -1}, 0)
    solver = lp.solver()
    found = []
    for r, name in withheld:
        low, high = lp.range_of({v(r, name): 1}, solver)
        if math.isinf(high):
            continue
        low, high = math.ceil(low - 1e-6), math.floor(high + 1e-6)
        if high - low + 1 < MIN_VALUES:
            found.append(f"{r} {name}: between {low} and {high}")
    return found


def _published(url, blocks) -> pd.DataFrame:
    with session_scope(url) as session:
        build(session, YEAR, blocks)
        return build_system_health_export(session, ExportOptions(scope=DISTRICT, school_year=YEAR))


@pytest.mark.parametrize("blocks", [HARD, EASY], ids=["hard", "easy"])
def test_no_withheld_count_can_be_worked_out(sqlite_url, blocks):
    rows = _published(sqlite_url, blocks)
    assert (rows == "").any().any()  # something is withheld: the attack has work to do
    found = attack(rows)
    assert not found, "\n".join(found)


def test_the_attacker_finds_what_primary_suppression_alone_leaves_open(sqlite_url, monkeypatch):
    """The layer broken on purpose: only counts below 10 withheld. Building A's 4 Tier 3 students
    come back as the district's 16 minus B's 12 and C's 0... C's 0 is withheld too, but A's
    Tier 1 only and Tier 2 are published, so enrolled minus them gives A's Tier 3 outright."""
    monkeypatch.setattr(suppression.Count, "settle", lambda self: None)
    rows = _published(sqlite_url, HARD)
    found = attack(rows)
    assert "A t3: between 4 and 4" in found
    assert len(found) > 5


def attack_interventions(published: pd.DataFrame, health: pd.DataFrame) -> list[str]:
    """The interventions table with the export's rows: per building and intervention, supports,
    ended and goal met (ended <= supports, goal met <= ended), an intervention a building does not
    list has none, a building's ended and goal met add up to the export's supports_ended and
    supports_goal_met when published, buildings add up to the district."""
    lp = _Programme()
    pairs = sorted(set(published["intervention"]))
    every_row = sorted(set(health["building_id"]) - {"DISTRICT"}) + ["DISTRICT"]
    listed = {(r.building_id, r.intervention): r for r in published.itertuples()}
    withheld = []
    for b in every_row:
        for p in pairs:
            s, e, g = lp.var(b, p, "s"), lp.var(b, p, "e"), lp.var(b, p, "g")
            lp.at_most({e: 1, s: -1}, 0)
            lp.at_most({g: 1, e: -1}, 0)
            row = listed.get((b, p))
            for name, var, value in (("supports", s, getattr(row, "supports", 0)),
                                     ("ended", e, getattr(row, "ended", 0)),
                                     ("goal_met", g, getattr(row, "goal_met", 0))):  # fmt: skip
                if pd.isna(value):
                    withheld.append((f"{b} {p} {name}", var))
                else:
                    lp.bound(var, float(value), float(value))
        export = health.set_index("building_id").loc[b]
        for name, column in (("e", "supports_ended"), ("g", "supports_goal_met")):
            if pd.notna(export[column]):
                lp.equal({lp.var(b, p, name): 1 for p in pairs}, float(export[column]))
    for p in pairs:
        for name in ("s", "e", "g"):
            terms = {lp.var(b, p, name): 1 for b in every_row[:-1]}
            lp.equal(terms | {lp.var("DISTRICT", p, name): -1}, 0)
    solver = lp.solver()
    found = []
    for label, var in withheld:
        low, high = lp.range_of({var: 1}, solver)
        if not math.isinf(high):
            low, high = math.ceil(low - 1e-6), math.floor(high + 1e-6)
            if high - low + 1 < MIN_VALUES:
                found.append(f"{label}: between {low} and {high}")
    return found


# Supports ended published for A (20: 12 goal met) and the district, so the interventions' outcomes
# are tied to them; B's few ended are withheld.
ENDED = {
    "A": Block(students=80, with_support=40, tier3=10, ended=20, goal_met=12, two_five=10),
    "B": Block(students=60, with_support=30, tier3=10, ended=24, goal_met=3, two_five=10),
    "C": Block(students=50, with_support=20, tier3=10, ended=6, goal_met=6, two_five=10),
}


@pytest.mark.parametrize("blocks", [HARD, EASY, ENDED], ids=["hard", "easy", "ended"])
def test_no_withheld_intervention_count_can_be_worked_out(sqlite_url, blocks):
    from data_access.system_health.queries import get_interventions, get_system_health

    with session_scope(sqlite_url) as session:
        build(session, YEAR, blocks)
        published = get_interventions(session, school_year=YEAR)
        health = get_system_health(session, scope=DISTRICT, school_years=[YEAR])
    found = attack_interventions(published, health)
    assert not found, "\n".join(found)
    assert published[["ended", "goal_met"]].isna().any().any()


def test_the_intervention_attacker_finds_what_primary_suppression_leaves_open(
    sqlite_url, monkeypatch
):
    monkeypatch.setattr(suppression.Count, "settle", lambda self: None)
    from data_access.system_health.queries import get_interventions, get_system_health

    with session_scope(sqlite_url) as session:
        build(session, YEAR, ENDED)
        published = get_interventions(session, school_year=YEAR)
        health = get_system_health(session, scope=DISTRICT, school_years=[YEAR])
    assert attack_interventions(published, health)


def test_no_withheld_count_of_the_demo_district_can_be_worked_out(demo_store_url):
    """The small demo district's newest school year (its buildings' screening, supports and
    referrals)."""
    with session_scope(demo_store_url) as session:
        rows = build_system_health_export(session, ExportOptions(scope=DISTRICT))
    year = max(rows["school_year"])
    rows = rows[rows["school_year"] == year]
    assert (rows == "").any().any()
    found = attack(rows)
    assert not found, "\n".join(found)
