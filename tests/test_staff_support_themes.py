"""What supervision is carrying, on a district built by hand: held sessions carrying each theme by
month, building and role (a split supervisee counted at their main building; cancelled sessions,
sessions after the date and non-support staff left out), and the rising themes against the
previous term: a theme new this term, a theme whose share more than tripled, and two that rose
but came up in fewer than 5 held sessions (1 to 2; 2 to 4), which are not headlines."""

from __future__ import annotations

from datetime import date

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


def build(url: str) -> None:
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
        for i, (staff_id, day, status, themes) in enumerate(SESSIONS):
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


def test_rising_themes_against_the_previous_term(store_url):
    build(store_url)
    rising = view_of(store_url).rising
    found = {
        (row["place_type"], row["place"], row["theme"]): row for row in rising.to_dict("records")
    }
    # Attendance: 5 held sessions this term, none last term: new in B1, the middle schools and
    # the district. Family: B2 1 of 4 last term, 5 of 6 now (up 233%); the middle schools 1 of 8
    # to 5 of 12 (233%); the district 1 of 10 to 5 of 14 (257%). The high-school level has one
    # building: only the building. Safeguarding in B2 (2 of 4 to 4 of 6) and mental health in B3
    # (1 of 2 to 2 of 2) rose, but in fewer than 5 sessions: not headlines.
    assert set(found) == {
        ("all", None, "attendance"),
        ("level", "middle", "attendance"),
        ("building", "B1", "attendance"),
        ("all", None, "family"),
        ("level", "middle", "family"),
        ("building", "B2", "family"),
    }
    attendance = found[("building", "B1", "attendance")]
    assert (attendance["sessions"], attendance["held"]) == (5, 6)
    assert (attendance["sessions_before"], attendance["held_before"]) == (0, 4)
    assert attendance["change"] != attendance["change"]  # NaN: it did not come up before
    family = found[("all", None, "family")]
    assert (family["sessions"], family["held"], family["sessions_before"]) == (5, 14, 1)
    assert family["held_before"] == 10
    assert family["change"] == pytest.approx((5 / 14) / (1 / 10) - 1)  # 2.571
    assert found[("building", "B2", "family")]["change"] == pytest.approx((5 / 6) / (1 / 4) - 1)
    # new themes first, then the largest rise
    assert list(rising["theme"][:3]) == ["attendance"] * 3
    assert rising.loc[3, "place_type"] == "all"


def test_a_principal_sees_their_building_only(store_url):
    build(store_url)
    view = view_of(store_url, scope=building_scope({"B2"}))
    assert set(view.by_building["building_id"]) == {"B2"}
    assert view.held == 10
    assert [(r["place_type"], r["place"], r["theme"]) for r in view.rising.to_dict("records")] == [
        ("building", "B2", "family")
    ]


def test_one_buildings_team(store_url):
    build(store_url)
    view = view_of(store_url, building_id="B1")
    assert view.held == 10
    assert set(view.by_role["role"]) == {"counselor", "nurse"}
    assert set(view.by_building["building_id"]) == {"B1", "B2", "B3"}  # the table beside it
    assert [(r["place"], r["theme"]) for r in view.rising.to_dict("records")] == [
        ("B1", "attendance")
    ]
