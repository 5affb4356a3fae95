"""The contract's `staff_pulse` export on districts built by hand: means, percents and who answered,
cells of fewer than 5 withheld, their answers still counted in ALL and DISTRICT rows when that is
safe, and further cells withheld when rolling up would let a withheld cell be worked out. Then an
attacker who subtracts published rows from one another (role rows, ALL rows, buildings, DISTRICT)
tries to recover a withheld cell's count and sums, and fails; without the complementary step, it
succeeds (so the test would catch the suppression being removed)."""

from __future__ import annotations

import csv
import io
from datetime import date

import numpy as np
import pytest

from data_access.__main__ import main
from data_access.db import session_scope
from data_access.export_format import ExportOptions
from data_access.models import Building, StaffPulse
from data_access.scope import DISTRICT, building_scope
from data_access.staff_support import pulse
from data_access.staff_support.pulse import build_staff_pulse_export, withheld_cells

DAY = date(2026, 1, 20)  # school year 2025-26
ITEMS = ("workload", "supported", "supervision_helpful", "drained")


def answers(building, role, rows):
    return [(building, role, *row) for row in rows]


# B1: 5 counselors and 4 nurses; B2: 5 and 5; B3: 6 counselors. (workload, supported,
# supervision_helpful, drained, intend_to_stay)
ROLLED_UP = (
    answers(
        "B1",
        "counselor",
        [
            (2, 3, 4, 5, False),
            (3, 3, 4, 4, True),
            (2, 2, 3, 5, False),
            (4, 4, 5, 2, True),
            (3, 4, 4, 3, None),
        ],
    )
    + answers(
        "B1",
        "nurse",
        [(4, 4, 4, 1, True), (5, 4, 3, 2, True), (3, 3, 3, 4, False), (4, 5, 4, 2, True)],
    )
    + answers("B2", "counselor", [(3, 3, 3, 3, True)] * 5)
    + answers("B2", "nurse", [(4, 4, 4, 4, False)] * 5)
    + answers("B3", "counselor", [(5, 5, 5, 1, True)] * 6)
)


def build(url: str, responses, day: date = DAY) -> None:
    with session_scope(url) as session:
        for building in sorted({r[0] for r in responses}):
            session.add(Building(building_id=building, name=f"School {building}", level="middle"))
        session.flush()
        for i, (building, role, *values) in enumerate(responses):
            session.add(
                StaffPulse(
                    response_id=f"R{i}",
                    building_id=building,
                    role=role,
                    responded_on=day,
                    **dict(zip(ITEMS, values[:4], strict=True)),
                    intend_to_stay=values[4],
                )
            )


def export(url: str, scope=DISTRICT) -> dict[tuple[str, str], dict]:
    with session_scope(url) as session:
        table = build_staff_pulse_export(session, ExportOptions(scope=scope))
    return {(row["building_id"], row["role"]): row for row in table.to_dict("records")}


def figures(row: dict) -> tuple:
    return tuple(row[c] for c in ("responses", *ITEMS, "pct_drained_often", "pct_intend_to_stay"))


WITHHELD = ("", "", "", "", "", "", "")


