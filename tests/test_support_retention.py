"""Support-staff turnover, vacant posts and caseloads by month on a district built by hand, on both
backends."""

from __future__ import annotations

from datetime import date

from data_access.db import session_scope
from data_access.models import Staff
from data_access.scope import DISTRICT, building_scope
from data_access.staff_support.retention import get_caseload_trend, get_retention
from tests.utils.factories import add_building, add_caseload, add_staff, add_students

YEAR, LAST = "2025-26", "2024-25"
AS_OF = date(2026, 3, 1)


def _dates(session, staff_id, start=None, end=None):
    staff = session.get(Staff, staff_id)
    staff.start_date, staff.end_date = start, end
    session.add(staff)
    session.flush()


def build_district(url: str) -> None:
    """A: 300 students, B: 100.
    C1 counselor: A 1.0 last year and this; left 31 January 2026 (mid-year).
    C2 counselor: A 0.5 and B 0.5 this year (split), still here.
    P1 psychologist: A 1.0 last year, left 30 June 2025 (last year's leaver).
    P2 psychologist: A 1.0 this year, started 15 August 2025 (P1's post refilled).
    S1 social worker: B 1.0 this year, leaving 30 June 2026 (after the as-of date: not yet a leaver).
    N1 nurse: B 0.4 last year only, no end date (no assignment this year is not leaving).
    K coach: A 1.0 this year, left: not a support role."""
    with session_scope(url) as session:
        add_building(session, "A")
        add_building(session, "B")
        add_students(session, "A", YEAR, 300)
        add_students(session, "B", YEAR, 100)
        add_staff(session, "C1", "counselor", {("A", LAST): 1.0, ("A", YEAR): 1.0})
        _dates(session, "C1", date(2020, 8, 1), date(2026, 1, 31))
        add_staff(session, "C2", "counselor", {("A", YEAR): 0.5, ("B", YEAR): 0.5})
        add_staff(session, "P1", "psychologist", {("A", LAST): 1.0})
        _dates(session, "P1", None, date(2025, 6, 30))
        add_staff(session, "P2", "psychologist", {("A", YEAR): 1.0})
        _dates(session, "P2", date(2025, 8, 15))
        add_staff(session, "S1", "social_worker", {("B", YEAR): 1.0})
        _dates(session, "S1", None, date(2026, 6, 30))
        add_staff(session, "N1", "nurse", {("B", LAST): 0.4})
        add_staff(session, "K", "coach", {("A", YEAR): 1.0})
        _dates(session, "K", None, date(2025, 12, 1))


def rows(table):
    return {
        (r.school_year, r.building_id, r.role): (r.in_post, r.leavers, round(r.turnover, 4))
        for r in table.itertuples(index=False)
    }


def test_turnover_by_role_and_building(store_url):
    build_district(store_url)
    with session_scope(store_url) as session:
        table, vacant = get_retention(session, as_of=AS_OF, scope=DISTRICT)
    assert rows(table) == {
        (LAST, "A", "counselor"): (1, 0, 0.0),
        (LAST, "A", "psychologist"): (1, 1, 1.0),
        (LAST, "A", "ALL"): (2, 1, 0.5),
        (LAST, "B", "nurse"): (1, 0, 0.0),
        (LAST, "B", "ALL"): (1, 0, 0.0),
        (LAST, "DISTRICT", "counselor"): (1, 0, 0.0),
        (LAST, "DISTRICT", "nurse"): (1, 0, 0.0),
        (LAST, "DISTRICT", "psychologist"): (1, 1, 1.0),
        (LAST, "DISTRICT", "ALL"): (3, 1, 0.3333),
        # C1 left mid-year; P1, gone before the year began, is not in post.
        (YEAR, "A", "counselor"): (2, 1, 0.5),
        (YEAR, "A", "psychologist"): (1, 0, 0.0),
        (YEAR, "A", "ALL"): (3, 1, 0.3333),
        (YEAR, "B", "counselor"): (1, 0, 0.0),
        (YEAR, "B", "social_worker"): (1, 0, 0.0),  # leaving in June: not yet
        (YEAR, "B", "ALL"): (2, 0, 0.0),
        # C2, split across A and B, counts once in the district.
        (YEAR, "DISTRICT", "counselor"): (2, 1, 0.5),
        (YEAR, "DISTRICT", "psychologist"): (1, 0, 0.0),
        (YEAR, "DISTRICT", "social_worker"): (1, 0, 0.0),
        (YEAR, "DISTRICT", "ALL"): (4, 1, 0.25),
    }
    # A's counselor post: C2's 0.5 FTE left for 300 students = 600 per FTE against 250; 1.2 FTE
    # would meet the ratio, so 0.7 short. A's psychologist post was refilled (300 per FTE <= 500).
    assert vacant.to_dict("records") == [
        {
            "building_id": "A",
            "role": "counselor",
            "left": 1,
            "last_left_on": date(2026, 1, 31),
            "fte_in_post": 0.5,
            "enrollment": 300,
            "students_per_fte": 600.0,
            "recommended_ratio": 250,
            "fte_short": 0.7,
        }
    ]


