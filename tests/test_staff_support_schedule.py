"""Scheduling and recording supervision: series and group sessions, marking held or cancelled,
refusals that store nothing, and the iCalendar file."""

from __future__ import annotations

from datetime import date, time

import pytest
from icalendar import Calendar
from sqlalchemy import select, update

from data_access.db import count_rows, get_data_version, session_scope
from data_access.export_format import ExportOptions
from data_access.models import AuditLog, SupervisionSession
from data_access.scope import DISTRICT, building_scope
from data_access.staff_support.export import build_supervision_export
from data_access.staff_support.schedule import (
    SupervisionForbidden,
    SupervisionInputError,
    build_series_calendar,
    get_series_sessions,
    list_schedulable_staff,
    list_series,
    list_sessions_to_mark,
    mark_supervision,
    schedule_supervision,
    series_dates,
)
from data_access.users.access import UserAccess
from tests.utils.factories import add_building, add_staff

YEAR = "2025-26"
LEAD = UserAccess(email="lead@example.org", role="district_leader")


def build_team(url: str) -> None:
    with session_scope(url) as session:
        add_building(session, "B1")
        add_building(session, "B2")
        add_staff(session, "C1", "counselor", {("B1", YEAR): 1.0})
        add_staff(session, "S1", "social_worker", {("B1", YEAR): 0.5, ("B2", YEAR): 0.5})
        add_staff(session, "P2", "psychologist", {("B2", YEAR): 1.0})
        add_staff(session, "N0", "nurse", {("B1", "2024-25"): 1.0})  # not in 2025-26
        add_staff(session, "D1", "administrator", {})


def stored(url: str) -> list[SupervisionSession]:
    with session_scope(url) as session:
        return list(
            session.execute(
                select(SupervisionSession).order_by(
                    SupervisionSession.session_date, SupervisionSession.staff_id
                )
            ).scalars()
        )


def snapshot(url: str) -> tuple[int, int, int]:
    with session_scope(url) as session:
        return (
            count_rows(session, SupervisionSession),
            count_rows(session, AuditLog),
            get_data_version(session),
        )


def test_series_dates_run_every_n_weeks_up_to_the_end_date():
    assert series_dates(date(2026, 1, 5), date(2026, 6, 30), 6) == [
        date(2026, 1, 5),
        date(2026, 2, 16),
        date(2026, 3, 30),
        date(2026, 5, 11),
        date(2026, 6, 22),
    ]
    assert series_dates(date(2026, 1, 5), date(2026, 1, 5), 1) == [date(2026, 1, 5)]


def test_a_group_series_is_one_row_per_supervisee_sharing_a_group_per_date(store_url):
    build_team(store_url)
    rows_before, audits_before, version_before = snapshot(store_url)
    with session_scope(store_url) as session:
        scheduled = schedule_supervision(
            session,
            staff_ids=["C1", "S1"],
            supervisor_id="D1",
            session_format="group",
            start=date(2026, 1, 5),
            until=date(2026, 6, 30),
            every_weeks=6,
            editor=LEAD,
        )
    assert len(scheduled.dates) == 5 and len(scheduled.session_ids) == 10
    rows = stored(store_url)
    assert len(rows) == 10
    assert {row.series_id for row in rows} == {scheduled.series_id}
    assert {(row.status, row.format, row.supervisor_id, row.minutes) for row in rows} == {
        ("scheduled", "group", "D1", None)
    }
    # Each date's two rows share one group id; every date has its own.
    groups = {row.session_date: set() for row in rows}
    for row in rows:
        groups[row.session_date].add(row.group_id)
    assert all(len(ids) == 1 for ids in groups.values())
    assert len({next(iter(ids)) for ids in groups.values()}) == 5
    # One write: one audit row, one data version.
    rows_after, audits_after, version_after = snapshot(store_url)
    assert (audits_after - audits_before, version_after - version_before) == (1, 1)
    with session_scope(store_url) as session:
        audit = (
            session.execute(select(AuditLog).order_by(AuditLog.audit_id.desc())).scalars().first()
        )
        assert (audit.actor, audit.operation, audit.row_key) == (
            "lead@example.org",
            "schedule_supervision",
            scheduled.series_id,
        )
        listed = list_series(session, school_year=YEAR, scope=building_scope({"B1"}))
        to_mark = list_sessions_to_mark(session, school_year=YEAR, scope=building_scope({"B1"}))
        not_theirs = list_sessions_to_mark(session, school_year=YEAR, scope=building_scope({"B2"}))
    assert listed[["sessions", "format", "supervisees"]].values.tolist() == [
        [5, "group", "Staff C1, Staff S1"]
    ]
    assert (listed.iloc[0]["first"], listed.iloc[0]["last"]) == (
        date(2026, 1, 5),
        date(2026, 6, 22),
    )
    # C1 and S1 both work in B1, so B1's principal lists (and may mark) each group session once;
    # B2's principal may see S1 but not C1, so the group sessions are not theirs to mark.
    assert len(to_mark) == 5 and set(to_mark["staff"]) == {2}
    assert not_theirs.empty


