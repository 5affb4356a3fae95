"""The contract's `support_need` table on a district built by hand, on both backends, and an attacker
that tries to work out the withheld counts from everything the table publishes."""

from __future__ import annotations

import csv
import io
import math

import numpy as np
import pandas as pd
import pytest
from scipy.optimize import linprog

from data_access.__main__ import main
from data_access.db import session_scope
from data_access.export_format import ExportOptions
from data_access.models import Screening
from data_access.scope import DISTRICT, building_scope
from data_access.staff_support.need import (
    build_support_need_export,
    get_support_need,
    support_need_table,
)
from tests.utils.factories import (
    add_attendance,
    add_building,
    add_staff,
    add_students,
    add_supports,
)

YEAR = "2025-26"


def _below(session, student_ids, year=YEAR):
    for student_id in student_ids:
        session.add(
            Screening(
                student_id=student_id,
                school_year=year,
                window="fall",
                measure="reading",
                at_benchmark=False,
            )
        )
    session.flush()


def build_district(url: str) -> None:
    """A: 40 students, need 20 (12 with a tier 2 support, one of them also below benchmark; 3
    absent exactly 10% of 100 days; 5 below benchmark; 1 absent 9%: not chronic), no support staff.
    B: 30 students, every one with a tier 3 support; counselor X 0.5 here and 0.5 in C.
    C: 50 students, 15 with a support; X 0.5, psychologist Y 1.0, a coach 1.0 (not a support role).
    D: 60 students, 25 with a support; counselor Z 1.0.
    E: 100 students, 11 with a support; social worker W 1.0.
    F: no students, nurse N 0.2 (a building with staff only)."""
    with session_scope(url) as session:
        for building in "ABCDEF":
            add_building(session, building)
        a = add_students(session, "A", YEAR, 40)
        add_supports(session, a[:12], YEAR, tier=2)
        add_attendance(session, a[12:15], YEAR, days_enrolled=100, days_absent=10)
        add_attendance(session, a[20:21], YEAR, days_enrolled=100, days_absent=9)
        _below(session, [a[0], *a[15:20]])
        b = add_students(session, "B", YEAR, 30)
        add_supports(session, b, YEAR, tier=3)
        c = add_students(session, "C", YEAR, 50)
        add_supports(session, c[:15], YEAR, tier=2)
        d = add_students(session, "D", YEAR, 60)
        add_supports(session, d[:25], YEAR, tier=2)
        e = add_students(session, "E", YEAR, 100)
        add_supports(session, e[:11], YEAR, tier=2)
        # Last year: A's need does not count this year.
        add_students(session, "A", "2024-25", 5)
        add_staff(session, "X", "counselor", {("B", YEAR): 0.5, ("C", YEAR): 0.5})
        add_staff(session, "Y", "psychologist", {("C", YEAR): 1.0})
        add_staff(session, "K", "coach", {("C", YEAR): 1.0})
        add_staff(session, "Z", "counselor", {("D", YEAR): 1.0})
        add_staff(session, "W", "social_worker", {("E", YEAR): 1.0})
        add_staff(session, "N", "nurse", {("F", YEAR): 0.2})


def export(url: str, scope=DISTRICT, year: str | None = YEAR) -> dict[str, dict]:
    with session_scope(url) as session:
        table = build_support_need_export(session, ExportOptions(scope=scope, school_year=year))
    return {row["building_id"]: row for row in table.to_dict("records")}


def figures(row: dict) -> tuple:
    return (
        row["enrolled"],
        row["students_needing_support"],
        row["support_fte"],
        row["students_needing_support_per_fte"],
        row["need_rank"],
    )


