"""The Overview's headline figures (each with its change since the last meeting, blue when better and
orange when worse) and the warning when the leadership team misses a seat."""

from __future__ import annotations

import streamlit as st

from components.meeting_presentation import WRAP_METRICS_CSS
from components.meeting_wording import (
    headline_change,
    headline_detail,
    headline_label,
    headline_since,
    headline_since_short,
    headline_value,
    headline_whose,
    since,
)
from components.text import plain
from data_access.labels import LEADERSHIP_GUIDANCE
from data_access.meeting.rules import Headlines
from data_access.meeting.view import MeetingPicture

VERDICT_COLORS = {"better": "blue", "worse": "orange"}


def show_headlines(headlines: Headlines) -> None:
    comparison = headlines.comparison
    st.html(WRAP_METRICS_CSS)
    whose, more = headline_whose(headlines)
    st.markdown(f"**{plain(whose)}**{more}")
    for column, item in zip(st.columns(len(headlines.items)), headlines.items, strict=True):
        verdict = item.verdict
        change = headline_change(item)
        item_since = headline_since(item, comparison)
        # Equity compares with last school year: "+1 vs 2024-25", short enough to show.
        if change and item_since != since(comparison):
            short = headline_since_short(item, comparison)
            change = f"{change.split()[0]} vs {short.removeprefix('since ')}"
        # The line above says since when; a second line of small print would be cut short.
        column.metric(
            headline_label(item, headlines),
            headline_value(item),
            delta=0 if verdict == "same" else change,
            delta_color=VERDICT_COLORS.get(verdict or "", "off"),
            help=plain(
                f"{whose}. {headline_detail(item, headlines)} Blue: better {item_since}; "
                "orange: worse."
            ),
            border=True,
        )


def show_team_warning(picture: MeetingPicture) -> None:
    """Say so when nobody is on the leadership team, or a category has nobody."""
    if picture.team_members == 0:
        st.warning(
            "**No leadership team members are recorded.** Add them on the Leadership team page: "
            f"the {LEADERSHIP_GUIDANCE} asks for administrators, educators, families and learners, "
            "community members, pupil service providers and the school board at the table.",
            icon=":material/group_off:",
        )
    elif picture.team_missing:
        missing = ", ".join(picture.team_missing).lower()
        st.warning(
            f"**The leadership team has no member from {missing}.** "
            f"The {LEADERSHIP_GUIDANCE} asks for administrators, educators, families and "
            "learners, community members, pupil service "
            "providers and the school board at the table.",
            icon=":material/group_off:",
        )
