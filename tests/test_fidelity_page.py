"""The Fidelity page (Streamlit's AppTest) on a district built by hand: what it shows, the items to
plan on, and entering an administration through its form."""

from __future__ import annotations

import json
from datetime import date

import pytest
from sqlalchemy import select

from data_access.db import count_rows, session_scope, set_store_info
from data_access.models import AuditLog, FidelityScore
from tests.test_fidelity import build_district
from tests.test_pages import open_app
from tests.utils.app import open_tab

PAGE = "pages/fidelity.py"


def prepare(url: str, monkeypatch) -> str:
    """The hand-built district of test_fidelity, its data as of 2 March 2026 (school year 2025-26)."""
    monkeypatch.setenv("MTSS_DEMO_ON_FIRST_RUN", "false")
    build_district(url)
    with session_scope(url) as session:
        set_store_info(session, values={"as_of": "2026-03-02"})
    return url


@pytest.fixture
def district(sqlite_url, monkeypatch) -> str:
    return prepare(sqlite_url, monkeypatch)


@pytest.fixture
def district_on_both(store_url, monkeypatch) -> str:
    """The same district on SQLite and on PostgreSQL."""
    return prepare(store_url, monkeypatch)


def grid_texts(app) -> list[str]:
    """Every cell text of the buildings x scales grid chart (the first chart on the page)."""
    spec = json.loads(app.get("plotly_chart")[0].proto.spec)
    return [text for trace in spec["data"] if trace.get("mode") == "text" for text in trace["text"]]


def test_the_page_shows_the_latest_scores_against_the_criterion(monkeypatch, district_on_both):
    app = open_app(monkeypatch, district_on_both, PAGE)
    assert not app.exception, [error.value for error in app.exception]
    # Only instruments with scores are offered; TFI-2.1 first when it is there.
    assert app.selectbox(key="fidelity_instrument").options == ["DISTRICT-RUBRIC", "TFI-2.1"]
    assert app.selectbox(key="fidelity_instrument").value == "TFI-2.1"
    metrics = {metric.label: metric.value for metric in app.metric}
    assert metrics["Assessed in 2025-26"] == "2 of 3"  # Carver High has no administration
    assert metrics["Tier 1 at criterion"] == "1 of 2"  # Adams at exactly 70%, Baker at 66.7%
    assert metrics["Tier 2 at criterion"] == "none complete"  # Adams' Tier 2 is incomplete
    # Adams' Tier 2 reads "incomplete", never a percent; Baker never scored Tier 2 at all.
    assert sorted(grid_texts(app)) == sorted(["70.0%", "incomplete", "—", "66.7%", "—", "—"])
    tables = [table.value for table in app.tabs[0].dataframe]
    share = next(table for table in tables if "Term" in table.columns)
    assert share.to_dict("records") == [
        {
            "Term": "Fall 2025",
            "Tier 1": "1 of 2 (50%)",
            "Tier 2": "none complete",
            "Tier 3": "none complete",
        },
        {
            "Term": "Fall 2024",
            "Tier 1": "0 of 1 (0%)",
            "Tier 2": "none complete",
            "Tier 3": "none complete",
        },
    ]
    missing = tables[-1]
    assert missing["Building"].tolist() == ["Carver High"]
    assert missing["Last administration"].tolist() == ["never"]


def test_a_custom_instrument_is_shown_on_its_own(monkeypatch, district):
    app = open_app(monkeypatch, district, PAGE)
    app.selectbox(key="fidelity_instrument").select("DISTRICT-RUBRIC").run()
    assert not app.exception, [error.value for error in app.exception]
    metrics = {metric.label: metric.value for metric in app.metric}
    assert metrics["Climate at criterion"] == "1 of 1"  # 12 of 15 = 80%, its criterion
    assert metrics["Teaming at criterion"] == "0 of 1"  # 7 of 9 = 77.8%
    assert sorted(grid_texts(app)) == ["77.8%", "80.0%"]


def test_one_buildings_items_are_listed_lowest_first(monkeypatch, district):
    app = open_tab(open_app(monkeypatch, district, PAGE), "One building")
    app.selectbox(key="fidelity_building").select("B1").run()
    assert app.selectbox(key="fidelity_administration").value == date(2025, 10, 15)
    texts = [block.value for block in app.markdown]
    assert "**Tier 1, 15 October 2025: 21 of 30 points (70.0%), at criterion (70%).**" in texts
    # Items 1.7 to 1.15 scored 1 of 2; the first three in the instrument's order come first.
    lowest = [text for text in texts if text.startswith("- **")]
    assert lowest == [  # item IDs and titles are data: shown as text (components.text.plain)
        "- **1\\.7 Professional Development**: 1 of 2 points",
        "- **1\\.8 Classroom Procedures**: 1 of 2 points",
        "- **1\\.9 Feedback and Acknowledgement**: 1 of 2 points",
    ]
    items = app.tabs[1].dataframe[-1].value
    assert items["Item"].tolist()[:3] == ["1.7", "1.8", "1.9"]
    assert items["Score"].tolist()[-1] == "2 of 2"

    app.selectbox(key="fidelity_item_scale").select("Tier 2").run()
    texts = [block.value for block in app.markdown]
    assert any("incomplete** — 12 of 13 items scored, so no percent" in text for text in texts)
    items = app.tabs[1].dataframe[-1].value
    assert items["Item"].tolist()[-1] == "2.13"
    assert items["Score"].tolist()[-1] == "not scored"