def test_support_need_by_hand(store_url):
    build_district(store_url)
    rows = export(store_url)
    assert list(rows) == ["A", "B", "C", "D", "E", "F", "DISTRICT"]
    # A: need and no support staff: first, per FTE empty.
    assert figures(rows["A"]) == (40, 20, "0.0000", "", 1)
    # B: every student needs support, so enrolment minus need (0) would show them: withheld.
    # The buildings add up to the district, so the smallest other published count (E's 11) goes too.
    assert figures(rows["B"]) == (30, "", "0.5000", "", "")
    assert figures(rows["E"]) == (100, "", "1.0000", "", "")
    # C: X's other half and Y; the coach is not a support role. 15 / 1.5 = 10.
    assert figures(rows["C"]) == (50, 15, "1.5000", "10.0000", 3)
    assert figures(rows["D"]) == (60, 25, "1.0000", "25.0000", 2)
    # F: staff and no students: nobody to protect, nobody needing support, ranked last.
    assert figures(rows["F"]) == (0, 0, "0.2000", "0.0000", 4)
    # District: 280 students, 20 + 30 + 15 + 25 + 11 = 101 needing support, 4.2 FTE.
    assert figures(rows["DISTRICT"]) == (280, 101, "4.2000", f"{101 / 4.2:.4f}", "")
    assert export(store_url, year="2024-25")["A"]["students_needing_support"] == ""  # 0: small


def test_a_principal_sees_their_building_and_the_district_with_the_same_cells_withheld(store_url):
    build_district(store_url)
    everyone = export(store_url)
    mine = export(store_url, scope=building_scope({"B", "D"}))
    assert list(mine) == ["B", "D", "DISTRICT"]
    assert all(mine[b] == everyone[b] for b in mine)
    with session_scope(store_url) as session:
        view = get_support_need(session, school_year=YEAR, scope=building_scope({"D"}))
    assert list(view["building_id"]) == ["D", "DISTRICT"]
    assert list(view["name"]) == ["Building D", "Whole district"]


def test_the_command_line_writes_the_contract_columns(store_url, monkeypatch, tmp_path):
    build_district(store_url)
    monkeypatch.setenv("DATABASE_URL", store_url)
    out = tmp_path / "support_need.csv"
    assert main(["export", "support_need", "--out", str(out)]) == 0
    text = out.read_text()
    assert text.splitlines()[0] == (
        "school_year,building_id,enrolled,students_needing_support,support_fte,"
        "students_needing_support_per_fte,need_rank"
    )
    rows = list(csv.DictReader(io.StringIO(text)))
    assert [r["school_year"] for r in rows] == ["2024-25"] * 2 + [YEAR] * 7
    assert rows[2] == {
        "school_year": YEAR,
        "building_id": "A",
        "enrolled": "40",
        "students_needing_support": "20",
        "support_fte": "0.0000",
        "students_needing_support_per_fte": "",
        "need_rank": "1",
    }


# --- The attacker -----------------------------------------------------------------------------------


def attack(table: pd.DataFrame) -> dict[tuple[str, str], tuple[int, int]]:
    """For each withheld count of each school year, the smallest and largest value it can take given
    everything published: each building's enrolment and support FTE, every published count and need
    per FTE (times the FTE: a count), and the buildings adding up to the district. A linear
    programme per bound, rounded inwards to whole students."""
    found = {}
    for year, rows in table.groupby("school_year"):
        rows = rows.reset_index(drop=True)
        hidden = [i for i in range(len(rows)) if pd.isna(rows.loc[i, "students_needing_support"])]
        if not hidden:
            continue
        where = {row: k for k, row in enumerate(hidden)}
        known = {}
        for i, row in rows.iterrows():
            if i in where:
                continue
            count = row["students_needing_support"]
            per_fte = row["students_needing_support_per_fte"]
            if pd.isna(count) and not pd.isna(per_fte):
                count = round(per_fte * row["support_fte"])
            known[i] = float(count)
        district = int(np.flatnonzero(rows["building_id"] == "DISTRICT")[0])
        equality = np.zeros((1, len(hidden)))
        value = 0.0
        for i in range(len(rows)):
            sign = -1.0 if i == district else 1.0
            if i in where:
                equality[0, where[i]] += sign
            else:
                value -= sign * known[i]
        bounds = [(0, float(rows.loc[i, "enrolled"])) for i in hidden]
        for i, k in where.items():
            objective = np.zeros(len(hidden))
            objective[k] = 1.0
            low = linprog(objective, A_eq=equality, b_eq=[value], bounds=bounds).fun
            high = -linprog(-objective, A_eq=equality, b_eq=[value], bounds=bounds).fun
            found[(year, rows.loc[i, "building_id"])] = (
                math.ceil(low - 1e-9),
                math.floor(high + 1e-9),
            )
    return found


