"""The `system_health` export: figures worked out by hand on small districts, on both backends."""

from __future__ import annotations

import csv
import io
from datetime import date

import pandas as pd
import pytest

from data_access.__main__ import main
from data_access.db import session_scope
from data_access.export_format import ExportOptions
from data_access.models import Discipline, SchoolCalendar, Screening, Support
from data_access.scope import DISTRICT, building_scope
from data_access.system_health.export import build_system_health_export
from data_access.system_health.queries import (
    get_calendar_days,
    get_student_counts,
    get_support_counts,
    get_window_counts,
)
from data_access.system_health.rules import SYSTEM_HEALTH_COLUMNS, system_health_counts
from tests.utils.factories import add_building, add_students
from tests.utils.system_health import Block, build

YEAR, LAST_YEAR = "2025-26", "2024-25"


def _support(session, support_id, student, tier, *, end=None, outcome=None, year=YEAR):
    session.add(
        Support(
            support_id=support_id,
            student_id=student,
            school_year=year,
            domain="reading",
            tier=tier,
            intervention="Small group",
            start_date=date(2025, 9, 1),
            end_date=end,
            outcome=outcome,
        )  # fmt: skip
    )


def _screen(session, student, window, measure, at_benchmark, year=YEAR):
    session.add(Screening(student_id=student, school_year=year, window=window, measure=measure,
                          at_benchmark=at_benchmark))  # fmt: skip


def _incidents(session, student, count, year=YEAR):
    for k in range(count):
        session.add(Discipline(incident_id=f"{student}-{year}-{k}", student_id=student,
                               school_year=year, incident_date=date(2025, 10, 1 + k),
                               action="OSS" if k == 0 else "ODR"))  # fmt: skip


def _hand_district(url):
    """2025-26: A (5 students, its own calendar of 42 days) and B (3 students, no calendar at all);
    2024-25: A and B with 2 students each and an ALL calendar of 38 days."""
    with session_scope(url) as session:
        add_building(session, "A")
        add_building(session, "B")
        a0, a1, a2, a3, a4 = add_students(session, "A", YEAR, 5)
        b0, b1, b2 = add_students(session, "B", YEAR, 3)
        # a0: a tier 2 support ended 15 Jan with its goal met, and a tier 3 one → Tier 3.
        _support(session, "s1", a0, 2, end=date(2026, 1, 15), outcome="goal_met")
        _support(session, "s2", a0, 3)
        _support(session, "s3", a1, 2, end=date(2026, 3, 1), outcome="not_responding")  # ended
        _support(session, "s4", a2, 2, outcome="goal_met")  # no end date: not ended
        _support(session, "s5", b0, 2, end=date(2026, 8, 1), outcome="goal_met")  # ends next year
        _support(session, "s6", b1, 2, end=date(2025, 12, 1))  # ended with no outcome: not counted
        # a0: screened on two measures in fall, below on one → below in fall; fall is its latest.
        _screen(session, a0, "fall", "reading", True)
        _screen(session, a0, "fall", "math", False)
        # a1: below in fall, at benchmark in spring (its latest window) → not below benchmark.
        _screen(session, a1, "fall", "reading", False)
        _screen(session, a1, "spring", "reading", True)
        # a2: at benchmark in fall and winter, below in spring → below benchmark (has a support).
        _screen(session, a2, "fall", "reading", True)
        _screen(session, a2, "winter", "reading", True)
        _screen(session, a2, "spring", "reading", False)
        # a3: below in fall, no support → below benchmark with no support.  a4: never screened.
        _screen(session, a3, "fall", "reading", False)
        _screen(session, b0, "winter", "reading", False)
        _screen(session, b1, "winter", "reading", True)
        _incidents(session, a0, 6)
        _incidents(session, a1, 2)
        _incidents(session, a2, 1)
        _incidents(session, b0, 5)
        for month, days in (("2025-09", 20), ("2025-10", 22)):
            session.add(SchoolCalendar(school_year=YEAR, building_id="A", month=month,
                                       school_days=days))  # fmt: skip
        (c0, _) = add_students(session, "A", LAST_YEAR, 2, start=100)
        add_students(session, "B", LAST_YEAR, 2, start=100)
        _incidents(session, c0, 1, year=LAST_YEAR)
        for month, days in (("2024-09", 18), ("2024-10", 20)):
            session.add(SchoolCalendar(school_year=LAST_YEAR, building_id="ALL", month=month,
                                       school_days=days))  # fmt: skip


def _counts(url) -> pd.DataFrame:
    with session_scope(url) as session:
        students = get_student_counts(session)
        frame = system_health_counts(
            students,
            get_window_counts(session),
            get_support_counts(session, school_years=set(students["school_year"])),
            get_calendar_days(session),
        )
    return frame.set_index(["school_year", "building_id"])


