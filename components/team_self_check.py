"""The Leadership team page's shared-leadership self-check: the score over time, the latest
administration item by item, and, for district admins and leaders, the form that enters one."""

from __future__ import annotations

from datetime import date

import pandas as pd
import streamlit as st

from components.display import THREE_LINE_ROW_HEIGHT, show_chart, show_table
from components.fidelity_charts import item_scores_chart, trend_chart
from components.text import plain
from data_access.db import session_scope
from data_access.labels import LEADERSHIP_GUIDANCE
from data_access.team.view import TeamView
from data_access.team.writes import (
    MeetingForbidden,
    MeetingInvalid,
    SelfCheckEntry,
    save_self_check,
)
from data_access.users.access import UserAccess


def show_self_check(view: TeamView) -> None:
    st.subheader("Shared leadership: the team's self-check")
    scores = view.self_check_scores
    if scores.empty:
        st.info(
            "The team has not taken the shared-leadership self-check yet: eight indicators "
            "of strong shared leadership, each rated 0 (not in place), 1 (partly) or 2 (fully); the "
            "criterion is 80% of the points.",
            icon=":material/checklist:",
        )
        return
    criterion = float(scores["criterion_pct"].iloc[-1])
    complete = scores[scores["complete"].astype(bool)]
    latest = scores.iloc[-1]
    st.caption(
        "Eight indicators of strong shared leadership ("
        f"the {LEADERSHIP_GUIDANCE}), "
        f"each rated 0 (not in place), 1 (partly) or 2 (fully). Criterion {criterion:g}% of the "
        "points. A self-check with an item left blank is incomplete and shows no percent."
    )
    chart_column, table_column = st.columns([1, 1], gap="large")
    with chart_column:
        show_chart(
            trend_chart(
                scores.assign(building_id="team"),
                x="administered_on",
                y="percent",
                color="scale",
                criteria={str(latest["scale"]): criterion},
                title="The team's shared-leadership score over time",
            ),
            key="team_self_check_trend",
        )
    with table_column:
        show_table(
            pd.DataFrame(
                {
                    "Taken": [f"{d:%-d %b %Y}" for d in scores["administered_on"]],
                    "Points": [
                        f"{p} of {q}"
                        for p, q in zip(scores["points"], scores["possible"], strict=True)
                    ],
                    "Percent": [
                        "incomplete" if pd.isna(p) else f"{p:.0f}%" for p in scores["percent"]
                    ],
                    "At criterion": [
                        "–" if pd.isna(m) else ("yes" if m else "no")
                        for m in scores["meets_criterion"]
                    ],
                }
            ).iloc[::-1],
            max_rows=10,
        )
    items = view.self_check_items
    # The bars carry the item's number (its words would be cut on any screen narrower than a
    # projector); the table beside gives each number its indicator, wrapped onto three lines.
    chart_column, table_column = st.columns([2, 3], gap="large")
    with chart_column:
        show_chart(
            item_scores_chart(
                items,
                label="item_id",
                score="score",
                max_score="max_score",
                title=f"Item by item, {latest['administered_on']:%-d %b %Y}: lowest first",
            ),
            key="team_self_check_items",
        )
    with table_column:
        show_table(
            pd.DataFrame(
                {
                    "Item": items["item_id"],
                    "Indicator": items["item_title"],
                    "Score": [
                        "not scored" if pd.isna(s) else f"{s} of {m}"
                        for s, m in zip(items["score"], items["max_score"], strict=True)
                    ],
                }
            ),
            row_height=THREE_LINE_ROW_HEIGHT,
        )
    if not complete.empty:
        st.caption(
            f"Pick one to three of the lowest indicators to plan on. Latest complete: "
            f"{complete['percent'].iloc[-1]:.0f}% on {complete['administered_on'].iloc[-1]:%-d %b %Y}."
        )


def self_check_form(view: TeamView, *, editor: UserAccess) -> None:
    """Enter one administration of the self-check (every item of the instrument, blank allowed);
    problems show beside their item and nothing is stored until every one is fixed."""
    if flash := st.session_state.pop("self_check_flash", None):
        st.success(flash, icon=":material/check_circle:")
    problems: dict[str, str] = st.session_state.get("self_check_problems", {})
    with st.form("self_check_form"):
        day = st.date_input(
            "Date the team took it", value=view.as_of, key="self_check_day", format="YYYY-MM-DD"
        )
        if "administered_on" in problems:
            st.error(plain(problems["administered_on"]), icon=":material/error:")
        entered = {}
        for row in view.self_check_definition.itertuples():
            entered[row.item_id] = st.selectbox(
                f"{plain(row.item_id)} {plain(row.item_title)}",
                [None, *range(int(row.max_score) + 1)],
                format_func=lambda s: "not scored" if s is None else str(s),
                key=f"self_check_{row.item_id}",
            )
            if row.item_id in problems:
                st.error(plain(problems[row.item_id]), icon=":material/error:")
        if "scores" in problems:
            st.error(plain(problems["scores"]), icon=":material/error:")
        replace = st.checkbox(
            "Replace it if that date is already recorded", key="self_check_replace"
        )
        if st.form_submit_button("Save the self-check", type="primary"):
            try:
                with session_scope() as session:
                    scored = save_self_check(
                        session,
                        entry=SelfCheckEntry(administered_on=day, scores=entered),
                        editor=editor,
                        today=date.today(),
                        replace=replace,
                    )
            except (MeetingInvalid, MeetingForbidden) as problem:
                st.session_state["self_check_problems"] = getattr(
                    problem, "problems", {"administered_on": str(problem)}
                )
                st.rerun()
            st.session_state.pop("self_check_problems", None)
            st.session_state["self_check_flash"] = (
                f"Saved the self-check of {day:%-d %B %Y} ({scored} items scored)."
            )
            st.rerun()
