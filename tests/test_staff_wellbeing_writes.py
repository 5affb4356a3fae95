"""Writes of the staff wellbeing data in the app: themes ticked when scheduling or recording a
supervision session (from the fixed list, replacing the stored ones), and a team's paper pulse
responses, recorded anonymously, refused for principals and viewers in data_access itself, and
refused whole (nothing stored) when one answer is wrong."""

from __future__ import annotations

import json
from datetime import date

import pytest
from sqlalchemy import select

from data_access.db import count_rows, get_data_version, session_scope
from data_access.models import AuditLog, StaffPulse, SupervisionTheme
from data_access.staff_support.pulse_entry import (
    PulseAnswer,
    PulseForbidden,
    PulseInputError,
    record_pulse_responses,
)
from data_access.staff_support.schedule import (
    SupervisionInputError,
    mark_supervision,
    schedule_supervision,
)
from data_access.users.access import UserAccess
from tests.test_staff_support_schedule import LEAD, build_team

TODAY = date(2026, 1, 22)
ADMIN = UserAccess(email="admin@example.org", role="district_admin")
PRINCIPAL = UserAccess(email="p@example.org", role="principal", building_ids=frozenset({"B1"}))
VIEWER = UserAccess(email="v@example.org", role="viewer")


def themes(url: str) -> list[tuple[str, str]]:
    with session_scope(url) as session:
        rows = session.execute(
            select(SupervisionTheme.session_id, SupervisionTheme.theme).order_by(
                SupervisionTheme.session_id, SupervisionTheme.theme
            )
        ).all()
    return [tuple(row) for row in rows]


def test_scheduling_and_marking_tick_themes_and_marking_replaces_them(store_url):
    build_team(store_url)
    with session_scope(store_url) as session:
        planned = schedule_supervision(
            session,
            staff_ids=["C1", "S1"],
            supervisor_id="D1",
            session_format="group",
            start=date(2026, 1, 12),
            editor=LEAD,
            themes=["workload", "attendance", "workload"],
        )
    ids = sorted(planned.session_ids)
    assert themes(store_url) == [
        (ids[0], "attendance"),
        (ids[0], "workload"),
        (ids[1], "attendance"),
        (ids[1], "workload"),
    ]
    with session_scope(store_url) as session:
        mark_supervision(
            session, session_id=ids[0], status="held", minutes=50, editor=LEAD, themes=["family"]
        )
    # a group session: every supervisee's row gets the session's themes
    assert themes(store_url) == [(ids[0], "family"), (ids[1], "family")]
    with session_scope(store_url) as session:
        mark_supervision(session, session_id=ids[0], status="held", minutes=55, editor=LEAD)
    assert themes(store_url) == [(ids[0], "family"), (ids[1], "family")]  # None: kept


def test_a_theme_outside_the_list_is_refused_and_nothing_is_stored(store_url):
    build_team(store_url)
    with session_scope(store_url) as session, pytest.raises(SupervisionInputError) as refused:
        schedule_supervision(
            session,
            staff_ids=["C1"],
            supervisor_id="D1",
            session_format="individual",
            start=date(2026, 1, 12),
            editor=LEAD,
            themes=["family", "the Jones case"],
        )
    assert refused.value.problems["themes"].startswith(
        "the Jones case is not a supervision theme: choose from safeguarding, mental_health,"
    )
    assert themes(store_url) == []


def test_a_teams_paper_responses_are_stored_anonymously_and_audited_without_answers(store_url):
    build_team(store_url)
    with session_scope(store_url) as session:
        stored = record_pulse_responses(
            session,
            building_id="B1",
            role="counselor",
            responded_on=date(2026, 1, 20),
            answers=[PulseAnswer(2, 3, 4, 5, False), PulseAnswer(4, 4, 4, 1)],
            editor=ADMIN,
            today=TODAY,
        )
    assert stored == 2
    with session_scope(store_url) as session:
        rows = session.execute(select(StaffPulse).order_by(StaffPulse.response_id)).scalars()
        assert [
            (r.building_id, r.role, r.responded_on, r.workload, r.drained, r.intend_to_stay)
            for r in rows
        ] == [
            ("B1", "counselor", date(2026, 1, 20), 2, 5, False),
            ("B1", "counselor", date(2026, 1, 20), 4, 1, None),
        ]
        audit = session.execute(
            select(AuditLog).where(AuditLog.operation == "record_pulse_responses")
        ).scalar_one()
    assert audit.actor == ADMIN.email
    assert json.loads(audit.detail) == {
        "building_id": "B1",
        "role": "counselor",
        "responded_on": "2026-01-20",
        "responses": 2,
    }


