"""Follow-up actions: what the team decided, who owns it, whether it was done as planned, whether it worked."""

from datetime import date

import pandas as pd
import streamlit as st

from components.cache import load
from components.display import show_dataframe, show_table
from components.follow_up import action_fields, check_fields, forget_widgets, prefill_from_link
from components.follow_up_labels import (
    FIDELITY_CHECK_LABELS,
    FIELD_LABELS,
    OUTCOME_CHECK_LABELS,
    STATUS_LABELS,
)
from components.page import current_scope, current_user, current_user_email, page_setup
from components.text import plain
from data_access.actions.queries import (
    OPEN_STATUSES,
    ActionFilters,
    get_action,
    get_action_history,
    list_actions,
    list_owners,
)
from data_access.actions.writes import (
    ActionConflict,
    ActionForbidden,
    ActionInvalid,
    create_action,
    update_action,
)
from data_access.buildings import list_buildings
from data_access.db import session_scope

VIEWS = ("All actions", "My actions", "New action")  # "New action" only for those who may edit
DUE_WINDOWS = {
    "Any due date": None,
    "Overdue": -1,
    "Due within 7 days": 7,
    "Due within 30 days": 30,
}

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
owners = load(list_owners)
owner_names = dict(zip(owners["email"], owners["name"].fillna(owners["email"]), strict=True))
buildings = load(list_buildings, scope=scope)

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


def when_due(row) -> str:
    """'31 Mar 2026, overdue by 59 days': the date and what it means today, in one cell."""
    days = (row.due_date - as_of).days
    when = f"{row.due_date:%-d %b %Y}"
    if row.status not in OPEN_STATUSES:
        return when
    if days < 0:
        return f"{when}, overdue by {-days} day{'s' if days != -1 else ''}"
    return f"{when}, today" if days == 0 else f"{when}, in {days} day{'s' if days != 1 else ''}"


def readable(frame: pd.DataFrame) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "ID": frame["action_id"],
            "Action": frame["title"],
            "Building": frame["building_name"],
            "Owner": frame["owner_email"].map(owner_names).fillna(frame["owner_email"]),
            "Due": [when_due(row) for row in frame.itertuples()],
            "Status": frame["status"].map(STATUS_LABELS),
            "Done as planned? / Did it work?": [
                f"{FIDELITY_CHECK_LABELS[f]} / {OUTCOME_CHECK_LABELS.get(o, 'not checked yet')}"
                for f, o in zip(frame["fidelity_check"], frame["outcome_check"], strict=True)
            ],
        }
    )


COLUMN_WIDTHS = {  # fits a 1400-pixel screen with the sidebar open
    "ID": st.column_config.NumberColumn(width=40),
    "Action": st.column_config.TextColumn(width=290),
    "Building": st.column_config.TextColumn(width=140),
    "Owner": st.column_config.TextColumn(width=120),
    "Due": st.column_config.TextColumn(width=190),
    "Status": st.column_config.TextColumn(width=85),
    "Done as planned? / Did it work?": st.column_config.TextColumn(width=170),
}


# --- What needs attention first ---------------------------------------------------------------------
open_actions = load(
    list_actions, scope=scope, as_of=as_of, filters=ActionFilters(statuses=OPEN_STATUSES)
)
overdue = open_actions[open_actions["overdue"]]
due_soon = open_actions[open_actions["due_this_week"]]
first, second, third = st.columns(3)
first.metric("Open or in progress", f"{len(open_actions):,}")
second.metric(f"Overdue on {as_of:%-d %b %Y}", f"{len(overdue):,}")
third.metric("Due in the next 7 days", f"{len(due_soon):,}")
attention = open_actions[open_actions["overdue"] | open_actions["due_this_week"]]
st.subheader("Overdue or due this week")
if attention.empty:
    st.caption("Nothing is overdue or due in the next 7 days.")
else:
    show_table(
        readable(attention).drop(columns=["Done as planned? / Did it work?"]),
        max_rows=12,
        column_config=COLUMN_WIDTHS,
        download="actions-overdue-or-due",
    )

st.divider()
if next_view := st.session_state.pop("follow_up_next_view", None):
    st.session_state["follow_up_view"] = next_view
view = st.radio(
    "Show",
    VIEWS if can_create else VIEWS[:2],
    key="follow_up_view",
    horizontal=True,
    label_visibility="collapsed",
)


# --- One action: quick update, full edit, history ---------------------------------------------------
def pending_edits(prefix: str, base_values: dict) -> dict:
    """What the person has typed or chosen that differs from the action as they opened it."""
    edits = {}
    for name, before in base_values.items():
        key = f"{prefix}_{name}"
        if key in st.session_state:
            after = st.session_state[key]
            if (after or None) != (before or None):
                edits[name] = after
    return edits


