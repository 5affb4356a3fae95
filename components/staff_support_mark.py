"""The scheduling tab's marking form: a session of the support team held or cancelled, written
through `data_access.staff_support.schedule.mark_supervision` with the acting user."""

from __future__ import annotations

import streamlit as st

from components.display import show_table
from components.staff_support_charts import theme_name
from components.text import plain
from data_access.db import session_scope
from data_access.models import SUPERVISION_THEMES
from data_access.staff_support.schedule import SupervisionInputError, mark_supervision
from data_access.staff_support.view import SupervisionScheduleView
from data_access.users.access import UserAccess

MARK_LIST = 200  # sessions offered for marking at once


def show_mark_form(
    lists: SupervisionScheduleView,
    *,
    school_year: str,
    editor: UserAccess | None,
    may_mark: bool,
) -> None:
    """The sessions of the team waiting to be marked, and the form that marks one held (with its
    minutes) or cancelled."""
    st.subheader("Mark a session held or cancelled")
    waiting = lists.waiting
    if waiting.empty:
        st.caption(f"No scheduled sessions in {school_year} wait to be marked for this team.")
        return
    labels = {
        row.session_id: f"{row.session_date:%a %-d %b %Y} · {row.format.capitalize()} · "
        f"{row.supervisees} · with {row.supervisor or 'no supervisor named'}"
        for row in waiting.itertuples()
    }
    with st.form("mark_form", border=True):
        marked = st.selectbox("Session", list(labels), format_func=labels.get, key="mark_session")
        mark_slot = st.empty()
        outcome = st.radio(
            "What happened",
            ["held", "cancelled"],
            format_func=str.capitalize,
            horizontal=True,
            key="mark_status",
        )
        length = st.number_input("Minutes (when held)", value=60, step=5, key="mark_minutes")
        minutes_slot = st.empty()
        themes = st.multiselect(
            "Themes discussed (optional)",
            list(SUPERVISION_THEMES),
            format_func=theme_name,
            key="mark_themes",
            help="From a fixed list, never case content. Left empty, the themes chosen when the "
            "session was scheduled are kept.",
        )
        themes_slot = st.empty()
        saved = st.form_submit_button(
            "Save", type="primary", key="mark_submit", disabled=not may_mark
        )
    if not may_mark:
        st.caption("Marking sessions is for district leaders and district admins.")
    if saved:
        try:
            with session_scope() as session:
                changed = mark_supervision(
                    session,
                    session_id=marked,
                    status=outcome,
                    minutes=int(length),
                    editor=editor,
                    themes=list(themes) or None,
                )
        except SupervisionInputError as error:
            slots = {
                "minutes": minutes_slot,
                "session": mark_slot,
                "status": mark_slot,
                "themes": themes_slot,
            }
            for field, message in error.problems.items():
                slots.get(field, mark_slot).error(plain(message), icon=":material/error:")
            st.error("Nothing was saved.")
        else:
            st.session_state["staff_support_notice"] = (
                f"Marked {outcome}: {plain(labels[marked])} "
                f"({changed} supervisee{'s' if changed != 1 else ''})."
            )
            st.rerun()
    st.caption(
        f"Waiting to be marked, earliest first ({len(waiting):,}"
        + (
            ", the first ones only: choose one building to see all"
            if len(waiting) >= MARK_LIST
            else ""
        )
        + "):"
    )
    show_table(
        waiting.assign(format=waiting["format"].str.capitalize())[
            ["session_date", "format", "supervisees", "supervisor"]
        ].rename(
            columns={
                "session_date": "Date",
                "format": "Format",
                "supervisees": "Supervisees",
                "supervisor": "Supervisor",
            }
        ),
        max_rows=10,
        column_config={
            "Date": st.column_config.DateColumn(format="YYYY-MM-DD", width="small"),
            "Format": st.column_config.TextColumn(width="small"),
        },
    )
