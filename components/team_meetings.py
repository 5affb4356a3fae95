"""The Leadership team page's meetings: how many this school year, attendance and gaps, the
attendance chart, the table of meetings with their flags, and one meeting's decisions and absences."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from components.cache import load
from components.display import show_chart, show_table
from components.meeting_charts import attendance_chart
from components.text import plain
from data_access.team.queries import get_meeting_attendance
from data_access.team.rules import CADENCE_DAYS, HEALTHY_ATTENDANCE
from data_access.team.view import TeamView


def flags_of(row) -> str:
    """What is wrong with one meeting (a row of `meeting_health`), in words; empty when nothing."""
    found = []
    if row.low_attendance:
        found.append(f"attendance below {HEALTHY_ATTENDANCE:.0%}")
    if row.long_gap:
        found.append(f"{row.days_since_previous} days since the one before")
    return "; ".join(found)


def show_meetings(view: TeamView) -> None:
    st.subheader("Meetings")
    meetings, as_of = view.meetings, view.as_of
    if meetings.empty:
        st.info("No meetings are recorded yet.", icon=":material/event_busy:")
        return
    shown_year, year = view.shown_year, view.year_meetings
    last = meetings.iloc[-1]
    first, second, third, fourth = st.columns(4)
    first.metric(f"Meetings in {shown_year}", f"{len(year):,}", border=True)
    second.metric(
        "Average attendance",
        f"{year['attendance_share'].mean():.0%}",
        help=f"Members present of members on the team, per meeting in {shown_year}.",
        border=True,
    )
    third.metric(
        f"Below {HEALTHY_ATTENDANCE:.0%} attendance",
        f"{int(year['low_attendance'].sum()):,}",
        help="A team-initiated problem-solving meeting is healthy when at least 75% of members "
        "attend.",
        border=True,
    )
    longest = year["days_since_previous"].max()
    fourth.metric(
        "Longest gap",
        f"{int(longest)} days" if pd.notna(longest) else "–",
        help=f"Inside {shown_year}; the team meets monthly, so more than {CADENCE_DAYS} days is "
        "flagged. The summer break is not counted.",
        border=True,
    )
    since_last = (as_of - last["held_on"]).days
    if since_last > CADENCE_DAYS and as_of.month not in (6, 7, 8):
        st.warning(
            f"{since_last} days since the last meeting ({last['held_on']:%-d %B %Y}): the team "
            "meets monthly.",
            icon=":material/event_busy:",
        )
    recent = meetings.tail(18)
    show_chart(
        attendance_chart(
            recent,
            x="held_on",
            share="attendance_share",
            low="low_attendance",
            healthy=HEALTHY_ATTENDANCE,
            title=f"Attendance at the last {len(recent)} meetings (dashed: "
            f"{HEALTHY_ATTENDANCE:.0%}, healthy)",
        ),
        key="team_attendance_chart",
    )
    table = meetings.sort_values("held_on", ascending=False)
    show_table(
        pd.DataFrame(
            {
                "Date": [f"{d:%-d %b %Y}" for d in table["held_on"]],
                "Attended": [
                    f"{a} of {m} ({s:.0%})" if m else "not recorded"
                    for a, m, s in zip(
                        table["attended"],
                        table["members"],
                        table["attendance_share"],
                        strict=True,
                    )
                ],
                "Days since previous": [
                    "first of the year" if pd.isna(d) else f"{d}"
                    for d in table["days_since_previous"]
                ],
                "Flag": [flags_of(row) for row in table.itertuples()],
                "Facilitator": table["facilitator"].fillna("–"),
                "Minute taker": table["minute_taker"].fillna("–"),
                "Actions (open)": [
                    f"{d} ({o})"
                    for d, o in zip(table["actions_decided"], table["actions_open"], strict=True)
                ],
            }
        ),
        max_rows=12,
        column_config={
            "Actions (open)": st.column_config.TextColumn(
                help="Follow-up actions the meeting decided, and how many of them are still open."
            )
        },
    )
    st.caption(
        f"Flagged: attendance below {HEALTHY_ATTENDANCE:.0%}, or more than {CADENCE_DAYS} days "
        "since the previous meeting of the same school year."
    )
    show_one_meeting(view)


def show_one_meeting(view: TeamView) -> None:
    """A picked meeting's decisions (for people who see every building: minutes can quote any
    building's figures) and who was absent."""
    meetings = view.meetings
    ids = list(meetings.sort_values("held_on", ascending=False)["meeting_id"])
    dates = dict(zip(meetings["meeting_id"], meetings["held_on"], strict=True))
    chosen = st.selectbox(
        "Read a meeting's decisions and attendance",
        ids,
        format_func=lambda m: f"{dates[m]:%-d %B %Y}",
        key="team_meeting_pick",
    )
    record = meetings[meetings["meeting_id"] == chosen].iloc[0]
    st.markdown(
        f"**Decisions, {record['held_on']:%-d %B %Y}:** "
        + (plain(record["decisions"]) or "(none recorded)")
        if view.sees_district
        else f"**Decisions, {record['held_on']:%-d %B %Y}:** shown to district leaders (minutes can "
        "quote any building's figures)."
    )
    attendance = load(get_meeting_attendance, meeting_id=int(chosen))
    absent = attendance.loc[~attendance["attended"].astype(bool), "name"].tolist()
    st.caption(
        f"Facilitator {plain(record['facilitator']) or '–'}, minutes by "
        f"{plain(record['minute_taker']) or '–'}. "
        + (f"Absent: {plain(', '.join(absent))}." if absent else "Everyone on the team attended.")
    )
