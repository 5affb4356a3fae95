"""The leadership team: members by category, the self-reported counts, meeting health, recording a
meeting and the team's shared-leadership self-check, on districts built by hand."""

from __future__ import annotations

from datetime import date

import pandas as pd
import pytest
from sqlalchemy import func, select

from data_access.db import get_data_version, session_scope
from data_access.models import AuditLog, Meeting, MeetingAttendance, TeamSelfCheck
from data_access.team.queries import (
    get_marginalized_counts,
    get_meeting_attendance,
    get_self_check_items,
    get_self_check_scores,
    get_team_members,
    list_meetings,
)
from data_access.team.rules import count_by_category, meeting_health, missing_categories
from data_access.team.writes import (
    MeetingEntry,
    MeetingForbidden,
    MeetingInvalid,
    SelfCheckEntry,
    record_meeting,
    save_self_check,
)
from data_access.users.access import UserAccess
from tests.utils.factories import add_action, add_meeting, add_team_member, add_user

ON = date(2026, 3, 2)
LEADER = UserAccess(email="lead@district.org", role="district_leader")
PRINCIPAL = UserAccess(email="p@district.org", role="principal", building_ids=frozenset({"B1"}))


def build_team(url: str) -> None:
    """Six members on the team on 2 March 2026 (no family member: the one there left in 2025), one
    who joins later."""
    with session_scope(url) as session:
        add_team_member(session, 1, "administrator", name="Ana Admin", from_marginalized_group=True)
        add_team_member(session, 2, "administrator", name="Ben Admin", joined_on=date(2024, 8, 1))
        add_team_member(session, 3, "educator", name="Cy Teacher", from_marginalized_group=False)
        add_team_member(session, 4, "community", name="Dee Pastor", from_marginalized_group=True)
        add_team_member(session, 5, "pupil_services", name="Eve Counselor")
        add_team_member(session, 6, "school_board", name="Fay Board", left_on=date(2026, 3, 2))
        add_team_member(session, 7, "family_learner", name="Gil Parent", left_on=date(2025, 6, 30))
        add_team_member(session, 8, "educator", name="Hal Later", joined_on=date(2026, 4, 1))


# --- Members ----------------------------------------------------------------------------------------


def test_members_by_category_count_every_category_and_name_the_missing_ones(store_url):
    build_team(store_url)
    with session_scope(store_url) as session:
        members = get_team_members(session, on=ON)
    # Members who left before the date or join after it are not on the team; one leaving that day is.
    assert sorted(members["member_id"]) == [1, 2, 3, 4, 5, 6]
    assert "from_marginalized_group" not in members.columns
    composition = count_by_category(members).set_index("category")["members"].to_dict()
    assert composition == {
        "administrator": 2,
        "educator": 1,
        "family_learner": 0,
        "community": 1,
        "pupil_services": 1,
        "school_board": 1,
    }
    assert missing_categories(count_by_category(members)) == ["Families and learners"]


def test_marginalised_group_answers_are_counts_of_current_members_only(store_url):
    build_team(store_url)
    with session_scope(store_url) as session:
        counts = get_marginalized_counts(session, on=ON)
    # Ana and Dee say yes, Cy says no, Ben, Eve and Fay have not said; Gil and Hal are not on the team.
    assert (counts.yes, counts.no, counts.not_said, counts.members) == (2, 1, 3, 6)


# --- Meeting health ---------------------------------------------------------------------------------


def test_meeting_health_flags_low_attendance_and_long_gaps_but_not_the_summer_break():
    meetings = pd.DataFrame(
        {
            "meeting_id": [1, 2, 3, 4],
            "held_on": [date(2025, 9, 9), date(2025, 10, 14), date(2025, 12, 16), date(2026, 9, 8)],
            "members": [10, 10, 12, 0],
            "attended": [8, 7, 9, 0],
        }
    )
    health = meeting_health(meetings).set_index("meeting_id")
    assert health["attendance_share"].tolist()[:3] == [0.8, 0.7, 0.75]
    assert pd.isna(health.loc[4, "attendance_share"])  # nobody recorded: unknown, not 0%
    # 7 of 10 is below 75%; exactly 75% is healthy.
    assert health["low_attendance"].tolist() == [False, True, False, False]
    # 35 days is the monthly cadence; 63 days is a gap; September 2026 starts a new school year.
    assert pd.isna(health.loc[1, "days_since_previous"])
    assert health.loc[[2, 3], "days_since_previous"].tolist() == [35, 63]
    assert pd.isna(health.loc[4, "days_since_previous"])
    assert health["long_gap"].tolist() == [False, False, True, False]


