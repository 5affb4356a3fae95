"""The Follow-up page's lists on screen: what needs attention first, the filters, and the table of
actions a row of which opens one action."""

from __future__ import annotations

from datetime import date

import pandas as pd
import streamlit as st

from components.display import ROW_HEIGHT, WRAPPED_ROW_HEIGHT, show_dataframe, show_table
from components.follow_up_labels import (
    FIDELITY_CHECK_LABELS,
    OUTCOME_CHECK_LABELS,
    STATUS_LABELS,
)
from data_access.actions.queries import OPEN_STATUSES, ActionFilters
from data_access.actions.view import FollowUpView

VIEWS = ("All actions", "My actions", "New action")  # "New action" only for those who may edit
SHOW = {"All actions": "all", "My actions": "mine", "New action": "none"}  # → get_follow_up_view
DUE_WINDOWS = {
    "Any due date": None,
    "Overdue": -1,
    "Due within 7 days": 7,
    "Due within 30 days": 30,
}

CHECKS = "Checks"
# Rows of two lines, each column as wide as its heading and its values wrapped onto two lines
# need (components.display.fitted_column_config): the whole table fits a 1280 px projector with
# the sidebar open. One line each needed 1,500 px and hid Due, Status and the checks.
COLUMN_WIDTHS = {
    "ID": st.column_config.NumberColumn(width=40),
    "Action": st.column_config.TextColumn(width=120),
    "Building": st.column_config.TextColumn(width=80),
    "Owner": st.column_config.TextColumn(width=60),
    "Due": st.column_config.TextColumn(width=60),
    "Status": st.column_config.TextColumn(width=60),
    CHECKS: st.column_config.TextColumn(width=60, help="Was it done as planned? / Did it work?"),
}


def when_due(row, *, as_of: date) -> str:
    """'31 Mar 2026, overdue by 59 days': the date and what it means today, in one cell."""
    days = (row.due_date - as_of).days
    when = f"{row.due_date:%-d %b %Y}"
    if row.status not in OPEN_STATUSES:
        return when
    if days < 0:
        return f"{when}, overdue by {-days} day{'s' if days != -1 else ''}"
    return f"{when}, today" if days == 0 else f"{when}, in {days} day{'s' if days != 1 else ''}"


def readable(frame: pd.DataFrame, *, as_of: date, owner_names: dict[str, str]) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "ID": frame["action_id"],
            "Action": frame["title"],
            "Building": frame["building_name"],
            "Owner": frame["owner_email"].map(owner_names).fillna(frame["owner_email"]),
            "Due": [when_due(row, as_of=as_of) for row in frame.itertuples()],
            "Status": frame["status"].map(STATUS_LABELS),
            CHECKS: [
                f"{FIDELITY_CHECK_LABELS[f]} / {OUTCOME_CHECK_LABELS.get(o, 'not checked yet')}"
                for f, o in zip(frame["fidelity_check"], frame["outcome_check"], strict=True)
            ],
        }
    )


def show_attention(view: FollowUpView, *, as_of: date, owner_names: dict[str, str]) -> None:
    """The counts, and the open actions overdue or due this week."""
    first, second, third = st.columns(3)
    first.metric("Open or in progress", f"{view.open_count:,}")
    second.metric(f"Overdue on {as_of:%-d %b %Y}", f"{view.overdue_count:,}")
    third.metric("Due in the next 7 days", f"{view.due_soon_count:,}")
    st.subheader("Overdue or due this week")
    if view.attention.empty:
        st.caption("Nothing is overdue or due in the next 7 days.")
    else:
        show_table(
            readable(view.attention, as_of=as_of, owner_names=owner_names).drop(columns=[CHECKS]),
            max_rows=12,
            column_config=COLUMN_WIDTHS,
            row_height=WRAPPED_ROW_HEIGHT,
            download="actions-overdue-or-due",
        )


def chosen_list(*, me: str | None) -> tuple[str, ActionFilters, bool]:
    """The list the widgets below ask for (`show`, filters, overdue only), read from their state
    before they are drawn, so the page loads its view once; `filter_widgets` draws the same."""
    state = st.session_state
    show = SHOW.get(state.get("follow_up_view", VIEWS[0]), "all")
    if show == "mine":
        return show, ActionFilters(owner_email=me or state.get("follow_up_me")), False
    days = DUE_WINDOWS.get(state.get("follow_up_due", next(iter(DUE_WINDOWS))))
    filters, overdue_only = _filters(
        state.get("follow_up_buildings", []),
        state.get("follow_up_owner"),
        state.get("follow_up_statuses", list(OPEN_STATUSES)),
        days,
    )
    return show, filters, overdue_only


def _filters(buildings, owner, statuses, days) -> tuple[ActionFilters, bool]:
    return ActionFilters(
        building_ids=tuple(buildings),
        owner_email=owner,
        statuses=tuple(statuses),
        due_within_days=None if days in (None, -1) else days,
    ), days == -1


def filter_widgets(
    *, buildings: pd.DataFrame, owners: pd.DataFrame, owner_names: dict[str, str]
) -> tuple[ActionFilters, bool]:
    """The All-actions filters; returns the filters and whether only overdue actions are asked for."""
    building_column, owner_column, status_column, due_column = st.columns(4)
    chosen_buildings = building_column.multiselect(
        "Building",
        list(buildings["building_id"]),
        key="follow_up_buildings",
        format_func=dict(zip(buildings["building_id"], buildings["name"], strict=True)).get,
        placeholder="All buildings",
    )
    owner = owner_column.selectbox(
        "Owner",
        [None, *owners["email"]],
        key="follow_up_owner",
        format_func=lambda e: "Everyone" if e is None else owner_names.get(e, e),
    )
    statuses = status_column.multiselect(
        "Status",
        list(STATUS_LABELS),
        default=list(OPEN_STATUSES),
        key="follow_up_statuses",
        format_func=STATUS_LABELS.get,
        placeholder="Any status",
    )
    window = due_column.selectbox("Due", list(DUE_WINDOWS), key="follow_up_due")
    return _filters(chosen_buildings, owner, statuses, DUE_WINDOWS[window])


def show_actions_list(
    frame: pd.DataFrame, *, key: str, as_of: date, owner_names: dict[str, str]
) -> int | None:
    """The table of actions; a selected row opens its action. Returns the action to open, if any."""
    if frame.empty:
        st.info("No actions match these filters.", icon=":material/filter_alt_off:")
        return None
    table = readable(frame, as_of=as_of, owner_names=owner_names)
    selection = show_dataframe(
        table,
        hide_index=True,
        width="stretch",
        key=key,
        on_select="rerun",
        selection_mode="single-row",
        height=min(ROW_HEIGHT + WRAPPED_ROW_HEIGHT * len(table) + 3, 560),
        column_config=COLUMN_WIDTHS,
        row_height=WRAPPED_ROW_HEIGHT,
    )
    st.caption("Select a row to update the action or see its history.")
    if selection.selection.rows:
        st.session_state["follow_up_open"] = int(table.iloc[selection.selection.rows[0]]["ID"])
    return st.session_state.get("follow_up_open")
