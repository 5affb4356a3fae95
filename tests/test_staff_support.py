"""Staff support on a district built by hand: the `supervision` and `staffing` exports match the
contract's arithmetic (window edges, split staff, fte 0, the 1 July boundary), coverage and
caseload parity, and who sees staff-level rows."""

from __future__ import annotations

import csv
import io
import json
from datetime import date

import pytest

from data_access.__main__ import main
from data_access.db import session_scope, set_store_info
from data_access.export_format import ExportOptions
from data_access.scope import DISTRICT, building_scope
from data_access.staff_support import queries as staff_support
from data_access.staff_support.export import build_staffing_export, build_supervision_export
from data_access.staff_support.queries import (
    get_caseload_parity,
    get_default_as_of,
    get_supervision_activity,
    get_supervision_coverage,
    may_see_staff_member,
    resolve_as_of,
)
from tests.utils.factories import (
    add_building,
    add_caseload,
    add_staff,
    add_students,
    add_supervision,
)

AS_OF = date(2026, 3, 31)  # the window is 18 February .. 31 March 2026
THIS_YEAR, LAST_YEAR = "2025-26", "2024-25"


def build_district(url: str) -> None:
    with session_scope(url) as session:
        for building_id in ("B1", "B2", "B3"):
            add_building(session, building_id, name=f"Building {building_id}")
        add_students(session, "B1", THIS_YEAR, 10)
        add_students(session, "B2", THIS_YEAR, 4)
        add_students(session, "B3", THIS_YEAR, 6)  # nobody works here
        add_students(session, "B1", LAST_YEAR, 3)
        add_staff(session, "C1", "counselor", {("B1", THIS_YEAR): 1.0, ("B1", LAST_YEAR): 1.0})
        add_staff(session, "C2", "counselor", {("B2", THIS_YEAR): 0.5})
        add_staff(session, "P1", "psychologist", {("B1", THIS_YEAR): 0.5, ("B2", THIS_YEAR): 0.5})
        add_staff(session, "S1", "social_worker", {("B2", THIS_YEAR): 1.0})
        add_staff(session, "A1", "administrator", {("B1", THIS_YEAR): 1.0})  # not support staff
        add_staff(session, "N1", "nurse", {("B2", LAST_YEAR): 1.0})  # left last June
        add_staff(session, "D1", "administrator", {})  # district supervisor, no building

        # C1: held on the window's first day; 1 July and 30 June either side of the year boundary.
        add_supervision(session, "V01", "C1", date(2026, 2, 18), "held", supervisor_id="D1")
        add_supervision(session, "V02", "C1", date(2025, 7, 1), "held")
        add_supervision(session, "V03", "C1", date(2025, 6, 30), "held")
        add_supervision(session, "V04", "C1", date(2025, 9, 10), "cancelled")
        add_supervision(session, "V05", "C1", date(2026, 4, 15), "scheduled")
        add_supervision(session, "V06", "C1", AS_OF, "scheduled")  # today, not marked: not ahead
        # P1: held the day before the window; a cancellation each side of 1 July.
        add_supervision(session, "V07", "P1", date(2026, 2, 17), "held")
        add_supervision(session, "V08", "P1", date(2026, 3, 20), "cancelled")
        add_supervision(session, "V09", "P1", date(2025, 6, 30), "cancelled")
        add_supervision(session, "V10", "P1", date(2026, 4, 2), "held")  # after the as-of date
        # C2: one group session (shared with P1's calendar) in the window.
        add_supervision(session, "V11", "C2", date(2026, 3, 3), "held", session_format="group")
        # S1 has never had supervision.


def read(frame) -> list[dict[str, str]]:
    return frame.to_dict("records")


