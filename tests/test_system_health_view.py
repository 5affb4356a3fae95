"""The Student outcomes view on both backends: referral counts by month, weekday, hour, behaviour and
location, and referrals per 100 students per school day, worked out by hand."""

from __future__ import annotations

from datetime import date

import pytest

from data_access.db import session_scope
from data_access.models import Discipline, SchoolCalendar
from data_access.scope import DISTRICT, building_scope
from data_access.system_health.view import get_student_outcomes_view
from tests.utils.factories import add_building, add_students

YEAR = "2025-26"


def _referral(session, incident_id, student, day, *, kind="major", behavior=None, location=None,
              time=None, year=YEAR):  # fmt: skip
    session.add(Discipline(incident_id=incident_id, student_id=student, school_year=year,
                           incident_date=day, action="ODR", referral_type=kind, behavior=behavior,
                           location=location, incident_time=time))  # fmt: skip


@pytest.fixture
def district(store_url):
    """A: 200 students, its own calendar (Sept 20 days, Oct 22); B: 100 students, the ALL calendar
    (Sept 18, Oct 21). Referrals: A on Tuesday 7 Oct 2025 at 12:30 in the hallway x 3 (minor
    disruption) and on Monday 15 Sept 2025 x 1 (major, no details); B on Friday 3 Oct 2025 x 2."""
    with session_scope(store_url) as session:
        add_building(session, "A")
        add_building(session, "B")
        a = add_students(session, "A", YEAR, 200)
        b = add_students(session, "B", YEAR, 100)
        for k in range(3):
            _referral(session, f"a{k}", a[k], date(2025, 10, 7), kind="minor",
                      behavior="Disruption", location="Hallway", time="12:30")  # fmt: skip
        _referral(session, "a9", a[9], date(2025, 9, 15))
        _referral(session, "b0", b[0], date(2025, 10, 3), behavior="Defiance", time="09:05")
        _referral(session, "b1", b[1], date(2025, 10, 3), behavior="Defiance", time="09:40")
        for building, month, days in (("A", "2025-09", 20), ("A", "2025-10", 22),
                                      ("ALL", "2025-09", 18), ("ALL", "2025-10", 21)):  # fmt: skip
            session.add(SchoolCalendar(school_year=YEAR, building_id=building, month=month,
                                       school_days=days))  # fmt: skip
    return store_url


def test_referrals_per_100_students_per_school_day_by_month(district):
    with session_scope(district) as session:
        view = get_student_outcomes_view(session, scope=DISTRICT)
    assert view.school_year == YEAR
    monthly = view.monthly.set_index(["building_id", "month"])
    assert monthly.loc[("A", "2025-10"), ["major", "minor", "school_days"]].tolist() == [0, 3, 22]
    assert monthly.loc[("A", "2025-10"), "rate"] == pytest.approx(3 / 2 / 22)  # 200 students
    assert monthly.loc[("B", "2025-10"), "rate"] == pytest.approx(2 / 1 / 21)  # ALL's 21 days
    assert monthly.loc[("A", "2025-09"), "rate"] == pytest.approx(1 / 2 / 20)
    # The district in October: 5 referrals over 200 x 22 + 100 x 21 student-days.
    assert monthly.loc[("DISTRICT", "2025-10"), "rate"] == pytest.approx(
        100 * 5 / (200 * 22 + 100 * 21)
    )


def test_referrals_by_weekday_hour_behaviour_and_location(district):
    with session_scope(district) as session:
        view = get_student_outcomes_view(session, scope=DISTRICT)

    def counts(by, building="DISTRICT"):
        frame = view.referrals[by]
        frame = frame[frame["building_id"] == building]
        return {(row.referral_type, row.key): row.incidents for row in frame.itertuples()}

    assert counts("weekday") == {("minor", 2): 3, ("major", 1): 1, ("major", 5): 2}
    assert counts("hour") == {("minor", "12"): 3, ("major", ""): 1, ("major", "09"): 2}
    assert counts("behavior", "B") == {("major", "Defiance"): 2}
    assert counts("location", "A") == {("minor", "Hallway"): 3, ("major", ""): 1}


def test_a_principal_gets_their_building_and_the_district(district):
    with session_scope(district) as session:
        view = get_student_outcomes_view(session, scope=building_scope({"B"}))
    assert set(view.monthly["building_id"]) == {"B", "DISTRICT"}
    assert set(view.health["building_id"]) == {"B", "DISTRICT"}
    assert set(view.referrals["behavior"]["building_id"]) == {"B", "DISTRICT"}
    assert view.building_names == {"B": "Building B"}
