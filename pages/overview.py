"""Overview: the district at a glance, straight from the store."""

import streamlit as st

from components.cache import load
from components.charts import LEVEL_COLORS, LEVEL_NAMES, horizontal_bar_chart
from components.display import show_chart, show_table
from components.page import current_scope, page_setup
from data_access.overview import (
    get_building_overview,
    get_data_freshness,
    get_district_summary,
    get_staff_count,
)
from data_access.scope import DISTRICT

MAX_BARS = 40  # more buildings than this and the chart shows school levels instead

status = page_setup("District overview")
summary = load(get_district_summary)

if not summary.school_years:
    st.warning(
        "The store holds no students yet, so there is nothing to show. Load your district's files "
        "(see the README's *Loading your own data*), or try the demo: `python -m data_access demo`.",
        icon=":material/inbox:",
    )
    st.stop()

school_year = st.selectbox(
    "School year",
    summary.school_years,
    index=0,
    key="overview_school_year",
    help="Enrollment and staffing are counted for this school year.",
)
# Headline figures are district roll-ups, for everyone; building rows only for the buildings in scope.
district = load(get_building_overview, school_year=school_year, scope=DISTRICT)
scope = current_scope()
buildings = load(get_building_overview, school_year=school_year, scope=scope)
enrolled = int(district["enrollment"].sum())

first, second, third, fourth = st.columns(4)
first.metric("Buildings", f"{len(district):,}")
second.metric(f"Students enrolled, {school_year}", f"{enrolled:,}")
third.metric(
    f"Support staff, {school_year}",
    f"{district['support_staff_fte'].sum():,.1f} FTE",
    help="Counselors, psychologists, social workers, nurses, intervention and behavior specialists "
    "and safeguarding leads, in full-time equivalents.",
)
fourth.metric(
    f"Staff assigned, {school_year}",
    f"{load(get_staff_count, school_year=school_year):,}",
    help="Everyone with a staff assignment to a building this school year, support staff included.",
)

if buildings.empty:
    st.info(
        "Building-by-building figures are for district leaders and each building's principal and "
        "coaches; your view shows the district as a whole.",
        icon=":material/visibility_off:",
    )
    st.stop()
chart_column, table_column = st.columns([1, 1], gap="large")
with chart_column:
    if len(buildings) <= MAX_BARS:
        chart_data, label, title = (
            buildings,
            "name",
            f"Students enrolled by building, {school_year}",
        )
    else:  # one bar per building stops being readable; show the levels instead
        chart_data = buildings.groupby("level", as_index=False)["enrollment"].sum()
        chart_data["label"] = chart_data["level"].map(LEVEL_NAMES)
        label, title = "label", f"Students enrolled by school level, {school_year}"
    figure = horizontal_bar_chart(
        chart_data,
        x="enrollment",
        y=label,
        color="level",
        title=title,
        x_title="Students enrolled",
        color_map=LEVEL_COLORS,
        color_names=LEVEL_NAMES,
    )
    show_chart(figure)
with table_column:
    st.subheader("Buildings")
    table = buildings.assign(level=buildings["level"].map(LEVEL_NAMES)).rename(
        columns={
            "name": "Building",
            "level": "Level",
            "enrollment": "Students",
            "support_staff_fte": "Support staff (FTE)",
            "building_id": "ID",
        }
    )
    show_table(
        table[["ID", "Building", "Level", "Students", "Support staff (FTE)"]],
        column_config={
            "ID": st.column_config.TextColumn(width="small"),
            "Students": st.column_config.NumberColumn(format="localized"),
            "Support staff (FTE)": st.column_config.NumberColumn(format="%.1f"),
        },
    )

freshness_column, _ = st.columns([1, 1], gap="large")
with freshness_column:
    st.subheader("How current is the data?")
    st.caption("The latest school year or date each source covers, and how many records it holds.")
    freshness = load(get_data_freshness, as_of=status.as_of)
    show_table(
        freshness.rename(columns={"source": "Source", "latest": "Latest", "rows": "Records"}),
        column_config={"Records": st.column_config.NumberColumn(format="localized")},
    )
