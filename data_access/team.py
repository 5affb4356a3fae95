"""The district leadership team itself: who sits at the table (by category), how often it meets and
who attends, recording a meeting, and the team's own shared-leadership self-check.

Counting happens in SQL; the arithmetic over the counted rows (attendance shares, days between
meetings, the self-check's percent) lives in pure functions here, tested with hand-computed numbers.
Whether a member belongs to a historically marginalised group is self-reported and optional, and only
ever leaves this module as counts: no function returns it next to a name.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date

import pandas as pd
from sqlalchemy import and_, case, delete, func, or_, select
from sqlalchemy.orm import aliased
from sqlmodel import Session

from data_access.db import record_write
from data_access.fidelity.queries import get_instrument_items, get_instrument_scales
from data_access.fidelity.scoring import rank_items, score_scales
from data_access.imports_common import school_year_of
from data_access.models import (
    TEAM_CATEGORIES,
    Action,
    InstrumentItem,
    Meeting,
    MeetingAttendance,
    TeamMember,
    TeamSelfCheck,
)
from data_access.permissions import WriteForbidden, check_write
from data_access.users import UserAccess

# The six kinds of member seed 002 asks for, in its order, as the team says them.
TEAM_CATEGORY_LABELS = {
    "administrator": "Administrators",
    "educator": "Educators",
    "family_learner": "Families and learners",
    "community": "Community members",
    "pupil_services": "Pupil service providers",
    "school_board": "School board",
}
assert tuple(TEAM_CATEGORY_LABELS) == TEAM_CATEGORIES
HEALTHY_ATTENDANCE = 0.75  # a TIPS meeting is healthy when at least 75% of members attend
CADENCE_DAYS = 35  # the team meets monthly; a longer gap inside a school year is flagged
SELF_CHECK_INSTRUMENT = "SHARED-LEADERSHIP"
MAX_DECISIONS = 20_000  # characters of decisions a meeting record holds


def _active_on(day: date):
    """Members on the team that day: joined on or before it (or no date) and not yet left."""
    return and_(
        or_(TeamMember.joined_on.is_(None), TeamMember.joined_on <= day),
        or_(TeamMember.left_on.is_(None), TeamMember.left_on >= day),
    )


# --- Members ----------------------------------------------------------------------------------------


def get_team_members(session: Session, *, on: date) -> pd.DataFrame:
    """The members on the team on a date: member_id, name, category, role_title, joined_on; by
    category (seed order) then name. Never the self-reported group membership."""
    rows = session.execute(
        select(
            TeamMember.member_id,
            TeamMember.name,
            TeamMember.category,
            TeamMember.role_title,
            TeamMember.joined_on,
        ).where(_active_on(on))
    ).all()
    frame = pd.DataFrame(rows, columns=["member_id", "name", "category", "role_title", "joined_on"])
    order = {category: i for i, category in enumerate(TEAM_CATEGORIES)}
    frame = frame.assign(_order=frame["category"].map(order))
    return frame.sort_values(["_order", "name"], ignore_index=True).drop(columns="_order")


def count_by_category(members: pd.DataFrame) -> pd.DataFrame:
    """Every one of the six categories with its number of members (0 included): category, label,
    members. `members` has a `category` column, one row per member."""
    counts = members["category"].value_counts() if len(members) else pd.Series(dtype=int)
    return pd.DataFrame(
        {
            "category": list(TEAM_CATEGORY_LABELS),
            "label": list(TEAM_CATEGORY_LABELS.values()),
            "members": [int(counts.get(category, 0)) for category in TEAM_CATEGORY_LABELS],
        }
    )


def missing_categories(composition: pd.DataFrame) -> list[str]:
    """The labels of the categories nobody on the team represents (from `count_by_category`)."""
    return composition.loc[composition["members"] == 0, "label"].tolist()


@dataclass(frozen=True)
class MarginalizedCounts:
    """How current members answered "are you from a group historically marginalised by schools?"
    (self-reported, optional). Counts only, never who."""

    yes: int
    no: int
    not_said: int

    @property
    def members(self) -> int:
        return self.yes + self.no + self.not_said


def get_marginalized_counts(session: Session, *, on: date) -> MarginalizedCounts:
    flag = TeamMember.from_marginalized_group
    yes, no, not_said = session.execute(
        select(
            func.coalesce(func.sum(case((flag.is_(True), 1), else_=0)), 0),
            func.coalesce(func.sum(case((flag.is_(False), 1), else_=0)), 0),
            func.coalesce(func.sum(case((flag.is_(None), 1), else_=0)), 0),
        ).where(_active_on(on))
    ).one()
    return MarginalizedCounts(yes=int(yes), no=int(no), not_said=int(not_said))


# --- Meetings ---------------------------------------------------------------------------------------

MEETING_COLUMNS = [
    "meeting_id",
    "held_on",
    "facilitator",
    "minute_taker",
    "members",
    "attended",
    "decisions",
    "actions_decided",
    "actions_open",
]


def list_meetings(session: Session, *, until: date | None = None) -> pd.DataFrame:
    """The district team's meetings (held on or before `until` when given), oldest first: who
    facilitated and took minutes, how many members were on the team (the attendance record) and
    how many attended, the decisions, and the follow-up actions decided there (and still open)."""
    facilitator, minute_taker = aliased(TeamMember), aliased(TeamMember)
    attendance = (
        select(
            MeetingAttendance.meeting_id,
            func.count().label("members"),
            func.sum(case((MeetingAttendance.attended.is_(True), 1), else_=0)).label("attended"),
        )
        .group_by(MeetingAttendance.meeting_id)
        .subquery()
    )
    actions = (
        select(
            Action.meeting_id,
            func.count().label("decided"),
            func.sum(case((Action.status.in_(("open", "in_progress")), 1), else_=0)).label("open"),
        )
        .where(Action.meeting_id.is_not(None))
        .group_by(Action.meeting_id)
        .subquery()
    )
    statement = (
        select(
            Meeting.meeting_id,
            Meeting.held_on,
            facilitator.name,
            minute_taker.name,
            func.coalesce(attendance.c.members, 0),
            func.coalesce(attendance.c.attended, 0),
            Meeting.decisions,
            func.coalesce(actions.c.decided, 0),
            func.coalesce(actions.c.open, 0),
        )
        .outerjoin(facilitator, facilitator.member_id == Meeting.facilitator_id)
        .outerjoin(minute_taker, minute_taker.member_id == Meeting.minute_taker_id)
        .outerjoin(attendance, attendance.c.meeting_id == Meeting.meeting_id)
        .outerjoin(actions, actions.c.meeting_id == Meeting.meeting_id)
        .where(Meeting.building_id.is_(None))
        .order_by(Meeting.held_on, Meeting.meeting_id)
    )
    if until is not None:
        statement = statement.where(Meeting.held_on <= until)
    frame = pd.DataFrame(session.execute(statement).all(), columns=MEETING_COLUMNS)
    for column in ("members", "attended", "actions_decided", "actions_open"):
        frame[column] = frame[column].astype(int)
    return frame


def meeting_health(
    meetings: pd.DataFrame,
    *,
    healthy_attendance: float = HEALTHY_ATTENDANCE,
    cadence_days: int = CADENCE_DAYS,
) -> pd.DataFrame:
    """Adds to each meeting (`held_on`, `members`, `attended`): `attendance_share` (0-1, missing
    when no one was recorded), `low_attendance` (below the healthy share), `school_year`,
    `days_since_previous` (the previous meeting of the same school year; missing for the first of a
    year: the summer break is not a gap) and `long_gap` (more than `cadence_days`)."""
    frame = meetings.sort_values("held_on", ignore_index=True).copy()
    frame["attendance_share"] = frame["attended"] / frame["members"].where(frame["members"] > 0)
    frame["low_attendance"] = frame["attendance_share"].lt(healthy_attendance).fillna(False)
    frame["school_year"] = [school_year_of(day) for day in frame["held_on"]]
    previous = frame.groupby("school_year")["held_on"].shift(1)
    frame["days_since_previous"] = pd.Series(
        [
            None if pd.isna(before) else (day - before).days
            for day, before in zip(frame["held_on"], previous, strict=True)
        ],
        index=frame.index,
        dtype="Int64",
    )
    frame["long_gap"] = frame["days_since_previous"].gt(cadence_days).fillna(False).astype(bool)
    return frame


@dataclass(frozen=True)
class MeetingRef:
    meeting_id: int
    held_on: date


def get_previous_meeting(session: Session, *, before: date) -> MeetingRef | None:
    """The district team's most recent meeting before a date (the one "what changed" compares with)."""
    row = session.execute(
        select(Meeting.meeting_id, Meeting.held_on)
        .where(Meeting.held_on < before, Meeting.building_id.is_(None))
        .order_by(Meeting.held_on.desc(), Meeting.meeting_id.desc())
        .limit(1)
    ).first()
    return MeetingRef(meeting_id=row[0], held_on=row[1]) if row else None


