"""Leadership team: who sits at the district's MTSS table (and who is missing), how often the team
meets and who attends, the team's own shared-leadership self-check, and recording a meeting."""

from __future__ import annotations

from datetime import date

import pandas as pd
import plotly.graph_objects as go
import streamlit as st

from components.cache import load
from components.charts import PALETTE, base_layout
from components.display import show_chart, show_table
from components.fidelity_charts import item_scores_chart, trend_chart
from components.meeting_charts import attendance_chart
from components.meeting_form import meeting_form
from components.page import current_scope, current_user, page_setup
from components.text import plain
from data_access.db import session_scope
from data_access.fidelity import get_instrument_items
from data_access.imports_common import school_year_of
from data_access.staff_support.queries import default_as_of
from data_access.team import (
    CADENCE_DAYS,
    HEALTHY_ATTENDANCE,
    SELF_CHECK_INSTRUMENT,
    TEAM_CATEGORY_LABELS,
    MeetingForbidden,
    MeetingInvalid,
    MemberEntry,
    SelfCheckEntry,
    count_by_category,
    get_marginalized_counts,
    get_meeting_attendance,
    get_member_entry,
    get_self_check_items,
    get_self_check_scores,
    get_team_members,
    list_all_members,
    list_meetings,
    meeting_health,
    missing_categories,
    save_self_check,
    save_team_member,
)

status = page_setup(
    "Leadership team",
    caption="Who sits at the district's MTSS leadership table and who is missing, how often the "
    "team meets and who comes, and how it rates its own shared leadership.",
)
as_of = default_as_of(status)
user = current_user()
may_record = user is not None and user.role in ("district_admin", "district_leader")
# Role titles and minutes can name a building and quote its figures ("At Franklin Middle, Black
# students were 3.1 times as likely..."): they are for people who see every building.
sees_district = current_scope().is_district

# --- Who is at the table ---------------------------------------------------------------------------
members = load(get_team_members, on=as_of)
composition = count_by_category(members)
missing = missing_categories(composition)
marginalized = load(get_marginalized_counts, on=as_of)

st.subheader(f"Who is at the table on {as_of:%-d %B %Y}")
first, second, third = st.columns(3)
first.metric("Members", f"{len(members):,}", border=True)
second.metric(
    "Categories represented",
    f"{len(composition) - len(missing)} of {len(composition)}",
    help="Administrators, educators, families and learners, community members, pupil service "
    "providers and the school board (seed 002).",
    border=True,
)
third.metric(
    "From a historically marginalised group",
    f"{marginalized.yes:,} of {marginalized.members:,}",
    help="Self-reported and optional; never shown by name.",
    border=True,
)
if missing:
    st.warning(
        f"**Missing from the team: {', '.join(missing).lower()}.** Seed 002 asks for "
        "administrators, educators, families and learners, community members, pupil service "
        "providers and school board members, deliberately including groups historically "
        "marginalised by schools.",
        icon=":material/group_off:",
    )
st.caption(
    f"Historically marginalised groups (self-reported, optional): {marginalized.yes:,} members "
    f"say yes, {marginalized.no:,} say no, {marginalized.not_said:,} have not said."
)


def category_chart(data: pd.DataFrame) -> go.Figure:
    """Members per category, every category shown; an empty one says so in vermillion."""
    figure = go.Figure(
        go.Bar(
            x=data["members"],
            y=data["label"],
            orientation="h",
            marker_color=[PALETTE[0] if n else "#D55E00" for n in data["members"]],
            text=[f"{n}" if n else "<b>none: missing</b>" for n in data["members"]],
            textposition="outside",
            textfont={"color": ["#222222" if n else "#D55E00" for n in data["members"]]},
            cliponaxis=False,
            hovertemplate="%{y}: %{x}<extra></extra>",
        )
    )
    figure.update_yaxes(autorange="reversed")
    top = int(data["members"].max()) if len(data) else 1
    figure.update_xaxes(title_text="Members", range=[0, top + 2.5], dtick=1)
    return base_layout(figure, title=f"Members by category, {as_of:%-d %b %Y}", height=400)


