"""Fidelity queries, the `fidelity` export and entering an administration, on districts built by hand,
on SQLite and PostgreSQL."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from datetime import date
from pathlib import Path

import pandas as pd
import pytest
from sqlalchemy import func, select

from data_access.db import count_rows, get_data_version, session_scope
from data_access.export_format import ExportOptions, write_csv
from data_access.exports import registered_exports
from data_access.fidelity.queries import (
    get_administration_items,
    get_scale_scores,
    list_instruments,
    list_scored_instruments,
)
from data_access.fidelity.writes import (
    AdministrationEntry,
    AdministrationForbidden,
    AdministrationRejected,
    check_administration,
    save_administration,
)
from data_access.models import AuditLog, FidelityScore
from data_access.scope import DISTRICT, building_scope
from data_access.users.access import LOCAL_USER, UserAccess
from tests.utils.factories import add_administration, add_building, add_instrument

ROOT = Path(__file__).resolve().parent.parent
TODAY = date(2026, 3, 2)
TIER1 = [f"1.{n}" for n in range(1, 16)]
TIER2 = [f"2.{n}" for n in range(1, 14)]
HEADER = (
    "building_id,instrument,administered_on,scale,items_scored,items_total,points,possible,"
    "percent,criterion_pct,meets_criterion,complete,level,covers"
)


def build_district(url: str) -> None:
    """B1 at exactly 70% on Tier 1 with Tier 2 incomplete; B2 below on Tier 1 and on a district
    rubric scored 0-3 (one scale exactly at its 80% criterion); B3 never assessed."""
    with session_scope(url) as session:
        add_building(session, "B1", name="Adams Elementary")
        add_building(session, "B2", level="middle", name="Baker Middle")
        add_building(session, "B3", level="high", name="Carver High")
        add_instrument(
            session,
            "DISTRICT-RUBRIC",
            {"Climate": ["C1", "C2", "C3", "C4", "C5"], "Teaming": ["T1", "T2", "T3"]},
            max_score=3,
            criterion_pct=80.0,
        )
        add_instrument(session, "UNUSED-RUBRIC", {"Only": ["U1"]}, max_score=3)
        # Last year: every Tier 1 item partly in place, 15 of 30.
        add_administration(session, "B1", "TFI-2.1", date(2024, 10, 15), dict.fromkeys(TIER1, 1))
        # This year: six items in place, nine partly = 21 of 30 = 70.0%, exactly the criterion.
        # Tier 2: twelve of thirteen items in place, 2.13 not scored: incomplete.
        add_administration(
            session,
            "B1",
            "TFI-2.1",
            date(2025, 10, 15),
            {item: 2 if i < 6 else 1 for i, item in enumerate(TIER1)}
            | dict.fromkeys(TIER2[:12], 2),
        )
        # 20 of 30 = 66.7%: below.
        add_administration(
            session,
            "B2",
            "TFI-2.1",
            date(2025, 11, 3),
            {item: 2 if i < 5 else 1 for i, item in enumerate(TIER1)},
        )
        # Climate 3+3+2+2+2 = 12 of 15 = 80.0% (at criterion); Teaming 3+2+2 = 7 of 9 = 77.8%.
        add_administration(
            session,
            "B2",
            "DISTRICT-RUBRIC",
            date(2026, 1, 12),
            {"C1": 3, "C2": 3, "C3": 2, "C4": 2, "C5": 2, "T1": 3, "T2": 2, "T3": 2},
        )


def export_lines(url: str, tmp_path: Path, options: ExportOptions | None = None) -> list[str]:
    with session_scope(url) as session:
        table = registered_exports()["fidelity"].build(
            session, options or ExportOptions(scope=DISTRICT)
        )
    out = tmp_path / "fidelity.csv"
    write_csv(table, out)
    return out.read_text(encoding="utf-8").splitlines()


def scale_lines(lines: list[str]) -> list[str]:
    """The export's scale rows (level `scale`), less `level` and `covers`: the contract's rows."""
    return [line.rsplit(",", 2)[0] for line in lines[1:] if line.split(",")[12] == "scale"]


def test_export_matches_the_contract_arithmetic(store_url, tmp_path):
    build_district(store_url)
    lines = export_lines(store_url, tmp_path)
    assert lines[0] == HEADER
    # Scale rows end in their level and the scale itself; subscales and totals are rows of their own.
    rows = [line.split(",") for line in lines[1:]]
    assert {(row[3], row[13]) for row in rows if row[12] == "scale"} == {
        ("Tier 1", "Tier 1"),
        ("Tier 2", "Tier 2"),
        ("Tier 3", "Tier 3"),
        ("Climate", "Climate"),
        ("Teaming", "Teaming"),
    }
    assert scale_lines(lines) == [
        "B1,TFI-2.1,2024-10-15,Tier 1,15,15,15,30,50.0,70.0,false,true",
        "B1,TFI-2.1,2024-10-15,Tier 2,0,13,0,26,,70.0,,false",
        "B1,TFI-2.1,2024-10-15,Tier 3,0,17,0,34,,70.0,,false",
        "B1,TFI-2.1,2025-10-15,Tier 1,15,15,21,30,70.0,70.0,true,true",
        "B1,TFI-2.1,2025-10-15,Tier 2,12,13,24,26,,70.0,,false",
        "B1,TFI-2.1,2025-10-15,Tier 3,0,17,0,34,,70.0,,false",
        "B2,DISTRICT-RUBRIC,2026-01-12,Climate,5,5,12,15,80.0,80.0,true,true",
        "B2,DISTRICT-RUBRIC,2026-01-12,Teaming,3,3,7,9,77.8,80.0,false,true",
        "B2,TFI-2.1,2025-11-03,Tier 1,15,15,20,30,66.7,70.0,false,true",
        "B2,TFI-2.1,2025-11-03,Tier 2,0,13,0,26,,70.0,,false",
        "B2,TFI-2.1,2025-11-03,Tier 3,0,17,0,34,,70.0,,false",
    ]


def test_export_year_keeps_that_school_years_administrations_only(store_url, tmp_path):
    build_district(store_url)
    lines = export_lines(store_url, tmp_path, ExportOptions(school_year="2024-25", scope=DISTRICT))
    assert [line.split(",")[:4] for line in scale_lines(lines)] == [
        ["B1", "TFI-2.1", "2024-10-15", scale] for scale in ("Tier 1", "Tier 2", "Tier 3")
    ]
    # --as-of stops at that date: B2's January rubric is after 31 December 2025.
    lines = export_lines(
        store_url,
        tmp_path,
        ExportOptions(school_year="2025-26", as_of=date(2025, 12, 31), scope=DISTRICT),
    )
    assert {tuple(line.split(",")[:3]) for line in lines[1:]} == {
        ("B1", "TFI-2.1", "2025-10-15"),
        ("B2", "TFI-2.1", "2025-11-03"),
    }


def test_export_respects_the_scope(store_url, tmp_path):
    build_district(store_url)
    lines = export_lines(store_url, tmp_path, ExportOptions(scope=building_scope({"B2"})))
    assert len(scale_lines(lines)) == 5
    assert {line.split(",")[0] for line in lines[1:]} == {"B2"}


def test_export_command_writes_the_contract_header(sqlite_url):
    build_district(sqlite_url)
    result = subprocess.run(
        [sys.executable, "-m", "data_access", "export", "fidelity", "--out", "-"],
        cwd=ROOT,
        env=dict(os.environ, DATABASE_URL=sqlite_url),
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines[0] == HEADER
    assert "B1,TFI-2.1,2025-10-15,Tier 1,15,15,21,30,70.0,70.0,true,true,scale,Tier 1" in lines


def test_instrument_lists_separate_defined_from_scored(store_url):
    build_district(store_url)
    with session_scope(store_url) as session:
        assert list_instruments(session) == [
            "DISTRICT-RUBRIC",
            "SHARED-LEADERSHIP",
            "TFI-2.1",
            "UNUSED-RUBRIC",
        ]
        assert list_scored_instruments(session, scope=DISTRICT) == ["DISTRICT-RUBRIC", "TFI-2.1"]
        assert list_scored_instruments(session, scope=building_scope({"B1"})) == ["TFI-2.1"]


def test_administration_items_show_unscored_items_as_missing(store_url):
    build_district(store_url)
    with session_scope(store_url) as session:
        items = get_administration_items(
            session,
            scope=DISTRICT,
            building_id="B1",
            instrument="TFI-2.1",
            administered_on=date(2025, 10, 15),
        ).set_index("item_id")
        hidden = get_administration_items(
            session,
            scope=building_scope({"B2"}),
            building_id="B1",
            instrument="TFI-2.1",
            administered_on=date(2025, 10, 15),
        )
    assert len(items) == 45
    assert items.loc["1.1", ["item_title", "score"]].tolist() == ["Team Composition", 2]
    assert items.loc["1.10", "score"] == 1
    assert items.index.tolist()[8:11] == ["1.9", "1.10", "1.11"]  # the instrument's own order
    assert items["score"].isna().sum() == 1 + 17  # 2.13 and all of Tier 3
    assert hidden["score"].isna().all()  # another building's scores stay out of scope


# --- Entering an administration -----------------------------------------------------------------


def entry(**changes) -> AdministrationEntry:
    values = {
        "building_id": "B3",
        "instrument": "TFI-2.1",
        "administered_on": date(2026, 2, 27),
        "scores": dict.fromkeys(TIER1, 2),
    } | changes
    return AdministrationEntry(**values)


def rejected(url: str, candidate: AdministrationEntry, *, replace: bool = False):
    """Try to save; return the problems, and check nothing at all was stored."""
    with session_scope(url) as session:
        rows, version = count_rows(session, FidelityScore), get_data_version(session)
    with pytest.raises(AdministrationRejected) as caught, session_scope(url) as session:
        save_administration(
            session, entry=candidate, replace=replace, editor=LOCAL_USER, today=TODAY
        )
    with session_scope(url) as session:
        assert count_rows(session, FidelityScore) == rows
        assert get_data_version(session) == version
    return caught.value.problems


@pytest.fixture
def district(sqlite_url) -> str:
    build_district(sqlite_url)
    return sqlite_url


def test_a_score_above_the_items_maximum_is_refused(district):
    problems = rejected(district, entry(scores={"1.1": 2, "1.2": 3}))
    assert problems == {"item:1.2": "Item 1.2 is scored from 0 to 2; 3 is out of range."}


def test_a_negative_score_is_refused(district):
    problems = rejected(district, entry(scores={"1.1": -1}))
    assert problems["item:1.1"] == "Item 1.1 is scored from 0 to 2; -1 is out of range."


def test_a_custom_instrument_takes_scores_up_to_its_own_maximum(district):
    problems = rejected(
        district, entry(instrument="DISTRICT-RUBRIC", scores={"C1": 3, "C2": 4, "T1": 2.5})
    )
    assert problems == {
        "item:C2": "Item C2 is scored from 0 to 3; 4 is out of range.",
        "item:T1": "Item T1: 2.5 is not a whole number from 0 to 3.",
    }


def test_an_item_of_another_instrument_is_refused(district):
    problems = rejected(district, entry(scores={"1.1": 2, "C1": 1}))
    assert problems == {"item:C1": "Item C1 is not an item of TFI-2.1."}


def test_a_date_in_the_future_is_refused(district):
    problems = rejected(district, entry(administered_on=date(2026, 3, 3)))
    assert problems == {
        "administered_on": "3 March 2026 is in the future (today is 2 March 2026). Enter the date "
        "the team took the inventory."
    }


def test_a_missing_date_building_or_instrument_is_refused(district):
    problems = rejected(district, entry(administered_on=None, building_id=None, instrument="TFI-9"))
    assert set(problems) == {"administered_on", "building_id", "instrument"}
    assert problems["building_id"] == "Choose the building that took the inventory."


def test_a_building_outside_the_scope_is_refused(district):
    with session_scope(district) as session:
        problems = check_administration(
            session, entry=entry(), replace=False, today=TODAY, scope=building_scope({"B1"})
        )
    assert problems == {"building_id": "You may not enter scores for Carver High."}


def test_an_administration_with_no_item_scored_is_refused(district):
    problems = rejected(district, entry(scores=dict.fromkeys(TIER1)))
    assert set(problems) == {"scores"}


def test_a_second_administration_on_the_same_date_needs_replace(district):
    problems = rejected(district, entry(building_id="B1", administered_on=date(2025, 10, 15)))
    assert problems == {
        "existing": "Adams Elementary already has a TFI-2.1 administration on 15 October 2025 "
        "(27 of 45 items scored). Tick “Replace the existing administration” to overwrite it, or "
        "change the date."
    }


def test_replacing_an_administration_swaps_every_item_in_one_write(district):
    with session_scope(district) as session:
        version = get_data_version(session)
        saved = save_administration(
            session,
            entry=entry(
                building_id="B1",
                administered_on=date(2025, 10, 15),
                scores=dict.fromkeys(TIER1, 1) | {"1.1": 2},
            ),
            replace=True,
            editor=LOCAL_USER,
            today=TODAY,
        )
    assert (saved.items_scored, saved.items_total, saved.replaced) == (15, 45, True)
    with session_scope(district) as session:
        scores = get_scale_scores(session, scope=DISTRICT, instrument="TFI-2.1")
        audit = session.execute(select(AuditLog).order_by(AuditLog.audit_id.desc())).scalars()
        last = next(iter(audit))
        assert get_data_version(session) == version + 1
    day = scores[scores["administered_on"] == date(2025, 10, 15)].set_index(
        ["building_id", "scale"]
    )
    # 16 of 30 now; the old Tier 2 items are gone with the replaced administration.
    assert day.loc[("B1", "Tier 1"), ["points", "items_scored"]].tolist() == [16, 15]
    assert day.loc[("B1", "Tier 2"), ["points", "items_scored"]].tolist() == [0, 0]
    assert (last.actor, last.operation, last.table_name, last.row_key) == (
        "local user",
        "replace_administration",
        "fidelity",
        "B1|TFI-2.1|2025-10-15",
    )
    assert last.data_version == version + 1


def test_replacing_an_administration_keeps_the_old_scores_in_the_audit_log(district):
    key = (
        FidelityScore.building_id == "B1",
        FidelityScore.instrument == "TFI-2.1",
        FidelityScore.administered_on == date(2025, 10, 15),
    )
    with session_scope(district) as session:
        scored = select(FidelityScore.item_id, FidelityScore.score).where(*key)
        old = dict(session.execute(scored).all())
        save_administration(
            session,
            entry=entry(building_id="B1", administered_on=date(2025, 10, 15), scores={"1.1": 0}),
            replace=True,
            editor=UserAccess(email="lead@district.org", role="district_leader"),
            today=TODAY,
        )
    with session_scope(district) as session:
        last = session.execute(select(AuditLog).order_by(AuditLog.audit_id.desc())).scalars()
        last = next(iter(last))
    detail = json.loads(last.detail)
    assert len(old) == 27
    assert (last.actor, last.operation) == ("lead@district.org", "replace_administration")
    assert detail["before"] == old and detail["scores"] == {"1.1": 0}


def test_a_principal_may_not_enter_an_administration_even_for_their_own_building(district):
    principal = UserAccess(email="p@district.org", role="principal", building_ids=frozenset({"B3"}))
    with session_scope(district) as session:
        rows, version = count_rows(session, FidelityScore), get_data_version(session)
    with (
        pytest.raises(AdministrationForbidden, match="may not enter fidelity administrations"),
        session_scope(district) as session,
    ):
        save_administration(session, entry=entry(), replace=False, editor=principal, today=TODAY)
    with session_scope(district) as session:
        assert count_rows(session, FidelityScore) == rows
        assert get_data_version(session) == version


def test_a_partial_administration_is_saved_and_scores_as_incomplete(store_url):
    build_district(store_url)
    with session_scope(store_url) as session:
        saved = save_administration(
            session,
            entry=entry(scores=dict.fromkeys(TIER1[:14], 2) | {"1.15": None}),
            replace=False,
            editor=LOCAL_USER,
            today=TODAY,
        )
    assert (saved.items_scored, saved.replaced) == (14, False)
    with session_scope(store_url) as session:
        scores = get_scale_scores(session, scope=building_scope({"B3"}), instrument="TFI-2.1")
        stored = session.execute(
            select(func.count()).where(FidelityScore.building_id == "B3")
        ).scalar_one()
    tier1 = scores[scores["scale"] == "Tier 1"].iloc[0]
    assert stored == 14
    assert (tier1["items_scored"], tier1["points"], bool(tier1["complete"])) == (14, 28, False)
    assert pd.isna(tier1["percent"]) and pd.isna(tier1["meets_criterion"])
