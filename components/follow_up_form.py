"""One follow-up action on screen: the new-action form, and an opened action's quick update, full
edit, conflict resolution (no lost updates) and history."""

from __future__ import annotations

from datetime import date

import pandas as pd
import streamlit as st

from components.cache import load
from components.display import show_table
from components.follow_up import (
    action_fields,
    check_fields,
    default_due_date,
    forget_widgets,
)
from components.follow_up_labels import (
    FIDELITY_CHECK_LABELS,
    FIELD_LABELS,
    OUTCOME_CHECK_LABELS,
    SOURCE_LABELS,
    STATUS_LABELS,
)
from components.text import plain
from data_access.actions.view import get_action_view
from data_access.actions.writes import (
    ActionConflict,
    ActionForbidden,
    ActionInvalid,
    create_action,
    update_action,
)
from data_access.db import session_scope
from data_access.labels import is_missing, owner_word, source_words, words
from data_access.scope import Scope
from data_access.users.access import UserAccess


def new_action_form(
    *,
    owners: pd.DataFrame,
    buildings: pd.DataFrame,
    editor: UserAccess | None,
    data_as_of: date | None = None,
) -> None:
    """`data_as_of`: the date the store's data describes (None: not recorded), which an action
    started from a figure takes its due date from (`default_due_date`)."""
    st.subheader("New follow-up action")
    prefill = st.session_state.get("new_prefill", {})
    today = date.today()
    due = default_due_date(
        today=today, data_as_of=data_as_of, source_type=prefill.get("source_type")
    )
    problems = st.session_state.get("new_problems", {})
    with st.form("new_action"):
        entered = action_fields(
            prefix="new",
            values=prefill,
            owners=owners,
            buildings=buildings,
            problems=problems,
            today=today,
            editor=editor,
            due=due,
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


def save(
    action_id: int, base_version: int, changes: dict, prefix: str, editor: UserAccess | None
) -> None:
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


def show_conflict(action_id: int, prefix: str, editor: UserAccess | None) -> None:
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
        save(action_id, current.version, my_changes, prefix, editor)
    if discard.button("Discard my changes and show theirs", key=f"{prefix}_discard"):
        for key in (f"{prefix}_base", f"{prefix}_conflict", f"{prefix}_problems"):
            st.session_state.pop(key, None)
        forget_widgets(prefix)
        st.rerun()


VALUE_LABELS = {
    "status": STATUS_LABELS,
    "fidelity_check": FIDELITY_CHECK_LABELS,
    "outcome_check": OUTCOME_CHECK_LABELS,
    "source_type": SOURCE_LABELS,
}


def in_words(field: str, value: str | None, names: dict[str, str] | None = None) -> str:
    """A stored code as people say it ("in_progress" → "In progress", an equity flag's reference
    worded, an owner by name); a missing value is blank."""
    if is_missing(value):
        return ""
    if field == "source_ref":
        return source_words(None, value)
    if field == "owner_email":
        return owner_word(value, names or {})
    if field in VALUE_LABELS:
        return words(VALUE_LABELS[field], value)
    return str(value)


def show_history(history: pd.DataFrame, names: dict[str, str] | None = None) -> None:
    st.markdown("**History**")
    show_table(
        pd.DataFrame(
            {
                "When (UTC)": [f"{t:%Y-%m-%d %H:%M}" for t in history["changed_at"]],
                "Who": [owner_word(who, names or {}) for who in history["changed_by"]],
                "What": history["field"].map(
                    lambda f: "Created" if f == "created" else FIELD_LABELS.get(f, f)
                ),
                "From": [
                    in_words(f, v, names)
                    for f, v in zip(history["field"], history["old_value"], strict=True)
                ],
                "To": [
                    in_words(f, v, names)
                    for f, v in zip(history["field"], history["new_value"], strict=True)
                ],
            }
        ),
        max_rows=15,
    )


def show_action(
    action_id: int,
    *,
    scope: Scope,
    editor: UserAccess | None,
    owners: pd.DataFrame,
    buildings: pd.DataFrame,
    owner_names: dict[str, str],
) -> None:
    opened = load(get_action_view, scope=scope, action_id=action_id)
    record = opened.record
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
        show_conflict(action_id, prefix, editor)
    problems = st.session_state.get(f"{prefix}_problems", {})
    if editor is None or not editor.may_edit_actions_of(values["building_id"]):
        st.info(
            f"Status: **{STATUS_LABELS[values['status']]}** · done as planned: "
            f"**{FIDELITY_CHECK_LABELS[values['fidelity_check']]}** · did it work: "
            f"**{OUTCOME_CHECK_LABELS.get(values['outcome_check'], 'not checked yet')}**. "
            "You can read this action; its building's coach or a district leader updates it.",
            icon=":material/visibility:",
        )
        show_history(opened.history, owner_names)
        return
    with st.form(f"{prefix}_quick", border=True):
        checks = check_fields(prefix=prefix, values=values)
        if st.form_submit_button("Save status and checks", type="primary"):
            save(
                action_id,
                base.version,
                {k: v for k, v in checks.items() if v != values[k]},
                prefix,
                editor,
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
            save(action_id, base.version, changes, prefix, editor)
    show_history(opened.history, owner_names)
