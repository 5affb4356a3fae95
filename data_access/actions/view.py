"""What the Follow-up page shows, for one set of filters: the counts and the actions that need
attention first, the list the person chose, and the owners and buildings its choices offer."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import pandas as pd
from sqlmodel import Session

from data_access.actions.queries import (
    OPEN_STATUSES,
    ActionFilters,
    ActionRecord,
    get_action,
    get_action_history,
    list_actions,
    list_owners,
)
from data_access.buildings import list_buildings
from data_access.scope import Scope

LISTS = ("all", "mine", "none")  # every action (filtered), one owner's, or no list (the new form)


@dataclass(frozen=True)
class FollowUpView:
    owners: pd.DataFrame  # email, name, role: who may own an action
    buildings: pd.DataFrame  # building_id, name: the buildings in scope
    open_count: int  # open or in progress
    overdue_count: int
    due_soon_count: int  # due in the next 7 days
    attention: pd.DataFrame  # open actions overdue or due this week, soonest due first
    owner_email: str | None  # whose actions the "mine" list holds
    actions: pd.DataFrame | None  # the chosen list; None when no list is shown


def get_follow_up_view(
    session: Session,
    *,
    scope: Scope,
    as_of: date,
    show: str = "all",
    filters: ActionFilters | None = None,
    overdue_only: bool = False,
) -> FollowUpView:
    """Everything the Follow-up page shows for these filters. `show` is one of LISTS; for "mine"
    without an owner (local mode, nobody signed in) the first owner's actions are shown."""
    filters = filters or ActionFilters()
    owners = list_owners(session)
    open_actions = list_actions(
        session, scope=scope, as_of=as_of, filters=ActionFilters(statuses=OPEN_STATUSES)
    )
    owner_email = filters.owner_email
    actions = None
    if show == "mine":
        if owner_email is None and len(owners):
            owner_email = owners["email"].iloc[0]
        actions = list_actions(
            session, scope=scope, as_of=as_of, filters=ActionFilters(owner_email=owner_email)
        )
    elif show == "all":
        actions = list_actions(session, scope=scope, as_of=as_of, filters=filters)
        if overdue_only:
            actions = actions[actions["overdue"]]
    return FollowUpView(
        owners=owners,
        buildings=list_buildings(session, scope=scope),
        open_count=len(open_actions),
        overdue_count=int(open_actions["overdue"].sum()),
        due_soon_count=int(open_actions["due_this_week"].sum()),
        attention=open_actions[open_actions["overdue"] | open_actions["due_this_week"]],
        owner_email=owner_email,
        actions=actions,
    )


@dataclass(frozen=True)
class ActionView:
    record: ActionRecord | None  # None: no such action in scope
    history: pd.DataFrame  # every change, newest first


def get_action_view(session: Session, *, scope: Scope, action_id: int) -> ActionView:
    """One action as the page opens it: its stored values and its history."""
    return ActionView(
        record=get_action(session, action_id=action_id, scope=scope),
        history=get_action_history(session, action_id=action_id, scope=scope),
    )
