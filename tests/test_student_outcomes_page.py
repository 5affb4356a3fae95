"""The Student outcomes page (AppTest), each tab on a small district whose numbers are worked out
by hand in tests/test_system_health.py's blocks: what each tab shows, withheld counts said so."""

from __future__ import annotations

from datetime import date

import pytest

from data_access.db import session_scope
from data_access.models import Discipline, SchoolCalendar
from tests.test_system_health import BLOCKS
from tests.utils.app import open_page, open_tab
from tests.utils.factories import add_students
from tests.utils.system_health import Block, build

YEAR, LAST_YEAR = "2025-26", "2024-25"


@pytest.fixture
def district(sqlite_url):
    """BLOCKS in 2025-26 (A 100 students, B 50, an ALL calendar of 20 days in Sept and 20 in Oct);
    2024-25: A with 100 students and 10 referrals in October. In 2025-26 A's referrals: 3 students
    x 6 + 12 x 2 + 1 = 43, all on 1-6 October; three more minors in the hallway at 12:30."""
    with session_scope(sqlite_url) as session:
        build(session, YEAR, BLOCKS, days=40)
        build(session, LAST_YEAR, {"A": Block(students=100, two_five=5)}, days=40)
        (student,) = add_students(session, "A", YEAR, 1, start=900)
        for k in range(3):
            session.add(Discipline(incident_id=f"hall-{k}", student_id=student, school_year=YEAR,
                                   incident_date=date(2025, 10, 7), action="ODR",
                                   referral_type="minor", behavior="Disruption",
                                   location="Hallway", incident_time="12:30"))  # fmt: skip
        session.add(SchoolCalendar(school_year=YEAR, building_id="B", month="2025-10",
                                   school_days=18))  # fmt: skip
    return sqlite_url


def _text(app) -> str:
    parts = [m.value for m in app.main.markdown] + [c.value for c in app.main.caption]
    parts += [frame.value.to_csv() for frame in app.main.dataframe]
    parts += [chart.proto.spec for chart in app.main.get("plotly_chart")]
    return "\n".join(map(str, parts))


def test_tiers_tab_shows_each_building_against_80_15_5(monkeypatch, district):
    app = open_page(monkeypatch, district, "student_outcomes")
    assert not app.exception, [e.value for e in app.exception]
    table = app.main.dataframe[0].value
    a = table[table["Building"] == "Building A"].iloc[0]
    # A: 101 students (100 + the hallway student), 20 tier 2 and 10 tier 3 → 71 Tier 1 only.
    assert [a["Students"], a["Tier 1 only"], a["Tier 2"], a["Tier 3"]] == [
        "101", "70.3%", "19.8%", "9.9%"]  # fmt: skip
    text = _text(app).replace("\\u003cbr\\u003e", " ")  # titles wrap on screen
    assert "Tier distribution by building, 2025-26" in text


def test_screening_tab_shows_percent_at_benchmark_by_window(monkeypatch, district):
    app = open_tab(open_page(monkeypatch, district, "student_outcomes"), "Screening")
    assert not app.exception, [e.value for e in app.exception]
    table = app.main.dataframe[0].value
    rows = {(r["Building"], r["Window"]): (r["Screened"], r["At benchmark"])
            for _, r in table.iterrows()}  # fmt: skip
    assert rows[("Building A", "Fall")] == ("100", "80.0%")
    assert rows[("Building B", "Fall")] == ("50", "60.0%")
    assert rows[("Whole district", "Spring")] == ("150", "70.0%")
    assert ("Building A", "Winter") not in rows  # nobody screened in winter
    assert "80%: core sufficient" in _text(app).replace("\\u003cbr\\u003e", " ")


def test_screening_tab_keeps_measures_apart_and_shows_movement(monkeypatch, sqlite_url):
    """Three buildings screened on reading; A on math too in fall (60 of 100 at benchmark); the
    district's movement: C's risk levels (MOVEMENT)."""
    from tests.test_system_health_screening import _two_measures

    with session_scope(sqlite_url) as session:
        _two_measures(session)
    app = open_tab(open_page(monkeypatch, sqlite_url, "student_outcomes"), "Screening")
    assert not app.exception, [e.value for e in app.exception]
    rows = app.main.dataframe[0].value.set_index(["Building", "Window"])
    assert rows.loc[("Building A", "Fall"), "At benchmark"] == "60.0%"  # on both: 0..59
    app.radio(key="outcomes_measure").set_value("math").run()
    rows = app.main.dataframe[0].value.set_index(["Building", "Window"])
    assert rows.loc[("Building A", "Fall"), "At benchmark"] == "60.0%"
    assert ("Building B", "Fall") not in rows.index  # B was not screened on math
    app.radio(key="outcomes_measure").set_value("reading").run()
    rows = app.main.dataframe[0].value.set_index(["Building", "Window"])
    assert rows.loc[("Building A", "Fall"), "At benchmark"] == "80.0%"
    assert rows.loc[("Whole district", "Fall"), "At benchmark"] == "71.4%"  # 150 of 210
    assert "No risk levels are recorded for the whole district" in app.main.info[0].value