def save(action_id: int, base_version: int, changes: dict, prefix: str) -> None:
    try:
        with session_scope() as session:
            update_action(
                session,
                action_id=action_id,
                base_version=base_version,
                changes=changes,
                editor=editor,
            )
    except ActionConflict as conflict:
        st.session_state[f"{prefix}_conflict"] = (conflict.current, conflict.changes, changes)
        st.rerun()
    except ActionInvalid as invalid:
        st.session_state[f"{prefix}_problems"] = invalid.problems
        st.rerun()
    except ActionForbidden as forbidden:
        st.session_state[f"{prefix}_problems"] = {"building_id": str(forbidden)}
        st.rerun()
    for key in (f"{prefix}_base", f"{prefix}_conflict", f"{prefix}_problems"):
        st.session_state.pop(key, None)
    forget_widgets(prefix)
    st.session_state["follow_up_flash"] = f"Saved action {action_id}."
    st.rerun()


def show_conflict(action_id: int, prefix: str) -> None:
    current, their_changes, my_changes = st.session_state[f"{prefix}_conflict"]
    who = ", ".join(sorted({change.changed_by for change in their_changes})) or "someone else"
    st.warning(
        f"**Not saved: {plain(who)} changed this action after you opened it.** Nothing was overwritten: "
        "their changes are below, and yours are kept. Re-apply yours on top of theirs, or discard "
        "yours.",
        icon=":material/sync_problem:",
    )
    theirs, yours = st.columns(2)
    with theirs:
        st.markdown("**Their changes**")
        show_table(
            pd.DataFrame(
                {
                    "What": [FIELD_LABELS.get(c.field, c.field) for c in their_changes],
                    "From": [c.old_value for c in their_changes],
                    "To": [c.new_value for c in their_changes],
                    "By": [c.changed_by for c in their_changes],
                    "When (UTC)": [f"{c.changed_at:%Y-%m-%d %H:%M}" for c in their_changes],
                }
            )
        )
    with yours:
        st.markdown("**Your changes**")
        show_table(
            pd.DataFrame(
                {
                    "What": [FIELD_LABELS.get(name, name) for name in my_changes],
                    "Stored now": [current.values.get(name) for name in my_changes],
                    "Yours": [value for value in my_changes.values()],
                }
            ).astype(str)
        )
    reapply, discard = st.columns(2)
    if reapply.button(
        "Re-apply my changes on top of theirs", key=f"{prefix}_reapply", type="primary"
    ):
        st.session_state.pop(f"{prefix}_conflict")
        save(action_id, current.version, my_changes, prefix)
    if discard.button("Discard my changes and show theirs", key=f"{prefix}_discard"):
        for key in (f"{prefix}_base", f"{prefix}_conflict", f"{prefix}_problems"):
            st.session_state.pop(key, None)
        forget_widgets(prefix)
        st.rerun()


VALUE_LABELS = {
    "status": STATUS_LABELS,
    "fidelity_check": FIDELITY_CHECK_LABELS,
    "outcome_check": OUTCOME_CHECK_LABELS,
}


def in_words(field: str, value: str | None) -> str:
    """A stored code as people say it ("in_progress" → "In progress")."""
    if value is None or pd.isna(value):
        return ""
    return VALUE_LABELS.get(field, {}).get(value, value)


def show_history(action_id: int) -> None:
    st.markdown("**History**")
    history = load(get_action_history, action_id=action_id, scope=scope)
    show_table(
        pd.DataFrame(
            {
                "When (UTC)": [f"{t:%Y-%m-%d %H:%M}" for t in history["changed_at"]],
                "Who": history["changed_by"],
                "What": history["field"].map(
                    lambda f: "Created" if f == "created" else FIELD_LABELS.get(f, f)
                ),
                "From": [
                    in_words(f, v)
                    for f, v in zip(history["field"], history["old_value"], strict=True)
                ],
                "To": [
                    in_words(f, v)
                    for f, v in zip(history["field"], history["new_value"], strict=True)
                ],
            }
        ),
        max_rows=15,
    )