chart_column, table_column = st.columns([2, 3], gap="large")
with chart_column:
    show_chart(category_chart(composition), key="team_category_chart")
with table_column:
    rows = []
    for category, label in TEAM_CATEGORY_LABELS.items():
        here = members[members["category"] == category]
        if here.empty:
            rows.append((label, "nobody: missing", ""))
        for row in here.itertuples():
            rows.append((label, row.name, (row.role_title or "") if sees_district else ""))
    show_table(
        pd.DataFrame(rows, columns=["Category", "Member", "Role"]),
        column_config={"Role": st.column_config.TextColumn(width="large")},
    )

if may_record:
    with st.expander("Add or change a member", icon=":material/person_add:"):
        if flash := st.session_state.pop("member_flash", None):
            st.success(flash, icon=":material/check_circle:")
        member_problems: dict[str, str] = st.session_state.get("member_problems", {})
        everyone = load(list_all_members)
        member_names = dict(zip(everyone["member_id"], everyone["name"], strict=True))
        picked = st.selectbox(
            "Member",
            [None, *everyone["member_id"]],
            format_func=lambda m: "A new member" if m is None else member_names[m],
            key="member_pick",
        )
        current = (
            load(get_member_entry, member_id=int(picked)) if picked is not None else None
        ) or MemberEntry(name="", category="educator")
        answers = {"Yes": True, "No": False, "Prefers not to say": None}
        with st.form(f"member_form_{picked}"):
            left, right = st.columns(2)
            name = left.text_input(
                "Name", value=current.name, max_chars=200, key=f"member_name_{picked}"
            )
            if "name" in member_problems:
                left.error(plain(member_problems["name"]), icon=":material/error:")
            category = right.selectbox(
                "Category",
                list(TEAM_CATEGORY_LABELS),
                index=list(TEAM_CATEGORY_LABELS).index(current.category),
                format_func=TEAM_CATEGORY_LABELS.get,
                key=f"member_category_{picked}",
            )
            role_title = left.text_input(
                "Role", value=current.role_title, key=f"member_role_{picked}"
            )
            email = right.text_input(
                "Email (optional)", value=current.email, key=f"member_email_{picked}"
            )
            if "email" in member_problems:
                right.error(plain(member_problems["email"]), icon=":material/error:")
            answer = left.radio(
                "From a group historically marginalised by schools? (self-reported)",
                list(answers),
                index=list(answers.values()).index(current.from_marginalized_group),
                horizontal=True,
                key=f"member_marginalized_{picked}",
                help="Optional: ask the member; only counts are ever shown.",
            )
            joined_on = right.date_input(
                "Joined on",
                value=current.joined_on,
                key=f"member_joined_{picked}",
                format="YYYY-MM-DD",
            )
            left_on = right.date_input(
                "Left on (blank while on the team)",
                value=current.left_on,
                key=f"member_left_{picked}",
                format="YYYY-MM-DD",
            )
            if "left_on" in member_problems:
                right.error(plain(member_problems["left_on"]), icon=":material/error:")
            if st.form_submit_button("Save the member", type="primary"):
                entry = MemberEntry(
                    member_id=None if picked is None else int(picked),
                    name=name,
                    category=category,
                    role_title=role_title,
                    email=email,
                    from_marginalized_group=answers[answer],
                    joined_on=joined_on,
                    left_on=left_on,
                )
                try:
                    with session_scope() as session:
                        saved = save_team_member(session, entry=entry, editor=user)
                except (MeetingInvalid, MeetingForbidden) as problem:
                    st.session_state["member_problems"] = getattr(
                        problem, "problems", {"name": str(problem)}
                    )
                    st.rerun()
                st.session_state.pop("member_problems", None)
                st.session_state["member_flash"] = (
                    f"Saved {plain(entry.name.strip())} (member {saved})."
                )
                st.rerun()

