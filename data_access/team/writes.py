"""Writes of the leadership team: recording a meeting, the team's self-check and its members. Each
takes `editor: UserAccess`, is checked with `check_write` (district admins and leaders only), runs in
the caller's transaction and leaves an audit record; the entries are what the forms hold."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import delete, func, select
from sqlmodel import Session

from data_access.db import record_write
from data_access.fidelity.queries import get_instrument_items
from data_access.models import (
    TEAM_CATEGORIES,
    Meeting,
    MeetingAttendance,
    TeamMember,
    TeamSelfCheck,
)
from data_access.permissions import WriteForbidden, check_write
from data_access.team.queries import active_on, get_meeting_on
from data_access.team.rules import SELF_CHECK_INSTRUMENT
from data_access.users.access import UserAccess
from data_access.validation import EMAIL

MAX_DECISIONS = 20_000  # characters of decisions a meeting record holds


@dataclass(frozen=True)
class MeetingEntry:
    """What the form holds: the date, who attended (member ids), who facilitated and took minutes,
    and the decisions."""

    held_on: date | None
    attended: frozenset[int] = frozenset()
    facilitator_id: int | None = None
    minute_taker_id: int | None = None
    decisions: str = ""


class MeetingInvalid(ValueError):
    """The meeting cannot be recorded; `problems` maps each field to what is wrong with it."""

    def __init__(self, problems: dict[str, str]):
        super().__init__("; ".join(problems.values()))
        self.problems = problems


class MeetingForbidden(WriteForbidden):
    """Only district admins and district leaders record the district team's meetings, self-checks
    and members (see `data_access.permissions`)."""


def check_meeting(
    session: Session, *, entry: MeetingEntry, today: date, replace: bool
) -> dict[str, str]:
    """Every problem with a meeting record, by field; empty when it can be saved."""
    problems: dict[str, str] = {}
    day = entry.held_on
    if not isinstance(day, date):
        return {"held_on": "Choose the date of the meeting."}
    if day > today:
        problems["held_on"] = (
            f"{day:%-d %B %Y} is in the future: record a meeting once it has been held."
        )
    expected = set(session.execute(select(TeamMember.member_id).where(active_on(day))).scalars())
    if not expected:
        problems["attended"] = f"Nobody was on the team on {day:%-d %B %Y}: add the members first."
    elif not entry.attended:
        problems["attended"] = "Tick everyone who attended (at least one member)."
    elif not set(entry.attended) <= expected:
        problems["attended"] = "Only members on the team on that date can be ticked."
    for name, person, what in (
        ("facilitator_id", entry.facilitator_id, "facilitator"),
        ("minute_taker_id", entry.minute_taker_id, "minute taker"),
    ):
        if person is None:
            problems[name] = f"Choose the {what}."
        elif person not in entry.attended:
            problems[name] = f"The {what} must be one of the members who attended."
    if len(entry.decisions or "") > MAX_DECISIONS:
        problems["decisions"] = (
            f"Keep the decisions to {MAX_DECISIONS:,} characters (they have {len(entry.decisions):,})."
        )
    if get_meeting_on(session, day=day) is not None and not replace:
        problems["held_on"] = (
            f"A meeting on {day:%-d %B %Y} is already recorded. Tick “Update the meeting already "
            "recorded for this date” to change it."
        )
    return problems


def _meeting_record(session: Session, meeting_id: int) -> dict:
    """A meeting as the audit log records it, before or after a change."""
    meeting = session.get(Meeting, meeting_id)
    attendance = session.execute(
        select(MeetingAttendance.member_id, MeetingAttendance.attended)
        .where(MeetingAttendance.meeting_id == meeting_id)
        .order_by(MeetingAttendance.member_id)
    ).all()
    return {
        "held_on": meeting.held_on.isoformat(),
        "members": [member for member, _ in attendance],
        "attended": [member for member, attended in attendance if attended],
        "facilitator_id": meeting.facilitator_id,
        "minute_taker_id": meeting.minute_taker_id,
        "decisions": meeting.decisions,
    }


def record_meeting(
    session: Session,
    *,
    entry: MeetingEntry,
    editor: UserAccess,
    today: date,
    replace: bool = False,
) -> int:
    """Store a meeting with one attendance row per member on the team that day (attended or not),
    in the caller's transaction, with its audit record. Returns the meeting's id. With `replace`,
    a meeting already recorded for the date is updated instead (its actions stay linked to it)."""
    check_write(editor, "record_meeting", refusal=MeetingForbidden)
    problems = check_meeting(session, entry=entry, today=today, replace=replace)
    if problems:
        raise MeetingInvalid(problems)
    day: date = entry.held_on  # type: ignore[assignment]  # checked above
    expected = sorted(session.execute(select(TeamMember.member_id).where(active_on(day))).scalars())
    existing = get_meeting_on(session, day=day)
    before = None if existing is None else _meeting_record(session, existing.meeting_id)
    decisions = (entry.decisions or "").strip()
    if existing is None:
        meeting = Meeting(
            held_on=day,
            facilitator_id=entry.facilitator_id,
            minute_taker_id=entry.minute_taker_id,
            decisions=decisions,
        )
        session.add(meeting)
        session.flush()
        meeting_id = int(meeting.meeting_id)  # type: ignore[arg-type]
    else:
        meeting_id = existing.meeting_id
        meeting = session.get(Meeting, meeting_id)
        meeting.facilitator_id = entry.facilitator_id
        meeting.minute_taker_id = entry.minute_taker_id
        meeting.decisions = decisions
        session.execute(delete(MeetingAttendance).where(MeetingAttendance.meeting_id == meeting_id))
    for member_id in expected:
        session.add(
            MeetingAttendance(
                meeting_id=meeting_id, member_id=member_id, attended=member_id in entry.attended
            )
        )
    session.flush()
    record_write(
        session,
        actor=editor.email,
        operation="create" if existing is None else "update",
        table_name="meetings",
        row_key=str(meeting_id),
        detail={
            "held_on": day.isoformat(),
            "members": len(expected),
            "attended": len(entry.attended),
            "facilitator_id": entry.facilitator_id,
            "minute_taker_id": entry.minute_taker_id,
            "decisions_chars": len(decisions),
            "before": before,  # the meeting as it was, when one on that date is updated
            "after": _meeting_record(session, meeting_id),
        },
    )
    return meeting_id


@dataclass(frozen=True)
class SelfCheckEntry:
    administered_on: date | None
    scores: Mapping[str, int | None] = field(default_factory=dict)  # item_id → score (None: blank)
    instrument: str = SELF_CHECK_INSTRUMENT


def check_self_check(
    session: Session, *, entry: SelfCheckEntry, today: date, replace: bool
) -> dict[str, str]:
    """Every problem with a self-check, by field (`administered_on` or an item id)."""
    problems: dict[str, str] = {}
    day = entry.administered_on
    if not isinstance(day, date):
        problems["administered_on"] = "Choose the date the team took the self-check."
    elif day > today:
        problems["administered_on"] = f"{day:%-d %B %Y} is in the future."
    items = get_instrument_items(session, instrument=entry.instrument)
    if items.empty:
        return problems | {"instrument": f"There is no instrument {entry.instrument}."}
    maximum = dict(zip(items["item_id"], items["max_score"], strict=True))
    scored = {k: v for k, v in entry.scores.items() if v is not None}
    for item_id, score in scored.items():
        if item_id not in maximum:
            problems[item_id] = f"{item_id} is not an item of {entry.instrument}."
        elif int(score) != score or not 0 <= score <= maximum[item_id]:
            problems[item_id] = f"Score {item_id} with a whole number from 0 to {maximum[item_id]}."
    if not scored:
        problems["scores"] = "Score at least one item."
    if isinstance(day, date) and not replace:
        taken = session.execute(
            select(func.count()).where(
                TeamSelfCheck.instrument == entry.instrument, TeamSelfCheck.administered_on == day
            )
        ).scalar_one()
        if taken:
            problems["administered_on"] = (
                f"The team's self-check of {day:%-d %B %Y} is already recorded. Tick “Replace it” "
                "to enter it again."
            )
    return problems


def save_self_check(
    session: Session,
    *,
    entry: SelfCheckEntry,
    editor: UserAccess,
    today: date,
    replace: bool = False,
) -> int:
    """Store one administration of the team's self-check (replacing that date's, when asked), in the
    caller's transaction with its audit record. Returns the number of items scored."""
    check_write(editor, "save_self_check", refusal=MeetingForbidden)
    problems = check_self_check(session, entry=entry, today=today, replace=replace)
    if problems:
        raise MeetingInvalid(problems)
    day: date = entry.administered_on  # type: ignore[assignment]  # checked above
    before = dict(
        session.execute(
            select(TeamSelfCheck.item_id, TeamSelfCheck.score)
            .where(
                TeamSelfCheck.instrument == entry.instrument, TeamSelfCheck.administered_on == day
            )
            .order_by(TeamSelfCheck.item_id)
        ).all()
    )
    session.execute(
        delete(TeamSelfCheck).where(
            TeamSelfCheck.instrument == entry.instrument, TeamSelfCheck.administered_on == day
        )
    )
    scored = {k: int(v) for k, v in entry.scores.items() if v is not None}
    for item_id, score in sorted(scored.items()):
        session.add(
            TeamSelfCheck(
                instrument=entry.instrument, administered_on=day, item_id=item_id, score=score
            )
        )
    session.flush()
    record_write(
        session,
        actor=editor.email,
        operation="save_self_check",
        table_name="team_self_checks",
        row_key=f"{entry.instrument} {day.isoformat()}",
        detail={
            "items_scored": len(scored),
            "replace": replace,
            "before": before or None,  # the scores replaced, item → score
            "after": dict(sorted(scored.items())),
        },
    )
    return len(scored)