def test_meetings_list_attendance_and_the_actions_they_decided(store_url):
    build_team(store_url)
    with session_scope(store_url) as session:
        add_user(session, "owner@district.org", "district_leader")
        add_meeting(session, 101, date(2026, 2, 10), {1: True, 2: True, 3: False, 4: True})
        add_action(
            session,
            1,
            owner_email="owner@district.org",
            due_date=date(2026, 4, 1),
            created_on=date(2026, 2, 10),
            meeting_id=101,
        )
        add_action(
            session,
            2,
            owner_email="owner@district.org",
            due_date=date(2026, 4, 1),
            created_on=date(2026, 2, 10),
            meeting_id=101,
            status="done",
        )
        meetings = list_meetings(session).set_index("meeting_id")
        attendance = get_meeting_attendance(session, meeting_id=101)
    assert meetings.loc[
        101, ["members", "attended", "actions_decided", "actions_open"]
    ].tolist() == [
        4,
        3,
        2,
        1,
    ]
    assert attendance.loc[~attendance["attended"].astype(bool), "name"].tolist() == ["Cy Teacher"]


# --- Recording a meeting ---------------------------------------------------------------------------


def test_recording_a_meeting_stores_attendance_for_every_member_with_its_audit_record(store_url):
    build_team(store_url)
    entry = MeetingEntry(
        held_on=ON,
        attended=frozenset({1, 2, 3, 5}),
        facilitator_id=1,
        minute_taker_id=3,
        decisions="  Reviewed winter TFI.  ",
    )
    with session_scope(store_url) as session:
        version = get_data_version(session)
        meeting_id = record_meeting(session, entry=entry, editor=LEADER, today=date(2026, 3, 3))
    with session_scope(store_url) as session:
        meeting = session.get(Meeting, meeting_id)
        rows = session.execute(
            select(MeetingAttendance.member_id, MeetingAttendance.attended).where(
                MeetingAttendance.meeting_id == meeting_id
            )
        ).all()
        audit = session.execute(
            select(AuditLog).where(AuditLog.table_name == "meetings")
        ).scalar_one()
        assert get_data_version(session) == version + 1
    assert (meeting.held_on, meeting.facilitator_id, meeting.minute_taker_id) == (ON, 1, 3)
    assert meeting.decisions == "Reviewed winter TFI."
    # One row per member on the team that day (1-6), attended or not.
    assert sorted(rows) == [(1, True), (2, True), (3, True), (4, False), (5, True), (6, False)]
    assert (audit.actor, audit.operation, audit.row_key) == (
        "lead@district.org",
        "create",
        str(meeting_id),
    )
    assert '"attended": 4' in audit.detail and '"members": 6' in audit.detail


@pytest.mark.parametrize(
    ("entry", "field", "words"),
    [
        (
            MeetingEntry(
                held_on=date(2026, 3, 9),
                attended=frozenset({1}),
                facilitator_id=1,
                minute_taker_id=1,
            ),
            "held_on",
            "in the future",
        ),
        (
            MeetingEntry(held_on=ON, attended=frozenset(), facilitator_id=1, minute_taker_id=1),
            "attended",
            "at least one",
        ),
        (
            MeetingEntry(
                held_on=ON, attended=frozenset({1, 8}), facilitator_id=1, minute_taker_id=1
            ),
            "attended",
            "Only members on the team",
        ),
        (
            MeetingEntry(
                held_on=ON, attended=frozenset({1, 2}), facilitator_id=3, minute_taker_id=2
            ),
            "facilitator_id",
            "must be one of the members who attended",
        ),
        (
            MeetingEntry(held_on=ON, attended=frozenset({1, 2}), facilitator_id=1),
            "minute_taker_id",
            "Choose the minute taker",
        ),
        (MeetingEntry(held_on=None), "held_on", "Choose the date"),
    ],
)
def test_a_meeting_with_a_problem_is_refused_beside_its_field_and_nothing_is_stored(
    sqlite_url, entry, field, words
):
    build_team(sqlite_url)
    with pytest.raises(MeetingInvalid) as refused, session_scope(sqlite_url) as session:
        record_meeting(session, entry=entry, editor=LEADER, today=date(2026, 3, 3))
    assert words in refused.value.problems[field]
    with session_scope(sqlite_url) as session:
        assert session.execute(select(func.count()).select_from(Meeting)).scalar_one() == 0
        assert (
            session.execute(select(func.count()).select_from(MeetingAttendance)).scalar_one() == 0
        )