def get_meeting_on(session: Session, *, day: date) -> MeetingRef | None:
    """The district team's meeting recorded for a date, if any."""
    meeting_id = session.execute(
        select(Meeting.meeting_id)
        .where(Meeting.held_on == day, Meeting.building_id.is_(None))
        .order_by(Meeting.meeting_id)
        .limit(1)
    ).scalar_one_or_none()
    return MeetingRef(meeting_id=meeting_id, held_on=day) if meeting_id is not None else None


def get_meeting_attendance(session: Session, *, meeting_id: int) -> pd.DataFrame:
    """Who was expected at a meeting and whether they came: member_id, name, category, attended."""
    rows = session.execute(
        select(
            MeetingAttendance.member_id,
            TeamMember.name,
            TeamMember.category,
            MeetingAttendance.attended,
        )
        .join(TeamMember, TeamMember.member_id == MeetingAttendance.member_id)
        .where(MeetingAttendance.meeting_id == meeting_id)
        .order_by(TeamMember.name)
    ).all()
    return pd.DataFrame(rows, columns=["member_id", "name", "category", "attended"])


# --- Recording a meeting ----------------------------------------------------------------------------


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
    expected = set(session.execute(select(TeamMember.member_id).where(_active_on(day))).scalars())
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
    expected = sorted(
        session.execute(select(TeamMember.member_id).where(_active_on(day))).scalars()
    )
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