SELF_REPORTED = "from_marginalized_group"  # never leaves this module next to a name, nor in the log


@dataclass(frozen=True)
class MemberEntry:
    """A member as the form holds it; `member_id` None adds a new member."""

    name: str
    category: str
    member_id: int | None = None
    role_title: str = ""
    email: str = ""
    from_marginalized_group: bool | None = None  # self-reported; None: prefers not to say
    joined_on: date | None = None
    left_on: date | None = None


def get_member_entry(session: Session, *, member_id: int) -> MemberEntry | None:
    """One member's whole record, to edit (the form is for district admins and leaders)."""
    member = session.get(TeamMember, member_id)
    if member is None:
        return None
    return MemberEntry(
        member_id=member.member_id,
        name=member.name,
        category=member.category,
        role_title=member.role_title or "",
        email=member.email or "",
        from_marginalized_group=member.from_marginalized_group,
        joined_on=member.joined_on,
        left_on=member.left_on,
    )


def check_member(session: Session, *, entry: MemberEntry) -> dict[str, str]:
    problems: dict[str, str] = {}
    name = (entry.name or "").strip()
    if not name:
        problems["name"] = "Give the member's name."
    elif len(name) > 200:
        problems["name"] = "Keep the name to 200 characters."
    if entry.category not in TEAM_CATEGORIES:
        problems["category"] = "Choose one of the six categories."
    email = (entry.email or "").strip()
    if email and not EMAIL.match(email.lower()):
        problems["email"] = f"'{email}' is not an email address."
    if entry.joined_on and entry.left_on and entry.left_on < entry.joined_on:
        problems["left_on"] = "The member cannot leave before joining."
    if entry.member_id is not None and session.get(TeamMember, entry.member_id) is None:
        problems["member_id"] = f"There is no member {entry.member_id}."
    return problems