def test_supervision_export_follows_the_contract_at_the_window_edges(store_url):
    build_district(store_url)
    with session_scope(store_url) as session:
        table = build_supervision_export(session, ExportOptions(as_of=AS_OF, scope=DISTRICT))
    assert list(table.columns) == [
        "staff_id",
        "role",
        "building_ids",
        "last_held_on",
        "days_since_last_held",
        "held_in_window",
        "covered",
        "held_this_year",
        "cancelled_this_year",
        "scheduled_ahead",
    ]
    rows = {row["staff_id"]: row for row in read(table)}
    # Support staff active in 2025-26 only: no administrator, no nurse who left.
    assert list(rows) == ["C1", "C2", "P1", "S1"]
    assert rows["C1"] == {
        "staff_id": "C1",
        "role": "counselor",
        "building_ids": "B1",
        "last_held_on": "2026-02-18",
        "days_since_last_held": 41,
        "held_in_window": 1,
        "covered": "true",
        "held_this_year": 2,  # 1 July 2025 and 18 February; not 30 June 2025
        "cancelled_this_year": 1,
        "scheduled_ahead": 1,  # 15 April; the one dated on the as-of date is not ahead
    }
    assert rows["P1"] == {
        "staff_id": "P1",
        "role": "psychologist",
        "building_ids": "B1;B2",
        "last_held_on": "2026-02-17",
        "days_since_last_held": 42,
        "held_in_window": 0,
        "covered": "false",
        "held_this_year": 1,
        "cancelled_this_year": 1,
        "scheduled_ahead": 0,
    }
    assert rows["S1"] == {
        "staff_id": "S1",
        "role": "social_worker",
        "building_ids": "B2",
        "last_held_on": "",
        "days_since_last_held": "",
        "held_in_window": 0,
        "covered": "false",
        "held_this_year": 0,
        "cancelled_this_year": 0,
        "scheduled_ahead": 0,
    }
    assert (rows["C2"]["held_in_window"], rows["C2"]["covered"]) == (1, "true")


def test_supervision_export_starts_the_school_year_on_1_july(store_url):
    build_district(store_url)
    with session_scope(store_url) as session:
        first_day = read(
            build_supervision_export(session, ExportOptions(as_of=date(2025, 7, 1), scope=DISTRICT))
        )
        last_day = read(
            build_supervision_export(
                session, ExportOptions(as_of=date(2025, 6, 30), scope=DISTRICT)
            )
        )
    rows = {row["staff_id"]: row for row in first_day}
    assert list(rows) == ["C1", "C2", "P1", "S1"]  # staff active in 2025-26
    c1 = rows["C1"]
    # Window 21 May .. 1 July 2025 holds both 30 June and 1 July; this year only 1 July.
    assert (c1["last_held_on"], c1["days_since_last_held"], c1["held_in_window"]) == (
        "2025-07-01",
        0,
        2,
    )
    assert (c1["held_this_year"], c1["cancelled_this_year"], c1["scheduled_ahead"]) == (1, 0, 2)
    assert (rows["P1"]["last_held_on"], rows["P1"]["cancelled_this_year"]) == ("", 0)

    # On 30 June the school year is 2024-25: its active support staff are C1 and N1.
    rows = {row["staff_id"]: row for row in last_day}
    assert list(rows) == ["C1", "N1"]
    assert (rows["C1"]["held_this_year"], rows["C1"]["last_held_on"]) == (1, "2025-06-30")
    assert (rows["N1"]["building_ids"], rows["N1"]["covered"]) == ("B2", "false")