def fill_rubric(app, building: str, day: date, scores: dict[str, int]) -> None:
    app.selectbox(key="fidelity_entry_instrument").select("DISTRICT-RUBRIC").run()
    app.selectbox(key="fidelity_entry_building").select(building)
    app.date_input(key="fidelity_entry_date").set_value(day)
    for item_id, score in scores.items():
        app.number_input(key=f"fidelity_entry_item_DISTRICT-RUBRIC_{item_id}").set_value(score)


def stored_rubric(url: str, building: str) -> dict[str, int]:
    with session_scope(url) as session:
        rows = session.execute(
            select(FidelityScore.item_id, FidelityScore.score).where(
                FidelityScore.building_id == building,
                FidelityScore.instrument == "DISTRICT-RUBRIC",
            )
        ).all()
    return dict(rows)


def test_entering_an_administration_saves_it_and_refuses_a_second_one_on_that_date(
    monkeypatch, district_on_both
):
    district = district_on_both
    app = open_tab(open_app(monkeypatch, district, PAGE), "Enter an administration")
    fill_rubric(app, "B3", date(2026, 2, 27), {"C1": 3, "C2": 2, "T1": 1})
    app.button(key="fidelity_entry_save").click().run()
    assert not app.exception, [error.value for error in app.exception]
    assert not app.error, [error.value for error in app.error]
    assert [message.value for message in app.success] == [
        "Saved Carver High's DISTRICT-RUBRIC of 27 February 2026: 3 of 8 items scored."
    ]
    assert stored_rubric(district, "B3") == {"C1": 3, "C2": 2, "T1": 1}
    with session_scope(district) as session:
        audit = session.execute(
            select(AuditLog.actor, AuditLog.operation, AuditLog.row_key)
            .order_by(AuditLog.audit_id.desc())
            .limit(1)
        ).one()
    assert tuple(audit) == ("local user", "add_administration", "B3|DISTRICT-RUBRIC|2026-02-27")
    # The new, partial administration now shows on the page, as incomplete.
    app.selectbox(key="fidelity_instrument").select("DISTRICT-RUBRIC").run()
    open_tab(app, "All buildings")
    assert sorted(grid_texts(app)) == ["77.8%", "80.0%", "incomplete", "incomplete"]

    # The same building, instrument and date again: refused with the reason, nothing stored.
    with session_scope(district) as session:
        before = count_rows(session, FidelityScore)
    open_tab(app, "Enter an administration")
    fill_rubric(app, "B3", date(2026, 2, 27), {"C1": 1})
    app.button(key="fidelity_entry_save").click().run()
    errors = [error.value for error in app.error]
    assert errors[0] == "Nothing was saved: 1 problem to fix, marked below."
    assert errors[1].startswith(
        "Carver High already has a DISTRICT-RUBRIC administration on 27 February 2026 (3 of 8 "
        "items scored)."
    )
    with session_scope(district) as session:
        assert count_rows(session, FidelityScore) == before

    # Ticking "replace" knowingly overwrites the whole administration.
    app.checkbox(key="fidelity_entry_replace").check()
    app.number_input(key="fidelity_entry_item_DISTRICT-RUBRIC_C2").set_value(None)
    app.number_input(key="fidelity_entry_item_DISTRICT-RUBRIC_T1").set_value(None)
    app.button(key="fidelity_entry_save").click().run()
    assert not app.error, [error.value for error in app.error]
    assert "(the earlier administration on that date was replaced)" in app.success[0].value
    assert stored_rubric(district, "B3") == {"C1": 1}


def test_a_form_with_no_building_or_score_says_what_is_missing(monkeypatch, district):
    app = open_tab(open_app(monkeypatch, district, PAGE), "Enter an administration")
    with session_scope(district) as session:
        before = count_rows(session, FidelityScore)
    app.button(key="fidelity_entry_save").click().run()
    errors = [error.value for error in app.error]
    assert errors == [
        "Nothing was saved: 2 problems to fix, marked below.",
        "Choose the building that took the inventory.",
        "Score at least one item; leave blank only the items not scored.",
        "Nothing was saved: 2 problems to fix, marked above: Choose the building that took the "
        "inventory. Score at least one item; leave blank only the items not scored.",
    ]
    with session_scope(district) as session:
        assert count_rows(session, FidelityScore) == before