def save_team_member(session: Session, *, entry: MemberEntry, editor: UserAccess) -> int:
    """Add or change a member, in the caller's transaction with its audit record (which names the
    fields changed, never the self-reported answer). Returns the member's id."""
    check_write(editor, "save_team_member", refusal=MeetingForbidden)
    problems = check_member(session, entry=entry)
    if problems:
        raise MeetingInvalid(problems)
    values = {
        "name": entry.name.strip(),
        "category": entry.category,
        "role_title": (entry.role_title or "").strip() or None,
        "email": (entry.email or "").strip().lower() or None,
        "from_marginalized_group": entry.from_marginalized_group,
        "joined_on": entry.joined_on,
        "left_on": entry.left_on,
    }
    if entry.member_id is None:
        member = TeamMember(**values)
        session.add(member)
        changed = sorted(values)
        before = None
    else:
        member = session.get(TeamMember, entry.member_id)
        changed = sorted(k for k, v in values.items() if getattr(member, k) != v)
        before = {k: getattr(member, k) for k in changed if k != SELF_REPORTED}
        for key, value in values.items():
            setattr(member, key, value)
    session.flush()
    # The self-reported answer is never written to the log: only that it changed (in "fields").
    after = {k: values[k] for k in changed if k != SELF_REPORTED}
    record_write(
        session,
        actor=editor.email,
        operation="create" if entry.member_id is None else "update",
        table_name="team_members",
        row_key=str(member.member_id),
        detail={"fields": changed, "before": before, "after": after},
    )
    return int(member.member_id)  # type: ignore[arg-type]