def test_a_role_with_4_responses_is_rolled_up_into_all_and_district(store_url):
    """B1: 3 counselors and 4 nurses, B2: 3 counselors and 2 nurses. Every role row is withheld,
    but each total then holds two unknowns: B1 ALL, the DISTRICT role rows and DISTRICT ALL are
    published, counting the 4 nurses."""
    responses = (
        answers("B1", "counselor", [(2, 2, 2, 5, False)] * 3)
        + answers("B1", "nurse", [(4, 4, 4, 2, True)] * 4)
        + answers("B2", "counselor", [(3, 3, 3, 3, True)] * 3)
        + answers("B2", "nurse", [(5, 5, 5, 1, True)] * 2)
    )
    build(store_url, responses)
    rows = export(store_url)
    for cell in [("B1", "counselor"), ("B1", "nurse"), ("B2", "counselor"), ("B2", "nurse")]:
        assert figures(rows[cell]) == WITHHELD, cell
    # B1 ALL: workload (6 + 16) / 7, drained (15 + 8) / 7, drained often 3 of 7, stay 4 of 7.
    assert figures(rows[("B1", "ALL")]) == (7, "3.1", "3.1", "3.1", "3.3", "42.9", "57.1")
    assert figures(rows[("B2", "ALL")]) == (5, "3.8", "3.8", "3.8", "2.2", "0.0", "100.0")
    # DISTRICT nurses: workload (16 + 10) / 6, drained (8 + 2) / 6.
    assert figures(rows[("DISTRICT", "nurse")]) == (6, "4.3", "4.3", "4.3", "1.7", "0.0", "100.0")
    assert figures(rows[("DISTRICT", "counselor")]) == (
        6,
        "2.5",
        "2.5",
        "2.5",
        "4.0",
        "50.0",
        "50.0",
    )
    # DISTRICT ALL: workload 41 / 12, drained 33 / 12, often 3 of 12, stay 9 of 12.
    assert figures(rows[("DISTRICT", "ALL")]) == (12, "3.4", "3.4", "3.4", "2.8", "25.0", "75.0")


def test_a_role_whose_roll_up_would_expose_it_withholds_the_total_rows_instead(store_url):
    build(store_url, ROLLED_UP)
    rows = export(store_url)
    assert list(rows) == [
        ("B1", "counselor"),
        ("B1", "nurse"),
        ("B1", "ALL"),
        ("B2", "counselor"),
        ("B2", "nurse"),
        ("B2", "ALL"),
        ("B3", "counselor"),
        ("B3", "ALL"),
        ("DISTRICT", "counselor"),
        ("DISTRICT", "nurse"),
        ("DISTRICT", "ALL"),
    ]
    assert {row["school_year"] for row in rows.values()} == {"2025-26"}
    # B1's 4 nurses are withheld; B1 ALL minus B1 counselors would give them away, and so would
    # DISTRICT nurse minus B2 nurse: those totals are withheld, and DISTRICT ALL with them (else
    # DISTRICT ALL minus DISTRICT counselor is DISTRICT nurse). Each rule then holds two unknowns.
    for cell in [("B1", "nurse"), ("B1", "ALL"), ("DISTRICT", "nurse"), ("DISTRICT", "ALL")]:
        assert figures(rows[cell]) == WITHHELD, cell
    # B1 counselors: workload 14/5, supported 16/5, helpful 20/5, drained 19/5, drained often 3
    # of 5, intend to stay 2 of the 4 who answered.
    assert figures(rows[("B1", "counselor")]) == (5, "2.8", "3.2", "4.0", "3.8", "60.0", "50.0")
    assert figures(rows[("B2", "ALL")]) == (10, "3.5", "3.5", "3.5", "3.5", "50.0", "50.0")
    assert figures(rows[("B3", "counselor")]) == (6, "5.0", "5.0", "5.0", "1.0", "0.0", "100.0")
    # DISTRICT counselors: 16 answers; workload 59/16, supported 61/16, helpful 65/16, drained
    # 40/16, drained often 3 of 16, intend to stay 13 of 15.
    assert figures(rows[("DISTRICT", "counselor")]) == (
        16,
        "3.7",
        "3.8",
        "4.1",
        "2.5",
        "18.8",
        "86.7",
    )


def test_a_small_building_whose_roll_up_would_expose_it_withholds_the_rows_that_would(store_url):
    """B2 has only 4 nurses: its nurse and ALL rows are withheld (fewer than 5). B1's 6 counselors
    and 7 nurses are publishable, but DISTRICT nurse minus B1 nurse would be B2's nurses, and
    DISTRICT ALL minus B1 ALL would be B2 ALL: so those two DISTRICT rows are withheld too (each
    rule then holds two unknowns). DISTRICT counselor is B1's counselors: published."""
    responses = (
        answers("B1", "counselor", [(3, 3, 3, 3, True)] * 6)
        + answers("B1", "nurse", [(4, 4, 4, 2, True)] * 7)
        + answers("B2", "nurse", [(1, 1, 1, 5, False)] * 4)
    )
    build(store_url, responses)
    rows = export(store_url)
    published = {cell for cell, row in rows.items() if row["responses"] != ""}
    assert published == {
        ("B1", "counselor"),
        ("B1", "nurse"),
        ("B1", "ALL"),
        ("DISTRICT", "counselor"),
    }
    for cell in [("B2", "nurse"), ("B2", "ALL"), ("DISTRICT", "nurse"), ("DISTRICT", "ALL")]:
        assert figures(rows[cell]) == WITHHELD, cell
    assert figures(rows[("B1", "ALL")]) == (13, "3.5", "3.5", "3.5", "2.5", "0.0", "100.0")