def test_counts_match_a_hand_count(store_url):
    _hand_district(store_url)
    counts = _counts(store_url)
    a, b, district = (counts.loc[(YEAR, key)] for key in ("A", "B", "DISTRICT"))
    expected = {
        #                            A  B  DISTRICT
        "enrolled": (5, 3, 8),
        "tier1_only": (2, 1, 3),  # a3, a4 | b2
        "tier2_students": (2, 2, 4),  # a1, a2 | b0, b1
        "tier3_students": (1, 0, 1),  # a0
        "screened_fall": (4, 0, 4),
        "at_benchmark_fall": (1, 0, 1),  # a2 only (a0 below on math)
        "screened_winter": (1, 2, 3),
        "at_benchmark_winter": (1, 1, 2),
        "screened_spring": (2, 0, 2),
        "at_benchmark_spring": (1, 0, 1),  # a1
        "screened_any": (4, 2, 6),
        "below_benchmark": (3, 1, 4),  # a0, a2, a3 | b0
        "below_benchmark_no_support": (1, 0, 1),  # a3
        "students_0_1_incidents": (3, 2, 5),
        "students_2_5_incidents": (1, 1, 2),  # a1 (2) | b0 (5)
        "students_6_plus_incidents": (1, 0, 1),  # a0 (6)
        "incidents": (9, 5, 14),
        "supports_ended": (2, 0, 2),  # s1, s3
        "supports_goal_met": (1, 0, 1),  # s1
    }
    for column, values in expected.items():
        assert (a[column], b[column], district[column]) == values, column
    assert a["school_days"] == 42
    assert pd.isna(b["school_days"]) and pd.isna(b["incidents_per_100_per_day"])
    assert a["incidents_per_100_per_day"] == pytest.approx(9 / (5 / 100) / 42)  # 4.2857
    # Without a calendar for B, the district has no rate that year.
    assert pd.isna(district["school_days"]) and pd.isna(district["incidents_per_100_per_day"])
    # 2024-25: both buildings on the ALL calendar (38 days).
    last = {key: counts.loc[(LAST_YEAR, key)] for key in ("A", "B", "DISTRICT")}
    assert [last[k]["school_days"] for k in last] == [38, 38, 38]
    assert last["A"]["incidents_per_100_per_day"] == pytest.approx(1 / (2 / 100) / 38)
    assert last["B"]["incidents_per_100_per_day"] == 0
    assert last["DISTRICT"]["incidents_per_100_per_day"] == pytest.approx(1 / (4 / 100) / 38)


# The export, on blocks of students big enough to publish most counts (minimum cell size 10).
BLOCKS = {
    "A": Block(
        students=100,
        windows={"fall": (100, 80), "spring": (100, 70)},
        with_support=30,  # the 18 spring-below students from index 82, then 12 more
        no_support=12,  # below in spring (indexes 70..99): 70..81 have no support
        tier3=10,
        ended=12,
        goal_met=6,
        six_plus=3,
        two_five=12,
    ),
    "B": Block(
        students=50,
        windows={"fall": (50, 30), "spring": (50, 35)},
        with_support=20,  # the 10 spring-below students from 40, then 10 more
        no_support=5,
        tier3=10,
        ended=4,
        goal_met=2,
        six_plus=0,
        two_five=10,
    ),
}


def _export(url, scope=DISTRICT, year=YEAR) -> dict[str, dict[str, str]]:
    with session_scope(url) as session:
        table = build_system_health_export(session, ExportOptions(scope=scope, school_year=year))
    assert list(table.columns) == SYSTEM_HEALTH_COLUMNS
    return {row["building_id"]: row for row in table.to_dict("records")}