def test_one_session_for_one_person_is_an_individual_series_of_one(store_url):
    build_team(store_url)
    with session_scope(store_url) as session:
        scheduled = schedule_supervision(
            session,
            staff_ids=["P2"],
            supervisor_id="D1",
            session_format="individual",
            start=date(2026, 3, 4),
            editor=LEAD,
        )
    [row] = stored(store_url)
    assert (row.session_date, row.format, row.group_id, row.series_id) == (
        date(2026, 3, 4),
        "individual",
        None,
        scheduled.series_id,
    )


@pytest.mark.parametrize(
    ("changes", "field", "words"),
    [
        ({"until": date(2026, 1, 4)}, "until", "before it starts"),
        ({"staff_ids": ["C1", "N0"]}, "staff", "Staff N0 (N0) has no staff assignment in 2025-26"),
        ({"every_weeks": 0}, "every_weeks", "at least every 1 week"),
        ({"until": date(2026, 7, 6)}, "until", "outside the 2025-26 school year"),
        ({"session_format": "individual"}, "format", "group supervision"),
        ({"supervisor_id": "C1"}, "supervisor", "cannot supervise themselves"),
        ({"supervisor_id": None}, "supervisor", "Choose who supervises"),
        ({"staff_ids": []}, "staff", "at least one staff member"),
    ],
)
def test_a_malformed_request_gets_a_clear_message_and_stores_nothing(
    sqlite_url, changes, field, words
):
    build_team(sqlite_url)
    before = snapshot(sqlite_url)
    request = {
        "staff_ids": ["C1", "S1"],
        "supervisor_id": "D1",
        "session_format": "group",
        "start": date(2026, 1, 5),
        "until": date(2026, 6, 30),
        "every_weeks": 6,
        "editor": LEAD,
    } | changes
    with pytest.raises(SupervisionInputError) as refused, session_scope(sqlite_url) as session:
        schedule_supervision(session, **request)
    assert words in refused.value.problems[field]
    assert snapshot(sqlite_url) == before


@pytest.mark.parametrize("role", ["principal", "coach", "viewer"])
@pytest.mark.parametrize("staff_ids", [["P2"], ["C1", "S1"]], ids=["own building", "another"])
def test_only_district_leaders_and_admins_schedule_supervision(sqlite_url, role, staff_ids):
    # This case was a field problem for a scope of B2 ("outside your buildings"); the role is now
    # refused first, for their own building's staff (P2 works in B2) as for another's.
    build_team(sqlite_url)
    before = snapshot(sqlite_url)
    someone = UserAccess(email="b2@example.org", role=role, building_ids=frozenset({"B2"}))
    with pytest.raises(SupervisionForbidden), session_scope(sqlite_url) as session:
        schedule_supervision(
            session,
            staff_ids=staff_ids,
            supervisor_id="D1",
            session_format="group" if len(staff_ids) > 1 else "individual",
            start=date(2026, 1, 5),
            editor=someone,
        )
    assert snapshot(sqlite_url) == before