@pytest.mark.parametrize("editor", [PRINCIPAL, VIEWER], ids=["principal", "viewer"])
def test_principals_and_viewers_are_refused_in_data_access(store_url, editor):
    build_team(store_url)
    with session_scope(store_url) as session:
        before = (count_rows(session, StaffPulse), get_data_version(session))
        with pytest.raises(PulseForbidden, match=editor.email):
            record_pulse_responses(
                session,
                building_id="B1",  # the principal's own building
                role="counselor",
                responded_on=date(2026, 1, 20),
                answers=[PulseAnswer(3, 3, 3, 3, True)],
                editor=editor,
                today=TODAY,
            )
    with session_scope(store_url) as session:
        assert (count_rows(session, StaffPulse), get_data_version(session)) == before


def test_one_wrong_answer_stores_nothing(store_url):
    build_team(store_url)
    with session_scope(store_url) as session, pytest.raises(PulseInputError) as refused:
        record_pulse_responses(
            session,
            building_id="B9",
            role="janitor",
            responded_on=date(2026, 2, 1),
            answers=[PulseAnswer(3, 3, 3, 3), PulseAnswer(3, 6, 3, 0)],
            editor=LEAD,
            today=TODAY,
        )
    assert refused.value.problems == {
        "building": "No building has the ID B9.",
        "role": (
            "Choose a role: counselor, psychologist, social_worker, nurse, "
            "intervention_specialist, behavior_specialist, safeguarding_lead, coach, "
            "administrator, other."
        ),
        "responded_on": "1 Feb 2026 is still to come: enter the day the team answered.",
        "answers": (
            "Answer 2: supported, drained must be 1 (strongly disagree) to 5 (strongly agree)."
        ),
    }
    with session_scope(store_url) as session:
        assert count_rows(session, StaffPulse) == 0


def test_the_forms_rows_become_answers_and_half_empty_rows_are_named():
    import pandas as pd

    from components.staff_pulse_entry import answers_from

    table = pd.DataFrame(
        {
            "Workload manageable": pd.Series([3, None, 2, None], dtype="Int64"),
            "Feel supported": pd.Series([4, None, None, None], dtype="Int64"),
            "Supervision helpful": pd.Series([4, None, 3, None], dtype="Int64"),
            "Emotionally drained": pd.Series([2, None, 5, None], dtype="Int64"),
            "Intend to stay": ["No", None, "Yes", None],
        }
    )
    answers, partial = answers_from(table)
    assert answers == [PulseAnswer(3, 4, 4, 2, False), PulseAnswer(2, 0, 3, 5, True)]
    assert partial == [3]


def test_clearing_the_district_clears_themes_and_pulse_too(store_url):
    """Replacing the demo (or removing it) deletes every district table, children first: the new
    tables are among them, so their foreign keys do not stop it."""
    from data_access.demo.load import clear_district_data

    build_team(store_url)
    with session_scope(store_url) as session:
        schedule_supervision(
            session,
            staff_ids=["C1"],
            supervisor_id="D1",
            session_format="individual",
            start=date(2026, 1, 12),
            editor=LEAD,
            themes=["family"],
        )
        record_pulse_responses(
            session,
            building_id="B1",
            role="nurse",
            responded_on=date(2026, 1, 20),
            answers=[PulseAnswer(3, 3, 3, 3)],
            editor=LEAD,
            today=TODAY,
        )
    with session_scope(store_url) as session:
        clear_district_data(session)
    with session_scope(store_url) as session:
        assert count_rows(session, StaffPulse) == 0 and count_rows(session, SupervisionTheme) == 0