def test_withheld_cells_by_hand():
    two_by_two = {
        ("B1", "counselor"): 5,
        ("B1", "psychologist"): 4,
        ("B2", "counselor"): 6,
        ("B2", "psychologist"): 5,
        ("B1", "ALL"): 9,
        ("B2", "ALL"): 11,
        ("DISTRICT", "counselor"): 11,
        ("DISTRICT", "psychologist"): 9,
        ("DISTRICT", "ALL"): 20,
    }
    # B1's psychologists, and the totals that would give them away: B1 ALL (minus B1
    # counselors), DISTRICT psychologist (minus B2's) and DISTRICT ALL (minus DISTRICT counselor).
    # Four cells, as the loop of the four role cells would be, but every role row but one is kept.
    assert withheld_cells(two_by_two) == {
        ("B1", "psychologist"),
        ("B1", "ALL"),
        ("DISTRICT", "psychologist"),
        ("DISTRICT", "ALL"),
    }
    assert withheld_cells({k: v + 5 for k, v in two_by_two.items()}) == set()
    one_building = {
        ("B1", "counselor"): 6,
        ("B1", "nurse"): 4,
        ("B1", "ALL"): 10,
        ("DISTRICT", "counselor"): 6,
        ("DISTRICT", "nurse"): 4,
        ("DISTRICT", "ALL"): 10,
    }
    assert withheld_cells(one_building) == {
        ("B1", "nurse"),
        ("B1", "ALL"),
        ("DISTRICT", "nurse"),
        ("DISTRICT", "ALL"),
    }


# --- The attacker ---------------------------------------------------------------------------------


def attack(rows: dict[tuple[str, str], dict]) -> dict[tuple[str, str], np.ndarray]:
    """What subtraction recovers: for every withheld cell, its responses and its four answer sums
    (a mean times its responses), when the published rows pin them down. The rules an attacker
    knows: a building's ALL row is the sum of its role rows, a DISTRICT role row the sum of that
    role's building rows, DISTRICT ALL the sum of either. Solved by peeling: any rule with one
    unknown left gives it; repeat."""
    known = {}
    for cell, row in rows.items():
        if row["responses"] != "":
            n = int(row["responses"])
            known[cell] = np.array([n, *(float(row[item]) * n for item in ITEMS)])
    buildings = sorted({b for b, _ in rows if b != "DISTRICT"})
    roles = sorted({r for _, r in rows if r != "ALL"})
    zero = np.zeros(5)
    rules = [((b, "ALL"), [(b, r) for r in roles]) for b in buildings]
    rules += [(("DISTRICT", r), [(b, r) for b in buildings]) for r in roles]
    rules += [(("DISTRICT", "ALL"), [(b, "ALL") for b in buildings])]
    rules += [(("DISTRICT", "ALL"), [("DISTRICT", r) for r in roles])]
    for cell in [c for rule in rules for c in [rule[0], *rule[1]]]:
        if cell not in rows:
            known[cell] = zero  # no row: nobody answered
    recovered = {}
    progress = True
    while progress:
        progress = False
        for total, parts in rules:
            unknown = [c for c in [total, *parts] if c not in known]
            if len(unknown) != 1:
                continue
            (cell,) = unknown
            if cell == total:
                value = sum((known[p] for p in parts), zero)
            else:
                value = known[total] - sum((known[p] for p in parts if p != cell), zero)
            known[cell] = recovered[cell] = value
            progress = True
    return recovered


