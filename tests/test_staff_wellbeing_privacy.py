"""No pulse answer can be worked out from the Staff wellbeing tab, over time too.

The tab shows the published `staff_pulse` rows (the export's), per school year. An attacker takes
every figure the tab's view holds for every year and every rule it knows: within a period a
building's ALL row is the sum of its role rows, a DISTRICT role row the sum of the buildings', and
across periods a longer period is the sum of the shorter ones inside it. It peels: any rule with
one unknown left gives it away. On the screen's rows it recovers nothing. Shown a naive "by term"
table beside the year's (a group shown in the fall and rolled up for the year), it recovers the
spring's withheld group by difference: so the test would catch a screen that did that."""

from __future__ import annotations

from datetime import date

import numpy as np
import pandas as pd
import pytest

from data_access.db import session_scope
from data_access.export_format import ExportOptions
from data_access.models import Building, StaffPulse
from data_access.scope import DISTRICT, building_scope
from data_access.staff_support.pulse import (
    build_staff_pulse_export,
    pulse_sums,
    read_pulse,
    staff_pulse_table,
)
from data_access.staff_support.wellbeing import get_staff_wellbeing_view

ITEMS = ("workload", "supported", "supervision_helpful", "drained")
FALL, SPRING = date(2025, 10, 15), date(2026, 3, 10)  # school year 2025-26
LAST_YEAR = date(2025, 3, 10)  # 2024-25


def answers(building, role, day, rows):
    return [(building, role, day, *row) for row in rows]


# 2024-25: B1's 4 nurses are withheld (rolled up into nothing: B1 ALL and DISTRICT rows go too).
# 2025-26: B1's nurses answered 6 times in the fall and 3 in spring: 9, shown for the year.
RESPONSES = (
    answers("B1", "counselor", LAST_YEAR, [(3, 3, 3, 3, True)] * 6)
    + answers("B1", "nurse", LAST_YEAR, [(2, 2, 2, 5, False)] * 4)
    + answers("B2", "counselor", LAST_YEAR, [(4, 4, 4, 2, True)] * 5)
    + answers("B1", "counselor", FALL, [(3, 4, 3, 3, True)] * 5)
    + answers("B1", "counselor", SPRING, [(3, 3, 4, 3, True)] * 5)
    + answers("B1", "nurse", FALL, [(4, 4, 4, 2, True)] * 6)
    + answers("B1", "nurse", SPRING, [(1, 1, 1, 5, False)] * 3)
    + answers("B2", "counselor", FALL, [(4, 3, 4, 2, True)] * 5)
    + answers("B2", "counselor", SPRING, [(4, 4, 4, 2, True)] * 5)
)


def build(url: str) -> None:
    with session_scope(url) as session:
        for building in ("B1", "B2"):
            session.add(Building(building_id=building, name=f"School {building}", level="middle"))
        session.flush()
        for i, (building, role, day, *values) in enumerate(RESPONSES):
            session.add(
                StaffPulse(
                    response_id=f"R{i:03d}",
                    building_id=building,
                    role=role,
                    responded_on=day,
                    **dict(zip(ITEMS, values[:4], strict=True)),
                    intend_to_stay=values[4],
                )
            )


def attack(
    rows: pd.DataFrame, periods: dict[str, list[str]], exists: pd.DataFrame | None = None
) -> dict[tuple, np.ndarray]:
    """What subtraction recovers from published rows (`school_year` is the period): every
    withheld (period, building, role) whose responses and answer sums the rules pin down.
    `periods`: a period -> the shorter periods it is the sum of. `exists`: rows whose cells exist
    though `rows` does not show them (a principal's view of other buildings): unknown, not zero."""
    known: dict[tuple, np.ndarray] = {}
    cells = set()
    for row in (exists if exists is not None else rows).to_dict("records"):
        cells.add((row["school_year"], row["building_id"], row["role"]))
    for row in rows.to_dict("records"):
        cell = (row["school_year"], row["building_id"], row["role"])
        if not pd.isna(row["responses"]) and row["responses"] != "":
            n = int(row["responses"])
            known[cell] = np.array([n, *(float(row[item]) * n for item in ITEMS)])
    rules = []
    for period in {c[0] for c in cells}:
        buildings = sorted({b for p, b, _ in cells if p == period and b != "DISTRICT"})
        roles = sorted({r for p, _, r in cells if p == period and r != "ALL"})
        rules += [((period, b, "ALL"), [(period, b, r) for r in roles]) for b in buildings]
        rules += [((period, "DISTRICT", r), [(period, b, r) for b in buildings]) for r in roles]
        rules.append(((period, "DISTRICT", "ALL"), [(period, b, "ALL") for b in buildings]))
        rules.append(((period, "DISTRICT", "ALL"), [(period, "DISTRICT", r) for r in roles]))
    for longer, shorter in periods.items():
        for _, building, role in {c for c in cells if c[0] == longer}:
            rules.append(((longer, building, role), [(p, building, role) for p in shorter]))
    zero = np.zeros(5)
    for cell in [c for total, parts in rules for c in [total, *parts]]:
        if cell not in cells:
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