def test_export_publishes_hand_counted_figures_and_withholds_small_ones(store_url):
    with session_scope(store_url) as session:
        build(session, YEAR, BLOCKS, days=40)
    rows = _export(store_url)
    a, b, district = rows["A"], rows["B"], rows["DISTRICT"]
    # Tiers: A 20 tier 2, 10 tier 3, 70 Tier 1 only; B 10, 10, 30; district 30, 20, 100 of 150.
    assert [a[c] for c in ("enrolled", "tier2_students", "tier3_students", "pct_tier1_only",
            "pct_tier2", "pct_tier3")] == [100, 20, 10, "70.0", "20.0", "10.0"]  # fmt: skip
    assert [b[c] for c in ("tier2_students", "tier3_students", "pct_tier1_only")] == [
        10,
        10,
        "60.0",
    ]
    assert [district[c] for c in ("enrolled", "pct_tier1_only")] == [150, "66.7"]
    # Screening: fall A 80 of 100, B 30 of 50, district 110 of 150; nobody in winter (0: withheld).
    assert [a["screened_fall"], a["pct_at_benchmark_fall"]] == [100, "80.0"]
    assert [b["screened_fall"], b["pct_at_benchmark_fall"]] == [50, "60.0"]
    assert district["pct_at_benchmark_fall"] == "73.3"
    assert [district["screened_winter"], district["pct_at_benchmark_winter"]] == ["", ""]
    assert [district["pct_at_benchmark_spring"], b["pct_at_benchmark_spring"]] == ["70.0", "70.0"]
    # Below benchmark (spring): A 30, B 15. With no support: A 12, B 5 (too few: withheld), so A's
    # is withheld too (the district's 17 minus A's 12 would give B's), and with every building's
    # withheld the engine withholds the district's as well.
    assert [a["below_benchmark"], b["below_benchmark"], district["below_benchmark"]] == [30, 15, 45]
    for row in (a, b, district):
        assert [row["below_benchmark_no_support"], row["pct_below_benchmark_no_support"]] == [
            "",
            "",
        ]
    # Triangle: A has 3 students with 6+ (withheld) and 12 with 2-5 (withheld beside it); B none
    # with 6+; 0-1 stays published where it can.
    assert [a["students_6_plus_incidents"], a["students_2_5_incidents"]] == ["", ""]
    assert a["students_0_1_incidents"] == 85
    assert b["students_6_plus_incidents"] == ""
    # Incidents: A 3x6 + 12x2 + 1 = 43, B 10x2 + 1 = 21; rates over 40 days.
    assert [a["incidents"], b["incidents"], district["incidents"]] == [43, 21, 64]
    assert [a["school_days"], district["school_days"]] == [40, 40]
    assert str(a["school_days"]) == "40"
    assert a["incidents_per_100_per_day"] == f"{43 / 1 / 40:.4f}"  # 1.0750
    assert b["incidents_per_100_per_day"] == f"{21 / 0.5 / 40:.4f}"  # 1.0500
    assert district["incidents_per_100_per_day"] == f"{64 / 1.5 / 40:.4f}"  # 1.0667
    # Supports ended: A 12 (6 goal met), B 4 (too few): A's withheld with it, and then the
    # district's 16 (every building's withheld).
    assert [a["supports_ended"], b["supports_ended"], district["supports_ended"]] == ["", "", ""]
    assert [district["supports_goal_met"], district["pct_supports_goal_met"]] == ["", ""]


def test_a_principal_gets_their_building_and_the_district_with_the_same_numbers(store_url):
    with session_scope(store_url) as session:
        build(session, YEAR, BLOCKS, days=40)
    everyone = _export(store_url)
    mine = _export(store_url, scope=building_scope({"B"}))
    assert set(mine) == {"B", "DISTRICT"}
    assert mine["B"] == everyone["B"] and mine["DISTRICT"] == everyone["DISTRICT"]


def test_the_command_line_writes_the_contract_columns(sqlite_url, monkeypatch, tmp_path):
    with session_scope(sqlite_url) as session:
        build(session, YEAR, BLOCKS, days=None)
    monkeypatch.setenv("DATABASE_URL", sqlite_url)
    out = tmp_path / "system_health.csv"
    assert main(["export", "system_health", "--out", str(out), "--year", YEAR]) == 0
    text = out.read_text()
    assert text.splitlines()[0] == ",".join(SYSTEM_HEALTH_COLUMNS)
    rows = list(csv.DictReader(io.StringIO(text)))
    assert [row["building_id"] for row in rows] == ["A", "B", "DISTRICT"]
    assert rows[0]["pct_tier1_only"] == "70.0"
    # No calendar: no school days and no rate.
    assert rows[0]["school_days"] == "" and rows[0]["incidents_per_100_per_day"] == ""
    assert main(["export", "system_health", "--out", str(out), "--year", LAST_YEAR]) == 0
    assert out.read_text().splitlines()[1:] == []


def test_interventions_publish_supports_and_sessions_and_withhold_small_outcomes(store_url):
    """BLOCKS' supports alternate between two interventions (even: Check in, check out; odd: Small
    group), 20 sessions planned and 15 delivered each. A: 15 + 15 supports, 6 + 6 ended; B: 10 +
    10, 2 + 2 ended. The export withholds every building's and the district's supports ended, so
    no intervention's outcomes may be shown either (they would add up to them)."""
    from data_access.system_health.queries import get_interventions

    with session_scope(store_url) as session:
        build(session, YEAR, BLOCKS, days=40)
        rows = get_interventions(session, school_year=YEAR)
    rows = rows.set_index(["building_id", "intervention"])
    assert rows.loc[("A", "Check in, check out"), "supports"] == 15
    assert rows.loc[("B", "Small group"), "supports"] == 10
    assert rows.loc[("DISTRICT", "Small group"), "supports"] == 25
    assert rows.loc[("A", "Small group"), ["sessions_planned", "sessions_delivered"]].tolist() == [
        300,
        225,
    ]
    assert rows["ended"].isna().all() and rows["goal_met"].isna().all()
