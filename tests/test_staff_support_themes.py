"""What supervision is carrying, on a district built by hand: held sessions carrying each theme by
month, building and role (a split supervisee counted at their main building; cancelled sessions,
sessions after the date and non-support staff left out), and the rising themes against the
previous term: a theme new this term, a theme whose share more than tripled, and two that rose
but came up in fewer than 5 held sessions (1 to 2; 2 to 4), which are not headlines."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from data_access.db import session_scope
from data_access.models import SupervisionTheme
from data_access.scope import DISTRICT, building_scope
from data_access.staff_support.themes import (
    Term,
    get_supervision_themes_view,
    previous_term,
    term_of,
)
from tests.utils.factories import add_building, add_staff, add_supervision

YEAR = "2025-26"
AS_OF = date(2026, 3, 15)  # the spring term; the previous term is fall 2025

# (staff, day, status, themes)
SESSIONS = [
    # fall 2025
    ("C1", date(2025, 9, 10), "held", ["workload"]),
    ("C1", date(2025, 11, 5), "held", []),
    ("C2", date(2025, 9, 12), "held", ["workload"]),
    ("C2", date(2025, 11, 7), "held", []),
    ("C3", date(2025, 9, 15), "held", ["safeguarding"]),
    ("C3", date(2025, 10, 15), "held", ["safeguarding", "family"]),
    ("C3", date(2025, 11, 14), "held", []),
    ("C3", date(2025, 12, 10), "held", []),
    ("C4", date(2025, 10, 1), "held", ["mental_health"]),
    ("C4", date(2025, 12, 1), "held", []),
    # spring 2026
    ("C1", date(2026, 1, 12), "held", ["attendance", "workload"]),
    ("C1", date(2026, 2, 9), "held", ["attendance"]),
    ("C1", date(2026, 3, 9), "held", ["attendance", "workload"]),
    ("C2", date(2026, 1, 14), "held", ["attendance"]),
    ("C2", date(2026, 2, 11), "held", ["attendance", "workload"]),
    ("C2", date(2026, 3, 11), "held", []),
    ("C3", date(2026, 1, 15), "held", ["safeguarding", "family"]),
    ("C3", date(2026, 1, 29), "held", ["safeguarding", "family"]),
    ("C3", date(2026, 2, 12), "held", ["safeguarding", "family"]),
    ("C3", date(2026, 2, 26), "held", ["safeguarding", "family"]),
    ("C3", date(2026, 3, 5), "held", ["family"]),
    ("C3", date(2026, 3, 12), "held", []),
    ("C4", date(2026, 1, 20), "held", ["mental_health"]),
    ("C4", date(2026, 3, 2), "held", ["mental_health"]),
    # never counted: cancelled, after the as-of date, not support staff
    ("C1", date(2026, 3, 3), "cancelled", ["attendance"]),
    ("C1", date(2026, 3, 20), "held", ["attendance"]),
    ("A1", date(2026, 1, 20), "held", ["attendance"]),
]


# C5, a counselor at B3, for the rising test: family in 1 of 8 held sessions in the fall, 7 of 8
# in spring.
C5_SESSIONS = [
    ("C5", date(2025, 9, 1) + timedelta(weeks=i), "held", ["family"] if i == 0 else [])
    for i in range(8)
] + [
    ("C5", date(2026, 1, 5) + timedelta(weeks=i), "held", ["family"] if i < 7 else [])
    for i in range(8)
]


def build(url: str, *, with_c5: bool = False) -> None:
    with session_scope(url) as session:
        add_building(session, "B1", level="middle")
        add_building(session, "B2", level="middle")
        add_building(session, "B3", level="high")
        add_staff(session, "C1", "counselor", {("B1", YEAR): 1.0})
        # split evenly: counted at the lower building id
        add_staff(session, "C2", "nurse", {("B2", YEAR): 0.5, ("B1", YEAR): 0.5})
        add_staff(session, "C3", "counselor", {("B2", YEAR): 0.6, ("B3", YEAR): 0.4})
        add_staff(session, "C4", "psychologist", {("B3", YEAR): 1.0})
        add_staff(session, "A1", "administrator", {("B1", YEAR): 1.0})
        sessions = SESSIONS
        if with_c5:
            add_staff(session, "C5", "counselor", {("B3", YEAR): 1.0})
            sessions = SESSIONS + C5_SESSIONS
        for i, (staff_id, day, status, themes) in enumerate(sessions):
            add_supervision(session, f"S{i:02d}", staff_id, day, status)
            for theme in themes:
                session.add(SupervisionTheme(session_id=f"S{i:02d}", theme=theme))


def view_of(url: str, scope=DISTRICT, building_id=None):
    with session_scope(url) as session:
        return get_supervision_themes_view(
            session, scope=scope, as_of=AS_OF, building_id=building_id
        )


def counts(frame, key: str) -> dict[tuple, tuple[int, int]]:
    return {
        (row[key], row["theme"]): (int(row["sessions"]), int(row["held"]))
        for row in frame.to_dict("records")
    }


def test_terms_are_the_halves_of_the_school_year():
    spring = term_of(AS_OF)
    assert spring == Term(YEAR, "spring", date(2026, 1, 1), date(2026, 6, 30))
    assert previous_term(spring) == Term(YEAR, "fall", date(2025, 7, 1), date(2025, 12, 31))
    assert previous_term(previous_term(spring)).half == "spring"
    assert previous_term(previous_term(spring)).school_year == "2024-25"


def test_themes_by_month_building_and_role(store_url):
    build(store_url)
    view = view_of(store_url)
    assert view.held == 24  # 10 in the fall, 14 in spring up to 15 March
    by_month = counts(view.by_month, "month")
    # January: C1, C2, C3 twice, C4: 5 held; attendance in C1's and C2's (A1 is not support staff).
    assert by_month[(date(2026, 1, 1), "attendance")] == (2, 5)
    assert by_month[(date(2026, 3, 1), "attendance")] == (1, 5)  # not the cancelled, not the 20th
    assert by_month[(date(2025, 10, 1), "family")] == (1, 2)
    by_building = counts(view.by_building, "building_id")
    # C2 (0.5 and 0.5) counts at B1; C3 (0.6 at B2) at B2
    assert by_building[("B1", "attendance")] == (5, 10)
    assert by_building[("B1", "workload")] == (5, 10)
    assert by_building[("B2", "safeguarding")] == (6, 10)
    assert by_building[("B2", "family")] == (6, 10)
    assert by_building[("B3", "mental_health")] == (3, 4)
    assert ("B3", "family") not in by_building
    by_role = counts(view.by_role, "role")
    assert by_role[("counselor", "family")] == (6, 15)
    assert by_role[("counselor", "attendance")] == (3, 15)
    assert by_role[("nurse", "attendance")] == (2, 5)
    assert "administrator" not in set(view.by_role["role"])


def z(now: int, held: int, before: int, held_before: int) -> float:
    pooled = (now + before) / (held + held_before)
    error = (pooled * (1 - pooled) * (1 / held + 1 / held_before)) ** 0.5
    return (now / held - before / held_before) / error


def test_rising_themes_against_the_previous_term(store_url):
    build(store_url, with_c5=True)
    rising = view_of(store_url).rising
    found = {
        (row["place_type"], row["place"], row["theme"]): row for row in rising.to_dict("records")
    }
    # Attendance in B1: 5 of 6 held sessions this term, none of 4 last term: new (z 2.58). In the
    # middle schools (5 of 12, 0 of 8: z 2.11) and the district (5 of 22, 0 of 18: z 2.16) the
    # rise could be chance. Family in B3: 1 of 10 to 7 of 10 (up 600%, z 2.74); the district: 2 of
    # 18 to 12 of 22 (up 391%, z 2.86); in B2 1 of 4 to 5 of 6 is up 233% but z 1.84: chance. The
    # high-school level has one building: only the building. Safeguarding in B2 (2 of 4 to 4 of
    # 6), workload in B1 (3) and mental health in B3 (1 to 2) came up in fewer than 5 sessions.
    assert z(5, 6, 0, 4) == pytest.approx(2.58, abs=0.01)
    assert z(5, 12, 0, 8) < 2.33 and z(5, 22, 0, 18) < 2.33 and z(5, 6, 1, 4) < 2.33
    assert list(found) == [
        ("building", "B1", "attendance"),  # new first
        ("building", "B3", "family"),  # then the largest rise
        ("all", None, "family"),
    ]
    attendance = found[("building", "B1", "attendance")]
    assert (attendance["sessions"], attendance["held"]) == (5, 6)
    assert (attendance["sessions_before"], attendance["held_before"]) == (0, 4)
    assert attendance["change"] != attendance["change"]  # NaN: it did not come up before
    family = found[("all", None, "family")]
    assert (family["sessions"], family["held"], family["sessions_before"]) == (12, 22, 2)
    assert family["held_before"] == 18
    assert family["change"] == pytest.approx((12 / 22) / (2 / 18) - 1)  # 3.909
    assert found[("building", "B3", "family")]["change"] == pytest.approx(6.0)


def test_a_principal_sees_their_building_only(store_url):
    build(store_url, with_c5=True)
    view = view_of(store_url, scope=building_scope({"B3"}))
    assert set(view.by_building["building_id"]) == {"B3"}
    assert view.held == 20  # C4's 4 and C5's 16
    assert [(r["place_type"], r["place"], r["theme"]) for r in view.rising.to_dict("records")] == [
        ("building", "B3", "family")
    ]


def test_one_buildings_team(store_url):
    build(store_url, with_c5=True)
    view = view_of(store_url, building_id="B1")
    assert view.held == 10
    assert set(view.by_role["role"]) == {"counselor", "nurse"}
    assert set(view.by_building["building_id"]) == {"B1", "B2", "B3"}  # the table beside it
    assert [(r["place"], r["theme"]) for r in view.rising.to_dict("records")] == [
        ("B1", "attendance")
    ]