def test_screening_tab_shows_movement_between_risk_levels(monkeypatch, sqlite_url):
    from tests.test_system_health_screening import MORE, _movement_district

    with session_scope(sqlite_url) as session:
        _movement_district(session, MORE)
    app = open_page(monkeypatch, sqlite_url, "student_outcomes")
    app.selectbox(key="outcomes_building").set_value("D").run()
    app = open_tab(app, "Screening")
    assert not app.exception, [e.value for e in app.exception]
    movement = app.main.dataframe[1].value.set_index("Fall ↓ spring →")
    # D: 30 students at some risk in fall at low risk in spring; 133 screened both; the one
    # student from low to high risk is withheld, and so is the 14 from high to some risk (the
    # exact audit: published, it let other buildings' counts be narrowed to 8 values).
    assert movement.loc["Some", "Low"] == "30"  # some risk in fall, low in spring
    assert movement.loc["High", "All"] == "23"  # high risk in fall
    assert movement.loc["High", "Some"] == "withheld"
    assert movement.loc["All", "All"] == "133"
    assert movement.loc["Low", "High"] == "withheld"
    title = "Risk level fall to spring (reading), Building D, 2025-26: students"
    assert title in _text(app).replace("\\u003cbr\\u003e", " ")


def test_screening_tab_says_when_every_movement_count_is_withheld(monkeypatch, sqlite_url):
    from tests.test_system_health_screening import MORE, _movement_district

    with session_scope(sqlite_url) as session:
        _movement_district(session, MORE | {"E": {("high", "some"): 2, ("low", "low"): 1}})
    app = open_page(monkeypatch, sqlite_url, "student_outcomes")
    app.selectbox(key="outcomes_building").set_value("E").run()
    app = open_tab(app, "Screening")
    assert not app.exception, [e.value for e in app.exception]
    assert "Every count of the movement at Building E is withheld" in app.main.info[0].value
    assert len(app.main.dataframe) == 1  # the screening table only


def test_unmet_need_tab_withholds_what_the_export_withholds(monkeypatch, district):
    app = open_tab(open_page(monkeypatch, district, "student_outcomes"), "Unmet need and supports")
    assert not app.exception, [e.value for e in app.exception]
    need = app.main.dataframe[0].value.set_index("Building")
    assert need.loc["Building A", "Below"] == "30"
    assert need.loc["Building B", "No support"] == "withheld"  # 5 students
    assert need.loc["Building A", "No support"] == "withheld"  # 17 - 12 would give B's
    # The district's interventions: 25 supports each, 15 of 20 sessions delivered; every outcome
    # withheld (the export withholds every building's supports ended, and the district's).
    interventions = app.main.dataframe[1].value.set_index("Intervention")
    assert interventions.loc["Small group", "Supports"] == "25"
    assert interventions.loc["Small group", "Area"] == "Reading"
    assert interventions.loc["Small group", "Sessions delivered"] == "75%"
    assert interventions.loc["Check in, check out", "Goal met"] == "withheld"
    ended = app.main.dataframe[2].value.set_index("Building")
    assert ended.loc["Building B", "Supports ended"] == "withheld"  # 4 supports


def test_behaviour_tab_shows_rates_breakdowns_and_the_triangle(monkeypatch, district):
    app = open_tab(open_page(monkeypatch, district, "student_outcomes"), "Behaviour")
    assert not app.exception, [e.value for e in app.exception]
    months = app.main.dataframe[0].value
    october = months[(months["School year"] == YEAR) & (months["Month"] == "Oct")].iloc[0]
    # The district in October: 43 + 3 (A) + 21 (B) = 67 referrals; A's 101 students on the ALL
    # calendar's 20 days, B's 50 on its own 18: 67 / (101 x 20 + 50 x 18) x 100 = 2.29.
    assert [october["Major"], october["Minor"]] == [64, 3]
    assert october["Per 100 per day"] == f"{67 / (101 * 20 + 50 * 18) * 100:.2f}"
    last = months[(months["School year"] == LAST_YEAR) & (months["Month"] == "Oct")].iloc[0]
    assert last["Major"] == 5 * 2 + 1  # 2024-25: 5 students x 2 + 1
    breakdown = app.main.dataframe[1].value.set_index("Behaviour")
    assert breakdown.loc["Disruption", "Minor"] == 3
    assert breakdown.loc["Not given", "Major"] == 64
    triangle = app.main.dataframe[2].value.set_index("Referrals")
    # The district's 3 students with 6 or more referrals (all in A): too few, withheld.
    assert triangle.loc["6+", "All"] == "withheld"
    app.radio(key="outcomes_breakdown").set_value("location").run()
    assert app.main.dataframe[1].value.set_index("Location").loc["Hallway", "Minor"] == 3