def test_a_second_record_for_the_same_date_needs_the_tick_and_then_updates_the_first(store_url):
    build_team(store_url)
    first = MeetingEntry(
        held_on=ON, attended=frozenset({1, 2}), facilitator_id=1, minute_taker_id=2
    )
    second = MeetingEntry(
        held_on=ON, attended=frozenset({1, 3}), facilitator_id=3, minute_taker_id=1, decisions="New"
    )
    with session_scope(store_url) as session:
        add_user(session, "owner@district.org", "district_leader")
        meeting_id = record_meeting(session, entry=first, editor=LEADER, today=ON)
        add_action(
            session,
            1,
            owner_email="owner@district.org",
            due_date=date(2026, 4, 1),
            created_on=ON,
            meeting_id=meeting_id,
        )
    with (
        pytest.raises(MeetingInvalid, match="already recorded"),
        session_scope(store_url) as session,
    ):
        record_meeting(session, entry=second, editor=LEADER, today=ON)
    with session_scope(store_url) as session:
        assert (
            record_meeting(session, entry=second, editor=LEADER, today=ON, replace=True)
            == meeting_id
        )
    with session_scope(store_url) as session:
        attended = get_meeting_attendance(session, meeting_id=meeting_id)
        meetings = list_meetings(session)
    assert sorted(attended.loc[attended["attended"].astype(bool), "member_id"]) == [1, 3]
    assert len(attended) == 6
    assert meetings[["decisions", "facilitator", "actions_decided"]].values.tolist() == [
        ["New", "Cy Teacher", 1]
    ]


def test_only_district_admins_and_leaders_record_meetings(sqlite_url):
    build_team(sqlite_url)
    entry = MeetingEntry(held_on=ON, attended=frozenset({1}), facilitator_id=1, minute_taker_id=1)
    with pytest.raises(MeetingForbidden), session_scope(sqlite_url) as session:
        record_meeting(session, entry=entry, editor=PRINCIPAL, today=ON)


# --- The self-check -------------------------------------------------------------------------------

SL_ITEMS = [f"SL.{n}" for n in range(1, 9)]


def test_self_check_percent_is_points_over_possible_and_blank_items_make_it_incomplete(store_url):
    scores = {
        date(2025, 10, 14): [2, 2, 0, 1, 2, 2, 2, 1],  # 12 of 16 = 75%: below the 80% criterion
        date(2026, 2, 10): [2, 2, 1, 2, 2, 2, 2, None],  # SL.8 blank: incomplete
        date(2026, 5, 12): [2, 2, 1, 2, 2, 2, 2, 2],  # 15 of 16 = 93.75%
    }
    with session_scope(store_url) as session:
        for day, values in scores.items():
            for item_id, score in zip(SL_ITEMS, values, strict=True):
                if score is not None:
                    session.add(
                        TeamSelfCheck(
                            instrument="SHARED-LEADERSHIP",
                            administered_on=day,
                            item_id=item_id,
                            score=score,
                        )
                    )
    with session_scope(store_url) as session:
        table = get_self_check_scores(session).set_index("administered_on")
        items = get_self_check_items(session, administered_on=date(2025, 10, 14))
    assert table["points"].tolist() == [12, 13, 15]
    assert table["possible"].tolist() == [16, 16, 16]
    assert table.loc[date(2025, 10, 14), "percent"] == 75.0
    assert pd.isna(table.loc[date(2026, 2, 10), "percent"])
    assert table.loc[date(2026, 5, 12), "percent"] == pytest.approx(93.75)
    assert table["criterion_pct"].tolist() == [80.0, 80.0, 80.0]
    assert bool(table.loc[date(2025, 10, 14), "meets_criterion"]) is False
    assert pd.isna(table.loc[date(2026, 2, 10), "meets_criterion"])
    assert bool(table.loc[date(2026, 5, 12), "meets_criterion"]) is True
    # Lowest first (0, then the 1s in the instrument's order), then the 2s.
    assert items["item_id"].tolist()[:3] == ["SL.3", "SL.4", "SL.8"]