def show_action(action_id: int) -> None:
    record = load(get_action, action_id=action_id, scope=scope)
    if record is None:
        st.warning(f"There is no action {action_id} among the buildings you can see.")
        return
    prefix = f"action{action_id}"
    base = st.session_state.get(f"{prefix}_base")
    if base is None or (base.version != record.version and not pending_edits(prefix, base.values)):
        # Nothing typed yet: follow the stored action, including changes others just saved.
        if base is not None:
            forget_widgets(prefix)
        base = st.session_state[f"{prefix}_base"] = record
    values = base.values
    building = values["building_id"] or "the whole district"
    building_names = dict(zip(buildings["building_id"], buildings["name"], strict=True))
    st.subheader(f"Action {action_id}: {plain(record.values['title'])}", anchor=False)
    st.caption(
        f"{plain(building_names.get(building, building))}"
        f" · owner {plain(owner_names.get(values['owner_email'], values['owner_email']))}"
        f" · due {values['due_date']:%-d %b %Y} · created {record.created_at:%-d %b %Y}"
        f" · last changed {record.updated_at:%-d %b %Y %H:%M} UTC"
    )
    if f"{prefix}_conflict" in st.session_state:
        show_conflict(action_id, prefix)
    problems = st.session_state.get(f"{prefix}_problems", {})
    if editor is None or not editor.may_edit_actions_of(values["building_id"]):
        st.info(
            f"Status: **{STATUS_LABELS[values['status']]}** · done as planned: "
            f"**{FIDELITY_CHECK_LABELS[values['fidelity_check']]}** · did it work: "
            f"**{OUTCOME_CHECK_LABELS.get(values['outcome_check'], 'not checked yet')}**. "
            "You can read this action; its building's coach or a district leader updates it.",
            icon=":material/visibility:",
        )
        show_history(action_id)
        return
    with st.form(f"{prefix}_quick", border=True):
        checks = check_fields(prefix=prefix, values=values)
        if st.form_submit_button("Save status and checks", type="primary"):
            save(
                action_id, base.version, {k: v for k, v in checks.items() if v != values[k]}, prefix
            )
    with (
        st.expander("Edit the whole action", expanded=bool(problems)),
        st.form(f"{prefix}_edit", border=False),
    ):
        entered = action_fields(
            prefix=prefix,
            values=values,
            owners=owners,
            buildings=buildings,
            problems=problems,
            today=date.today(),
        )
        if st.form_submit_button("Save changes", type="primary"):
            changes = {k: v for k, v in entered.items() if (v or None) != (values[k] or None)}
            save(action_id, base.version, changes, prefix)
    show_history(action_id)


def actions_list(frame: pd.DataFrame, *, key: str) -> None:
    if frame.empty:
        st.info("No actions match these filters.", icon=":material/filter_alt_off:")
        return
    table = readable(frame)
    selection = show_dataframe(
        table,
        hide_index=True,
        width="stretch",
        key=key,
        on_select="rerun",
        selection_mode="single-row",
        height=min(35 * (len(table) + 1) + 3, 460),
        column_config=COLUMN_WIDTHS,
    )
    st.caption("Select a row to update the action or see its history.")
    if selection.selection.rows:
        st.session_state["follow_up_open"] = int(table.iloc[selection.selection.rows[0]]["ID"])
    opened = st.session_state.get("follow_up_open")
    if opened is not None:
        st.divider()
        show_action(opened)


# --- The views ----------------------------------------------------------------------------------------
if view == "New action":
    st.subheader("New follow-up action")
    prefill = st.session_state.get("new_prefill", {})
    problems = st.session_state.get("new_problems", {})
    with st.form("new_action"):
        entered = action_fields(
            prefix="new",
            values=prefill,
            owners=owners,
            buildings=buildings,
            problems=problems,
            today=date.today(),
            editor=editor,
        )
        if st.form_submit_button("Create action", type="primary"):
            try:
                with session_scope() as session:
                    new_id = create_action(session, values=entered, editor=editor)
            except ActionInvalid as invalid:
                st.session_state["new_problems"] = invalid.problems
                st.rerun()
            except ActionForbidden as forbidden:
                st.session_state["new_problems"] = {"building_id": str(forbidden)}
                st.rerun()
            for key in ("new_prefill", "new_problems"):
                st.session_state.pop(key, None)
            forget_widgets("new")
            st.session_state["follow_up_flash"] = f"Created action {new_id}."
            # The view selector is already drawn in this run: switch it on the next one.
            st.session_state["follow_up_next_view"] = "All actions"
            st.session_state["follow_up_open"] = new_id
            st.rerun()
    if problems:
        st.error(
            "The action was not created: see the fields marked above.", icon=":material/error:"
        )
elif view == "My actions":
    if me is None:
        mine = st.selectbox(
            "Whose actions? (local mode: nobody is signed in)",
            list(owners["email"]),
            format_func=lambda e: owner_names.get(e, e),
            key="follow_up_me",
        )
    else:
        mine = me
    frame = load(list_actions, scope=scope, as_of=as_of, filters=ActionFilters(owner_email=mine))
    actions_list(frame, key="follow_up_mine")
else:
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
    days = DUE_WINDOWS[window]
    frame = load(
        list_actions,
        scope=scope,
        as_of=as_of,
        filters=ActionFilters(
            building_ids=tuple(chosen_buildings),
            owner_email=owner,
            statuses=tuple(statuses),
            due_within_days=None if days in (None, -1) else days,
        ),
    )
    if days == -1:
        frame = frame[frame["overdue"]]
    actions_list(frame, key="follow_up_all")
