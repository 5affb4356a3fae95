"""TFI total and subscale scores (issue 22, part 1), on administrations computed by hand: the total
over the complete tiers taken that day (saying which), every subscale's percent, the `export
fidelity` rows with `level` and `covers`, the built-in TFI 2.1 subscales, and the page's view."""

from __future__ import annotations

import csv
from datetime import date
from pathlib import Path

import pandas as pd
import pytest
from sqlalchemy import select

from components.fidelity_subscales import (
    building_subscales,
    lowest_subscale_table,
    subscale_chart,
)
from data_access.db import session_scope, set_store_info
from data_access.export_format import ExportOptions, write_csv
from data_access.exports import registered_exports
from data_access.fidelity.view import get_fidelity_view
from data_access.models import InstrumentItem
from data_access.scope import DISTRICT
from data_access.store import add_builtin_instruments
from tests.test_pages import open_app
from tests.utils.app import open_tab
from tests.utils.factories import add_administration, add_building, add_instrument

ROOT = Path(__file__).resolve().parent.parent
HEADER = (
    "building_id,instrument,administered_on,scale,items_scored,items_total,points,possible,"
    "percent,criterion_pct,meets_criterion,complete,level,covers"
)
DAY = date(2025, 10, 15)

# One TFI 2.1 administration, by subscale (the manual's item numbers):
# Tier 1 complete: Teams 1.1-1.2 = 2+1 = 3 of 4 (75.0%); Implementation 1.3-1.11 = six 2s and three
#   1s = 15 of 18 (83.3%); Evaluation 1.12-1.15 = 0+1+2+1 = 4 of 8 (50.0%). Tier 1: 22 of 30 = 73.3%.
# Tier 2 incomplete (2.13 not scored): Teams 2.1-2.4 = 8 of 8 (100.0%); Interventions 2.5-2.9 = 5 of
#   10 (50.0%); Evaluation 2.10-2.12 = 6 points, 3 of its 4 items scored: no percent.
# Tier 3 complete: Teams 3.1-3.4 = 4 of 8 (50.0%); Resources 3.5-3.7 = 6 of 6 (100.0%); Support
#   Plans 3.8-3.13 = 0+0+1+1+1+1 = 4 of 12 (33.3%); Evaluation 3.14-3.17 = 2+2+1+1 = 6 of 8 (75.0%).
#   Tier 3: 20 of 34 = 58.8%.
# Total: the complete tiers only, Tier 1 and Tier 3: 22 + 20 = 42 of 30 + 34 = 64 = 65.625%.
TFI_SCORES = (
    {"1.1": 2, "1.2": 1}
    | {f"1.{n}": 2 for n in range(3, 9)}
    | {f"1.{n}": 1 for n in range(9, 12)}
    | {"1.12": 0, "1.13": 1, "1.14": 2, "1.15": 1}
    | {f"2.{n}": 2 for n in range(1, 5)}
    | {f"2.{n}": 1 for n in range(5, 10)}
    | {"2.10": 2, "2.11": 2, "2.12": 2}
    | {f"3.{n}": 1 for n in range(1, 5)}
    | {f"3.{n}": 2 for n in range(5, 8)}
    | {"3.8": 0, "3.9": 0, "3.10": 1, "3.11": 1, "3.12": 1, "3.13": 1}
    | {"3.14": 2, "3.15": 2, "3.16": 1, "3.17": 1}
)
TFI_LINES = [
    "B1,TFI-2.1,2025-10-15,Tier 1,15,15,22,30,73.3,70.0,true,true,scale,Tier 1",
    "B1,TFI-2.1,2025-10-15,Teams,2,2,3,4,75.0,,,true,subscale,Tier 1",
    "B1,TFI-2.1,2025-10-15,Implementation,9,9,15,18,83.3,,,true,subscale,Tier 1",
    "B1,TFI-2.1,2025-10-15,Evaluation,4,4,4,8,50.0,,,true,subscale,Tier 1",
    "B1,TFI-2.1,2025-10-15,Tier 2,12,13,19,26,,70.0,,false,scale,Tier 2",
    "B1,TFI-2.1,2025-10-15,Teams,4,4,8,8,100.0,,,true,subscale,Tier 2",
    "B1,TFI-2.1,2025-10-15,Interventions,5,5,5,10,50.0,,,true,subscale,Tier 2",
    "B1,TFI-2.1,2025-10-15,Evaluation,3,4,6,8,,,,false,subscale,Tier 2",
    "B1,TFI-2.1,2025-10-15,Tier 3,17,17,20,34,58.8,70.0,false,true,scale,Tier 3",
    "B1,TFI-2.1,2025-10-15,Teams,4,4,4,8,50.0,,,true,subscale,Tier 3",
    "B1,TFI-2.1,2025-10-15,Resources,3,3,6,6,100.0,,,true,subscale,Tier 3",
    "B1,TFI-2.1,2025-10-15,Support Plans,6,6,4,12,33.3,,,true,subscale,Tier 3",
    "B1,TFI-2.1,2025-10-15,Evaluation,4,4,6,8,75.0,,,true,subscale,Tier 3",
    "B1,TFI-2.1,2025-10-15,Total,32,32,42,64,65.6,,,true,total,Tier 1;Tier 3",
]


