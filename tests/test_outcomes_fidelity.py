"""Fidelity and outcomes side by side: chronic absence beside each building's TFI Tier 1 status,
from the equity rows as they are published."""

from __future__ import annotations

from datetime import date

import pandas as pd
import pytest

from data_access.db import session_scope
from data_access.models import Attendance
from data_access.outcomes_fidelity import chronic_absence_by_building, get_outcomes_by_fidelity
from data_access.scope import DISTRICT, building_scope
from tests.utils.factories import add_administration, add_building, add_students

YEAR = "2025-26"
ITEMS = [f"1.{n}" for n in range(1, 16)]


def _attendance(session, students, *, chronic, enrolled=180):
    """The first `chronic` students miss 18 of 180 days (exactly 10%: chronically absent), the
    rest 17 (9.4%: not)."""
    for i, student in enumerate(students):
        session.add(Attendance(student_id=student, school_year=YEAR, days_enrolled=enrolled,
                               days_absent=18 if i < chronic else 17))  # fmt: skip


@pytest.fixture
def district(sqlite_url):
    """Each building's girls, boys and students of sex X (at least 30 each, so the equity rows can
    publish them), and of each the chronically absent: A 40 / 40 / 30 students, 10 of each
    chronically absent (TFI Tier 1 100%); B 30 / 30 / 30, 12 / 3 / 10 (TFI 50%); C 30 / 30 / 30,
    10 of each (no TFI)."""
    with session_scope(sqlite_url) as session:
        for building, groups in {
            "A": {"F": (40, 10), "M": (40, 10), "X": (30, 10)},
            "B": {"F": (30, 12), "M": (30, 3), "X": (30, 10)},
            "C": {"F": (30, 10), "M": (30, 10), "X": (30, 10)},
        }.items():  # fmt: skip
            add_building(session, building)
            for k, (sex, (students, chronic)) in enumerate(groups.items()):
                ids = add_students(session, building, YEAR, students, start=1000 * k, sex=sex)
                _attendance(session, ids, chronic=chronic)
        add_administration(session, "A", "TFI-2.1", date(2025, 11, 1), dict.fromkeys(ITEMS, 2))
        add_administration(session, "B", "TFI-2.1", date(2025, 11, 1), dict.fromkeys(ITEMS, 1))
    return sqlite_url


def test_chronic_absence_sits_beside_each_buildings_fidelity(district):
    with session_scope(district) as session:
        rows = get_outcomes_by_fidelity(session, scope=DISTRICT, school_year=YEAR)
    rows = rows.set_index("building_id")
    # A: 30 of its 110 students with attendance chronically absent (18 of 180 days is 10%).
    assert rows.loc["A", "at_criterion"]
    assert rows.loc["A", "chronically_absent"] == 30
    assert rows.loc["A", "attendance_students"] == 110
    assert rows.loc["A", "pct_chronic_absence"] == 27.3
    # B: 12 + 3 + 10 = 25 of 90. Its 3 boys are withheld on the Equity page, but the girls' row
    # publishes both sides (12 of 30, and 13 of the other 60): B's total is published there.
    assert not rows.loc["B", "at_criterion"]
    assert rows.loc["B", "chronically_absent"] == 25
    assert rows.loc["B", "pct_chronic_absence"] == 27.8
    # C: 30 of 90, no TFI this year.
    assert rows.loc["C", "pct_chronic_absence"] == 33.3
    assert pd.isna(rows.loc["C", "at_criterion"])


def test_a_building_whose_equity_rows_are_all_withheld_has_no_figure():
    """Every side of every row withheld: no total can be read, so none is shown."""
    equity = pd.DataFrame({
        "building_id": ["A", "A"], "indicator": ["chronic_absence"] * 2,
        "ratio_type": ["not_calculated"] * 2, "n_group": [30, None], "events_group": [None, 12],
        "n_comparison": [60, 60], "events_comparison": [13, None],
    })  # fmt: skip
    assert chronic_absence_by_building(equity).empty


def test_a_principal_gets_their_building_only(district):
    with session_scope(district) as session:
        rows = get_outcomes_by_fidelity(session, scope=building_scope(["C"]), school_year=YEAR)
    assert list(rows["building_id"]) == ["C"]
    assert rows.loc[0, "pct_chronic_absence"] == 33.3


def test_the_fidelity_tab_sets_chronic_absence_beside_the_tfi(monkeypatch, district):
    from tests.utils.app import open_page, open_tab

    app = open_tab(open_page(monkeypatch, district, "student_outcomes"), "Fidelity and outcomes")
    assert not app.exception, [e.value for e in app.exception]
    summary = app.main.dataframe[0].value.set_index("Median of the buildings")
    assert summary.loc["% chronically absent", "At criterion"] == "27.3%"  # A alone
    assert summary.loc["% chronically absent", "Below criterion"] == "27.8%"  # B alone
    assert summary.loc["% chronically absent", "No complete TFI"] == "33.3%"  # C alone
    table = app.main.dataframe[3].value.set_index("Building")
    assert table.loc["Building C", "Chronic absence"] == "33.3%"
    assert table.loc["Building C", "TFI Tier 1"] == "No complete TFI"
    charts = [chart.proto.spec.replace("\\u003cbr\\u003e", " ")
              for chart in app.main.get("plotly_chart")]  # fmt: skip
    assert any("Chronic absence by TFI Tier 1, 2025-26" in spec for spec in charts)


def test_buildings_screened_beside_buildings_never_screened(demo_store_url):
    """The demo's high schools screen nobody: their percent at benchmark stays empty (pandas 3
    reads their missing window as NaN, not None), the others' is their spring figure."""
    from data_access.system_health.queries import get_system_health

    with session_scope(demo_store_url) as session:
        year = max(get_system_health(session, scope=DISTRICT)["school_year"])
        rows = get_outcomes_by_fidelity(session, scope=DISTRICT, school_year=year)
        health = get_system_health(session, scope=DISTRICT, school_years=[year])
    health = health.set_index("building_id")
    never = rows[rows["screening_window"].isna()]
    screened = rows[rows["screening_window"] == "spring"]
    assert len(never) and len(screened)
    assert never["pct_at_benchmark"].isna().all()
    for row in screened.itertuples():
        assert row.pct_at_benchmark == health.loc[row.building_id, "pct_at_benchmark_spring"]