def test_before_the_leaver_left_nothing_is_vacant_and_a_principal_sees_their_buildings(store_url):
    build_district(store_url)
    with session_scope(store_url) as session:
        table, vacant = get_retention(session, as_of=date(2026, 1, 30), scope=DISTRICT)
        mine, theirs = get_retention(session, as_of=AS_OF, scope=building_scope({"B"}))
    assert rows(table)[(YEAR, "A", "counselor")] == (2, 0, 0.0)
    assert vacant.empty
    assert set(mine["building_id"]) == {"B", "DISTRICT"}
    assert theirs.empty  # A's vacancy is not theirs


def test_caseloads_by_month_per_role(store_url):
    """Counselors: C1 1.0 in A; C2 0.5 in A and 0.5 in B (1.0 in all); C3 0.5 in B.
    September: C1 30; C2 24 (A's later count) + 10 (B) = 34; C3 20 / 0.5 = 40 → median 34, quartiles
    32 and 37. October: C1 45, C2 30 (A only) → median 37.5. April is after the as-of date."""
    with session_scope(store_url) as session:
        add_building(session, "A")
        add_building(session, "B")
        add_staff(session, "C1", "counselor", {("A", YEAR): 1.0})
        add_staff(session, "C2", "counselor", {("A", YEAR): 0.5, ("B", YEAR): 0.5})
        add_staff(session, "C3", "counselor", {("B", YEAR): 0.5})
        add_staff(session, "K", "coach", {("A", YEAR): 1.0})
        add_caseload(session, "C1", "A", date(2025, 9, 15), 30)
        add_caseload(session, "C2", "A", date(2025, 9, 10), 20)
        add_caseload(session, "C2", "A", date(2025, 9, 25), 24)
        add_caseload(session, "C2", "B", date(2025, 9, 20), 10)
        add_caseload(session, "C3", "B", date(2025, 9, 15), 20)
        add_caseload(session, "C1", "A", date(2025, 10, 15), 45)
        add_caseload(session, "C2", "A", date(2025, 10, 10), 30)
        add_caseload(session, "K", "A", date(2025, 10, 10), 300)
        add_caseload(session, "C1", "A", date(2026, 4, 1), 99)
    with session_scope(store_url) as session:
        trend = get_caseload_trend(session, as_of=AS_OF)
    assert trend.to_dict("records") == [
        {
            "month": date(2025, 9, 1),
            "role": "counselor",
            "staff": 3,
            "median": 34.0,
            "q1": 32.0,
            "q3": 37.0,
            "lowest": 30.0,
            "highest": 40.0,
        },
        {
            "month": date(2025, 10, 1),
            "role": "counselor",
            "staff": 2,
            "median": 37.5,
            "q1": 33.75,
            "q3": 41.25,
            "lowest": 30.0,
            "highest": 45.0,
        },
    ]
