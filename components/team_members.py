"""The Leadership team page's "who is at the table": the headline counts, members by category (chart
and table) and, for district admins and leaders, the form that adds or changes a member."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from components.cache import load
from components.display import WRAPPED_ROW_HEIGHT, show_chart, show_table
from components.team_charts import category_chart
from components.text import plain
from data_access.db import session_scope
from data_access.labels import LEADERSHIP_GUIDANCE
from data_access.team.queries import list_all_members
from data_access.team.rules import TEAM_CATEGORY_LABELS
from data_access.team.view import TeamView
from data_access.team.writes import (
    MeetingForbidden,
    MeetingInvalid,
    MemberEntry,
    get_member_entry,
    save_team_member,
)
from data_access.users.access import UserAccess


def show_who_is_at_the_table(view: TeamView) -> None:
    """Members, categories represented and the self-reported counts; who is missing; the members by
    category (role titles only for people who see every building)."""
    members, composition, missing = view.members, view.composition, view.missing
    marginalized = view.marginalized
    st.subheader(f"Who is at the table on {view.as_of:%-d %B %Y}")
    first, second, third = st.columns(3)
    first.metric("Members", f"{len(members):,}", border=True)
    second.metric(
        "Categories represented",
        f"{len(composition) - len(missing)} of {len(composition)}",
        help="Administrators, educators, families and learners, community members, pupil service "
        f"providers and the school board (the {LEADERSHIP_GUIDANCE}).",
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
            f"**Missing from the team: {', '.join(missing).lower()}.** "
            f"The {LEADERSHIP_GUIDANCE} asks for administrators, educators, families and "
            "learners, community members, pupil service "
            "providers and school board members, deliberately including groups historically "
            "marginalised by schools.",
            icon=":material/group_off:",
        )
    st.caption(
        f"Historically marginalised groups (self-reported, optional): {marginalized.yes:,} members "
        f"say yes, {marginalized.no:,} say no, {marginalized.not_said:,} have not said."
    )

    chart_column, table_column = st.columns([2, 3], gap="large")
    with chart_column:
        show_chart(
            category_chart(composition, title=f"Members by category, {view.as_of:%-d %b %Y}"),
            key="team_category_chart",
        )
    with table_column:
        rows = []
        for category, label in TEAM_CATEGORY_LABELS.items():
            here = members[members["category"] == category]
            if here.empty:
                rows.append((label, "nobody: missing", ""))
            for row in here.itertuples():
                rows.append((label, row.name, (row.role_title or "") if view.sees_district else ""))
        show_table(
            pd.DataFrame(rows, columns=["Category", "Member", "Role"]),
            row_height=WRAPPED_ROW_HEIGHT,  # a role and its organisation on two lines
        )


def member_form(*, editor: UserAccess) -> None:
    """Add a member or change one (picked from everyone ever on the team); problems show beside
    their field and nothing is stored until every one is fixed."""
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
        role_title = left.text_input("Role", value=current.role_title, key=f"member_role_{picked}")
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
                    saved = save_team_member(session, entry=entry, editor=editor)
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
