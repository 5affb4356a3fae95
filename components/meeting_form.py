"""Recording a leadership meeting on screen: date, who attended (a tick per current member),
facilitator, minute taker and decisions, saved in one transaction. Shared by the meeting screen and
the Team page; only district admins and leaders see it."""

from __future__ import annotations

from datetime import date

import streamlit as st

from components.cache import load
from components.text import plain
from data_access.db import session_scope
from data_access.team.queries import get_meeting_attendance, get_meeting_on, get_team_members
from data_access.team.rules import TEAM_CATEGORY_LABELS
from data_access.team.writes import MeetingEntry, MeetingForbidden, MeetingInvalid, record_meeting
from data_access.users.access import UserAccess


def show_meeting_saved(*, prefix: str) -> None:
    """After a save, what was saved: a toast, and a line on the page itself. Called by the page
    above the expander that holds the form, because the rerun after saving closes the expander
    (the Overview's also changes its title) and would hide a message inside it."""
    if flash := st.session_state.pop(f"{prefix}_flash", None):
        st.toast(flash, icon=":material/check_circle:")
        st.success(flash, icon=":material/check_circle:")


def meeting_form(*, prefix: str, default_day: date, editor: UserAccess) -> None:
    """The form. Problems show beside their field and nothing is stored until every one is fixed.
    The page shows what was saved with `show_meeting_saved`, outside the form's expander."""
    day = st.date_input(
        "Date of the meeting",
        value=default_day,
        key=f"{prefix}_day",
        format="YYYY-MM-DD",
        help="Members on the team that day are listed below.",
    )
    problems: dict[str, str] = st.session_state.get(f"{prefix}_problems", {})
    members = load(get_team_members, on=day)
    if members.empty:
        st.info(f"Nobody was on the team on {day:%-d %B %Y}.", icon=":material/group_off:")
        return
    existing = load(get_meeting_on, day=day)
    attended_before: set[int] = set()
    if existing is not None:
        record = load(get_meeting_attendance, meeting_id=existing.meeting_id)
        attended_before = set(record.loc[record["attended"].astype(bool), "member_id"])
        st.caption(
            f"A meeting on {day:%-d %B %Y} is already recorded (meeting {existing.meeting_id}); "
            "saving with the tick below updates it."
        )
    names = dict(zip(members["member_id"], members["name"], strict=True))
    with st.form(f"{prefix}_form"):
        st.markdown("**Who attended?**")
        ticks = {}
        columns = st.columns(3)
        for position, row in enumerate(members.itertuples()):
            ticks[row.member_id] = columns[position % 3].checkbox(
                f"{plain(row.name)} ({TEAM_CATEGORY_LABELS[row.category].lower()})",
                value=row.member_id in attended_before if existing else True,
                key=f"{prefix}_member_{day.isoformat()}_{row.member_id}",
            )
        _problem(problems, "attended")
        left, right = st.columns(2)
        options = [None, *members["member_id"]]
        facilitator = left.selectbox(
            "Facilitator",
            options,
            format_func=lambda m: "Choose…" if m is None else names[m],
            key=f"{prefix}_facilitator",
        )
        with left:
            _problem(problems, "facilitator_id")
        minute_taker = right.selectbox(
            "Minute taker",
            options,
            format_func=lambda m: "Choose…" if m is None else names[m],
            key=f"{prefix}_minute_taker",
        )
        with right:
            _problem(problems, "minute_taker_id")
        decisions = st.text_area(
            "Decisions",
            key=f"{prefix}_decisions",
            height=120,
            help="What the team decided. Actions go on the Follow-up page, linked to this meeting.",
        )
        _problem(problems, "decisions")
        replace = st.checkbox(
            "Update the meeting already recorded for this date",
            key=f"{prefix}_replace",
            value=False,
        )
        _problem(problems, "held_on")
        if st.form_submit_button("Save the meeting", type="primary"):
            entry = MeetingEntry(
                held_on=day,
                attended=frozenset(member for member, ticked in ticks.items() if ticked),
                facilitator_id=facilitator,
                minute_taker_id=minute_taker,
                decisions=decisions,
            )
            try:
                with session_scope() as session:
                    meeting_id = record_meeting(
                        session, entry=entry, editor=editor, today=date.today(), replace=replace
                    )
            except MeetingInvalid as invalid:
                st.session_state[f"{prefix}_problems"] = invalid.problems
                st.rerun()
            except MeetingForbidden as forbidden:
                st.session_state[f"{prefix}_problems"] = {"held_on": str(forbidden)}
                st.rerun()
            st.session_state.pop(f"{prefix}_problems", None)
            st.session_state[f"{prefix}_flash"] = (
                f"Saved the meeting of {day:%-d %B %Y} (meeting {meeting_id}): "
                f"{len(entry.attended)} of {len(members)} members attended."
            )
            st.rerun()
    if problems:
        st.error("The meeting was not saved: see the fields marked above.", icon=":material/error:")


def _problem(problems: dict[str, str], name: str) -> None:
    if name in problems:
        st.error(plain(problems[name]), icon=":material/error:")