def test_end_before_start_and_staff_not_in_the_year_are_both_reported_at_once(store_url):
    build_team(store_url)
    before = snapshot(store_url)
    with pytest.raises(SupervisionInputError) as refused, session_scope(store_url) as session:
        schedule_supervision(
            session,
            staff_ids=["N0"],
            supervisor_id="D1",
            session_format="individual",
            start=date(2026, 3, 2),
            until=date(2026, 2, 2),
            every_weeks=2,
            editor=LEAD,
        )
    assert refused.value.problems["until"].startswith(
        "The series ends (2 Feb 2026) before it starts"
    )
    assert "no staff assignment in 2025-26" in refused.value.problems["staff"]
    assert snapshot(store_url) == before


def test_marking_a_group_session_marks_every_supervisee(store_url):
    build_team(store_url)
    with session_scope(store_url) as session:
        scheduled = schedule_supervision(
            session,
            staff_ids=["C1", "S1"],
            supervisor_id="D1",
            session_format="group",
            start=date(2026, 3, 2),
            until=date(2026, 3, 16),
            every_weeks=2,
            editor=LEAD,
        )
    first, _, third, _ = (row.session_id for row in stored(store_url))
    with session_scope(store_url) as session:
        assert (
            mark_supervision(session, session_id=first, status="held", minutes=75, editor=LEAD) == 2
        )
        mark_supervision(session, session_id=third, status="cancelled", minutes=75, editor=LEAD)
    statuses = [
        (row.session_date, row.staff_id, row.status, row.minutes) for row in stored(store_url)
    ]
    assert statuses == [
        (date(2026, 3, 2), "C1", "held", 75),
        (date(2026, 3, 2), "S1", "held", 75),
        (date(2026, 3, 16), "C1", "cancelled", None),
        (date(2026, 3, 16), "S1", "cancelled", None),
    ]
    # The export sees it: held in the window on 20 March, one cancelled this year.
    with session_scope(store_url) as session:
        exported = build_supervision_export(
            session, ExportOptions(as_of=date(2026, 3, 20), scope=DISTRICT)
        )
    c1 = exported.set_index("staff_id").loc["C1"]
    assert (c1["last_held_on"], c1["covered"], c1["cancelled_this_year"]) == (
        "2026-03-02",
        "true",
        1,
    )
    assert len(scheduled.dates) == 2


def test_marking_held_needs_the_minutes_and_stores_nothing_without_them(store_url):
    build_team(store_url)
    with session_scope(store_url) as session:
        schedule_supervision(
            session,
            staff_ids=["C1"],
            supervisor_id="D1",
            session_format="individual",
            start=date(2026, 3, 2),
            editor=LEAD,
        )
    [row] = stored(store_url)
    before = snapshot(store_url)
    for minutes in (None, 0, 600):
        with pytest.raises(SupervisionInputError) as refused, session_scope(store_url) as session:
            mark_supervision(
                session, session_id=row.session_id, status="held", minutes=minutes, editor=LEAD
            )
        assert "1 to 480 minutes" in refused.value.problems["minutes"]
    with pytest.raises(SupervisionForbidden) as refused, session_scope(store_url) as session:
        mark_supervision(
            session,
            session_id=row.session_id,
            status="held",
            minutes=60,
            editor=UserAccess(
                email="p2@example.org", role="principal", building_ids=frozenset({"B2"})
            ),
        )
    # Before the permission table this was a field problem ("outside your buildings"); now a
    # principal may not mark any session, their own building's included (see test_permissions).
    assert "may not mark supervision sessions" in str(refused.value)
    assert snapshot(store_url) == before
    assert stored(store_url)[0].status == "scheduled"