def test_staffing_export_follows_the_contract(store_url, monkeypatch):
    # Small recommendations so a handful of students can miss them.
    monkeypatch.setenv(
        "MTSS_RECOMMENDED_RATIOS",
        json.dumps({"counselor": 8, "psychologist": 15, "social_worker": 5, "nurse": 750}),
    )
    build_district(store_url)
    with session_scope(store_url) as session:
        table = build_staffing_export(
            session, ExportOptions(scope=DISTRICT)
        )  # newest year: 2025-26
    assert list(table.columns) == [
        "school_year",
        "building_id",
        "role",
        "enrollment",
        "fte",
        "students_per_fte",
        "recommended_ratio",
        "meets_recommendation",
    ]
    rows = {
        (row["building_id"], row["role"]): [
            row["enrollment"],
            row["fte"],
            row["students_per_fte"],
            row["recommended_ratio"],
            row["meets_recommendation"],
        ]
        for row in read(table)
    }
    assert set(table["school_year"]) == {THIS_YEAR}
    assert rows == {
        ("B1", "counselor"): [10, "1.0000", "10.0000", 8, "false"],
        ("B1", "psychologist"): [10, "0.5000", "20.0000", 15, "false"],
        ("B1", "social_worker"): [10, "0.0000", "", 5, "false"],  # nobody: the gap
        ("B1", "nurse"): [10, "0.0000", "", 750, "false"],
        ("B1", "administrator"): [10, "1.0000", "10.0000", "", ""],
        ("B2", "counselor"): [4, "0.5000", "8.0000", 8, "true"],  # exactly the ratio meets it
        ("B2", "psychologist"): [4, "0.5000", "8.0000", 15, "true"],
        ("B2", "social_worker"): [4, "1.0000", "4.0000", 5, "true"],
        ("B2", "nurse"): [4, "0.0000", "", 750, "false"],
        ("B3", "counselor"): [6, "0.0000", "", 8, "false"],
        ("B3", "psychologist"): [6, "0.0000", "", 15, "false"],
        ("B3", "social_worker"): [6, "0.0000", "", 5, "false"],
        ("B3", "nurse"): [6, "0.0000", "", 750, "false"],
        ("DISTRICT", "counselor"): [20, "1.5000", "13.3333", 8, "false"],
        ("DISTRICT", "psychologist"): [20, "1.0000", "20.0000", 15, "false"],
        ("DISTRICT", "social_worker"): [20, "1.0000", "20.0000", 5, "false"],
        ("DISTRICT", "nurse"): [20, "0.0000", "", 750, "false"],
        ("DISTRICT", "administrator"): [20, "1.0000", "20.0000", "", ""],
    }
    # Buildings in id order with recommended roles first; the DISTRICT rows last.
    assert list(table["building_id"])[-5:] == ["DISTRICT"] * 5
    assert list(table["role"])[:5] == [
        "counselor",
        "psychologist",
        "social_worker",
        "nurse",
        "administrator",
    ]


def test_the_command_line_writes_both_exports(store_url, monkeypatch, tmp_path):
    build_district(store_url)
    monkeypatch.setenv("DATABASE_URL", store_url)
    out = tmp_path / "supervision.csv"
    assert main(["export", "supervision", "--out", str(out), "--as-of", "2026-03-31"]) == 0
    rows = list(csv.DictReader(io.StringIO(out.read_text())))
    assert [row["staff_id"] for row in rows] == ["C1", "C2", "P1", "S1"]
    assert rows[2]["building_ids"] == "B1;B2" and rows[2]["days_since_last_held"] == "42"

    out = tmp_path / "staffing.csv"
    assert main(["export", "staffing", "--out", str(out), "--year", "2024-2025"]) == 0
    rows = list(csv.DictReader(io.StringIO(out.read_text())))
    b1_counselor = next(r for r in rows if r["building_id"] == "B1" and r["role"] == "counselor")
    assert (b1_counselor["school_year"], b1_counselor["enrollment"]) == (LAST_YEAR, "3")
    assert b1_counselor["students_per_fte"] == "3.0000"
    # In 2024-25 the nurse worked in B2, where nobody was enrolled: 0 students per FTE.
    b2_nurse = next(r for r in rows if r["building_id"] == "B2" and r["role"] == "nurse")
    assert (b2_nurse["enrollment"], b2_nurse["students_per_fte"]) == ("0", "0.0000")


