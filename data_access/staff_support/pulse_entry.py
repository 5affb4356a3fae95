"""Recording a team's paper pulse responses in the app: one building, one role, one day, a list
of anonymous answers. No one is named: the rows carry no staff id, and the audit row says who typed
them in, where and how many, never the answers (so the audit log cannot tie answers to a person).
Bad input raises `PulseInputError` with a message per field and stores nothing."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from sqlmodel import Session

from data_access.db import record_write
from data_access.models import PULSE_ITEMS, STAFF_ROLES, Building, StaffPulse
from data_access.permissions import WriteForbidden, check_write
from data_access.users.access import UserAccess


class PulseInputError(ValueError):
    """What is wrong with the responses, per form field; nothing was stored."""

    def __init__(self, problems: dict[str, str]):
        super().__init__("; ".join(problems.values()))
        self.problems = problems


class PulseForbidden(WriteForbidden):
    """The person's role may not record pulse responses (for that building); nothing stored."""


@dataclass(frozen=True)
class PulseAnswer:
    """One person's answers: each item 1 (strongly disagree) to 5 (strongly agree)."""

    workload: int
    supported: int
    supervision_helpful: int
    drained: int
    intend_to_stay: bool | None = None


def record_pulse_responses(
    session: Session,
    *,
    building_id: str,
    role: str,
    responded_on: date | None,
    answers: Sequence[PulseAnswer],
    editor: UserAccess,
    today: date,
) -> int:
    """Store one anonymous staff_pulse row per answer; returns how many. Raises PulseForbidden when
    the editor may not record responses for that building (checked first), PulseInputError when
    the building or role is unknown, the day is missing or still to come, there are no answers, or
    an answer is not 1 to 5."""
    check_write(
        editor, "record_pulse_responses", building_ids=[building_id], refusal=PulseForbidden
    )
    problems: dict[str, str] = {}
    if session.get(Building, building_id) is None:
        problems["building"] = f"No building has the ID {building_id}."
    if role not in STAFF_ROLES:
        problems["role"] = f"Choose a role: {', '.join(STAFF_ROLES)}."
    if responded_on is None:
        problems["responded_on"] = "Enter the day the team answered."
    elif responded_on > today:
        problems["responded_on"] = (
            f"{responded_on:%-d %b %Y} is still to come: enter the day the team answered."
        )
    if not answers:
        problems["answers"] = "Enter at least one person's answers."
    for number, answer in enumerate(answers, start=1):
        wrong = [
            item
            for item in PULSE_ITEMS
            if not isinstance(getattr(answer, item), int) or not 1 <= getattr(answer, item) <= 5
        ]
        if wrong:
            problems["answers"] = (
                f"Answer {number}: {', '.join(wrong)} must be 1 (strongly disagree) to 5 "
                "(strongly agree)."
            )
            break
    if problems:
        raise PulseInputError(problems)
    assert responded_on is not None  # checked above
    batch = uuid.uuid4().hex[:10]
    for number, answer in enumerate(answers, start=1):
        session.add(
            StaffPulse(
                response_id=f"APP-{batch}-{number}",
                building_id=building_id,
                role=role,
                responded_on=responded_on,
                **{item: int(getattr(answer, item)) for item in PULSE_ITEMS},
                intend_to_stay=answer.intend_to_stay,
            )
        )
    session.flush()
    record_write(
        session,
        actor=editor.email,
        operation="record_pulse_responses",
        table_name="staff_pulse",
        row_key=f"APP-{batch}",
        detail={
            "building_id": building_id,
            "role": role,
            "responded_on": responded_on.isoformat(),
            "responses": len(answers),
        },
    )
    return len(answers)