def test_saving_a_self_check_checks_scores_and_dates_and_replaces_only_when_asked(store_url):
    entry = SelfCheckEntry(administered_on=date(2026, 5, 12), scores={"SL.1": 3, "SL.2": 1})
    with pytest.raises(MeetingInvalid) as refused, session_scope(store_url) as session:
        save_self_check(session, entry=entry, editor=LEADER, today=date(2026, 5, 29))
    assert "0 to 2" in refused.value.problems["SL.1"]
    good = SelfCheckEntry(
        administered_on=date(2026, 5, 12), scores={"SL.1": 2, "SL.2": 1, "SL.3": None}
    )
    with session_scope(store_url) as session:
        assert save_self_check(session, entry=good, editor=LEADER, today=date(2026, 5, 29)) == 2
    with (
        pytest.raises(MeetingInvalid, match="already recorded"),
        session_scope(store_url) as session,
    ):
        save_self_check(session, entry=good, editor=LEADER, today=date(2026, 5, 29))
    again = SelfCheckEntry(administered_on=date(2026, 5, 12), scores={"SL.1": 0})
    with session_scope(store_url) as session:
        save_self_check(session, entry=again, editor=LEADER, today=date(2026, 5, 29), replace=True)
    with session_scope(store_url) as session:
        rows = session.execute(select(TeamSelfCheck.item_id, TeamSelfCheck.score)).all()
    assert rows == [("SL.1", 0)]
    future = SelfCheckEntry(administered_on=date(2026, 6, 1), scores={"SL.1": 1})
    with pytest.raises(MeetingInvalid, match="future"), session_scope(store_url) as session:
        save_self_check(session, entry=future, editor=LEADER, today=date(2026, 5, 29))


# --- Keeping the member list ---------------------------------------------------------------------


def test_adding_and_changing_a_member_is_checked_and_audited_without_the_answer(store_url):
    from data_access.team.writes import MemberEntry, get_member_entry, save_team_member

    with session_scope(store_url) as session:  # ids clear of the database's own sequence
        add_team_member(session, 101, "administrator", from_marginalized_group=True)
        add_team_member(session, 102, "educator")
    parent = MemberEntry(
        name=" Ines Parent ",
        category="family_learner",
        email="Ines@Example.org",
        from_marginalized_group=True,
        joined_on=date(2026, 2, 1),
    )
    with session_scope(store_url) as session:
        member_id = save_team_member(session, entry=parent, editor=LEADER)
    with session_scope(store_url) as session:
        members = get_team_members(session, on=ON)
        saved = get_member_entry(session, member_id=member_id)
        counts = get_marginalized_counts(session, on=ON)
        audit = session.execute(
            select(AuditLog.detail).where(AuditLog.table_name == "team_members")
        ).scalar_one()
    assert (saved.name, saved.email) == ("Ines Parent", "ines@example.org")
    assert "Families and learners" not in missing_categories(count_by_category(members))
    assert (len(members), counts.yes, counts.not_said) == (3, 2, 1)
    assert "true" not in audit.lower() and "from_marginalized_group" in audit  # which, not what

    left_early = MemberEntry(
        member_id=member_id,
        name="Ines Parent",
        category="family_learner",
        joined_on=date(2026, 2, 1),
        left_on=date(2026, 1, 1),
        email="not an email",
    )
    with pytest.raises(MeetingInvalid) as refused, session_scope(store_url) as session:
        save_team_member(session, entry=left_early, editor=LEADER)
    assert set(refused.value.problems) == {"left_on", "email"}
    with pytest.raises(MeetingForbidden), session_scope(store_url) as session:
        save_team_member(session, entry=parent, editor=PRINCIPAL)
