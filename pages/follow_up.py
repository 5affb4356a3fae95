"""Follow-up actions: what the team decided, who owns it, whether it was done as planned, whether it worked."""

from datetime import date

import streamlit as st

from components.cache import load
from components.follow_up import forget_widgets, prefill_from_link
from components.follow_up_form import new_action_form, show_action
from components.follow_up_list import (
    VIEWS,
    chosen_list,
    filter_widgets,
    show_actions_list,
    show_attention,
)
from components.page import current_scope, current_user, current_user_email, page_setup
from data_access.actions.queries import ActionFilters
from data_access.actions.view import get_follow_up_view
from data_access.labels import owner_names as people_names

status = page_setup(
    "Follow-up actions",
    caption="Each action the team decided: a precise problem, a goal, who owns it, and two checks "
    "(was it done as planned, and did it work), as in Team-Initiated Problem Solving.",
)
scope = current_scope()
as_of = status.as_of or date.today()
me = current_user_email()
editor = current_user()
can_create = editor is not None and editor.role in ("district_admin", "district_leader", "coach")

if flash := st.session_state.pop("follow_up_flash", None):
    st.success(flash, icon=":material/check_circle:")

# A link from another page (?new=1&... or ?action=ID) opens the matching view once.
params = st.query_params.to_dict()
if params and st.session_state.get("follow_up_link") != params:
    st.session_state["follow_up_link"] = params
    if params.get("new"):
        st.session_state["follow_up_view"] = "New action"
        forget_widgets("new")
        st.session_state["new_prefill"] = prefill_from_link(params)
    elif params.get("action", "").isdigit():
        st.session_state["follow_up_view"] = "All actions"
        st.session_state["follow_up_open"] = int(params["action"])
if next_view := st.session_state.pop("follow_up_next_view", None):
    st.session_state["follow_up_view"] = next_view

# The list the filters below ask for, read before they are drawn: one view per filter set.
show, filters, overdue_only = chosen_list(me=me)
view = load(
    get_follow_up_view,
    scope=scope,
    as_of=as_of,
    show=show,
    filters=filters,
    overdue_only=overdue_only,
)
owners, buildings = view.owners, view.buildings
owner_names = people_names(owners)  # names; the email only to tell two people apart

# --- What needs attention first ---------------------------------------------------------------------
show_attention(view, as_of=as_of, owner_names=owner_names)

st.divider()
choice = st.radio(
    "Show",
    VIEWS if can_create else VIEWS[:2],
    key="follow_up_view",
    horizontal=True,
    label_visibility="collapsed",
)


def actions_list(frame, *, key: str) -> None:
    opened = show_actions_list(frame, key=key, as_of=as_of, owner_names=owner_names)
    if opened is not None:
        st.divider()
        show_action(
            opened,
            scope=scope,
            editor=editor,
            owners=owners,
            buildings=buildings,
            owner_names=owner_names,
        )


# --- The views ----------------------------------------------------------------------------------------
if choice == "New action":
    new_action_form(owners=owners, buildings=buildings, editor=editor, data_as_of=status.as_of)
elif choice == "My actions":
    mine = me
    if me is None:
        mine = st.selectbox(
            "Whose actions? (local mode: nobody is signed in)",
            list(owners["email"]),
            format_func=lambda e: owner_names.get(e, e),
            key="follow_up_me",
        )
    if show != "mine" or view.owner_email != mine:  # the widget chose another list than was read
        view = load(
            get_follow_up_view,
            scope=scope,
            as_of=as_of,
            show="mine",
            filters=ActionFilters(owner_email=mine),
        )
    actions_list(view.actions, key="follow_up_mine")
else:
    drawn = filter_widgets(buildings=buildings, owners=owners, owner_names=owner_names)
    if (show, (filters, overdue_only)) != ("all", drawn):
        view = load(
            get_follow_up_view,
            scope=scope,
            as_of=as_of,
            show="all",
            filters=drawn[0],
            overdue_only=drawn[1],
        )
    actions_list(view.actions, key="follow_up_all")
