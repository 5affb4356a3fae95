"""The Overview's numbers, on a district built by hand."""

from __future__ import annotations

from datetime import date

import pandas as pd

from components.meeting_wording import freshness_words
from data_access.db import session_scope
from data_access.meeting.queries import (
    get_building_overview,
    get_data_freshness,
    get_district_summary,
)
from data_access.models import Discipline, SupervisionSession
from data_access.scope import DISTRICT
from tests.utils.factories import add_building, add_staff, add_students


def build_district(url: str) -> None:
    with session_scope(url) as session:
        add_building(session, "B1", name="Lincoln Elementary")
        add_building(session, "B2", level="middle", name="Adams Middle")
        add_building(session, "B3", level="high", name="Empty High")
        add_students(session, "B1", "2024-25", 5)
        add_students(session, "B1", "2025-26", 4)
        add_students(session, "B2", "2025-26", 7)
        add_staff(session, "C1", "counselor", {("B1", "2025-26"): 1.0, ("B1", "2024-25"): 1.0})
        add_staff(session, "P1", "psychologist", {("B1", "2025-26"): 0.5, ("B2", "2025-26"): 0.5})
        add_staff(session, "A1", "administrator", {("B2", "2025-26"): 1.0})  # not support staff
        session.add(
            Discipline(
                incident_id="I1",
                student_id="SB2-00000",
                school_year="2025-26",
                incident_date=date(2025, 10, 3),
                action="ODR",
            )
        )
        session.add(
            SupervisionSession(
                session_id="V1",
                staff_id="C1",
                session_date=date(2025, 11, 4),
                format="individual",
                status="held",
                minutes=60,
            )
        )
        session.add(
            SupervisionSession(
                session_id="V2",
                staff_id="C1",
                session_date=date(2026, 1, 9),
                format="individual",
                status="scheduled",
            )
        )


def test_building_overview_counts_enrollment_and_support_staff_for_the_year(store_url):
    build_district(store_url)
    with session_scope(store_url) as session:
        frame = get_building_overview(session, school_year="2025-26", scope=DISTRICT).set_index(
            "building_id"
        )
    assert frame.loc["B1", ["enrollment", "support_staff_fte"]].tolist() == [4, 1.5]
    assert frame.loc["B2", ["enrollment", "support_staff_fte"]].tolist() == [7, 0.5]
    # A building with nobody enrolled still appears, with zeros, not missing.
    assert frame.loc["B3", ["enrollment", "support_staff_fte"]].tolist() == [0, 0.0]
    assert frame.loc["B2", "level"] == "middle"


def test_district_summary_uses_the_newest_school_year(store_url):
    build_district(store_url)
    with session_scope(store_url) as session:
        summary = get_district_summary(session)
    assert summary.school_years == ("2025-26", "2024-25")
    assert (summary.buildings, summary.students, summary.staff) == (3, 11, 3)
    assert summary.support_staff_fte == 2.0


def test_freshness_reports_latest_dates_and_ignores_future_bookings(store_url):
    build_district(store_url)
    with session_scope(store_url) as session:
        raw = get_data_freshness(session, as_of=date(2025, 12, 1))
    freshness = raw.set_index("source")
    assert freshness.loc["students", "latest"] == "2025-26"
    assert freshness.loc["students", "rows"] == 16
    assert freshness.loc["discipline", "latest"] == "2025-10-03"
    # The scheduled January session is not evidence of anything yet.
    assert freshness.loc["supervision_sessions", ["latest", "rows"]].tolist() == ["2025-11-04", 1]
    assert pd.isna(freshness.loc["caseloads", "latest"])
    assert freshness.loc["caseloads", "rows"] == 0
    # In words, as the Overview shows it.
    said = freshness_words(raw).set_index("source")
    assert said.loc["Students (enrollment)", "latest"] == "2025-26"
    assert said.loc["Students (enrollment)", "rows"] == 16
    # A date in the app's words, as every other date on screen ("3 Oct 2025", not "2025-10-03").
    assert said.loc["Discipline incidents", "latest"] == "3 Oct 2025"
    assert said.loc["Supervision sessions (held)", ["latest", "rows"]].tolist() == [
        "4 Nov 2025",
        1,
    ]
    assert said.loc["Caseloads", ["latest", "rows"]].tolist() == ["no data", 0]
