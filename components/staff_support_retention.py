"""The Staff support page's "Retention" tab: support-staff turnover by role and school year, this
year's leavers by building and role, and posts left vacant (`RetentionView`)."""

from __future__ import annotations

import streamlit as st

from components.display import show_chart, show_table
from components.staff_support_charts import role_name
from components.staff_support_need_charts import turnover_chart
from components.text import plain
from data_access.staff_support.resourcing import RetentionView


def show_retention_tab(view: RetentionView) -> None:
    school_year, as_of = view.school_year, view.as_of
    st.caption(
        "Turnover: support staff who left in a school year (their end date, up to "
        f"{as_of:%-d %B %Y} this year) as a share of those in post that year (an assignment there, "
        "not gone before it began). Someone working in two buildings counts in each, and once in "
        "the district."
    )
    if view.turnover.empty:
        st.info(
            "No support staff assignments are recorded up to this school year.",
            icon=":material/inbox:",
        )
        return
    vacant = view.vacant
    if vacant.empty:
        st.success(
            f"No post is vacant as of {as_of:%-d %B %Y}: wherever someone left since last "
            "school year, the building is still within the recommended ratio."
        )
    else:
        st.warning(
            f"**{len(vacant):,} posts vacant** as of {as_of:%-d %B %Y}: "
            + "; ".join(
                f"{plain(row.name)}: {role_name(row.role).lower()}, {row.fte_short:g} FTE short"
                for row in vacant.head(5).itertuples()
            )
            + ("; and more (see the table)." if len(vacant) > 5 else "."),
            icon=":material/person_remove:",
        )
    chart_column, table_column = st.columns([1, 1], gap="large")
    with chart_column:
        show_chart(
            turnover_chart(
                view.district_by_year, title="Support-staff turnover by school year (district)"
            ),
            key="turnover_chart",
        )
    with table_column:
        district = view.district_by_year
        show_table(
            district.assign(
                role=district["role"].map(
                    lambda r: "All support roles" if r == "ALL" else role_name(r)
                ),
                turnover=district["turnover"] * 100,
            ).rename(
                columns={
                    "school_year": "School year",
                    "role": "Role",
                    "in_post": "In post",
                    "leavers": "Left",
                    "turnover": "Turnover (%)",
                }
            ),
            max_rows=12,
            column_config={"Turnover (%)": st.column_config.NumberColumn(format="%.0f%%")},
            download="support-staff-turnover",
        )
    st.subheader(f"Leavers by building and role, {school_year}")
    this_year = view.this_year
    show_table(
        this_year.assign(
            role=this_year["role"].map(role_name), turnover=this_year["turnover"] * 100
        )[["name", "role", "in_post", "leavers", "turnover"]].rename(
            columns={
                "name": "Building",
                "role": "Role",
                "in_post": "In post",
                "leavers": "Left",
                "turnover": "Turnover (%)",
            }
        ),
        max_rows=12,
        column_config={"Turnover (%)": st.column_config.NumberColumn(format="%.0f%%")},
        download="support-staff-leavers",
    )
    if not vacant.empty:
        st.subheader(f"Posts vacant as of {as_of:%-d %B %Y}")
        show_table(
            vacant.assign(role=vacant["role"].map(role_name))[
                [
                    "name",
                    "role",
                    "left",
                    "last_left_on",
                    "fte_in_post",
                    "students_per_fte",
                    "recommended_ratio",
                    "fte_short",
                ]
            ].rename(
                columns={
                    "name": "Building",
                    "role": "Role",
                    "left": "Left",
                    "last_left_on": "Last left on",
                    "fte_in_post": "FTE in post now",
                    "students_per_fte": "Students per FTE now",
                    "recommended_ratio": "Recommended",
                    "fte_short": "FTE short of the ratio",
                }
            ),
            max_rows=12,
            column_config={
                "Last left on": st.column_config.DateColumn(format="YYYY-MM-DD"),
                "FTE in post now": st.column_config.NumberColumn(format="%.2f"),
                "Students per FTE now": st.column_config.NumberColumn(format="%.0f"),
                "FTE short of the ratio": st.column_config.NumberColumn(format="%.2f"),
            },
            download="posts-vacant",
        )
        st.caption(
            "A post is vacant where someone in a role with a national ratio left this school "
            "year or last, and those still in post leave the building above the recommended "
            "students per FTE. An empty *Students per FTE now*: nobody left in the role."
        )
