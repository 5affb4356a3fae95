"""Overview: the district at a glance, straight from the store."""

import streamlit as st

from components.cache import load
from components.charts import LEVEL_COLORS, LEVEL_NAMES, horizontal_bar_chart
from components.page import page_setup
from data_access.overview import get_building_overview, get_data_freshness, get_district_summary

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
buildings = load(get_building_overview, school_year=school_year)
enrolled = int(buildings["enrollment"].sum())

first, second, third, fourth = st.columns(4)
first.metric("Buildings", f"{len(buildings):,}")
second.metric(f"Students enrolled, {school_year}", f"{enrolled:,}")
third.metric(
    f"Support staff, {school_year}",
    f"{buildings['support_staff_fte'].sum():,.1f} FTE",
    help="Counselors, psychologists, social workers, nurses, intervention and behavior specialists "
    "and safeguarding leads, in full-time equivalents.",
)
fourth.metric(
    "Students per support-staff FTE",
    f"{enrolled / buildings['support_staff_fte'].sum():,.0f}"
    if buildings["support_staff_fte"].sum()
    else "none assigned",
)

chart_column, table_column = st.columns([3, 2], gap="large")
with chart_column:
    figure = horizontal_bar_chart(
        buildings,
        x="enrollment",
        y="name",
        color="level",
        title=f"Students enrolled by building, {school_year}",
        x_title="Students enrolled",
        color_map=LEVEL_COLORS,
        color_names=LEVEL_NAMES,
    )
    st.plotly_chart(figure, width="stretch", config={"displaylogo": False})
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
    st.dataframe(
        table[["Building", "Level", "Students", "Support staff (FTE)", "ID"]],
        hide_index=True,
        width="stretch",
        column_config={
            "Students": st.column_config.NumberColumn(format="localized"),
            "Support staff (FTE)": st.column_config.NumberColumn(format="%.1f"),
        },
    )

st.subheader("How current is the data?")
st.caption("The latest school year or date each source covers, and how many records it holds.")
freshness = load(get_data_freshness, as_of=status.as_of)
st.dataframe(
    freshness.rename(columns={"source": "Source", "latest": "Latest", "rows": "Records"}),
    hide_index=True,
    width="content",
    column_config={"Records": st.column_config.NumberColumn(format="localized")},
)