def test_the_calendar_file_has_one_event_per_session_with_stable_ids(sqlite_url):
    build_team(sqlite_url)
    with session_scope(sqlite_url) as session:
        scheduled = schedule_supervision(
            session,
            staff_ids=["C1", "S1"],
            supervisor_id="D1",
            session_format="group",
            start=date(2026, 1, 5),
            until=date(2026, 6, 30),
            every_weeks=6,
            editor=LEAD,
        )
    with session_scope(sqlite_url) as session:
        sessions = get_series_sessions(
            session, series_id=scheduled.series_id, scope=building_scope({"B1"}), school_year=YEAR
        )
        mark_supervision(
            session,
            session_id=sessions.iloc[1]["session_id"],
            status="cancelled",
            minutes=None,
            editor=LEAD,
        )
    with session_scope(sqlite_url) as session:
        again = get_series_sessions(
            session, series_id=scheduled.series_id, scope=building_scope({"B1"}), school_year=YEAR
        )
    first = build_series_calendar(sessions, start_time=time(14, 0), minutes=90)
    second = build_series_calendar(again, start_time=time(14, 0), minutes=90)
    events = Calendar.from_ical(first).walk("VEVENT")
    assert len(events) == 5  # one per date: a group session is one event
    starts = [event.decoded("dtstart") for event in events]
    assert [(start.date(), start.time()) for start in starts][0] == (date(2026, 1, 5), time(14, 0))
    assert [start.date() for start in starts] == list(scheduled.dates)
    assert all(
        (event.decoded("dtend") - event.decoded("dtstart")).total_seconds() == 90 * 60
        for event in events
    )
    assert {str(event["summary"]) for event in events} == {"Supervision"}
    assert "Staff C1" not in first.decode()  # names stay out of calendars
    # The same session keeps its UID, so downloading again updates calendars instead of doubling.
    uids = [str(event["uid"]) for event in events]
    assert len(set(uids)) == 5
    assert uids == [str(event["uid"]) for event in Calendar.from_ical(second).walk("VEVENT")]
    assert [str(event["status"]) for event in Calendar.from_ical(second).walk("VEVENT")][:2] == [
        "CONFIRMED",
        "CANCELLED",
    ]


def test_the_schedulable_staff_are_the_years_support_staff_in_scope(sqlite_url):
    build_team(sqlite_url)
    with session_scope(sqlite_url) as session:
        everyone = list_schedulable_staff(
            session, school_year=YEAR, scope=building_scope({"B1", "B2"})
        )
        b2 = list_schedulable_staff(session, school_year=YEAR, scope=building_scope({"B2"}))
        b1_team = list_schedulable_staff(
            session, school_year=YEAR, scope=building_scope({"B1", "B2"}), building_id="B1"
        )
    assert list(everyone["staff_id"]) == ["C1", "P2", "S1"]  # by name; no nurse, no administrator
    assert list(b2["staff_id"]) == ["P2", "S1"]
    assert list(b1_team["staff_id"]) == ["C1", "S1"]
    assert b1_team.set_index("staff_id").loc["S1", "building_ids"] == "B1;B2"


def test_a_supervisee_booked_that_day_is_held_back_until_asked_again_on_purpose(sqlite_url):
    from data_access.staff_support.schedule import SupervisionAlreadyScheduled

    build_team(sqlite_url)
    request = dict(
        staff_ids=["C1", "S1"], supervisor_id="D1", session_format="group", start=date(2026, 1, 5)
    )
    with session_scope(sqlite_url) as session:
        schedule_supervision(session, **request, editor=LEAD)
    before = snapshot(sqlite_url)
    with pytest.raises(SupervisionAlreadyScheduled) as raised, session_scope(sqlite_url) as session:
        schedule_supervision(
            session,
            **{**request, "staff_ids": ["S1", "C1"]},
            until=date(2026, 2, 2),
            every_weeks=2,
            editor=LEAD,
        )
    # Only the first date of the new series clashes (19 Jan and 2 Feb are free).
    assert raised.value.clashes == {date(2026, 1, 5): ["Staff C1", "Staff S1"]}
    assert raised.value.problems["start"] == (
        "Staff C1 and Staff S1 already have supervision on 5 Jan 2026."
    )
    assert snapshot(sqlite_url) == before
    with session_scope(sqlite_url) as session:
        again = schedule_supervision(session, **request, editor=LEAD, allow_same_day=True)
    assert len(again.session_ids) == 2
    # A cancelled session frees the day: booking it again is no clash.
    with session_scope(sqlite_url) as session:
        schedule_supervision(
            session,
            staff_ids=["P2"],
            supervisor_id="D1",
            session_format="individual",
            start=date(2026, 3, 2),
            editor=LEAD,
        )
        session.execute(update(SupervisionSession).values(status="cancelled"))
    with session_scope(sqlite_url) as session:
        schedule_supervision(
            session,
            staff_ids=["P2"],
            supervisor_id="D1",
            session_format="individual",
            start=date(2026, 3, 2),
            editor=LEAD,
        )