def truth(responses, cell) -> np.ndarray:
    building, role = cell
    picked = [r for r in responses if (building in ("DISTRICT", r[0])) and (role in ("ALL", r[1]))]
    return np.array([len(picked), *(sum(r[2 + i] for r in picked) for i in range(4))])


SCENARIOS = {
    "rolled_up": ROLLED_UP,
    "small_building": answers("B1", "counselor", [(3, 3, 3, 3, True)] * 6)
    + answers("B1", "nurse", [(4, 4, 4, 2, True)] * 7)
    + answers("B2", "nurse", [(1, 1, 1, 5, False)] * 4),
    "one_small_role_among_many": answers("B1", "counselor", [(3, 4, 3, 3, True)] * 7)
    + answers("B1", "psychologist", [(2, 2, 2, 5, False)] * 3)
    + answers("B2", "counselor", [(4, 4, 4, 2, True)] * 8)
    + answers("B2", "psychologist", [(3, 3, 3, 3, None)] * 6)
    + answers("B3", "counselor", [(5, 4, 5, 1, True)] * 9),
}


@pytest.mark.parametrize("name", sorted(SCENARIOS))
def test_the_attacker_recovers_no_withheld_cell(store_url, name):
    responses = SCENARIOS[name]
    build(store_url, responses)
    rows = export(store_url)
    assert any(row["responses"] == "" for row in rows.values())
    assert attack(rows) == {}


@pytest.mark.parametrize("name", sorted(SCENARIOS))
def test_without_complementary_suppression_the_attacker_recovers_a_small_cell(
    store_url, monkeypatch, name
):
    """The attack is real: withholding only the cells under 5 lets it recover one exactly."""
    monkeypatch.setattr(
        pulse,
        "withheld_cells",
        lambda sizes, minimum=5: {cell for cell, n in sizes.items() if n < minimum},
    )
    responses = SCENARIOS[name]
    build(store_url, responses)
    recovered = attack(export(store_url))
    small = {cell: value for cell, value in recovered.items() if value[0] < 5}
    assert small
    for cell, value in small.items():
        # the responses exactly; the sums to within the means' rounding
        assert value[0] == truth(responses, cell)[0]
        assert np.allclose(value[1:], truth(responses, cell)[1:], atol=0.05 * 25)


def test_a_principal_gets_their_buildings_and_the_district_with_the_same_cells_withheld(store_url):
    build(store_url, ROLLED_UP)
    everyone = export(store_url)
    mine = export(store_url, building_scope(["B1"]))
    assert list(mine) == [
        ("B1", "counselor"),
        ("B1", "nurse"),
        ("B1", "ALL"),
        ("DISTRICT", "counselor"),
        ("DISTRICT", "nurse"),
        ("DISTRICT", "ALL"),
    ]
    assert all(mine[cell] == everyone[cell] for cell in mine)


def test_the_command_line_writes_the_contract_columns(store_url, monkeypatch, tmp_path):
    build(store_url, ROLLED_UP)
    monkeypatch.setenv("DATABASE_URL", store_url)
    out = tmp_path / "staff_pulse.csv"
    assert main(["export", "staff_pulse", "--out", str(out), "--year", "2025-26"]) == 0
    text = out.read_text()
    assert text.splitlines()[0] == (
        "school_year,building_id,role,responses,workload,supported,supervision_helpful,drained,"
        "pct_drained_often,pct_intend_to_stay"
    )
    rows = list(csv.DictReader(io.StringIO(text)))
    assert rows[0]["responses"] == "5" and rows[0]["pct_drained_often"] == "60.0"
    assert rows[1] == {
        "school_year": "2025-26",
        "building_id": "B1",
        "role": "nurse",
        "responses": "",
        "workload": "",
        "supported": "",
        "supervision_helpful": "",
        "drained": "",
        "pct_drained_often": "",
        "pct_intend_to_stay": "",
    }
    assert main(["export", "staff_pulse", "--out", str(out), "--year", "2024-25"]) == 0
    assert out.read_text().splitlines()[1:] == []