def _published(counts: pd.DataFrame, fte: pd.DataFrame, min_cell_size: int = 10) -> pd.DataFrame:
    return support_need_table(counts, fte, min_cell_size=min_cell_size)


def _read_export(table: pd.DataFrame) -> pd.DataFrame:
    """The exported text back as numbers (an empty cell: missing), as an attacker reads the file."""
    numbers = table.copy()
    for column in (
        "enrolled",
        "students_needing_support",
        "support_fte",
        "students_needing_support_per_fte",
    ):
        numbers[column] = pd.to_numeric(numbers[column].replace("", np.nan))
    return numbers


def test_the_attacker_recovers_no_withheld_count_of_the_exported_file(store_url):
    build_district(store_url)
    with session_scope(store_url) as session:
        table = build_support_need_export(session, ExportOptions(scope=DISTRICT))
    ranges = attack(_read_export(table))
    # Last year A, the only building, had 5 students: its 0 and the district's go together.
    assert set(ranges) == {(YEAR, "B"), (YEAR, "E"), ("2024-25", "A"), ("2024-25", "DISTRICT")}
    # B (30 of 30) lies anywhere from 0 to 30, E (11 of 100) from 11 to 41: B + E = 41.
    assert ranges[(YEAR, "B")] == (0, 30)
    assert ranges[(YEAR, "E")] == (11, 41)
    for (year, _building), (low, high) in ranges.items():
        if year == YEAR:
            assert high - low + 1 >= 10


@pytest.mark.parametrize("seed", range(40))
def test_the_attacker_recovers_no_withheld_count_of_random_districts(seed):
    rng = np.random.default_rng(seed)
    buildings = [f"B{i}" for i in range(int(rng.integers(2, 9)))]
    enrolled = rng.integers(5, 400, len(buildings))
    # Some buildings where nearly everyone or nearly nobody needs support.
    share = rng.choice([0.0, 0.02, 0.3, 0.6, 0.97, 1.0], len(buildings))
    need = np.minimum(enrolled, np.round(enrolled * share + rng.integers(0, 4, len(buildings))))
    counts = pd.DataFrame(
        {"school_year": YEAR, "building_id": buildings, "enrolled": enrolled, "need": need}
    )
    fte = pd.DataFrame(
        {
            "school_year": YEAR,
            "building_id": buildings,
            "support_fte": rng.choice([0.0, 0.5, 1.0, 1.5], len(buildings)),
        }
    )
    table = _published(counts, fte)
    truth = dict(zip(buildings, need, strict=True)) | {"DISTRICT": need.sum()}
    for (_, building), (low, high) in attack(table).items():
        assert low <= truth[building] <= high
        enrolment = table.loc[table["building_id"] == building, "enrolled"].iloc[0]
        if enrolment >= 10:  # a building of fewer than 10 students cannot have 10 possible values
            assert high - low + 1 >= 10, (building, low, high, table)
    # A rank is published only beside a published count.
    ranked = table[table["need_rank"].notna()]
    assert ranked["students_needing_support"].notna().all()


def test_without_complementary_suppression_the_attacker_recovers_a_small_count():
    """The attacker is real: withholding only B (all 30 need support) gives B away exactly."""
    counts = pd.DataFrame(
        {
            "school_year": YEAR,
            "building_id": ["A", "B", "C"],
            "enrolled": [40, 30, 50],
            "need": [20, 30, 15],
        }
    )
    fte = pd.DataFrame({"school_year": YEAR, "building_id": ["A"], "support_fte": [1.0]})
    table = _published(counts, fte)
    table.loc[table["building_id"] == "C", "students_needing_support"] = 15  # undo protection
    table.loc[table["building_id"] == "C", "students_needing_support_per_fte"] = np.nan
    assert attack(table)[(YEAR, "B")] == (30, 30)