def build_district(url: str) -> None:
    """B1 took the TFI above; B2 took a district rubric with subscales (see the test)."""
    with session_scope(url) as session:
        add_building(session, "B1", name="Adams Elementary")
        add_building(session, "B2", level="middle", name="Baker Middle")
        add_administration(session, "B1", "TFI-2.1", DAY, TFI_SCORES)
        add_instrument(
            session,
            "DISTRICT-RUBRIC",
            {"Climate": ["C1", "C2", "C3", "C4", "C5"], "Teaming": ["T1", "T2", "T3"]},
            max_score=3,
            criterion_pct=80.0,
            subscales={"C1": "Safety", "C2": "Safety", "C3": "Safety"}
            | {"C4": "Belonging", "C5": "Belonging"},
        )
        # Safety 3+3+2 = 8 of 9 (88.9%); Belonging: C5 not scored, so no percent, and Climate is
        # incomplete; Teaming (no subscales) 3+2+2 = 7 of 9 = 77.8%, the only scale in the total.
        add_administration(
            session,
            "B2",
            "DISTRICT-RUBRIC",
            date(2026, 1, 12),
            {"C1": 3, "C2": 3, "C3": 2, "C4": 2, "T1": 3, "T2": 2, "T3": 2},
        )
        # A day on which no scale was completed: a total row with nothing in it.
        add_administration(session, "B2", "DISTRICT-RUBRIC", date(2026, 2, 2), {"C1": 1})


def export_lines(url: str, tmp_path: Path) -> list[str]:
    with session_scope(url) as session:
        table = registered_exports()["fidelity"].build(session, ExportOptions(scope=DISTRICT))
    out = tmp_path / "fidelity.csv"
    write_csv(table, out)
    return out.read_text(encoding="utf-8").splitlines()


def test_the_total_covers_only_the_complete_tiers_and_every_subscale_has_its_percent(
    store_url, tmp_path
):
    build_district(store_url)
    lines = export_lines(store_url, tmp_path)
    assert lines[0] == HEADER
    assert [line for line in lines if line.startswith("B1,")] == TFI_LINES


def test_a_custom_instruments_subscales_and_total(store_url, tmp_path):
    build_district(store_url)
    lines = [line for line in export_lines(store_url, tmp_path) if line.startswith("B2,")]
    assert lines == [
        "B2,DISTRICT-RUBRIC,2026-01-12,Climate,4,5,10,15,,80.0,,false,scale,Climate",
        "B2,DISTRICT-RUBRIC,2026-01-12,Safety,3,3,8,9,88.9,,,true,subscale,Climate",
        "B2,DISTRICT-RUBRIC,2026-01-12,Belonging,1,2,2,6,,,,false,subscale,Climate",
        "B2,DISTRICT-RUBRIC,2026-01-12,Teaming,3,3,7,9,77.8,80.0,false,true,scale,Teaming",
        "B2,DISTRICT-RUBRIC,2026-01-12,Total,3,3,7,9,77.8,,,true,total,Teaming",
        "B2,DISTRICT-RUBRIC,2026-02-02,Climate,1,5,1,15,,80.0,,false,scale,Climate",
        "B2,DISTRICT-RUBRIC,2026-02-02,Safety,1,3,1,9,,,,false,subscale,Climate",
        "B2,DISTRICT-RUBRIC,2026-02-02,Belonging,0,2,0,6,,,,false,subscale,Climate",
        "B2,DISTRICT-RUBRIC,2026-02-02,Teaming,0,3,0,9,,80.0,,false,scale,Teaming",
        "B2,DISTRICT-RUBRIC,2026-02-02,Total,0,0,0,0,,,,false,total,",
    ]