# --- The team's self-check --------------------------------------------------------------------------

TEAM_ID = "district team"  # stands in for a building in the shared scoring functions

SELF_CHECK_COLUMNS = [
    "instrument",
    "administered_on",
    "scale",
    "items_scored",
    "items_total",
    "points",
    "possible",
    "percent",
    "criterion_pct",
    "meets_criterion",
    "complete",
]


def get_self_check_scores(
    session: Session, *, instrument: str = SELF_CHECK_INSTRUMENT
) -> pd.DataFrame:
    """The team's self-check score per administration and scale, oldest first, scored exactly as
    fidelity scales are (points / possible x 100; complete only when every item is scored)."""
    rows = session.execute(
        select(
            TeamSelfCheck.instrument,
            TeamSelfCheck.administered_on,
            InstrumentItem.scale,
            func.count().label("items_scored"),
            func.sum(TeamSelfCheck.score).label("points"),
        )
        .join(
            InstrumentItem,
            and_(
                InstrumentItem.instrument == TeamSelfCheck.instrument,
                InstrumentItem.item_id == TeamSelfCheck.item_id,
            ),
        )
        .where(TeamSelfCheck.instrument == instrument)
        .group_by(TeamSelfCheck.instrument, TeamSelfCheck.administered_on, InstrumentItem.scale)
    ).all()
    scored = pd.DataFrame(
        rows, columns=["instrument", "administered_on", "scale", "items_scored", "points"]
    )
    if scored.empty:
        return pd.DataFrame(columns=SELF_CHECK_COLUMNS)
    scored.insert(0, "building_id", TEAM_ID)
    scores = score_scales(scored, get_instrument_scales(session, instrument=instrument))
    return scores.drop(columns="building_id")[SELF_CHECK_COLUMNS].reset_index(drop=True)


def get_self_check_items(
    session: Session, *, administered_on: date, instrument: str = SELF_CHECK_INSTRUMENT
) -> pd.DataFrame:
    """Every item of one administration with its score, lowest first (unscored last): the items the
    team would plan on."""
    items = get_instrument_items(session, instrument=instrument)
    scores = dict(
        session.execute(
            select(TeamSelfCheck.item_id, TeamSelfCheck.score).where(
                TeamSelfCheck.instrument == instrument,
                TeamSelfCheck.administered_on == administered_on,
            )
        ).all()
    )
    items["score"] = pd.array([scores.get(item) for item in items["item_id"]], dtype="Int64")
    return rank_items(items)


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


# --- Keeping the member list ------------------------------------------------------------------------

EMAIL_PATTERN = r"^[^@\s]+@[^@\s]+\.[^@\s]+$"
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


def list_all_members(session: Session) -> pd.DataFrame:
    """Every member ever on the team (for the form's picker): member_id, name, category, left_on."""
    rows = session.execute(
        select(
            TeamMember.member_id, TeamMember.name, TeamMember.category, TeamMember.left_on
        ).order_by(TeamMember.name, TeamMember.member_id)
    ).all()
    return pd.DataFrame(rows, columns=["member_id", "name", "category", "left_on"])


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
    import re

    problems: dict[str, str] = {}
    name = (entry.name or "").strip()
    if not name:
        problems["name"] = "Give the member's name."
    elif len(name) > 200:
        problems["name"] = "Keep the name to 200 characters."
    if entry.category not in TEAM_CATEGORIES:
        problems["category"] = "Choose one of the six categories."
    email = (entry.email or "").strip()
    if email and not re.match(EMAIL_PATTERN, email):
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
