"""Reads of the leadership team: members on a date, the self-reported counts, the meetings and
their attendance, and the team's self-check scores. Each takes a session first and returns a
DataFrame or a frozen dataclass."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import pandas as pd
from sqlalchemy import and_, case, func, or_, select
from sqlalchemy.orm import aliased
from sqlmodel import Session

from data_access.fidelity.queries import get_instrument_items, get_instrument_scales
from data_access.fidelity.scoring import SCALE_SCORE_COLUMNS, rank_items, score_scales
from data_access.models import (
    TEAM_CATEGORIES,
    Action,
    InstrumentItem,
    Meeting,
    MeetingAttendance,
    TeamMember,
    TeamSelfCheck,
)
from data_access.team.rules import SELF_CHECK_INSTRUMENT


def active_on(day: date):
    """Members on the team that day: joined on or before it (or no date) and not yet left."""
    return and_(
        or_(TeamMember.joined_on.is_(None), TeamMember.joined_on <= day),
        or_(TeamMember.left_on.is_(None), TeamMember.left_on >= day),
    )


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
        ).where(active_on(on))
    ).all()
    frame = pd.DataFrame(rows, columns=["member_id", "name", "category", "role_title", "joined_on"])
    order = {category: i for i, category in enumerate(TEAM_CATEGORIES)}
    frame = frame.assign(_order=frame["category"].map(order))
    return frame.sort_values(["_order", "name"], ignore_index=True).drop(columns="_order")


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
        ).where(active_on(on))
    ).one()
    return MarginalizedCounts(yes=int(yes), no=int(no), not_said=int(not_said))


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


TEAM_ID = "district team"  # stands in for a building in the shared scoring functions

# The fidelity table's columns, less the building: the team scores itself, not a building.
SELF_CHECK_COLUMNS = [column for column in SCALE_SCORE_COLUMNS if column != "building_id"]


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


def list_all_members(session: Session) -> pd.DataFrame:
    """Every member ever on the team (for the form's picker): member_id, name, category, left_on."""
    rows = session.execute(
        select(
            TeamMember.member_id, TeamMember.name, TeamMember.category, TeamMember.left_on
        ).order_by(TeamMember.name, TeamMember.member_id)
    ).all()
    return pd.DataFrame(rows, columns=["member_id", "name", "category", "left_on"])