def test_the_view_lists_a_buildings_subscales_lowest_first_with_the_total(store_url):
    build_district(store_url)
    with session_scope(store_url) as session:
        view = get_fidelity_view(
            session, scope=DISTRICT, instrument="TFI-2.1", school_year="2025-26"
        )
    # The scale rows are what they were: no subscale or total among them.
    assert list(view.scores["scale"]) == ["Tier 1", "Tier 2", "Tier 3"]
    lowest = view.subscales[view.subscales["building_id"] == "B1"]
    shown = list(zip(lowest["covers"], lowest["scale"], lowest["percent"], strict=True))
    assert [(tier, name, round(float(percent), 1)) for tier, name, percent in shown[:9]] == [
        ("Tier 3", "Support Plans", 33.3),
        ("Tier 1", "Evaluation", 50.0),
        ("Tier 2", "Interventions", 50.0),
        ("Tier 3", "Teams", 50.0),
        ("Tier 1", "Teams", 75.0),
        ("Tier 3", "Evaluation", 75.0),
        ("Tier 1", "Implementation", 83.3),
        ("Tier 2", "Teams", 100.0),
        ("Tier 3", "Resources", 100.0),
    ]
    # 2.13 not scored: Tier 2's Evaluation has no percent, and unknown is not low: it comes last.
    assert shown[9][:2] == ("Tier 2", "Evaluation") and pd.isna(shown[9][2])
    total = view.totals[view.totals["building_id"] == "B1"].iloc[0]
    assert (total["points"], total["possible"], total["covers"]) == (42, 64, "Tier 1;Tier 3")
    assert total["percent"] == pytest.approx(65.625)


# The PBIS TFI 2.1 manual's subscales (checked against published item pages that label each item
# with its subscale, e.g. "TFI 1.12 EVALUATION: Discipline Data", "TFI 3.5 RESOURCES: Staffing").
MANUAL_SUBSCALES = (
    {"1.1": "Teams", "1.2": "Teams"}
    | {f"1.{n}": "Implementation" for n in range(3, 12)}
    | {f"1.{n}": "Evaluation" for n in range(12, 16)}
    | {f"2.{n}": "Teams" for n in range(1, 5)}
    | {f"2.{n}": "Interventions" for n in range(5, 10)}
    | {f"2.{n}": "Evaluation" for n in range(10, 14)}
    | {f"3.{n}": "Teams" for n in range(1, 5)}
    | {f"3.{n}": "Resources" for n in range(5, 8)}
    | {f"3.{n}": "Support Plans" for n in range(8, 14)}
    | {f"3.{n}": "Evaluation" for n in range(14, 18)}
)


