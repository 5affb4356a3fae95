"""Follow-up actions on screen: the "create follow-up action" link other pages offer, and the action
form shared by the new-action and edit views."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import pandas as pd
import streamlit as st

from components.follow_up_labels import (
    FIDELITY_CHECK_LABELS,
    OUTCOME_CHECK_LABELS,
    SOURCE_LABELS,
    STATUS_LABELS,
)
from components.text import plain
from data_access.labels import (
    USER_ROLES,
    in_sentence,
    is_flag_reference,
    is_missing,
    source_words,
    words,
)
from data_access.users.access import UserAccess
from data_access.validation import latest_due_date

FOLLOW_UP_PAGE = "pages/follow_up.py"
DATA_SOURCES = (
    "fidelity_item",
    "equity_cell",
    "staff_support_gap",
)  # actions started from a figure
DUE_AFTER = timedelta(days=28)


def default_due_date(
    *, today: date, data_as_of: date | None, source_type: str | None
) -> tuple[date, str]:
    """A new action's due date, and the words saying what it is based on. An action started from a
    figure is due four weeks after the later of today and the date of the data: the data's date when
    the store's figures run ahead of the clock (a meeting prepared for), today when they are older (a
    due date already past is of no use to a coach), and the form says which."""
    weeks = DUE_AFTER.days // 7
    if source_type in DATA_SOURCES and data_as_of is not None and data_as_of != today:
        if data_as_of > today:
            return data_as_of + DUE_AFTER, (
                f"Due date: {weeks} weeks after {data_as_of:%-d %b %Y}, the date of the data "
                "this action comes from."
            )
        return today + DUE_AFTER, (
            f"Due date: {weeks} weeks from today ({today:%-d %b %Y}); the data it comes from is "
            f"as of {data_as_of:%-d %b %Y}."
        )
    return today + DUE_AFTER, f"Due date: {weeks} weeks from today ({today:%-d %b %Y})."


def create_action_link(
    *,
    source_type: str,
    source_ref: str,
    building_id: str | None,
    title: str,
    problem_statement: str = "",
    meeting_id: int | None = None,
) -> None:
    """A link to the Follow-up page's new-action form, prefilled with where the problem was seen.

    Pages call this beside a fidelity item, an equity flag or a staff-support gap. Shown only to
    someone who may create an action for that building."""
    from components.page import current_user

    user = current_user()
    if user is None or not user.may_edit_actions_of(building_id):
        return
    params = {"new": "1", "source_type": source_type, "source_ref": source_ref, "title": title}
    if building_id:
        params["building"] = building_id
    if problem_statement:
        params["problem"] = problem_statement
    if meeting_id is not None:  # decided at this meeting: the action links to it
        params["meeting"] = str(meeting_id)
    st.page_link(
        FOLLOW_UP_PAGE,
        label="Create follow-up action",
        icon=":material/add_task:",
        query_params=params,
        help=f"Start an action about: {plain(title)}",
    )


def prefill_from_link(query_params: dict[str, str]) -> dict[str, Any]:
    """The new-action values a "create follow-up action" link carries."""
    values: dict[str, Any] = {}
    if query_params.get("source_type") in SOURCE_LABELS:
        values["source_type"] = query_params["source_type"]
    for param, name in (
        ("source_ref", "source_ref"),
        ("title", "title"),
        ("building", "building_id"),
        ("problem", "problem_statement"),
    ):
        if query_params.get(param):
            values[name] = query_params[param][:2000]
    if str(query_params.get("meeting", "")).isdigit():  # create_action_link(meeting_id=...)
        values["meeting_id"] = int(query_params["meeting"])
    return values


def action_fields(
    *,
    prefix: str,
    values: dict[str, Any],
    owners: pd.DataFrame,
    buildings: pd.DataFrame,
    problems: dict[str, str],
    today: date,
    editor: UserAccess | None = None,
    due: tuple[date, str] | None = None,
) -> dict[str, Any]:
    """Every field of an action as widgets (inside the caller's form), each with its problem, if any,
    right under it. Returns what is in the widgets. The building choices are those the editor may
    change actions of: a coach's start at their first building, never at the whole district."""

    def problem(name: str) -> None:
        if name in problems:
            st.error(plain(problems[name]), icon=":material/error:")

    building_options = [
        building_id
        for building_id in [None, *buildings["building_id"]]
        if editor is None or editor.may_edit_actions_of(building_id)
    ]
    building_names = dict(zip(buildings["building_id"], buildings["name"], strict=True))
    owner_options = [None, *owners["email"]]
    owner_names = {
        row.email: f"{row.name or row.email} ({in_sentence(words(USER_ROLES, row.role))})"
        for row in owners.itertuples()
    }
    entered: dict[str, Any] = {}
    entered["title"] = st.text_input(
        "Title",
        value=values.get("title") or "",
        max_chars=200,
        key=f"{prefix}_title",
        placeholder="e.g. Reteach hallway expectations at Franklin Middle",
    )
    problem("title")
    left, right = st.columns(2)
    with left:
        entered["building_id"] = st.selectbox(
            "Building",
            building_options,
            key=f"{prefix}_building_id",
            index=_index(building_options, values.get("building_id")),
            format_func=lambda b: "The whole district" if b is None else building_names.get(b, b),
        )
        problem("building_id")
        entered["owner_email"] = st.selectbox(
            "Owner",
            owner_options,
            key=f"{prefix}_owner_email",
            index=_index(owner_options, values.get("owner_email")),
            format_func=lambda e: "Choose an owner…" if e is None else owner_names.get(e, e),
        )
        problem("owner_email")
    with right:
        entered["due_date"] = st.date_input(
            "Due date",
            value=values.get("due_date") or (due[0] if due else today + DUE_AFTER),
            key=f"{prefix}_due_date",
            format="YYYY-MM-DD",
            # As actions.csv: at most 5 years ahead (an older action keeps the date it has).
            max_value=max(
                latest_due_date(today), values.get("due_date") or today, due[0] if due else today
            ),
        )
        if due and not values.get("due_date"):
            st.caption(due[1])  # what the proposed due date is based on
        problem("due_date")
        source_options = [None, *SOURCE_LABELS]
        entered["source_type"] = st.selectbox(
            "Came from",
            source_options,
            key=f"{prefix}_source_type",
            index=_index(source_options, values.get("source_type")),
            format_func=lambda s: "Not recorded" if s is None else SOURCE_LABELS[s],
        )
    reference = values.get("source_ref")
    worded = source_words(values.get("source_type"), reference)
    if not is_missing(reference) and worded != reference:
        # An identifier (an equity flag's "oss iep 2025-26", a gap's "social_worker B05") links the
        # action to what it answers: kept as it is, shown in words.
        entered["source_ref"] = reference
        what = "the equity flag" if is_flag_reference(reference) else "the gap"
        st.caption(f"Came from {what}: **{plain(worded)}**")
    else:
        entered["source_ref"] = st.text_input(
            "Came from (detail)",
            value="" if is_missing(reference) else str(reference),
            key=f"{prefix}_source_ref",
            help="Which fidelity item, equity flag, staff member or meeting this answers.",
        )
    problem("source_ref")
    entered["problem_statement"] = st.text_area(
        "Precise problem statement",
        value=values.get("problem_statement") or "",
        key=f"{prefix}_problem_statement",
        height=90,
        help="What, who, where, when, why and how often, from the data (TIPS).",
    )
    problem("problem_statement")
    entered["goal"] = st.text_area(
        "Goal with timeline",
        value=values.get("goal") or "",
        key=f"{prefix}_goal",
        height=70,
    )
    problem("goal")
    entered["solution_actions"] = st.text_area(
        "Solution actions",
        value=values.get("solution_actions") or "",
        key=f"{prefix}_solution_actions",
        height=90,
        help="Prevent, teach, reward, correct, extinguish, safety: who does what, by when.",
    )
    problem("solution_actions")
    if values.get("meeting_id") is not None:  # decided at a leadership meeting: keep the link
        entered["meeting_id"] = values["meeting_id"]
        st.caption(f"Decided at leadership meeting {values['meeting_id']}.")
    return entered


def check_fields(*, prefix: str, values: dict[str, Any]) -> dict[str, Any]:
    """Status, fidelity check and outcome check: the quick update."""
    status_col, fidelity_col, outcome_col = st.columns(3)
    outcome_options = [None, *OUTCOME_CHECK_LABELS]
    return {
        "status": status_col.selectbox(
            "Status",
            list(STATUS_LABELS),
            key=f"{prefix}_status",
            index=_index(list(STATUS_LABELS), values.get("status")),
            format_func=STATUS_LABELS.get,
        ),
        "fidelity_check": fidelity_col.selectbox(
            "Done as planned? (fidelity)",
            list(FIDELITY_CHECK_LABELS),
            key=f"{prefix}_fidelity_check",
            index=_index(list(FIDELITY_CHECK_LABELS), values.get("fidelity_check")),
            format_func=FIDELITY_CHECK_LABELS.get,
        ),
        "outcome_check": outcome_col.selectbox(
            "Did it work? (outcome)",
            outcome_options,
            key=f"{prefix}_outcome_check",
            index=_index(outcome_options, values.get("outcome_check")),
            format_func=lambda o: "Not checked yet" if o is None else OUTCOME_CHECK_LABELS[o],
        ),
    }


def forget_widgets(prefix: str) -> None:
    """Drop the widgets' remembered values so they show what is stored now."""
    for key in [k for k in st.session_state if str(k).startswith(prefix + "_")]:
        del st.session_state[key]


def _index(options: list, value: Any) -> int:
    return options.index(value) if value in options else 0