def test_as_of_defaults_to_the_demo_date_in_a_demo_store_and_today_otherwise(store_url):
    with session_scope(store_url) as session:
        assert get_default_as_of(session) == date.today()
        # A named school year without a date: a past one is seen on its last day.
        assert resolve_as_of(session, as_of=None, school_year="2023-24") == date(2024, 6, 30)
        set_store_info(session, values={"demo": "true", "as_of": "2026-05-29"})
    with session_scope(store_url) as session:
        assert get_default_as_of(session) == date(2026, 5, 29)
        assert resolve_as_of(session, as_of=AS_OF, school_year="2023-24") == AS_OF


def test_staff_level_rows_are_only_for_a_scope_that_includes_their_building(store_url):
    build_district(store_url)
    b2 = building_scope({"B2"})
    assert may_see_staff_member(b2, ["B1", "B2"]) and not may_see_staff_member(b2, ["B1"])
    assert may_see_staff_member(DISTRICT, ["B9"])
    with session_scope(store_url) as session:
        exported = read(build_supervision_export(session, ExportOptions(as_of=AS_OF, scope=b2)))
        coverage = get_supervision_coverage(session, as_of=AS_OF, scope=b2)
    # C1 works only in B1: their row is not shown; P1 (B1 and B2) is.
    assert [row["staff_id"] for row in exported] == ["C2", "P1", "S1"]
    assert list(coverage.staff["staff_id"]) == ["S1", "P1", "C2"]  # never held first, then longest
    assert coverage.hidden_staff == 1
    # Aggregates: B2's own building row, and the district roll-up of all four.
    assert coverage.by_building[["building_id", "staff", "covered"]].values.tolist() == [
        ["B2", 3, 1]
    ]
    assert (coverage.district_staff, coverage.district_covered) == (4, 2)
    district = coverage.by_role[coverage.by_role["building_id"] == "DISTRICT"].set_index("role")
    assert district.loc["counselor", ["staff", "covered"]].tolist() == [2, 2]
    assert set(coverage.by_role["building_id"]) == {"DISTRICT", "B2"}


def test_coverage_counts_split_staff_in_each_of_their_buildings(store_url):
    build_district(store_url)
    with session_scope(store_url) as session:
        coverage = get_supervision_coverage(session, as_of=AS_OF, scope=DISTRICT)
    by_building = coverage.by_building.set_index("building_id")
    # B1: C1 (covered) and P1; B2: C2 (covered), P1 and S1. B3 has no support staff.
    assert by_building.loc["B1", ["staff", "covered"]].tolist() == [2, 1]
    assert by_building.loc["B2", ["staff", "covered"]].tolist() == [3, 1]
    assert "B3" not in by_building.index
    assert coverage.district_nothing_ahead == 3  # only C1 has a session ahead
    gaps = coverage.staff.set_index("staff_id")["days_since_last_held"]
    assert gaps.loc["C2"] == 28 and gaps.loc["C1"] == 41


def test_activity_counts_sessions_by_month_and_format_for_a_building_team(store_url):
    build_district(store_url)
    with session_scope(store_url) as session:
        district = get_supervision_activity(session, school_year=THIS_YEAR, scope=DISTRICT)
        b2 = get_supervision_activity(
            session, school_year=THIS_YEAR, scope=DISTRICT, building_id="B2"
        )
        hidden = get_supervision_activity(
            session, school_year=THIS_YEAR, scope=building_scope({"B1"}), building_id="B2"
        )
    months = district.months.set_index("label")
    assert months.loc["Jul 2025", "held"] == 1  # 30 June 2025 belongs to last year
    assert months.loc["Mar 2026", ["held", "cancelled", "scheduled"]].tolist() == [1, 1, 1]
    assert months.loc["Apr 2026", ["held", "scheduled"]].tolist() == [1, 1]
    assert district.formats.set_index("format")["sessions"].to_dict() == {
        "individual": 4,
        "group": 1,
    }
    # B2's team is C2, P1 and S1: C1's sessions are not theirs.
    assert b2.months["held"].sum() == 3 and b2.months["scheduled"].sum() == 0
    assert hidden.months["total"].sum() == 0  # another building's team stays hidden