# --- Meetings ------------------------------------------------------------------------------------
st.subheader("Meetings")
meetings = meeting_health(load(list_meetings, until=as_of))
if meetings.empty:
    st.info("No meetings are recorded yet.", icon=":material/event_busy:")
else:
    this_year = school_year_of(as_of)
    year = meetings[meetings["school_year"] == this_year]
    shown_year = this_year if len(year) else meetings["school_year"].iloc[-1]
    year = meetings[meetings["school_year"] == shown_year]
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

    def flags_of(row) -> str:
        found = []
        if row.low_attendance:
            found.append(f"attendance below {HEALTHY_ATTENDANCE:.0%}")
        if row.long_gap:
            found.append(f"{row.days_since_previous} days since the one before")
        return "; ".join(found)

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
                "Actions decided (open)": [
                    f"{d} ({o})"
                    for d, o in zip(table["actions_decided"], table["actions_open"], strict=True)
                ],
            }
        ),
        max_rows=12,
        column_config={"Flag": st.column_config.TextColumn(width="medium")},
    )
    st.caption(
        f"Flagged: attendance below {HEALTHY_ATTENDANCE:.0%}, or more than {CADENCE_DAYS} days "
        "since the previous meeting of the same school year."
    )
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
        if sees_district
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

if may_record:
    with st.expander("Record a meeting", icon=":material/edit_note:"):
        meeting_form(prefix="team_record", default_day=as_of, editor=user)

# --- The team's self-check ---------------------------------------------------------------------
st.subheader("Shared leadership: the team's self-check")
scores = load(get_self_check_scores)
if scores.empty:
    st.info(
        f"The team has not taken the {SELF_CHECK_INSTRUMENT} self-check yet: eight indicators of "
        "strong shared leadership, each rated 0 (not in place), 1 (partly) or 2 (fully); the "
        "criterion is 80% of the points.",
        icon=":material/checklist:",
    )
else:
    criterion = float(scores["criterion_pct"].iloc[-1])
    complete = scores[scores["complete"].astype(bool)]
    latest = scores.iloc[-1]
    st.caption(
        f"{SELF_CHECK_INSTRUMENT}: the eight indicators of strong shared leadership (seed 002), "
        f"each rated 0 (not in place), 1 (partly) or 2 (fully). Criterion {criterion:g}% of the "
        "points. A self-check with an item left blank is incomplete and shows no percent."
    )
    chart_column, table_column = st.columns([3, 2], gap="large")
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
    items = load(get_self_check_items, administered_on=latest["administered_on"])
    items = items.assign(
        label=[
            f"{i} {t[:60]}…" if len(t) > 60 else f"{i} {t}"
            for i, t in zip(items["item_id"], items["item_title"], strict=True)
        ]
    )
    chart_column, table_column = st.columns([3, 2], gap="large")
    with chart_column:
        show_chart(
            item_scores_chart(
                items,
                label="label",
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
            column_config={"Indicator": st.column_config.TextColumn(width="large")},
        )
    if not complete.empty:
        st.caption(
            f"Pick one to three of the lowest indicators to plan on. Latest complete: "
            f"{complete['percent'].iloc[-1]:.0f}% on {complete['administered_on'].iloc[-1]:%-d %b %Y}."
        )

if may_record:
    with st.expander("Enter a self-check", icon=":material/checklist:"):
        if flash := st.session_state.pop("self_check_flash", None):
            st.success(flash, icon=":material/check_circle:")
        problems: dict[str, str] = st.session_state.get("self_check_problems", {})
        definition = load(get_instrument_items, instrument=SELF_CHECK_INSTRUMENT)
        with st.form("self_check_form"):
            day = st.date_input(
                "Date the team took it", value=as_of, key="self_check_day", format="YYYY-MM-DD"
            )
            if "administered_on" in problems:
                st.error(plain(problems["administered_on"]), icon=":material/error:")
            entered = {}
            for row in definition.itertuples():
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
                            editor=user,
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
