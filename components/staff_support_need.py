"""The Staff support page's "Where the next hire helps" tab: buildings ranked by need per support FTE,
with why in plain words and the plain ratios beside it, and caseloads per role over the school year
(`data_access.staff_support.resourcing.SupportNeedView`)."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from components.display import show_chart, show_table
from components.staff_support_charts import role_name
from components.staff_support_need_charts import caseload_trend_chart, need_chart
from components.text import plain
from components.words import with_dashes
from data_access.staff_support.need import NO_NEED, NO_STAFF, WITHHELD
from data_access.staff_support.resourcing import SupportNeedView


def why(row: dict, counselor_ratio: int | None) -> str:
    """The reason a building stands where it does, in plain words (no Markdown: a table cell)."""
    reason, need, fte = row["reason"], row["students_needing_support"], row["support_fte"]
    if reason == NO_STAFF:
        return f"No support staff and {int(need):,} students needing support"
    if reason == WITHHELD:
        return "Count withheld to protect students' privacy, so not ranked"
    if reason == NO_NEED:
        return "No students needing support recorded"
    text = (
        f"{row['students_needing_support_per_fte']:,.0f} students needing support per support FTE "
        f"({int(need):,} for {fte:g} FTE)"
    )
    if counselor_ratio and pd.notna(row.get("students_per_counselor")):
        text += (
            f"; {row['students_per_counselor']:,.0f} students per counselor "
            f"(recommended {counselor_ratio:,})"
        )
    elif counselor_ratio:
        text += "; no counselor"
    return text


def need_figure(row: dict, *, ranked: int, district_per_fte: float | None) -> str:
    """A building's need per FTE in one line, for the meeting screen and the Building page: its
    reason, its rank among the district's buildings, and the district's need per FTE."""
    text = why(row, None)
    if pd.notna(row.get("need_rank")):
        text += f" (rank {int(row['need_rank'])} of {ranked:,} for the next support hire"
        text += (
            f"; district {district_per_fte:,.0f} per FTE)"
            if district_per_fte is not None and pd.notna(district_per_fte)
            else ")"
        )
    return text


def district_beside(view: SupportNeedView) -> str:
    """The district's need per FTE, for comparison after a building's reason."""
    district = view.district
    if district is None or pd.isna(district["students_needing_support_per_fte"]):
        return ""
    return f"; the district's is {district['students_needing_support_per_fte']:,.0f} per FTE"


def show_need_tab(view: SupportNeedView, *, district_scope: bool) -> None:
    school_year, buildings = view.school_year, view.buildings
    st.caption(
        f"Students needing support in {school_year}: a Tier 2 or 3 support, chronically absent "
        "(10% or more of enrolled days missed) or below benchmark at their latest screening, "
        "each counted once. Support staff: counselors, psychologists, social workers, nurses, "
        "intervention and behavior specialists, safeguarding leads (full-time equivalents, FTE). "
        "A count of fewer than 10 students, or one that would let such a count be worked out, "
        "is withheld."
    )
    if buildings.empty and view.district is None:
        st.info(
            f"No students or support staff are recorded for {school_year}.", icon=":material/inbox:"
        )
        return
    ranked = buildings[buildings["need_rank"].notna()]
    if not ranked.empty:
        first = ranked.iloc[0].to_dict()
        where = "" if district_scope else " (of your buildings)"
        st.markdown(
            f"#### The next support hire helps most at {plain(first['name'])}{where}\n"
            f"{plain(why(first, view.counselor_ratio))}{district_beside(view)}."
        )
    district = view.district
    if district is not None:
        first_col, second_col, third_col = st.columns(3)
        count = district["students_needing_support"]
        per_fte = district["students_needing_support_per_fte"]
        first_col.metric(
            "Students needing support, district",
            "withheld" if pd.isna(count) else f"{int(count):,} of {int(district['enrolled']):,}",
            help=f"Distinct students in {school_year} with any of the three needs.",
        )
        second_col.metric(
            "Needing support per support FTE",
            "–" if pd.isna(per_fte) else f"{per_fte:,.0f}",
            help="Students needing support divided by the FTE of every support role, district-wide.",
        )
        third_col.metric(
            "Support staff, district",
            f"{district['support_fte']:,.1f} FTE",
            help=f"Support-role assignments in {school_year}, summed.",
        )
    if buildings.empty:
        st.info(
            "None of your buildings has students or support staff this year.",
            icon=":material/inbox:",
        )
        show_caseload_trend(view)
        return
    chart_column, table_column = st.columns([1, 1], gap="large")
    with chart_column:
        show_chart(
            need_chart(buildings, title=f"Need per support FTE, {school_year}"),
            key="need_chart",
        )
    with table_column:
        table = buildings.assign(
            why=[why(row, view.counselor_ratio) for row in buildings.to_dict("records")]
        )
        table = with_dashes(
            table,
            {
                "students_needing_support_per_fte": "{:,.0f}",
                "students_per_support_fte": "{:,.0f}",
                "students_per_counselor": "{:,.0f}",
                "students_needing_support": "{:,.0f}",
                "need_rank": "{:.0f}",
            },
        )
        counselor_heading = (
            f"Students per counselor (recommended {view.counselor_ratio:,})"
            if view.counselor_ratio
            else "Students per counselor"
        )
        show_table(
            table[
                [
                    "need_rank",
                    "name",
                    "enrolled",
                    "students_needing_support",
                    "support_fte",
                    "students_needing_support_per_fte",
                    "students_per_support_fte",
                    "students_per_counselor",
                    "why",
                ]
            ].rename(
                columns={
                    "need_rank": "Rank",
                    "name": "Building",
                    "enrolled": "Students",
                    "students_needing_support": "Needing support",
                    "support_fte": "Support FTE",
                    "students_needing_support_per_fte": "Needing support per FTE",
                    "students_per_support_fte": "Students per support FTE",
                    "students_per_counselor": counselor_heading,
                    "why": "Why",
                }
            ),
            max_rows=15,
            column_config={
                "Support FTE": st.column_config.NumberColumn(format="%.2f"),
                "Students": st.column_config.NumberColumn(format="localized"),
                **{
                    name: st.column_config.NumberColumn(format="%.0f")
                    for name in (
                        "Rank",
                        "Needing support",
                        "Needing support per FTE",
                        "Students per support FTE",
                        counselor_heading,
                    )
                },
            },
            download="support-need",
        )
        st.caption(
            "Rank 1 first: buildings with students needing support and no support staff (most "
            "need first), then the most students needing support per support FTE. A dash: no "
            "staff to divide by, or a withheld count."
        )
    show_caseload_trend(view)


def show_caseload_trend(view: SupportNeedView) -> None:
    trend = view.caseload_trend
    st.subheader(f"Caseloads over {view.school_year}, per role (district)")
    if trend.empty:
        st.info(
            f"No caseload counts are recorded for {view.school_year} up to {view.as_of:%-d %B %Y}.",
            icon=":material/inbox:",
        )
        return
    st.caption(
        "Each support staff member's latest active caseload in the month (summed over their "
        "buildings) per FTE. The line is the role's median; the shaded band holds the middle half "
        "of the role's staff. A band that widens means caseloads are drifting apart."
    )
    chart_column, table_column = st.columns([1, 1], gap="large")
    with chart_column:
        show_chart(
            caseload_trend_chart(
                trend,
                title=f"Active cases per FTE by month, to {view.as_of:%-d %b %Y}",
            ),
            key="caseload_trend_chart",
        )
    with table_column:
        table = trend.assign(
            month=[f"{m:%b %Y}" for m in trend["month"]],
            role=trend["role"].map(role_name),
        )
        show_table(
            table.rename(
                columns={
                    "month": "Month",
                    "role": "Role",
                    "staff": "Staff counted",
                    "median": "Median per FTE",
                    "q1": "Lower quartile",
                    "q3": "Upper quartile",
                    "lowest": "Lowest",
                    "highest": "Highest",
                }
            ),
            max_rows=12,
            column_config={
                name: st.column_config.NumberColumn(format="%.1f")
                for name in (
                    "Median per FTE",
                    "Lower quartile",
                    "Upper quartile",
                    "Lowest",
                    "Highest",
                )
            },
            download="caseloads-by-month",
        )