def test_caseload_parity_uses_each_buildings_latest_count_up_to_the_date(store_url):
    build_district(store_url)
    with session_scope(store_url) as session:
        add_caseload(session, "C1", "B1", date(2025, 10, 1), 90)  # superseded
        add_caseload(session, "C1", "B1", date(2026, 3, 2), 60)
        add_caseload(session, "C1", "B1", date(2026, 4, 15), 100)  # after the as-of date
        add_caseload(session, "C1", "B1", date(2025, 5, 1), 10)  # last school year
        add_caseload(session, "C2", "B2", date(2026, 3, 2), 40)  # 0.5 FTE: 80 per FTE
        add_caseload(session, "P1", "B1", date(2026, 3, 1), 10)
        add_caseload(session, "P1", "B2", date(2026, 2, 1), 14)
    with session_scope(store_url) as session:
        parity = get_caseload_parity(session, as_of=AS_OF, scope=DISTRICT)
        scoped = get_caseload_parity(session, as_of=AS_OF, scope=building_scope({"B1"}))
    staff = parity.staff.set_index("staff_id")
    assert staff.loc["C1", ["active_cases", "cases_per_fte"]].tolist() == [60, 60.0]
    assert staff.loc["C2", "cases_per_fte"] == 80.0
    # Split across two buildings: 10 + 14 cases over 0.5 + 0.5 FTE.
    assert staff.loc["P1", ["active_cases", "fte", "cases_per_fte"]].tolist() == [24, 1.0, 24.0]
    assert staff.loc["P1", "caseload_on"] == date(2026, 3, 1)
    counselors = parity.roles.set_index("role").loc["counselor"]
    assert (counselors["staff"], counselors["median"], counselors["highest"]) == (2, 70.0, 80.0)
    assert bool(staff.loc["C2", "flagged"]) is False  # 80 is not above 1.25 x 70 = 87.5
    assert parity.without_caseload == 1  # S1
    # A B1 principal sees C1 and P1, compared with the whole district's counselors.
    assert sorted(scoped.staff["staff_id"]) == ["C1", "P1"]
    assert scoped.roles.equals(parity.roles)


def test_an_empty_store_exports_headers_only(sqlite_url):
    with session_scope(sqlite_url) as session:
        supervision = build_supervision_export(session, ExportOptions(as_of=AS_OF, scope=DISTRICT))
        staffing = build_staffing_export(session, ExportOptions(scope=DISTRICT))
    assert supervision.empty and len(supervision.columns) == 10
    assert staffing.empty and len(staffing.columns) == 8


@pytest.mark.parametrize("id_list_limit", [500, 0])  # staff ids as a list, or as a subquery
def test_the_last_held_session_may_lie_in_an_earlier_school_year(
    store_url, monkeypatch, id_list_limit
):
    monkeypatch.setattr(staff_support, "ID_LIST_LIMIT", id_list_limit)
    build_district(store_url)
    with session_scope(store_url) as session:
        add_supervision(session, "V20", "S1", date(2025, 3, 10), "held")
        add_supervision(session, "V21", "S1", date(2024, 11, 4), "held")
    with session_scope(store_url) as session:
        rows = {
            row["staff_id"]: row
            for row in read(
                build_supervision_export(session, ExportOptions(as_of=AS_OF, scope=DISTRICT))
            )
        }
    # 10 March 2025 to 31 March 2026: 365 + 21 days.
    assert [rows["S1"][c] for c in ("last_held_on", "days_since_last_held", "held_this_year")] == [
        "2025-03-10",
        386,
        0,
    ]
    assert rows["S1"]["covered"] == "false"
    assert rows["C1"]["last_held_on"] == "2026-02-18"  # a recent session is not replaced