def test_the_screen_shows_the_exports_rows_and_nothing_else(store_url):
    build(store_url)
    with session_scope(store_url) as session:
        view = get_staff_wellbeing_view(session, scope=DISTRICT)
        export = build_staff_pulse_export(session, ExportOptions(scope=DISTRICT))
    assert view.school_years == ("2024-25", "2025-26")
    assert len(view.rows) == len(export)
    for shown, written in zip(view.rows.to_dict("records"), export.to_dict("records"), strict=True):
        assert (shown["school_year"], shown["building_id"], shown["role"]) == (
            written["school_year"],
            written["building_id"],
            written["role"],
        )
        if pd.isna(shown["responses"]):
            assert written["responses"] == ""
        else:
            assert str(shown["responses"]) == str(written["responses"])
            assert f"{shown['drained']:.1f}" == written["drained"]
    # By hand: 2024-25's 4 nurses withheld and B1 ALL with them; 2025-26's 9 nurses shown: drained
    # (6 x 2 + 3 x 5) / 9 = 3.0, drained often 3 of 9 = 33.3%, intend to stay 6 of 9 = 66.7%.
    rows = view.rows.set_index(["school_year", "building_id", "role"])
    assert pd.isna(rows.loc[("2024-25", "B1", "nurse"), "responses"])
    assert pd.isna(rows.loc[("2024-25", "B1", "ALL"), "responses"])
    nurses = rows.loc[("2025-26", "B1", "nurse")]
    assert (int(nurses["responses"]), nurses["drained"]) == (9, 3.0)
    assert (nurses["pct_drained_often"], nurses["pct_intend_to_stay"]) == (33.3, 66.7)


def test_the_attacker_recovers_nothing_from_every_year_on_screen(store_url):
    build(store_url)
    with session_scope(store_url) as session:
        district = get_staff_wellbeing_view(session, scope=DISTRICT).rows
        mine = get_staff_wellbeing_view(session, scope=building_scope({"B2"})).rows
    assert district["responses"].isna().any()
    assert attack(district, periods={}) == {}
    # A principal may work out other buildings' published rows (the DISTRICT minus theirs): those
    # are published to the district anyway. Never a withheld one.
    withheld = {
        (r["school_year"], r["building_id"], r["role"])
        for r in district.to_dict("records")
        if pd.isna(r["responses"])
    }
    assert not set(attack(mine, periods={}, exists=district)) & withheld


def test_a_group_shown_for_the_fall_and_rolled_up_for_the_year_gives_the_spring_away(sqlite_url):
    """The check is real: a screen that added a by-term table (each term withheld on its own)
    beside the year's would let the attacker take the fall from the year and find the spring's
    3 nurses, who answered drained 5 each."""
    build(sqlite_url)
    with session_scope(sqlite_url) as session:
        responses = read_pulse(session)
    year = staff_pulse_table(pulse_sums(responses))
    spring = responses["responded_on"].map(lambda d: d.month < 7)
    terms = []
    for name, part in (("fall", responses[~spring]), ("spring", responses[spring])):
        sums = pulse_sums(part)
        sums["school_year"] = sums["school_year"] + "/" + name
        terms.append(staff_pulse_table(sums))
    naive = pd.concat([year, *terms], ignore_index=True)
    shown_term = naive[naive["school_year"] == "2025-26/spring"].set_index(["building_id", "role"])
    assert pd.isna(shown_term.loc[("B1", "nurse"), "responses"])  # withheld in the spring
    recovered = attack(naive, periods={"2025-26": ["2025-26/fall", "2025-26/spring"]})
    value = recovered[("2025-26/spring", "B1", "nurse")]
    assert value[0] == 3
    assert value[4] == pytest.approx(15, abs=0.5)  # drained: 5 x 3