def test_the_built_in_tfi_carries_the_manuals_subscales():
    with (ROOT / "data_access" / "instruments" / "TFI-2.1.csv").open(encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    assert {row["item_id"]: row["subscale"] for row in rows} == MANUAL_SUBSCALES


def test_a_store_holding_the_earlier_built_in_tfi_gets_item_1_12_moved_to_evaluation(sqlite_url):
    with session_scope(sqlite_url) as session:
        session.execute(InstrumentItem.__table__.delete())
        add_builtin_instruments(session)
        item = session.execute(
            select(InstrumentItem).where(
                InstrumentItem.instrument == "TFI-2.1", InstrumentItem.item_id == "1.12"
            )
        ).scalar_one()
        item.subscale = "Implementation"  # what the built-in definition said before
    with session_scope(sqlite_url) as session:
        assert add_builtin_instruments(session) == []
    with session_scope(sqlite_url) as session:
        subscales = dict(
            session.execute(
                select(InstrumentItem.item_id, InstrumentItem.subscale).where(
                    InstrumentItem.instrument == "TFI-2.1"
                )
            ).all()
        )
    assert subscales == MANUAL_SUBSCALES


# --- On screen ------------------------------------------------------------------------------------


def test_the_one_building_tab_shows_the_total_and_the_subscales_lowest_first(
    monkeypatch, sqlite_url
):
    monkeypatch.setenv("MTSS_DEMO_ON_FIRST_RUN", "false")
    build_district(sqlite_url)
    with session_scope(sqlite_url) as session:
        set_store_info(session, values={"as_of": "2026-03-02"})
    app = open_tab(open_app(monkeypatch, sqlite_url, "pages/fidelity.py"), "One building")
    app.selectbox(key="fidelity_building").select("B1").run()
    assert not app.exception, [error.value for error in app.exception]
    texts = [block.value for block in app.markdown]
    assert any(
        text.startswith("**Total, 15 Oct 2025: 42 of 64 points (65.6%) over Tier 1 and Tier 3.**")
        for text in texts
    ), texts
    tables = [table.value for table in app.tabs[1].dataframe]
    history = next(table for table in tables if "Total" in table.columns)
    assert history["Total"].tolist() == ["65.6% (Tier 1 and Tier 3)"]
    subscales = next(
        table for table in tables if "Subscale" in table.columns and "Item" not in table
    )
    assert subscales.columns.tolist() == ["Subscale", "15 Oct 2025"]
    assert subscales.to_dict("split")["data"][:3] == [
        ["Tier 3: Support Plans", "33.3% (4 of 12)"],
        ["Tier 1: Evaluation", "50.0% (4 of 8)"],
        ["Tier 2: Interventions", "50.0% (5 of 10)"],
    ]
    assert subscales.to_dict("split")["data"][-1] == [
        "Tier 2: Evaluation",
        "incomplete (3 of 4 items)",
    ]


def test_the_subscale_chart_puts_the_lowest_at_the_top_and_marks_earlier_administrations():
    def row(day, scale, name, rank, percent):
        return {
            "building_id": "B1",
            "administered_on": day,
            "covers": scale,
            "scale": name,
            "rank": rank,
            "percent": percent,
        }

    first, second = date(2025, 10, 15), date(2026, 2, 1)
    rows = pd.DataFrame(
        [
            row(first, "Tier 1", "Teams", 1, 50.0),
            row(first, "Tier 1", "Evaluation", 0, 25.0),
            row(second, "Tier 1", "Teams", 1, 75.0),
            row(second, "Tier 1", "Evaluation", 0, None),
        ]
    ).astype({"percent": "Float64"})
    figure = subscale_chart(building_subscales(rows, "B1"), title="Adams")
    bars, values, earlier = figure.data
    assert list(bars.y) == ["Tier 1: Evaluation", "Tier 1: Teams"]
    assert list(bars.x[1:]) == [75.0]  # the latest: Teams 75%, Evaluation no bar
    # The latest percents in a column right of 100%, where the earlier marks cannot cover them.
    assert list(values.text) == ["incomplete", "75%"] and min(values.x) > 100
    assert bars.name == "1 Feb 2026 (latest)" and earlier.name == "15 Oct 2025"
    assert list(earlier.x) == [25.0, 50.0]
    assert list(figure.layout.xaxis.ticktext) == ["0%", "25%", "50%", "75%", "100%"]


def test_each_buildings_lowest_subscale_is_listed_for_the_district():
    def row(building, day, scale, name, rank, percent, points, possible):
        return {
            "building_id": building,
            "administered_on": day,
            "covers": scale,
            "scale": name,
            "rank": rank,
            "percent": percent,
            "points": points,
            "possible": possible,
            "items_scored": 2,
            "items_total": 2,
        }

    rows = pd.DataFrame(
        [  # B1's latest (1 Feb) lowest is Teams at 25%; its October Evaluation is older news.
            row("B1", date(2025, 10, 15), "Tier 1", "Evaluation", 0, 0.0, 0, 8),
            row("B1", date(2026, 2, 1), "Tier 1", "Teams", 0, 25.0, 1, 4),
            row("B1", date(2026, 2, 1), "Tier 1", "Evaluation", 1, 50.0, 4, 8),
            row("B2", date(2026, 1, 12), "Tier 2", "Interventions", 0, 40.0, 4, 10),
        ]
    ).astype({"percent": "Float64"})
    table = lowest_subscale_table(rows, building_names={"B1": "Adams", "B2": "Baker"})
    assert table.to_dict("split")["data"] == [
        ["Adams", "Tier 1: Teams", "25.0% (1 of 4)", "1 Feb 2026"],
        ["Baker", "Tier 2: Interventions", "40.0% (4 of 10)", "12 Jan 2026"],
    ]
    assert table.columns.tolist() == ["Building", "Lowest subscale", "Percent (points)", "Taken"]