def test_behaviour_triangle_keeps_majors_and_minors_apart(monkeypatch, sqlite_url):
    """tests/test_system_health_behaviour.py's district: the district's majors 161 / 24 / 25 and
    minors 187 / 12 / 11 of 210 students; B has majors only, so its triangle is not split."""
    from tests.test_system_health_behaviour import _district

    with session_scope(sqlite_url) as session:
        _district(session)
    app = open_tab(open_page(monkeypatch, sqlite_url, "student_outcomes"), "Behaviour")
    assert not app.exception, [e.value for e in app.exception]
    triangle = app.main.dataframe[-1].value.set_index("Referrals")
    assert triangle.loc["2-5", "Majors"] == f"24 ({100 * 24 / 210:.1f}%)"  # 11.4%
    assert triangle.loc["6+", "Minors"] == "11 (5.2%)"
    assert triangle.loc["6+", "All"] == "48 (22.9%)"  # 27 + 10 + 11
    app.selectbox(key="outcomes_building").set_value("B").run()
    triangle = app.main.dataframe[-1].value
    assert "Majors" not in triangle.columns


def test_a_principal_sees_their_building_and_the_district_only(monkeypatch, district):
    app = open_page(monkeypatch, district, "student_outcomes", role="principal", buildings=["B"])
    assert not app.exception, [e.value for e in app.exception]
    text = _text(app)
    assert "Building B" in text and "Building A" not in text
    assert app.selectbox(key="outcomes_building").options == ["Whole district", "Building B (B)"]


def test_a_principal_sees_only_their_building_on_the_new_figures(monkeypatch, sqlite_url):
    """The Screening tab's by-measure table and movement: B's and the district's only."""
    from tests.test_system_health_screening import MORE, _movement_district

    with session_scope(sqlite_url) as session:
        _movement_district(session, MORE)
    app = open_page(monkeypatch, sqlite_url, "student_outcomes", role="principal", buildings=["B"])
    app = open_tab(app, "Screening")
    assert not app.exception, [e.value for e in app.exception]
    text = _text(app)
    assert "Building B" in text and "Building A" not in text and "Building D" not in text
    buildings = set(app.main.dataframe[0].value["Building"])
    assert buildings == {"Building B", "Whole district"}
    headings = [h.value for h in app.main.subheader]
    assert "Movement between risk levels, fall to spring, the whole district" in headings


def test_fidelity_tab_sets_buildings_at_criterion_against_those_below(monkeypatch, district):
    from tests.utils.factories import add_administration

    items = [f"1.{n}" for n in range(1, 16)]
    with session_scope(district) as session:
        # A: every Tier 1 item 2 of 2 (100%, at criterion); B: 1 of 2 (50%, below 70%).
        add_administration(session, "A", "TFI-2.1", date(2025, 11, 1), dict.fromkeys(items, 2))
        add_administration(session, "B", "TFI-2.1", date(2025, 11, 1), dict.fromkeys(items, 1))
    app = open_tab(open_page(monkeypatch, district, "student_outcomes"), "Fidelity and outcomes")
    assert not app.exception, [e.value for e in app.exception]
    summary = app.main.dataframe[0].value.set_index("Median of the buildings")
    assert summary.loc["Buildings", "At criterion"] == "1"
    screening, rate = (app.main.dataframe[k].value.set_index("Building") for k in (1, 2))
    assert rate.loc["Building A", "TFI Tier 1"] == "100% At criterion"
    assert rate.loc["Building B", "TFI Tier 1"] == "50% Below criterion"
    # A: 46 referrals, 101 students, the ALL calendar's 40 days; B: 21, 50 students, its own 18.
    assert rate.loc["Building A", "Per 100 per day"] == f"{46 / 1.01 / 40:.2f}"
    assert rate.loc["Building B", "Per 100 per day"] == f"{21 / 0.5 / 18:.2f}"
    assert screening.loc["Building B", "% at benchmark"] == "70.0%"  # spring: 35 of 50
