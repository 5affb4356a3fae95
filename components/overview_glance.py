"""The Overview's district at a glance: buildings, enrollment and staff in a chosen school year,
enrollment by building (or by school level when there are too many buildings for one bar each), and
how current each data source is."""

from __future__ import annotations

from typing import Any

import pandas as pd
import plotly.graph_objects as go
import streamlit as st

from components.cache import derive_figure
from components.charts import LEVEL_COLORS, LEVEL_NAMES, horizontal_bar_chart, legend_below
from components.display import show_chart, show_table
from components.meeting_wording import freshness_words
from data_access.meeting.view import OverviewView

MAX_BARS = 40  # more buildings than this and the enrollment chart shows school levels instead


def enrollment_chart(buildings: pd.DataFrame, *, school_year: str) -> go.Figure:
    """Students enrolled by building (get_building_overview rows), or by school level when there
    are more than MAX_BARS buildings: one bar per building stops being readable."""
    if len(buildings) <= MAX_BARS:
        chart_data, label, title = (
            buildings,
            "name",
            f"Students enrolled by building, {school_year}",
        )
    else:
        chart_data = buildings.groupby("level", as_index=False)["enrollment"].sum()
        chart_data["label"] = chart_data["level"].map(LEVEL_NAMES)
        label, title = "label", f"Students enrolled by school level, {school_year}"
    return legend_below(
        horizontal_bar_chart(
            chart_data,
            x="enrollment",
            y=label,
            color="level",
            title=title,
            x_title="Students enrolled",
            color_map=LEVEL_COLORS,
            color_names=LEVEL_NAMES,
        ),
        lines=chart_data["level"].nunique(),
    )


def glance_chart(view: OverviewView, *, school_year: str, **_filters: Any) -> go.Figure:
    return enrollment_chart(view.glance[school_year].buildings, school_year=school_year)


def show_district_glance(view: OverviewView, **filters: Any) -> None:
    """The section, with its school-year picker (the view holds every school year's figures).
    `filters` are what the view was loaded with: with them the chart is built once per data version
    and school year, not on every rerun."""
    st.subheader("The district at a glance")
    school_year = st.selectbox(
        "School year",
        view.summary.school_years,
        index=0,
        key="overview_school_year",
        help="Enrollment and staffing are counted for this school year.",
    )
    glance = view.glance[school_year]
    # District roll-ups for everyone; building rows only for the buildings in scope.
    district, buildings = glance.district, glance.buildings
    enrolled = int(district["enrollment"].sum())

    first, second, third, fourth = st.columns(4)
    first.metric("Buildings", f"{len(district):,}")
    second.metric(f"Students enrolled, {school_year}", f"{enrolled:,}")
    third.metric(
        f"Support staff, {school_year}",
        f"{district['support_staff_fte'].sum():,.1f} FTE",
        help="Counselors, psychologists, social workers, nurses, intervention and behavior "
        "specialists and safeguarding leads, in full-time equivalents.",
    )
    fourth.metric(
        f"Staff assigned, {school_year}",
        f"{glance.staff_count:,}",
        help="Everyone with a staff assignment to a building this school year, support staff "
        "included.",
    )

    if not buildings.empty:
        # The table gets the wider share: at 1280 px its four columns need about 480 px.
        chart_column, table_column = st.columns([2, 3], gap="large")
        with chart_column:
            show_chart(
                derive_figure(glance_chart, view, school_year=school_year, **filters)
                if filters
                else enrollment_chart(buildings, school_year=school_year)
            )
        with table_column:
            table = buildings.assign(level=buildings["level"].map(LEVEL_NAMES)).rename(
                columns={
                    "name": "Building",
                    "level": "Level",
                    "enrollment": "Students",
                    "support_staff_fte": "Support staff (FTE)",
                }
            )
            show_table(
                table[["Building", "Level", "Students", "Support staff (FTE)"]],
                column_config={
                    "Students": st.column_config.NumberColumn(format="localized"),
                    "Support staff (FTE)": st.column_config.NumberColumn(format="%.1f"),
                },
            )

    freshness_column, _ = st.columns([1, 1], gap="large")
    with freshness_column:
        st.markdown("**How current is the data?**")
        st.caption(
            "The latest school year or date each source covers, and how many records it holds."
        )
        show_table(
            freshness_words(view.freshness).rename(
                columns={"source": "Source", "latest": "Latest", "rows": "Records"}
            ),
            column_config={"Records": st.column_config.NumberColumn(format="localized")},
        )
