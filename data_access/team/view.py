"""Everything the Leadership team page shows for one date, read in one go: `get_team_view`, which the
page loads once through the cache."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import pandas as pd
from sqlmodel import Session

from data_access.fidelity.queries import get_instrument_items
from data_access.school_year import school_year_of
from data_access.scope import Scope
from data_access.team.queries import (
    MarginalizedCounts,
    get_marginalized_counts,
    get_self_check_items,
    get_self_check_scores,
    get_team_members,
    list_meetings,
)
from data_access.team.rules import (
    SELF_CHECK_INSTRUMENT,
    count_by_category,
    meeting_health,
    missing_categories,
)


@dataclass(frozen=True)
class TeamView:
    """The team on `as_of`: its members (role titles only for a district-wide scope), every
    category's count and the missing ones, the self-reported counts; every meeting held by then with
    its health, and those of the school year shown (this one, or the latest with a meeting); the
    self-check's scores, the latest administration's items (lowest first) and the instrument's items
    (the entry form's)."""

    as_of: date
    sees_district: bool
    members: pd.DataFrame
    composition: pd.DataFrame
    missing: tuple[str, ...]
    marginalized: MarginalizedCounts
    meetings: pd.DataFrame
    shown_year: str | None
    year_meetings: pd.DataFrame
    self_check_scores: pd.DataFrame
    self_check_items: pd.DataFrame
    self_check_definition: pd.DataFrame


def get_team_view(session: Session, *, scope: Scope, as_of: date) -> TeamView:
    # Role titles and minutes can name a building and quote its figures ("At Franklin Middle, Black
    # students were 3.1 times as likely..."): they are for people who see every building, so they
    # do not leave here for anyone else.
    sees_district = scope.is_district
    members = get_team_members(session, on=as_of)
    if not sees_district:
        members = members.assign(role_title=None)
    composition = count_by_category(members)

    meetings = meeting_health(list_meetings(session, until=as_of))
    if not sees_district:
        meetings = meetings.assign(decisions=None)
    shown_year = None
    year_meetings = meetings.iloc[0:0]
    if not meetings.empty:
        this_year = school_year_of(as_of)
        year_meetings = meetings[meetings["school_year"] == this_year]
        shown_year = this_year if len(year_meetings) else meetings["school_year"].iloc[-1]
        year_meetings = meetings[meetings["school_year"] == shown_year]

    scores = get_self_check_scores(session)
    items = (
        get_self_check_items(session, administered_on=scores.iloc[-1]["administered_on"])
        if not scores.empty
        else pd.DataFrame()
    )
    return TeamView(
        as_of=as_of,
        sees_district=sees_district,
        members=members,
        composition=composition,
        missing=tuple(missing_categories(composition)),
        marginalized=get_marginalized_counts(session, on=as_of),
        meetings=meetings,
        shown_year=shown_year,
        year_meetings=year_meetings,
        self_check_scores=scores,
        self_check_items=items,
        self_check_definition=get_instrument_items(session, instrument=SELF_CHECK_INSTRUMENT),
    )