def test_an_empty_store_says_there_is_nothing_to_show_yet(monkeypatch, sqlite_url):
    monkeypatch.setenv("MTSS_DEMO_ON_FIRST_RUN", "false")
    app = open_app(monkeypatch, sqlite_url, PAGE)
    assert not app.exception, [error.value for error in app.exception]
    assert any("holds no buildings yet" in warning.value for warning in app.warning)
    assert not app.get("plotly_chart")


def errors_of(app) -> list[str]:
    return [error.value for error in app.error]


def test_each_failed_save_replaces_the_last_ones_errors_and_says_why(monkeypatch, district):
    app = open_tab(open_app(monkeypatch, district, PAGE), "Enter an administration")
    app.button(key="fidelity_entry_save").click().run()
    assert "Choose the building that took the inventory." in errors_of(app)

    # The building fixed, a score out of range typed: only the new problem shows, named.
    fill_rubric(app, "B3", date(2026, 2, 27), {"C1": 4})
    app.button(key="fidelity_entry_save").click().run()
    assert errors_of(app) == [
        "Nothing was saved: 1 problem to fix, marked below.",
        "Item C1 is scored from 0 to 3; 4 is out of range.",
        "Nothing was saved: 1 problem to fix, marked above: Item C1 is scored from 0 to 3; 4 is "
        "out of range.",
    ]
    # The score box takes what is typed (a browser would otherwise refuse a value above its
    # maximum without a word and send the old one): the check is the server's, with its message.
    box = app.number_input(key="fidelity_entry_item_DISTRICT-RUBRIC_C1").proto
    assert not box.has_max and not box.has_min
    assert stored_rubric(district, "B3") == {}


def test_a_pasted_column_fills_the_form_and_saves_through_the_same_checks(monkeypatch, district):
    app = open_tab(open_app(monkeypatch, district, PAGE), "Enter an administration")
    app.selectbox(key="fidelity_entry_instrument").select("DISTRICT-RUBRIC").run()
    app.text_area(key="fidelity_paste_text").input("3\n2\n\n1\n0\n3\n2\n1\n")
    app.button(key="fidelity_paste_fill").click().run()
    assert not errors_of(app), errors_of(app)
    filled = {
        item: app.number_input(key=f"fidelity_entry_item_DISTRICT-RUBRIC_{item}").value
        for item in ["C1", "C2", "C3", "C4", "C5", "T1", "T2", "T3"]
    }
    assert filled == {"C1": 3, "C2": 2, "C3": None, "C4": 1, "C5": 0, "T1": 3, "T2": 2, "T3": 1}
    assert any("Filled the form from a column of 8 lines" in s.value for s in app.success)
    app.selectbox(key="fidelity_entry_building").select("B3")
    app.date_input(key="fidelity_entry_date").set_value(date(2026, 2, 27))
    app.button(key="fidelity_entry_save").click().run()
    assert not errors_of(app), errors_of(app)
    assert stored_rubric(district, "B3") == {
        "C1": 3,
        "C2": 2,
        "C4": 1,
        "C5": 0,
        "T1": 3,
        "T2": 2,
        "T3": 1,
    }


def test_pasted_pairs_with_a_bad_value_name_the_item_and_change_nothing(monkeypatch, district):
    app = open_tab(open_app(monkeypatch, district, PAGE), "Enter an administration")
    app.selectbox(key="fidelity_entry_instrument").select("DISTRICT-RUBRIC").run()
    app.text_area(key="fidelity_paste_text").input("1\n" * 8)
    app.button(key="fidelity_paste_fill").click().run()
    app.text_area(key="fidelity_paste_text").input("C1\t3\nC2,5\nX9,1")
    app.button(key="fidelity_paste_fill").click().run()
    assert errors_of(app) == [
        "Nothing was filled: 2 problems in what you pasted.",
        "Line 2: Item C2 is scored from 0 to 3; 5 is out of range.",
        "Line 3: X9 is not an item of DISTRICT-RUBRIC.",
    ]
    # The form keeps what it had: 1 everywhere, not C1's 3.
    assert app.number_input(key="fidelity_entry_item_DISTRICT-RUBRIC_C1").value == 1
    assert app.number_input(key="fidelity_entry_item_DISTRICT-RUBRIC_C2").value == 1


def test_an_uploaded_item_score_file_fills_the_form(monkeypatch, district):
    app = open_tab(open_app(monkeypatch, district, PAGE), "Enter an administration")
    app.selectbox(key="fidelity_entry_instrument").select("DISTRICT-RUBRIC").run()
    data = b"Item,Item Description,Score\nC1,Item C1,2\nT3,Item T3,0\n"
    app.file_uploader(key="fidelity_upload_file").set_value([("tfi-items.csv", data, "text/csv")])
    app.run()
    app.button(key="fidelity_upload_fill").click().run()
    assert not errors_of(app), errors_of(app)
    assert app.number_input(key="fidelity_entry_item_DISTRICT-RUBRIC_C1").value == 2
    assert app.number_input(key="fidelity_entry_item_DISTRICT-RUBRIC_T3").value == 0
    assert app.number_input(key="fidelity_entry_item_DISTRICT-RUBRIC_C2").value is None
